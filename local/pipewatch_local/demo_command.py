"""`pipewatch demo`: the whole pipeline offline on the embedded default.

moto in-process stands in for AWS; template.yaml is translated and created as a stack in moto; recorded
payloads are replayed by a local HTTP server on 127.0.0.1 so the real fetcher and source adapters run;
poll -> store -> stream -> alert runs through the Lambda handlers, called in-process with Lambda-shaped
events; SNS delivers to each example subscriber through its filter policy.

By default it prints an analyst's view (what happened to which drug, who got what, and why) and keeps the
Lambda logs quiet; --verbose adds the engine's figures and the logs (stderr), --json prints everything.
--subscriber adds your own subscriber, to see what it would receive. $PIPEWATCH_WATCHLIST is honoured.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, get_args

if TYPE_CHECKING:
    from pipewatch_local.demo_authorities import AuthorityRun

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
DEFAULT_EVENTS = Path(__file__).resolve().parents[2] / "events"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from pipewatch.domain.models import EventType

    parser.description = __doc__
    parser.formatter_class = _Formatter
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="recorded payloads folder")
    parser.add_argument("--events", type=Path, default=DEFAULT_EVENTS, help="sample Lambda events folder")
    parser.add_argument(
        "--authorities",
        action="store_true",
        help="also run openFDA, Federal Register, Europe PMC and EU CTIS on their recordings, with hand-made "
        "test agents the recordings name (demo_authorities.py)",
    )
    view = parser.add_mutually_exclusive_group()
    view.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    view.add_argument(
        "--verbose", "-v", action="store_true", help="the engine's view (cycles, batches, policies) and logs"
    )
    own = parser.add_argument_group("your own subscriber (see what it would receive)")
    own.add_argument(
        "--subscriber", metavar="ENDPOINT", default=None, help="e-mail address or E.164 phone number (SMS)"
    )
    own.add_argument("--agent", action="append", default=[], help="agent id (repeat; none = any)")
    own.add_argument("--indication", action="append", default=[], help="indication id (repeat; none = any)")
    own.add_argument(
        "--event", action="append", default=[], choices=get_args(EventType), help="event type (repeat)"
    )
    own.add_argument(
        "--min-severity", choices=("low", "medium", "high"), default="low", help="lowest severity"
    )
    own.add_argument("--digest", action="store_true", help="one daily digest instead of instant alerts")
    own.add_argument("--hour", type=int, default=8, help="local hour of the digest (0-23)")
    own.add_argument("--timezone", default="Europe/Brussels", help="IANA time zone of --hour")


class _Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keep the description's layout and show every default."""


def _prepare_environment(verbose: bool) -> None:
    # No AWS account: moto accepts any credentials; nothing here can reach AWS.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
    os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = "us-east-1"
    os.environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] = "disabled"
    # The analyst's view shows failures itself; the Lambda logs (JSON lines) only with --verbose.
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING" if verbose else "CRITICAL"
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("PIPEWATCH_LOG_STDERR", "true")
    os.environ.setdefault("PIPEWATCH_EDGAR_CONTACT", "pipewatch demo demo@example.com")


def run(args: argparse.Namespace) -> int:
    fixtures: Path = args.fixtures
    if not (fixtures / "demo").is_dir():
        print(
            f"pipewatch demo: no recorded payloads at {fixtures} (run it from a clone of the repository)",
            file=sys.stderr,
        )
        return 1
    from pipewatch.settings import Settings
    from pipewatch_local.demo_preflight import DemoRefused, load_watchlist, own_subscriber

    # The user's watchlist and subscriber are checked before anything starts: one line naming their file
    # or option, never a traceback about the run's temporary copy.
    try:
        watchlist = load_watchlist(Settings.from_env().watchlist_override)
        own = own_subscriber(args, watchlist)
    except DemoRefused as exc:
        print(f"pipewatch demo: {exc}", file=sys.stderr)
        return 2
    _prepare_environment(args.verbose)
    import logging
    import warnings

    from moto import mock_aws

    # moto warns about every resource type its CloudFormation skips; the stack test names them instead.
    warnings.filterwarnings("ignore", message="Tried to parse AWS::")
    logging.getLogger("moto").setLevel(logging.ERROR)
    if not args.verbose:
        # Powertools warns when a Lambda invocation published no metric (most demo invocations).
        warnings.filterwarnings("ignore", message="No application metrics to publish")

    from pipewatch.config import resolve_data_path
    from pipewatch_local.demo import DemoRun
    from pipewatch_local.demo_subscribers import SubscriberRefused

    # read before the demo points PIPEWATCH_WATCHLIST at its own temporary copy
    own_watchlist = Settings.from_env().watchlist_override

    with tempfile.TemporaryDirectory(prefix="pipewatch-demo-") as workdir, mock_aws():
        try:
            result = DemoRun(
                fixtures=fixtures,
                events=args.events,
                workdir=Path(workdir),
                extra_subscribers=own,
                watchlist=watchlist,
            ).run()
        except SubscriberRefused as exc:
            print(f"pipewatch demo: subscriber refused: {exc}", file=sys.stderr)
            return 2
    authorities = (
        _authorities(args, resolve_data_path("watchlist.yaml", own_watchlist))
        if getattr(args, "authorities", False)
        else None
    )
    if args.json:
        document = result.as_dict()
        if authorities is not None:
            document["authorities"] = {"updates": authorities.updates, "alerted": sorted(authorities.alerted)}
        print(json.dumps(document, indent=2, default=str))
    else:
        print(result.render() if args.verbose else result.render_analyst())
        if authorities is not None:
            print(authorities.render())
    return 0 if result.ok and (authorities is None or authorities.ok) else 1


def _authorities(args: argparse.Namespace, packaged: Path) -> AuthorityRun:
    """The authorities' kinds on a stack of their own, after the demo (whose output is unchanged)."""
    from moto import mock_aws

    from pipewatch_local.demo_authorities import run_authorities

    with tempfile.TemporaryDirectory(prefix="pipewatch-authorities-") as workdir, mock_aws():
        return run_authorities(args.fixtures, args.events, Path(workdir), packaged)

"""`pipewatch demo`: the whole pipeline offline on the embedded default.

moto in-process stands in for AWS; template.yaml is translated and created as a stack in moto; recorded
payloads are replayed by a local HTTP server on 127.0.0.1 so the real fetcher and source adapters run;
poll -> store -> stream -> alert runs through the Lambda handlers, called in-process with Lambda-shaped
events; SNS delivers to each example subscriber through its filter policy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
DEFAULT_EVENTS = Path(__file__).resolve().parents[2] / "events"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="recorded payloads folder")
    parser.add_argument("--events", type=Path, default=DEFAULT_EVENTS, help="sample Lambda events folder")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of tables")


def _prepare_environment() -> None:
    # No AWS account: moto accepts any credentials; nothing here can reach AWS.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
    os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = "us-east-1"
    os.environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] = "disabled"
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
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
    _prepare_environment()
    import logging
    import warnings

    from moto import mock_aws

    # moto warns about every resource type its CloudFormation skips; the stack test names them instead.
    warnings.filterwarnings("ignore", message="Tried to parse AWS::")
    logging.getLogger("moto").setLevel(logging.ERROR)

    from pipewatch_local.demo import DemoRun

    with tempfile.TemporaryDirectory(prefix="pipewatch-demo-") as workdir, mock_aws():
        result = DemoRun(fixtures=fixtures, events=args.events, workdir=Path(workdir)).run()
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, default=str))
    else:
        print(result.render())
    return 0 if result.ok else 1

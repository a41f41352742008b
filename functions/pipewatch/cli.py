"""`pipewatch` command line. Each sub-command lives in `pipewatch.commands.<name>` and is imported lazily,
so `pipewatch classify` does not pay for moto or boto3."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# What `pipewatch --help` tells a user (the module docstring above is for developers).
USAGE = """\
pipewatch watches drug pipelines (agents, trials, regulators, press) and alerts the people who follow them.

Try it offline:      pipewatch demo              (the whole pipeline on recorded payloads, no AWS)
                     pipewatch demo --subscriber ci@example.com --agent brepocitinib
Look at the data:    pipewatch watchlist show    (agents, aliases, trials, indications)
Classify headlines:  echo '{"title": "argenx wins approval for Vyvgart"}' | pipewatch classify
                     ... | pipewatch classify | pipewatch render --channel sms
On a deployed stack: pipewatch subscribe / subscriptions / unsubscribe, pipewatch feedback report
                     pipewatch pause / resume  (a subscription: nothing sent, its filter kept)

Each command has its own help: pipewatch COMMAND --help"""

# name -> (module, help). Each module exposes `add_arguments(parser)` and `run(args) -> int`.
COMMANDS: dict[str, tuple[str, str]] = {
    # The demo lives in the local harness (distribution pipewatch-local), never in a Lambda build.
    "demo": (
        "pipewatch_local.demo_command",
        "run the whole pipeline offline on moto with recorded real payloads",
    ),
    "console": (
        "pipewatch_local.console_command",
        "the analyst's console on 127.0.0.1 against the demo (--demo), signed in through moto's Cognito",
    ),
    "poll": ("pipewatch.commands.poll", "poll the configured sources (--live for the real internet)"),
    "classify": ("pipewatch.commands.classify", "classify JSON lines from stdin"),
    "parse-feed": ("pipewatch.commands.parse_feed", "parse a recorded payload into normalised items"),
    "diff-trial": ("pipewatch.commands.diff_trial", "diff two ClinicalTrials.gov API v2 study documents"),
    "render": ("pipewatch.commands.render", "render classified updates as SMS or email"),
    "subscribe": ("pipewatch.commands.subscriptions", "add or change a subscription"),
    "unsubscribe": ("pipewatch.commands.subscriptions", "remove a subscription"),
    "pause": ("pipewatch.commands.subscriptions", "pause a subscription (nothing sent; its filter kept)"),
    "resume": ("pipewatch.commands.subscriptions", "resume a paused subscription"),
    "subscriptions": ("pipewatch.commands.subscriptions", "list subscriptions"),
    "catalysts": ("pipewatch.commands.catalysts", "extract catalysts from JSON lines, or list the calendar"),
    "watchlist": (
        "pipewatch.commands.watchlist",
        "show or check a watchlist; push, pull, history, rollback the stack's live one",
    ),
    "config": (
        "pipewatch.commands.config_live",
        "push, pull, history, rollback the stack's live watchlist, taxonomy or sources",
    ),
    "feedback": ("pipewatch.commands.feedback", "readers' answers: export as dev-set rows, or report"),
    "links": ("pipewatch.commands.links", "rotate the key that signs reader links (revokes old links)"),
    "sources": (
        "pipewatch.commands.sources",
        "check each configured source from this network (`sources check`)",
    ),
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]]:
    parser = argparse.ArgumentParser(
        prog="pipewatch", description=USAGE, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND")
    runners: dict[str, Callable[[argparse.Namespace], int]] = {}
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if module_name.startswith("pipewatch_local") and exc.name in {"pipewatch_local", module_name}:
                sub.add_parser(name, help=f"{help_text} (needs the local harness: pip install -e ./local)")
                runners[name] = _needs_local_harness
                continue
            raise
        # Every option shows its default; a command may swap in a formatter that also keeps its layout.
        cmd_parser = sub.add_parser(
            name, help=help_text, formatter_class=argparse.ArgumentDefaultsHelpFormatter
        )
        adder = getattr(module, f"add_{name.replace('-', '_')}_arguments", None) or module.add_arguments
        adder(cmd_parser)
        runners[name] = getattr(module, f"run_{name.replace('-', '_')}", None) or module.run
    return parser, runners


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pipewatch")
    except PackageNotFoundError:  # run from a source tree without installing
        return "0.1.0 (not installed)"


def _needs_local_harness(args: argparse.Namespace) -> int:
    print(
        f"pipewatch {args.command}: needs the local harness (`make install` or pip install -e ./local)",
        file=sys.stderr,
    )
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    return runners[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

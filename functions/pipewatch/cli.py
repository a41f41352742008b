"""`pipewatch` command line. Each sub-command lives in `pipewatch.commands.<name>` and is imported lazily,
so `pipewatch classify` does not pay for moto or boto3."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# name -> (module, help). Each module exposes `add_arguments(parser)` and `run(args) -> int`.
COMMANDS: dict[str, tuple[str, str]] = {
    # The demo lives in the local harness (distribution pipewatch-local), never in a Lambda build.
    "demo": (
        "pipewatch_local.demo_command",
        "run the whole pipeline offline on moto with recorded real payloads",
    ),
    "poll": ("pipewatch.commands.poll", "poll the configured sources (--live for the real internet)"),
    "classify": ("pipewatch.commands.classify", "classify JSON lines from stdin"),
    "parse-feed": ("pipewatch.commands.parse_feed", "parse a recorded payload into normalised items"),
    "diff-trial": ("pipewatch.commands.diff_trial", "diff two ClinicalTrials.gov API v2 study documents"),
    "render": ("pipewatch.commands.render", "render classified updates as SMS or email"),
    "subscribe": ("pipewatch.commands.subscriptions", "add or change a subscription"),
    "unsubscribe": ("pipewatch.commands.subscriptions", "remove a subscription"),
    "subscriptions": ("pipewatch.commands.subscriptions", "list subscriptions"),
    "feedback": ("pipewatch.commands.feedback", "readers' answers: export as dev-set rows, or report"),
    "links": ("pipewatch.commands.links", "rotate the key that signs reader links (revokes old links)"),
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]]:
    parser = argparse.ArgumentParser(prog="pipewatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
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
        cmd_parser = sub.add_parser(name, help=help_text)
        adder = getattr(module, f"add_{name.replace('-', '_')}_arguments", None) or module.add_arguments
        adder(cmd_parser)
        runners[name] = getattr(module, f"run_{name.replace('-', '_')}", None) or module.run
    return parser, runners


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

"""`pipewatch poll --live`: poll the real sources over the internet.

Without `--store` nothing is written anywhere: each relevant item is printed as a JSON line (a dry run an
analyst can use to check the watchlist against today's news). With `--store` the updates go to the
DynamoDB table named by PIPEWATCH_TABLE in the AWS account of the current credentials. Tests never run this.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipewatch.observability import CountingMetrics
    from pipewatch.services.poll import PollService
    from pipewatch.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--live", action="store_true", help="really poll the internet (required)")
    parser.add_argument(
        "--source", action="append", default=None, help="source id (repeatable); default all enabled"
    )
    parser.add_argument(
        "--source-class", choices=["registry", "news"], default=None, help="poll only this class (None: all)"
    )
    parser.add_argument("--store", action="store_true", help="store updates in the configured AWS table")
    parser.add_argument("--budget", type=float, default=240.0, help="seconds of HTTP in total")


def run(args: argparse.Namespace) -> int:
    if not args.live:
        print(
            "pipewatch poll: add --live to poll the real sources (or run `pipewatch demo` offline)",
            file=sys.stderr,
        )
        return 2
    from pipewatch.errors import ConfigError, SourceError
    from pipewatch.observability import CountingMetrics
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    metrics = CountingMetrics()
    try:
        if args.store:
            from pipewatch.composition import build_poll_service

            service = build_poll_service(settings, metrics=metrics)
        else:
            service = _dry_run_service(settings, metrics)
        report = service.poll(args.source, source_class=args.source_class, budget_seconds=args.budget)
    except (ConfigError, SourceError) as exc:
        print(f"pipewatch poll: {exc}", file=sys.stderr)
        return 1
    for update in report.new_updates:
        print(update.to_json())
    print(json.dumps({k: v for k, v in report.as_dict().items() if k != "outcomes"}), file=sys.stderr)
    return 1 if report.failed else 0


def _dry_run_service(settings: Settings, metrics: CountingMetrics) -> PollService:
    # The dry run's in-memory store is the local harness's (moto): it is never part of a Lambda.
    from pipewatch_local.dry_run import dry_run_poll_service

    return dry_run_poll_service(settings, metrics)

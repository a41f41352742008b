"""`pipewatch sources check`: fetch each configured source once, politely, and print a table of status,
HTTP status, content type, items parsed, latest item date and what to fix (URL moved, challenge page, terms,
key). It reaches the internet (the configured URLs): for an operator, never run by tests against the network
(the tests point PIPEWATCH_SOURCES at a local replay server). Exit 1 when a checked source failed."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check"], help="check: fetch each source once and report")
    parser.add_argument(
        "--source", action="append", default=None, help="source id (repeatable); default all enabled"
    )
    parser.add_argument("--all", action="store_true", help="also check the sources disabled in sources.yaml")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds of HTTP per source at most")
    parser.add_argument("--json", action="store_true", help="one JSON line per source instead of a table")


def run(args: argparse.Namespace) -> int:
    from pipewatch.composition import build_sources_check
    from pipewatch.errors import ConfigError
    from pipewatch.services.sources_check import render_table
    from pipewatch.settings import Settings

    try:
        check = build_sources_check(Settings.from_env())
        sources = check.selected(args.source or (), include_disabled=args.all)
    except ConfigError as exc:
        print(f"pipewatch sources: {exc}", file=sys.stderr)
        return 1
    except KeyError as exc:
        print(f"pipewatch sources: no such source: {exc.args[0]}", file=sys.stderr)
        return 1
    rows = []
    for source in sources:
        print(f"checking {source.id} ...", file=sys.stderr)
        rows.append(check.check(source, budget_seconds=args.budget))
    if args.json:
        for row in rows:
            cells = dict(
                zip(
                    ("source", "kind", "enabled", "status", "http", "content_type", "items", "latest", "fix"),
                    row.cells(),
                    strict=True,
                )
            )
            print(json.dumps({**cells, "requests": row.requests}))
    else:
        print(render_table(rows))
    return 1 if any(row.status == "failed" for row in rows) else 0

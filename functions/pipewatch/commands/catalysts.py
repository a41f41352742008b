"""`pipewatch catalysts extract|list`: forward-looking statements in JSON lines, and the stored calendar."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pipewatch.commands.jsonlines import optional_text, run_json_lines

if TYPE_CHECKING:
    from pipewatch.domain.catalysts.extract import Extractor

DESCRIPTION = """\
extract: read JSON lines on stdin, each an object with "title" and/or "summary" (at least one a non-empty
string) and optional "published" (ISO date or datetime), "source" and "url". Write one JSON line per input
line, in order: {"catalysts": [{"kind", "drug", "agent", "trial", "window_start", "window_end", "precision",
"sentence"}]} (dates ISO YYYY-MM-DD; agent = watched agent id or null; an empty list when there is none).
A bad line gets {"line": N, "error": "..."} (N counts from 1); the rest go on; exit 1 if any failed.

list: the stored calendar (the stack's table: $PIPEWATCH_TABLE or --table) as a table, JSON lines or an
RFC 5545 iCalendar feed (--format ics), for one agent or what one subscription's filter covers.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = parser.add_subparsers(dest="action", required=True)
    extract = sub.add_parser("extract", help="catalysts in JSON lines from stdin")
    extract.add_argument("--watchlist", metavar="PATH", help="watchlist YAML (default: packaged)")
    listing = sub.add_parser("list", help="the stored catalyst calendar")
    listing.add_argument("--agent", metavar="A", help="only this watched agent id")
    listing.add_argument(
        "--format",
        choices=("table", "json", "ics"),
        default="table",
        help="table, JSON lines, or an RFC 5545 iCalendar feed (default: table)",
    )
    listing.add_argument("--table", metavar="NAME", help="DynamoDB table (default: $PIPEWATCH_TABLE)")
    listing.add_argument("--subscription", metavar="ID", help="only what this subscription's filter covers")


def parse_published(value: Any) -> date | None:
    """An ISO date or datetime (a leading "~" for an inferred date is accepted); None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError('"published" must be an ISO date string or null')
    text = value.lstrip("~").strip()
    try:
        if len(text) == 7:  # "2025-06": a month only
            return date.fromisoformat(text + "-01")
        if len(text) == 4 and text.isdigit():
            return date(int(text), 1, 1)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise ValueError(f'"published" is not an ISO date: {value!r}') from exc


def _extract_line(extractor: Extractor, text: str) -> dict[str, object]:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError as exc:
        raise ValueError("not valid JSON: nested too deeply") from exc
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    title, summary = optional_text(record, "title"), optional_text(record, "summary")
    if not title.strip() and not summary.strip():
        raise ValueError('"title" or "summary" must be a non-empty string')
    found = extractor.extract(
        title,
        summary,
        published=parse_published(record.get("published")),
        url=optional_text(record, "url"),
        source=optional_text(record, "source"),
    )
    return {"catalysts": [c.as_output() for c in found]}


def _run_extract(args: argparse.Namespace) -> int:
    from pipewatch.config import load_data_file
    from pipewatch.domain.catalysts.extract import Extractor
    from pipewatch.domain.watch.watchlist import Watchlist
    from pipewatch.errors import ConfigError
    from pipewatch.settings import Settings

    try:
        watchlist = args.watchlist or Settings.from_env().watchlist_override
        extractor = Extractor(load_data_file("watchlist.yaml", Watchlist, watchlist))
    except ConfigError as exc:
        print(f"pipewatch catalysts: {exc}", file=sys.stderr)
        return 2
    # ensure_ascii=False: sentences in any script are printed as they are.
    return run_json_lines(
        "pipewatch catalysts", lambda text: _extract_line(extractor, text), ensure_ascii=False
    )


def run(args: argparse.Namespace) -> int:
    if args.action == "extract":
        return _run_extract(args)
    from pipewatch.commands.catalysts_list import run_list

    return run_list(args)

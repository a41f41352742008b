"""`pipewatch parse-feed --kind {rss,ctgov,pubmed,edgar} FILE`: a recorded payload -> normalised items as JSON
lines on stdout. A file that is not what --kind promised prints one line to stderr and exits 1."""

from __future__ import annotations

import argparse
import json
import sys

KINDS = ("rss", "ctgov", "pubmed", "edgar")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=KINDS, required=True, help="what the file is (atom feeds: rss)")
    parser.add_argument(
        "file", help="a recorded payload: RSS/Atom XML, API v2 JSON, esummary JSON, EDGAR Atom"
    )
    parser.add_argument("--source-id", default="file", help="source id to stamp on the items")


def run(args: argparse.Namespace) -> int:
    from pipewatch.adapters import ctgov, edgar, pubmed
    from pipewatch.adapters.feeds import parse_feed
    from pipewatch.domain.models import FetchedItem
    from pipewatch.errors import PayloadError

    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(f"parse-feed: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    source_id = args.source_id
    try:
        items: list[FetchedItem]
        if args.kind == "rss":
            items = parse_feed(data, source_id=source_id)
        elif args.kind == "edgar":
            items = edgar.parse_company_atom(data, source_id=source_id)
        elif args.kind == "pubmed":
            items, skipped = pubmed.parse_esummary(data, source_id=source_id)
            for note in skipped:
                print(f"parse-feed: skipped uid {note}", file=sys.stderr)
        else:
            studies, _token = ctgov.parse_studies_page(data)
            items = [ctgov.study_to_item(study, source_id=source_id) for study in studies]
    except (PayloadError, RecursionError, ValueError, TypeError) as exc:  # one line, never a traceback
        print(
            f"parse-feed: {args.file}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
            file=sys.stderr,
        )
        return 1
    for item in items:
        sys.stdout.write(json.dumps(item.model_dump(mode="json"), ensure_ascii=False) + "\n")
    return 0

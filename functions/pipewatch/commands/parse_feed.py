"""`pipewatch parse-feed --kind KIND FILE`: a recorded payload -> normalised items as JSON lines on stdout.
The kinds and their parsers come from the source kind registry (adapters/source_kinds.py). A file that is
not what --kind promised prints one line to stderr and exits 1."""

from __future__ import annotations

import argparse
import sys

from pipewatch.commands.jsonlines import json_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from pipewatch.adapters.source_kinds import file_parsers

    parsers = file_parsers()
    parser.add_argument(
        "--kind", choices=tuple(parsers), required=True, help="what the file is (atom feeds: rss)"
    )
    parser.add_argument(
        "file", help="a recorded payload: " + ", ".join(spec.payload for spec in parsers.values())
    )
    parser.add_argument("--source-id", default="file", help="source id to stamp on the items")


def run(args: argparse.Namespace) -> int:
    from pipewatch.adapters.source_kinds import file_parsers
    from pipewatch.errors import PayloadError

    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(f"parse-feed: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        parsed = file_parsers()[args.kind].parse(data, args.source_id)
    except (PayloadError, RecursionError, ValueError, TypeError) as exc:  # one line, never a traceback
        print(
            f"parse-feed: {args.file}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
            file=sys.stderr,
        )
        return 1
    for note in parsed.notes:
        print(f"parse-feed: {note}", file=sys.stderr)
    for item in parsed.items:
        sys.stdout.write(json_line(item.to_json_dict()))
    return 0

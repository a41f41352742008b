"""`pipewatch diff-trial OLD.json NEW.json`: changes between two ClinicalTrials.gov API v2 study documents.

Prints one JSON object per change (`nct_id`, `field`, `old`, `new`, `event_type`, `severity`, `summary`) in
the deterministic order of `pipewatch.domain.trials.diff.diff_snapshots`, or with --format text one readable
line
per change. When nothing changed, stdout stays empty and "no changes" goes to stderr (exit 0).
Exits 1 with one line on stderr when a file is unreadable, not JSON, not a study document, or when the two
documents are different studies.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipewatch.commands.jsonlines import RawDescriptionAndDefaults, json_line

OUTPUT_KEYS = ("nct_id", "field", "old", "new", "event_type", "severity", "summary")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    parser.formatter_class = RawDescriptionAndDefaults
    parser.add_argument(
        "--format", choices=("json", "text"), default="json", help="JSON lines, or one sentence per change"
    )
    parser.add_argument("old", metavar="OLD.json", help="the earlier API v2 study document")
    parser.add_argument("new", metavar="NEW.json", help="the later API v2 study document")
    parser.add_argument(
        "--acronym",
        metavar="NAME",
        default=None,
        help="name the study by this acronym in summaries (default: the document's acronym field)",
    )


class _InputError(Exception):
    """One input file could not be used; the message is what the user sees."""


def _load(path: str) -> object:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise _InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    from pipewatch.adapters.safejson import MAX_DEPTH, depth

    try:
        document = json.loads(raw)
    except RecursionError as exc:  # garbage nested past the decoder's recursion limit
        raise _InputError(f"{path} is not a study document: JSON nested too deeply") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _InputError(f"{path} is not JSON: {exc}") from exc
    if depth(document) > MAX_DEPTH:
        raise _InputError(f"{path} is not a study document: JSON nested deeper than {MAX_DEPTH} levels")
    return document


def run(args: argparse.Namespace) -> int:
    from pipewatch.domain.trials.diff import diff_snapshots
    from pipewatch.domain.trials.document import snapshot_from_study
    from pipewatch.errors import PayloadError

    snapshots = []
    try:
        for path in (args.old, args.new):
            document = _load(path)
            try:
                snapshots.append(snapshot_from_study(document))
            except (PayloadError, RecursionError, ValueError, TypeError) as exc:  # never a traceback
                raise _InputError(f"{path}: {exc}") from exc
    except _InputError as exc:
        print(f"pipewatch diff-trial: {exc}", file=sys.stderr)
        return 1
    old, new = snapshots
    if old.nct_id != new.nct_id:
        print(
            f"pipewatch diff-trial: {args.old} is {old.nct_id} but {args.new} is {new.nct_id}; "
            "compare two versions of the same study",
            file=sys.stderr,
        )
        return 1
    changes = diff_snapshots(old, new, acronym=args.acronym)
    if not changes:
        print(f"pipewatch diff-trial: no changes ({old.nct_id})", file=sys.stderr)
        return 0
    for change in changes:
        record = {k: v for k, v in change.to_json_dict().items() if k in OUTPUT_KEYS}
        if args.format == "text":
            print(
                f"[{change.severity.upper()}] {change.event_type}: {change.summary} "
                f"({change.field}: {change.old or '-'} -> {change.new or '-'})"
            )
        else:
            sys.stdout.write(json_line({key: record[key] for key in OUTPUT_KEYS}))
    return 0

"""`pipewatch classify`: classify JSON lines from stdin, one JSON line out per input line, in input order."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, get_args

from pipewatch.commands.jsonlines import (
    RawDescriptionAndDefaults,
    optional_text,
    parse_object_line,
    run_json_lines,
)

if TYPE_CHECKING:
    from pipewatch.domain.watch.classify import Classifier

ECHOED = ("title", "summary", "source", "url", "published", "doc_type")
DESCRIPTION = """\
Read JSON lines on stdin, each an object with "title" (required string) and optional "summary", "source",
"url", "published" and "doc_type" (news, press_release, publication, filing, registry, regulator). Write one
JSON line per input line, in input order: the input's own fields (title, summary, source, url, published,
doc_type, when given) followed by relevant, agents, indications, event_type, severity and reasons, so the
output pipes straight into `pipewatch render`.
Blank lines are skipped silently. A line that is not a JSON object with a string title gets
{"line": N, "error": "..."} in its place (N counts from 1) and a message on stderr; the other lines are still
classified. Exit status 1 if any line failed, else 0.

With --explain each output line also has "explain": the developer's notes (near-misses seen, misspellings a
near-miss blocked, names set aside as passing mentions, phases of watched trials), which alerts never show.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = RawDescriptionAndDefaults
    parser.add_argument(
        "--watchlist",
        metavar="PATH",
        help="watchlist YAML (None: $PIPEWATCH_WATCHLIST, else the packaged one)",
    )
    parser.add_argument(
        "--taxonomy", metavar="PATH", help="taxonomy YAML (None: $PIPEWATCH_TAXONOMY, else the packaged one)"
    )
    parser.add_argument(
        "--explain", action="store_true", help='add "explain": developer notes (near-misses and the like)'
    )
    parser.add_argument(
        "--learned-fallback",
        action="store_true",
        help="where no rule cue fires, ask the learned event model (off by default, see ADR 0015)",
    )


def _classify_line(classifier: Classifier, text: str, explain: bool = False) -> dict[str, object]:
    record = parse_object_line(text)
    title: str = record["title"]
    doc_type = optional_text(record, "doc_type") or "news"
    from pipewatch.domain.models import DocType

    if doc_type not in get_args(DocType):
        raise ValueError(f'"doc_type" must be one of {", ".join(get_args(DocType))}')
    summary = optional_text(record, "summary")
    source = optional_text(record, "source")
    # The input fields come first so `classify | render` has the title, url and source to render.
    echoed = {key: record[key] for key in ECHOED if key in record}
    url = optional_text(record, "url")
    if not explain:
        return (
            echoed
            | classifier.classify(title, summary, doc_type=doc_type, source=source, url=url).as_output()
        )
    classification, notes = classifier.explain(title, summary, doc_type=doc_type, source=source, url=url)
    return echoed | classification.as_output() | {"explain": list(notes)}


def run(args: argparse.Namespace) -> int:
    from pipewatch.config import load_classifier
    from pipewatch.errors import ConfigError
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    try:
        classifier = load_classifier(
            args.watchlist or settings.watchlist_override,
            args.taxonomy or settings.taxonomy_override,
            learned_fallback=bool(getattr(args, "learned_fallback", False)),
        )
    except ConfigError as exc:
        print(f"pipewatch classify: {exc}", file=sys.stderr)
        return 2
    explain = bool(getattr(args, "explain", False))
    return run_json_lines(
        "pipewatch classify", lambda text: _classify_line(classifier, text, explain=explain)
    )

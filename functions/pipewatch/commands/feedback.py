"""`pipewatch feedback export | report`: what readers answered on the update pages of a deployed stack
(the table of $PIPEWATCH_TABLE or --table, with the current AWS credentials; $PIPEWATCH_ENDPOINT_URL for a
moto server).

`export` writes one JSON line per answer in the format of tests/fixtures/labeled/headlines_dev.jsonl
(id, published, source, title, url, summary, label), so readers' answers can grow the development set.
`report` summarises the answers by agent, event type and source."""

from __future__ import annotations

import argparse
import json
import sys

from pipewatch.commands.jsonlines import json_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    actions = parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser(
        "export",
        help="readers' answers as dev-set rows (JSON lines)",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    export.add_argument("--output", "-o", default="-", help="file to write; - is stdout")
    report = actions.add_parser(
        "report",
        help="answers by agent, event type and source",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    report.add_argument("--json", action="store_true", help="the summary as one JSON document")
    for sub in (export, report):
        sub.add_argument("--table", default=None, help="DynamoDB table of the stack (None: $PIPEWATCH_TABLE)")


def run(args: argparse.Namespace) -> int:
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.aws_errors import AWS_ERRORS, explain
    from pipewatch.adapters.feedback import FeedbackTable
    from pipewatch.commands.stack_access import missing_table
    from pipewatch.domain.subscribers.feedback import dev_row, report_text, sorted_feedback, summarise
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    if args.table:
        settings = settings.model_copy(update={"table_name": args.table})
    command = f"pipewatch feedback {args.action}"
    no_stack = missing_table(command, settings)
    if no_stack:
        print(no_stack, file=sys.stderr)
        return 1
    try:
        answers = sorted_feedback(FeedbackTable(client("dynamodb", settings), settings.table_name).all())
    except AWS_ERRORS as exc:
        print(explain(command, settings, exc), file=sys.stderr)
        return 1
    if args.action == "export":
        lines = "".join(json_line(dev_row(a)) for a in answers)
        if args.output == "-":
            sys.stdout.write(lines)
        else:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(lines)
        print(f"pipewatch feedback: {len(answers)} labelled rows", file=sys.stderr)
        return 0
    summary = summarise(answers)
    print(json.dumps(summary, indent=1) if args.json else report_text(summary))
    return 0

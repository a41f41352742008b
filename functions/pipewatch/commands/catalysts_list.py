"""`pipewatch catalysts list`: the stored calendar as a table, JSON lines or an iCalendar feed.

Reads the stack's table ($PIPEWATCH_TABLE or --table; $PIPEWATCH_ENDPOINT_URL for a moto server) with the
caller's AWS credentials. `--subscription ID` narrows the feed to what that subscription's filter covers."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pipewatch.commands.jsonlines import json_line

if TYPE_CHECKING:
    from pipewatch.domain.catalysts.calendar import CalendarEntry


def table_lines(entries: list[CalendarEntry]) -> list[str]:
    """A fixed-width table, one catalyst a row, by window end."""
    header = ("window", "precision", "state", "agent", "catalyst", "stated")
    rows = [
        (
            f"{e.window_start.isoformat()}..{e.window_end.isoformat()}",
            e.precision,
            e.state,
            e.agent,
            e.title() + (f" (was {', '.join(e.previous_windows)})" if e.previous_windows else ""),
            e.stated_on.isoformat(),
        )
        for e in entries
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [header, *rows]
    ]


def entry_output(entry: CalendarEntry) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(entry.to_json())
    data["label"] = entry.title()
    data["window"] = entry.window.label()
    return data


def render(entries: list[CalendarEntry], fmt: str, *, name: str, now: datetime) -> str:
    from pipewatch.domain.catalysts.ics import render_ics

    ordered = sorted(entries, key=lambda e: (e.window_end, e.window_start, e.catalyst_id))
    if fmt == "ics":
        return render_ics(ordered, name=name, now=now)
    if fmt == "json":
        return "".join(json_line(entry_output(e)) for e in ordered)
    return "\n".join(table_lines(ordered)) + "\n"


def run_list(args: argparse.Namespace) -> int:
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.aws_errors import AWS_ERRORS, explain
    from pipewatch.adapters.catalyst_store import CatalystStore
    from pipewatch.adapters.subscriptions import SubscriptionTable
    from pipewatch.commands.stack_access import missing_table
    from pipewatch.domain.catalysts.ics import entries_for
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    if args.table:
        settings = settings.model_copy(update={"table_name": args.table})
    no_stack = missing_table("pipewatch catalysts list", settings)
    if no_stack:
        print(no_stack, file=sys.stderr)
        return 2
    ddb = client("dynamodb", settings)
    name = "pipewatch catalysts" + (f" - {args.agent}" if args.agent else "")
    try:
        entries = CatalystStore(ddb, settings.table_name).list(args.agent)
        if args.subscription:
            record = SubscriptionTable(ddb, settings.table_name).get(args.subscription)
            if record is None:
                print(f"pipewatch catalysts: no subscription {args.subscription}", file=sys.stderr)
                return 2
            entries = entries_for(record.subscription.preferences, entries)
            name = f"pipewatch catalysts - subscription {args.subscription}"
    except AWS_ERRORS as exc:
        print(explain("pipewatch catalysts list", settings, exc), file=sys.stderr)
        return 2
    sys.stdout.write(render(entries, args.format, name=name, now=datetime.now(UTC)))
    return 0

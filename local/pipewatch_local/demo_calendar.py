"""The catalyst calendar in `pipewatch demo`: what the replayed statements put on it, the daily check as it
runs today, and the daily check as it will run once the earliest open window has closed past its grace
period (the demo's clock moved forward, and said so), whose overdue update then goes out like any alert.

The statements are real recorded text (tests/fixtures/demo/catalyst_feed_HANDMADE_from_labeled_catalysts.xml):
ALKIVIA's "results expected in 2H 2026" (argenx annual report 2024), and the FDA's extension of the SC
efgartigimod review to 20 June 2023 reported twice (Maestro Database, then ChemDiv): one slip, one
confirmation.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from pipewatch.adapters.aws import client
from pipewatch.adapters.catalyst_store import CatalystStore
from pipewatch.adapters.store import Store
from pipewatch.domain.catalysts.calendar import OPEN_STATES, CalendarEntry
from pipewatch.domain.catalysts.ics import render_ics
from pipewatch.settings import Settings
from pipewatch_local.local_stack import Handler, LambdaContext, LocalStack


@dataclass
class CalendarDemoResult:
    checks: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    slips: list[dict[str, Any]] = field(default_factory=list)
    projected_update_ids: list[str] = field(default_factory=list)
    ics: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "checks": self.checks,
            "entries": self.entries,
            "slips": self.slips,
            "projected_update_ids": self.projected_update_ids,
            "ics": self.ics,
        }

    def render(self) -> list[str]:
        """The analyst's view of the calendar."""
        out = ["CATALYST CALENDAR (what sponsors said will happen, from the replayed statements), today"]
        by_agent: dict[str, list[dict[str, Any]]] = {}
        for entry in self.entries:
            by_agent.setdefault(entry["agent"], []).append(entry)
        for agent, entries in sorted(by_agent.items()):
            out.append(f"  {agent}")
            for e in sorted(entries, key=lambda e: e["window_end"]):
                was = f", was {', '.join(e['previous_windows'])}" if e["previous_windows"] else ""
                out.append(f"    {e['title']}: {e['window']} ({e['window_start']}..{e['window_end']}{was})")
                out.append(f"        state: {e['state_explained']}")
                said = textwrap.shorten(e["sentence"], 90, placeholder="...")
                where = urlsplit(e["stated_by"]).netloc or e["stated_by"]
                out.append(f'        said: "{said}" ({where}, {e["stated_on"]})')
        for slip in self.slips:
            out.append(f"  slip alerted: [{slip['severity'].upper()}] {slip['title']}")
        for check in self.checks:
            report = check["report"]
            out.append(
                f"  {check['label']} ({check['now'][:10]}): {report['checked']} checked, "
                f"{report['due']} now due, {report['overdue']} now overdue, {report['updates']} alerts"
            )
            out += [f"    -> [{u['severity'].upper()}] {u['title']}" for u in check["updates"]]
        out.append(
            f"  iCalendar: {self.ics.count('BEGIN:VEVENT')} all-day events spanning their windows (stable "
            "UID, SEQUENCE raised on a slip), in `pipewatch demo --json`; on a stack: "
            "`pipewatch catalysts list --format ics`"
        )
        return out


class DemoCalendar:
    """Runs the catalyst-check handler as its schedule would, and reads the calendar back."""

    def __init__(self, stack: LocalStack, check: Handler) -> None:
        settings = Settings.from_env()
        ddb = client("dynamodb", settings)
        self._catalysts = CatalystStore(ddb, stack.output("TableName"))
        self._updates = Store(ddb, stack.output("TableName"))
        self._check = check
        self._context = LambdaContext(stack.output("CatalystCheckFunctionName"))
        self._grace = settings.catalyst_grace_days
        self.result = CalendarDemoResult()

    def check(self, label: str, now: datetime) -> list[str]:
        """One scheduled run of the daily check at `now`; the ids of the updates it wrote."""
        before = {u.update_id for u in self._updates.scan_updates()}
        report = self._check({"scheduled_time": now.isoformat()}, self._context)
        written = [u for u in self._updates.scan_updates() if u.update_id not in before]
        self.result.checks.append(
            {
                "label": label,
                "now": now.isoformat(),
                "report": report,
                "updates": [_update_view(u) for u in written],
            }
        )
        return [u.update_id for u in written]

    def check_when_the_first_window_is_overdue(self, today: datetime) -> None:
        """The daily check on the first day an open catalyst's window has been closed for the grace period,
        if that day is still ahead (the demo's clock moved forward, and said so)."""
        ends = [e.window_end for e in self._catalysts.list() if e.state in OPEN_STATES]
        if not ends:
            return
        day = min(ends) + timedelta(days=self._grace + 1)
        if day <= today.date():
            return
        at = datetime.combine(day, time(6), tzinfo=UTC)
        label = "daily check as it will run then if nothing fulfils it first (the demo's clock moved ahead)"
        self.result.projected_update_ids = self.check(label, at)

    def snapshot(self, now: datetime) -> None:
        """The calendar as it stands now (before the demo moves its clock ahead), and its .ics feed."""
        entries = sorted(self._catalysts.list(), key=lambda e: (e.agent, e.window_end))
        self.result.entries = [_entry_view(e, self._grace) for e in entries]
        self.result.ics = render_ics(entries, name="pipewatch demo watchlist", now=now)

    def finish(self, updates: list[dict[str, Any]]) -> CalendarDemoResult:
        self.result.slips = [u for u in updates if u["event_type"] == "catalyst_slip"]
        return self.result


def _update_view(update: Any) -> dict[str, Any]:
    c = update.classification
    return {
        "update_id": update.update_id,
        "title": update.title,
        "event_type": c.event_type or "",
        "severity": c.severity or "",
    }


def _entry_view(entry: CalendarEntry, grace: int) -> dict[str, Any]:
    return {
        "catalyst_id": entry.catalyst_id,
        "agent": entry.agent,
        "kind": entry.kind,
        "trial": entry.trial,
        "title": entry.title(),
        "window": entry.window.label(),
        "window_start": entry.window_start.isoformat(),
        "window_end": entry.window_end.isoformat(),
        "precision": entry.precision,
        "state": entry.state,
        "state_explained": _explained(entry, grace),
        "sequence": entry.sequence,
        "previous_windows": list(entry.previous_windows),
        "stated_on": entry.stated_on.isoformat(),
        "stated_by": entry.links[-1] if entry.links else "",
        "sentence": entry.sentences[-1] if entry.sentences else "",
        "resolved_by": entry.resolved_by,
    }


def _explained(entry: CalendarEntry, grace: int) -> str:
    if entry.state == "overdue" and not entry.notified:
        return "overdue (its window had closed before the calendar heard of it: marked, not alerted)"
    if entry.state == "overdue":
        return f"overdue (window closed {entry.window_end.isoformat()}, nothing seen in {grace} days)"
    if entry.state == "due":
        by = entry.window_end + timedelta(days=grace)
        return f"due (its window is open; overdue if nothing fulfils it by {by.isoformat()})"
    if entry.state == "resolved":
        return f"resolved by {entry.resolved_by}"
    return entry.state

"""The catalyst calendar as an RFC 5545 iCalendar feed: one all-day event per catalyst spanning its window
(DTEND is the day after the window's last day, as the RFC makes all-day ends exclusive), a UID that never
changes for the catalyst, and SEQUENCE raised on each slip so calendar clients replace the old dates.

Text values are escaped (backslash, semicolon, comma, newline) and content lines folded at 75 octets
without splitting a UTF-8 character; lines end in CRLF. Pure: the stamp time is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from pipewatch.domain.catalysts import bounds
from pipewatch.domain.catalysts.calendar import CalendarEntry

if TYPE_CHECKING:  # a subscription's filter, validated where it came in; the feed only reads its agents
    from pipewatch.domain.subscribers.subscriptions import Preferences

PRODID = "-//pipewatch//catalyst calendar//EN"
UID_DOMAIN = "pipewatch.catalysts"
_MAX_OCTETS = 75
_STATUS = {
    "upcoming": "TENTATIVE",
    "due": "TENTATIVE",
    "overdue": "TENTATIVE",
    "resolved": "CONFIRMED",
    "withdrawn": "CANCELLED",
}


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded to at most 75 octets per physical line (RFC 5545 3.1), continuation lines
    starting with one space, never inside a multi-byte UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = _MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, _MAX_OCTETS
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(entry: CalendarEntry, now: datetime) -> list[str]:
    state = entry.state
    summary = f"{entry.title()} ({entry.window.label()})"
    if state in ("overdue", "resolved", "withdrawn"):
        summary = f"[{state}] {summary}"
    description = [
        f"State: {state}. Window: {entry.window_start.isoformat()}..{entry.window_end.isoformat()}"
    ]
    description.append(f"Precision: {entry.precision}.")
    if entry.previous_windows:
        description.append(f"Previously guided: {', '.join(entry.previous_windows)}.")
    description.extend(f'"{sentence}"' for sentence in entry.sentences)
    description.extend(entry.links)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{entry.catalyst_id}@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART;VALUE=DATE:{_date(entry.window_start)}",
        f"DTEND;VALUE=DATE:{_date(entry.window_end + timedelta(days=1))}",
        f"SEQUENCE:{entry.sequence}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"CATEGORIES:{escape_text(entry.kind)},{escape_text(entry.agent)}",
        f"STATUS:{_STATUS[state]}",
        "TRANSP:TRANSPARENT",
        f"CREATED:{_stamp(entry.first_seen)}",
        f"LAST-MODIFIED:{_stamp(entry.last_confirmed)}",
    ]
    if entry.links:
        lines.append(f"URL:{entry.links[-1]}")
    lines.append("END:VEVENT")
    return lines


def render_ics(entries: Iterable[CalendarEntry], *, name: str, now: datetime) -> str:
    """The feed: a VCALENDAR with one VEVENT per entry, in window order (unbounded: the CLI's export)."""
    body, _ = render_ics_within(entries, name=name, now=now, budget=None)
    return body


def render_ics_within(
    entries: Iterable[CalendarEntry], *, name: str, now: datetime, budget: int | None, more_link: str = ""
) -> tuple[str, int]:
    """The feed in at most `budget` bytes (None: no bound) and how many entries it leaves out. Open entries
    and the nearest windows are kept first; what is left out is said in the calendar's description and in
    one event on today ("N more catalysts not shown", with `more_link`), so a subscriber sees it."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    every = list(entries)
    events = {e.catalyst_id: _lines(_event(e, now)) for e in every}
    chosen = every
    if budget is not None:
        room = budget - len(_lines([*head, "END:VCALENDAR"]).encode("utf-8")) - _NOTICE_RESERVE
        chosen = []
        for entry in bounds.render_order(every, now.date()):
            size = len(events[entry.catalyst_id].encode("utf-8"))
            if size > room:
                break  # in order of what matters: a later, smaller one does not jump the queue
            chosen.append(entry)
            room -= size
    omitted = len(every) - len(chosen)
    notice = _omitted_notice(omitted, now, more_link) if omitted else []
    ordered = sorted(chosen, key=lambda e: (e.window_start, e.window_end, e.catalyst_id))
    body = (
        _lines(head + notice[:1])
        + _lines(notice[1:])
        + "".join(events[e.catalyst_id] for e in ordered)
        + _lines(["END:VCALENDAR"])
    )
    return body, omitted


_NOTICE_RESERVE = 4 * 1024 + 2 * 2048  # the notice's lines, with a link of at most 2,048 characters twice


def _lines(lines: list[str]) -> str:
    return "".join(fold(line) + "\r\n" for line in lines)


def _omitted_notice(omitted: int, now: datetime, more_link: str) -> list[str]:
    """X-WR-CALDESC, then one all-day event on today saying how many catalysts are not in this feed."""
    said = f"{omitted} more catalysts not shown in this calendar (it keeps the open and nearest first)"
    full = f"; the full list: {more_link}" if more_link else ""
    today = now.astimezone(UTC).date()
    event = [
        "BEGIN:VEVENT",
        f"UID:omitted-{_date(today)}@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART;VALUE=DATE:{_date(today)}",
        f"DTEND;VALUE=DATE:{_date(today + timedelta(days=1))}",
        f"SUMMARY:{escape_text(f'pipewatch: {omitted} more catalysts not shown')}",
        f"DESCRIPTION:{escape_text(said + full)}",
        "TRANSP:TRANSPARENT",
    ]
    if more_link:
        event.append(f"URL:{more_link}")
    return [f"X-WR-CALDESC:{escape_text(said + full)}", *event, "END:VEVENT"]


def entries_for(preferences: Preferences, entries: Iterable[CalendarEntry]) -> list[CalendarEntry]:
    """The entries a subscription filter covers: its agents (all when it names none). A filter restricted
    to event types that include neither catalyst type still gets the calendar: the feed is not alerts."""
    wanted = set(preferences.agents)
    return [e for e in entries if not wanted or e.agent in wanted]

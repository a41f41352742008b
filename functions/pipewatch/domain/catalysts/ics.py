"""The catalyst calendar as an RFC 5545 iCalendar feed: one all-day event per catalyst spanning its window
(DTEND is the day after the window's last day, as the RFC makes all-day ends exclusive), a UID that never
changes for the catalyst, and SEQUENCE raised on each slip so calendar clients replace the old dates.

Text values are escaped (backslash, semicolon, comma, newline) and content lines folded at 75 octets
without splitting a UTF-8 character; lines end in CRLF. Pure: the stamp time is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from pipewatch.domain.catalysts.calendar import CalendarEntry
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
    """The feed: a VCALENDAR with one VEVENT per entry, in window order."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for entry in sorted(entries, key=lambda e: (e.window_start, e.window_end, e.catalyst_id)):
        lines.extend(_event(entry, now))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def entries_for(preferences: Preferences, entries: Iterable[CalendarEntry]) -> list[CalendarEntry]:
    """The entries a subscription filter covers: its agents (all when it names none). A filter restricted
    to event types that include neither catalyst type still gets the calendar: the feed is not alerts."""
    wanted = set(preferences.agents)
    return [e for e in entries if not wanted or e.agent in wanted]

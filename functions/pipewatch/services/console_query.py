"""The console's list of stored updates: filters, text search, paging by an opaque cursor, and the CSV export.

The list reads the indexes newest first (ports.UpdateIndex: the day index, or the agent index when an agent
is chosen) and filters what it reads here: the same code on DynamoDB and on the in-memory fake. Text search
is a filter too (every word, case-insensitive, over titles and summaries): it finds what the date range
holds, reading at most `MAX_EXAMINED` updates per page; a page that stopped there says how far back it
searched and offers the next page from that point, so a rare word over a long range costs several pages,
never one unbounded request.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, get_args

from pipewatch.domain.models import EventType, Severity, Update

if TYPE_CHECKING:
    from pipewatch.services.ports import UpdateIndex

PAGE_SIZE = 50
# Updates read (after the index) for one page at most: the bench's 10,000 updates take ~40 ms per 1,000.
MAX_EXAMINED = 2000
DEFAULT_DAYS = 90
MAX_DAYS = 366
CSV_ROW_CAP = 5000
CSV_CHUNK_ROWS = 200
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
SEVERITIES: tuple[str, ...] = get_args(Severity)
CSV_COLUMNS = (
    "first_seen",
    "published",
    "agents",
    "indications",
    "event_type",
    "severity",
    "title",
    "source",
    "outlets",
    "url",
    "update_id",
)


class QueryError(ValueError):
    """A filter value the console cannot use (the message names the field and what it accepts)."""


@dataclass(frozen=True)
class UpdateQuery:
    """What the analyst asked for; empty means "any". Dates are UTC days, both included."""

    agent: str = ""
    indication: str = ""
    event_type: str = ""
    severity: str = ""
    source: str = ""
    text: str = ""
    since: date | None = None
    until: date | None = None
    words: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, str], today: date) -> UpdateQuery:
        def value(name: str, limit: int = 100) -> str:
            return (params.get(name) or "").strip()[:limit]

        event_type, severity = value("event_type"), value("severity")
        if event_type and event_type not in EVENT_TYPES:
            raise QueryError(f"event type {event_type!r}: choose one of {', '.join(EVENT_TYPES)}")
        if severity and severity not in SEVERITIES:
            raise QueryError(f"severity {severity!r}: choose one of {', '.join(SEVERITIES)}")
        until = _day(value("until"), "until") or today
        since = _day(value("since"), "since") or until - timedelta(days=DEFAULT_DAYS)
        if since > until:
            raise QueryError("the 'since' date is after the 'until' date")
        if (until - since).days > MAX_DAYS:
            raise QueryError(f"a date range of at most {MAX_DAYS} days, please")
        text = " ".join(value("q", 200).split())
        return cls(
            agent=value("agent").lower(),
            indication=value("indication").lower(),
            event_type=event_type,
            severity=severity,
            source=value("source"),
            text=text,
            since=since,
            until=until,
            words=tuple(w.casefold() for w in text.split()),
        )

    def params(self) -> dict[str, str]:
        """The query as URL parameters (paging and export links keep the filters)."""
        plain = {
            "agent": self.agent,
            "indication": self.indication,
            "event_type": self.event_type,
            "severity": self.severity,
            "source": self.source,
            "q": self.text,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in plain.items() if v}

    def window(self) -> tuple[datetime, datetime]:
        since = self.since or date(1970, 1, 1)
        until = self.until or since
        return (
            datetime.combine(since, time.min, tzinfo=UTC),
            datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC),
        )

    def matches(self, update: Update) -> bool:  # noqa: PLR0911 - one return per filter
        c = update.classification
        if not c.relevant:
            return False
        if self.agent and self.agent not in c.agents:
            return False
        if self.indication and self.indication not in c.indications:
            return False
        if self.event_type and c.event_type != self.event_type:
            return False
        if self.severity and c.severity != self.severity:
            return False
        if self.source and self.source not in (update.source_id, *update.sources):
            return False
        if self.words:
            haystack = " ".join((update.title, update.summary, *update.story_titles)).casefold()
            return all(word in haystack for word in self.words)
        return True


def _day(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise QueryError(f"{name}: a date as YYYY-MM-DD") from exc


def encode_cursor(position: str) -> str:
    return base64.urlsafe_b64encode(position.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The index position a cursor stands for ("" for none); QueryError for one not made here."""
    if not cursor:
        return ""
    try:
        position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise QueryError("this page link is damaged; start from the first page") from exc
    if "#" not in position or len(position) > 300:
        raise QueryError("this page link is damaged; start from the first page")
    return position


@dataclass(frozen=True)
class UpdatePage:
    updates: list[Update]
    next_cursor: str = ""
    # Set when the page stopped at MAX_EXAMINED before it was full: the day it had searched back to.
    searched_to: str = ""
    examined: int = 0


def select(
    index: UpdateIndex,
    query: UpdateQuery,
    *,
    cursor: str = "",
    limit: int = PAGE_SIZE,
    max_examined: int = MAX_EXAMINED,
) -> UpdatePage:
    """One page of the updates the query matches, newest first."""
    start, end = query.window()
    before = decode_cursor(cursor)
    shown: list[Update] = []
    examined = 0
    last = ""
    for item in index.newest_first(start=start, end=end, agent=query.agent, before=before):
        examined += 1
        if query.matches(item.update):
            if len(shown) == limit:  # one more match exists: the page has a next one
                return UpdatePage(shown, encode_cursor(last), examined=examined)
            shown.append(item.update)
            last = item.position
        if examined >= max_examined:
            searched = item.position.split("T", 1)[0]
            return UpdatePage(shown, encode_cursor(item.position), searched_to=searched, examined=examined)
    return UpdatePage(shown, examined=examined)


def _cell(value: str) -> str:
    """A spreadsheet opens a cell starting with = + - @ as a formula: such text is prefixed with '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_row(update: Update) -> list[str]:
    c = update.classification
    return [
        update.first_seen.astimezone(UTC).isoformat(timespec="seconds"),
        update.published.isoformat() if update.published else "",
        " ".join(c.agents),
        " ".join(c.indications),
        c.event_type or "",
        c.severity or "",
        _cell(update.title),
        _cell(update.source_name or update.source_id),
        str(max(1, len(update.sources))),
        _cell(update.url),
        update.update_id,
    ]


def csv_chunks(index: UpdateIndex, query: UpdateQuery, *, cap: int = CSV_ROW_CAP) -> Iterator[str]:
    """The export: a header, then the matching rows newest first in chunks of CSV_CHUNK_ROWS; when `cap`
    rows were written and more match, a last line says the export was cut and how to narrow it."""
    start, end = query.window()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = 0
    for item in index.newest_first(start=start, end=end, agent=query.agent):
        if not query.matches(item.update):
            continue
        if rows == cap:
            writer.writerow([f"# cut at {cap} rows: more updates match; narrow the dates or filters"])
            break
        writer.writerow(csv_row(item.update))
        rows += 1
        if rows % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()

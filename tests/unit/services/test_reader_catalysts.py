"""The update page's coming catalysts come from the calendar (services.reader.CalendarCatalysts)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipewatch.domain.catalysts.calendar import CalendarEntry
from pipewatch.services.reader import CalendarCatalysts

SEEN = datetime(2025, 10, 30, tzinfo=UTC)


def _entry(catalyst_id: str, agent: str, start: date, end: date, **extra: object) -> CalendarEntry:
    # HAND-MADE entries shaped like the calendar's own (ALKIVIA guided for 2H 2026: watchlist reference).
    values: dict[str, object] = {
        "catalyst_id": catalyst_id,
        "agent": agent,
        "kind": "readout",
        "trial": "ALKIVIA",
        "window_start": start,
        "window_end": end,
        "precision": "half",
        "phase3": True,
        "stated_on": date(2025, 10, 30),
        "first_seen": SEEN,
        "last_confirmed": SEEN,
        **extra,
    }
    return CalendarEntry(**values)


class _Calendar:
    def __init__(self, entries: list[CalendarEntry]) -> None:
        self.entries = entries

    def list(self, agent: str | None = None) -> list[CalendarEntry]:
        return [e for e in self.entries if agent is None or e.agent == agent]


def test_given_calendar_entries_then_the_page_lists_the_agents_open_ones_soonest_first() -> None:
    calendar = _Calendar(
        [
            _entry("c2", "efgartigimod", date(2027, 1, 1), date(2027, 6, 30)),
            _entry("c1", "efgartigimod", date(2026, 7, 1), date(2026, 12, 31)),
            _entry("c3", "efgartigimod", date(2026, 1, 1), date(2026, 6, 30), state="resolved"),
            _entry("c4", "brepocitinib", date(2026, 7, 1), date(2026, 12, 31)),
        ]
    )
    shown = CalendarCatalysts(calendar).upcoming(["efgartigimod"], date(2026, 12, 1))
    assert [c.title for c in shown] == [
        "ALKIVIA Phase 3 readout (2H 2026)",
        "ALKIVIA Phase 3 readout (1H 2027)",
    ]
    assert shown[0].when == date(2026, 12, 1)  # inside its window: due now

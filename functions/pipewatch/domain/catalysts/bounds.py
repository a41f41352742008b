"""How big the catalyst calendar may grow, and how big what it renders may be (issue 27 finding 5: one item
naming 12 NCT ids made 12 entries, nothing capped or pruned, and at 11,000 entries `/cal` answered 6.3 MB,
over Lambda's 6 MB response limit, while the digest's "coming up" block reached 1 MiB).

  - New entries: at most `MAX_CATALYSTS_PER_ITEM` from one item (the nearest windows), and none once a
    source holds `MAX_OPEN_PER_SOURCE` or an agent `MAX_OPEN_PER_AGENT` open entries (refused, counted,
    logged; entries already held are still confirmed, moved and resolved).
  - Pruning (the daily check): a resolved or withdrawn entry once its window closed `grace` days ago; an
    overdue one after `OVERDUE_KEPT_DAYS` (the digest lists overdue catalysts that long).
  - `/cal` (iCalendar) at most `ICS_BUDGET_BYTES`, open and nearest entries first, saying how many were
    left out and where the full list is; the digest's sections at most `COMING_UP_MAX` / `OVERDUE_MAX` lines
    with "... and N more".

Pure: `today` is passed in.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the digest renderer reads the caps without loading the calendar's models
    from pipewatch.domain.catalysts.calendar import CalendarEntry

_OPEN_STATES = frozenset({"upcoming", "due"})  # calendar.OPEN_STATES

MAX_CATALYSTS_PER_ITEM = 5
MAX_OPEN_PER_SOURCE = 150
MAX_OPEN_PER_AGENT = 300
OVERDUE_KEPT_DAYS = 365
ICS_BUDGET_BYTES = 1024 * 1024  # Lambda answers at most 6 MB; a calendar app needs far less
COMING_UP_MAX = 20
OVERDUE_MAX = 10


def prunable(entry: CalendarEntry, today: date, grace_days: int) -> bool:
    """A closed entry the calendar no longer needs: resolved or withdrawn with its window closed past the
    grace period, or overdue for longer than the digest lists it."""
    if entry.state in _OPEN_STATES:
        return False
    kept = OVERDUE_KEPT_DAYS if entry.state == "overdue" else grace_days
    return today > entry.window_end + timedelta(days=kept)


def render_order(entries: list[CalendarEntry], today: date) -> list[CalendarEntry]:
    """What a bounded view keeps first: open entries by nearest window, then closed ones, most recent
    first."""
    open_ = sorted(
        (e for e in entries if e.state in _OPEN_STATES), key=lambda e: (e.window_end, e.catalyst_id)
    )
    closed = sorted(
        (e for e in entries if e.state not in _OPEN_STATES),
        key=lambda e: (abs((e.window_end - today).days), e.catalyst_id),
    )
    return [*open_, *closed]

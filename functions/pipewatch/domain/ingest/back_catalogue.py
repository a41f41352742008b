"""An agent added to the watchlist brings no flood (issue 26): what existed before it was watched is its back
catalogue, remembered without an alert, as a source's first poll is a baseline (pure).

Each agent has a "watched since" mark (the first poll that saw it in the watchlist; agents watched before the
marks existed are marked at `EPOCH`, so nothing changes for them). An item is back catalogue when every agent
it is about was added after it:
  - a dated news item published before each of its agents' marks;
  - an undated item, or a registry record first seen, on the first poll of a source since each of its agents
    was added (the source polled successfully before, but not since they were watched);
  - a registry record first seen whose last update (a date) is not later than each of its agents' mark day.
An item naming one agent watched at the time stays news: that agent's analysts want it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pipewatch.domain.models import Update

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class WatchMarks:
    since: Mapping[str, datetime]  # agent id -> when it was first watched
    last_polled: datetime | None  # the source state's last successful poll (None: its first poll)

    def added_after(self, agents: Collection[str], moment: datetime) -> bool:
        """Every one of `agents` (at least one) was first watched after `moment`."""
        marks = [self.since.get(a) for a in agents]
        return bool(marks) and all(m is not None and m > moment for m in marks)

    def _not_polled_since_added(self, agents: Collection[str]) -> bool:
        return self.last_polled is not None and self.added_after(agents, self.last_polled)

    def news(self, update: Update) -> str | None:
        """Why a news item is back catalogue, or None when it is news."""
        agents = update.classification.agents
        if update.published is not None:
            if self.added_after(agents, update.published):
                return f"published before {', '.join(agents)} was watched (back catalogue)"
            return None
        if self._not_polled_since_added(agents):
            return f"undated, on the first poll since {', '.join(agents)} was watched (back catalogue)"
        return None

    def study(self, agents: Collection[str], last_update_posted: str | None) -> str | None:
        """Why a registry record seen for the first time is back catalogue, or None."""
        if self._not_polled_since_added(agents):
            return f"first poll since {', '.join(sorted(agents))} was watched (back catalogue)"
        try:
            updated = date.fromisoformat((last_update_posted or "")[:10])
        except ValueError:
            return None
        marks = [self.since.get(a) for a in agents]
        if marks and all(m is not None and m != EPOCH and m.date() >= updated for m in marks):
            return f"last updated {updated.isoformat()}, before {', '.join(sorted(agents))} was watched"
        return None

"""Ports: what the use cases need from the outside world, as Protocols.

Services are typed against these, never against an adapter class, so a service runs in a unit test on an
in-memory fake (tests/fakes.py) and the composition root alone decides which adapter stands behind each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from pipewatch.domain.ingest.dedupe import Claim
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourceConfig
from pipewatch.domain.models import SourceState, Update
from pipewatch.domain.trials.model import TrialSnapshot


class UpdateStore(Protocol):
    """Stored updates, source states and trial snapshots (the DynamoDB single table in Lambda)."""

    def get_source_state(self, source_id: str) -> SourceState: ...

    def put_source_state(self, state: SourceState) -> None: ...

    def existing_update_ids(self, update_ids: Sequence[str]) -> set[str]: ...

    def updates_between(self, start: datetime, end: datetime) -> list[Update]: ...

    def put_update(self, update: Update) -> bool: ...

    # Records the store had to truncate to fit the item limit (the service counts them per source).
    trimmed: int

    def put_seen(self, update: Update) -> bool: ...

    def get_claims(self, keys: Iterable[str]) -> dict[str, Claim]: ...

    def get_updates(self, update_ids: Iterable[str]) -> list[Update]: ...

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str: ...

    def merge_source(self, story_id: str, duplicate: Update) -> bool: ...

    def get_snapshot(self, nct_id: str) -> tuple[str, int] | None: ...

    def save_snapshot_with_updates(
        self, nct_id: str, snapshot_json: str, previous_version: int | None, updates: Iterable[Update]
    ) -> bool: ...


class SourcePoller(Protocol):
    """One poll of one source (adapters.sources.poll_source in Lambda): items and the next state."""

    def __call__(
        self,
        config: SourceConfig,
        state: SourceState,
        fetcher: Any,
        watchlist: Any,
        *,
        now: datetime,
        deadline: float,
        environ: Mapping[str, str] | None = None,
    ) -> SourceResult: ...


class CatalystObserver(Protocol):
    """The catalyst calendar as the poll feeds it (services.calendar.CalendarService), after its writes:
    each returns the calendar updates it wrote (slips)."""

    def observe_stored(self, updates: Sequence[Update]) -> list[Update]: ...

    def observe_trials(
        self, records: Sequence[tuple[TrialSnapshot, str | None]], now: datetime
    ) -> list[Update]: ...


class MetricsSink(Protocol):
    def count(self, name: str, value: float = 1, **dimensions: str) -> None: ...

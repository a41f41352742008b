"""The ports more than one use case reads through (composed into the narrower ones)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pipewatch.domain.catalysts.calendar import CalendarEntry
    from pipewatch.domain.models import Update
    from pipewatch.domain.subscribers.records import SubscriptionRecord


# -- shared ------------------------------------------------------------------------------------------------


class RecentUpdates(Protocol):
    """Stored updates first seen in [start, end) (the calendar's re-fold, the digest, the reader's feeds)."""

    def updates_between(self, start: datetime, end: datetime) -> list[Update]: ...


class UpdateLookup(Protocol):
    """One stored update by id (a delivery job names its update; a reader's link names one)."""

    def get_update(self, update_id: str) -> Update | None: ...


class CatalystLister(Protocol):
    """The stored catalyst calendar (adapters/catalyst_store.py): every entry, or one agent's."""

    def list(self, agent: str | None = None) -> list[CalendarEntry]: ...


class SubscriptionReader(Protocol):
    """Subscription records read by id or listed (all, or one mode's: "instant" or "digest")."""

    def get(self, subscription_id: str) -> SubscriptionRecord | None: ...

    def list(self, mode: str | None = None) -> list[SubscriptionRecord]: ...


class MetricsSink(Protocol):
    """Counters with dimensions (CloudWatch EMF in Lambda, in-memory in the CLI and tests)."""

    def count(self, name: str, value: float = 1, **dimensions: str) -> None: ...

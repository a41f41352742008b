"""The poll's, the catalyst calendar's and the plan's ports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from pipewatch.services.ports.shared import CatalystLister, RecentUpdates

if TYPE_CHECKING:
    from pipewatch.domain.catalysts.calendar import CalendarEntry
    from pipewatch.domain.catalysts.models import ExtractedCatalyst
    from pipewatch.domain.ingest.dedupe import Claim
    from pipewatch.domain.ingest.polling import PollTask, SourceResult
    from pipewatch.domain.ingest.sources import SourceConfig
    from pipewatch.domain.models import SourceState, Update


# -- poll --------------------------------------------------------------------------------------------------

Expect = Literal["xml", "json", "any"]


@dataclass(frozen=True)
class HttpResponse:
    """What a Fetcher answers: the final URL, status, body and lower-cased headers (or a 304's mark)."""

    url: str
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    not_modified: bool = False

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class Fetcher(Protocol):
    """What the source adapters need from an HTTP client (adapters/http.py HttpFetcher, or a fake). The poll
    service only hands it to the SourcePoller."""

    contact: str

    def get(
        self,
        url: str,
        *,
        source_id: str,
        deadline: float,
        params: Mapping[str, str] | None = None,
        expect: Expect = "any",
        etag: str = "",
        last_modified: str = "",
        headers: Mapping[str, str] | None = None,
        min_interval: float | None = None,
        max_bytes: int | None = None,
        timeout: float | None = None,
    ) -> HttpResponse: ...


class AgentLike(Protocol):
    """An agent as far as sources are concerned: its id and every term a search should use."""

    @property
    def id(self) -> str: ...

    def search_terms(self) -> list[str]: ...


class WatchlistLike(Protocol):
    """The watchlist as sources see it: agents to search for, and trials as (nct, agent, acronym)."""

    @property
    def agents(self) -> Sequence[AgentLike]: ...

    def watched_trials(self) -> list[tuple[str, str, str]]: ...


@runtime_checkable
class RegistryWatchlistLike(Protocol):
    """What the registry's by-change poll also matches on, when the watchlist offers it (issue 25)."""

    def condition_terms(self) -> list[str]: ...

    def sponsor_names(self) -> list[str]: ...


class UpdateStore(RecentUpdates, Protocol):
    """Stored updates, source states and trial snapshots (the DynamoDB single table in Lambda)."""

    def get_source_state(self, source_id: str) -> SourceState: ...

    def put_source_state(self, state: SourceState) -> None: ...

    def existing_update_ids(self, update_ids: Sequence[str]) -> set[str]: ...

    def put_update(self, update: Update) -> bool: ...

    # Records the store had to truncate to fit the item limit (the service counts them per source).
    trimmed: int

    def put_seen(self, update: Update) -> bool: ...

    def get_claims(self, keys: Iterable[str]) -> dict[str, Claim]: ...

    # existing_update_ids and get_claims answered by one read (the poll's reads before it decides).
    def read_intake(
        self, update_ids: Sequence[str], claim_keys: Iterable[str]
    ) -> tuple[set[str], dict[str, Claim]]: ...

    def get_updates(self, update_ids: Iterable[str]) -> list[Update]: ...

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str: ...

    def merge_source(self, story_id: str, duplicate: Update) -> bool: ...

    def get_snapshot(self, nct_id: str) -> tuple[str, int] | None: ...

    def save_snapshot_with_updates(
        self, nct_id: str, snapshot_json: str, previous_version: int | None, updates: Iterable[Update]
    ) -> bool: ...


class WatchMarkStore(Protocol):
    """When each watched agent was first watched (adapters/watch_marks.py): marks the agents of `watchlist`
    seen for the first time at `now` (all of them at EPOCH the first time any mark is written, so agents
    watched before marks existed are not new) and returns every mark."""

    def watched_since(self, watchlist: Sequence[str], now: datetime) -> dict[str, datetime]: ...


class SourceStateWithMarks(Protocol):
    """The source's state read together with the watch marks (one request), the marks kept for the
    WatchMarkStore's next `watched_since` (adapters/watch_marks.py): a container's first poll reads both."""

    def read_source_state_with_marks(self, source_id: str) -> SourceState: ...


class WatchMarkEraser(Protocol):
    """Forgets the marks of agents removed from the watchlist (`pipewatch watchlist push`)."""

    def forget(self, agent_ids: Sequence[str]) -> None: ...


class SourcePoller(Protocol):
    """One poll of one source (adapters.sources.poll_source in Lambda): items and the next state."""

    def __call__(
        self,
        config: SourceConfig,
        state: SourceState,
        fetcher: Fetcher,
        watchlist: WatchlistLike | None,
        *,
        now: datetime,
        deadline: float,
        environ: Mapping[str, str] | None = None,
    ) -> SourceResult: ...


# -- calendar ----------------------------------------------------------------------------------------------


class CatalystExtractor(Protocol):
    """The catalysts an item's text states, with the watched agents they concern (domain/catalysts)."""

    def extract(
        self, title: str, text: str = "", *, published: date | None = None, url: str = "", source: str = ""
    ) -> list[ExtractedCatalyst]: ...


class CatalystRepository(CatalystLister, Protocol):
    """Calendar entries by id, and a write conditional on the version read (with the updates it makes)."""

    def get(self, catalyst_id: str) -> CalendarEntry | None: ...

    def save(
        self, entry: CalendarEntry, previous_version: int | None, updates: Sequence[Update] = ()
    ) -> bool: ...

    def delete(self, catalyst_id: str, version: int) -> bool:
        """Remove a pruned entry if it is still at `version` (False: a writer moved it; it stays)."""
        ...


# -- plan --------------------------------------------------------------------------------------------------


class TaskQueue(Protocol):
    """The poll queue (SQS in Lambda): sends the planned tasks, returns how many were sent."""

    def send(self, tasks: Sequence[PollTask]) -> int: ...

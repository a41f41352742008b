"""In-memory fakes of the service ports (pipewatch.services.ports): services tested without moto."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pipewatch.domain.ingest.dedupe import Claim
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourceConfig
from pipewatch.domain.models import SourceState, Update
from pipewatch.errors import SourceError
from pipewatch.services.ports import Fetcher, WatchlistLike


@dataclass
class InMemoryStore:
    """The UpdateStore port over dicts, with the same conditional semantics as the DynamoDB adapter."""

    updates: dict[str, Update] = field(default_factory=dict)
    states: dict[str, SourceState] = field(default_factory=dict)
    snapshots: dict[str, tuple[str, int]] = field(default_factory=dict)
    merged: list[tuple[str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    claims: dict[str, Claim] = field(default_factory=dict)
    state_writes: int = 0
    trimmed: int = 0

    def get_source_state(self, source_id: str) -> SourceState:
        return self.states.get(source_id, SourceState(source_id=source_id))

    def put_source_state(self, state: SourceState) -> None:
        self.state_writes += 1
        self.states[state.source_id] = state

    def existing_update_ids(self, update_ids: Sequence[str]) -> set[str]:
        return {uid for uid in update_ids if uid in self.updates}

    def updates_between(self, start: datetime, end: datetime) -> list[Update]:
        return [u for u in self.updates.values() if u.first_seen and start <= u.first_seen < end]

    def put_update(self, update: Update) -> bool:
        if update.update_id in self.updates:
            return False
        self.updates[update.update_id] = update
        return True

    def put_seen(self, update: Update) -> bool:
        if update.update_id in self.updates or update.update_id in self.seen:
            return False
        self.seen.add(update.update_id)
        return True

    def get_claims(self, keys: Iterable[str]) -> dict[str, Claim]:
        return {key: self.claims.get(key, Claim(key)) for key in dict.fromkeys(keys)}

    def get_updates(self, update_ids: Iterable[str]) -> list[Update]:
        return [self.updates[uid] for uid in update_ids if uid in self.updates]

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str:
        """Same contract as the DynamoDB store: "stored", "exists", or "conflict" when a claim moved on."""
        if update.update_id in self.updates:
            return "exists"
        if any(self.claims.get(key, Claim(key)).version != claim.version for key, claim in claims.items()):
            return "conflict"
        self.updates[update.update_id] = update
        for key, claim in claims.items():
            self.claims[key] = Claim(key, claim.version + 1, (*claim.ids, update.update_id))
        return "stored"

    def merge_source(self, story_id: str, duplicate: Update) -> bool:
        self.merged.append((story_id, duplicate.update_id))
        return True

    def get_snapshot(self, nct_id: str) -> tuple[str, int] | None:
        return self.snapshots.get(nct_id)

    def save_snapshot_with_updates(
        self, nct_id: str, snapshot_json: str, previous_version: int | None, updates: Iterable[Update]
    ) -> bool:
        current = self.snapshots.get(nct_id)
        if (current[1] if current else None) != previous_version:
            return False
        self.snapshots[nct_id] = (snapshot_json, (previous_version or 0) + 1)
        for update in updates:
            self.updates.setdefault(update.update_id, update)
        return True


@dataclass
class ScriptedPoller:
    """The SourcePoller port: answers each source id from a script (a result, or an error to raise)."""

    script: Mapping[str, Callable[[SourceState], SourceResult]]
    calls: list[str] = field(default_factory=list)
    environments: list[Mapping[str, str]] = field(default_factory=list)

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
    ) -> SourceResult:
        self.calls.append(config.id)
        self.environments.append(dict(environ or {}))
        answer = self.script.get(config.id)
        if answer is None:
            raise SourceError(config.id, "scripted: no answer", retryable=True)
        return answer(state)


@dataclass
class CountingMetrics:
    counts: dict[tuple[str, tuple[tuple[str, str], ...]], float] = field(default_factory=dict)

    def count(self, name: str, value: float = 1, **dimensions: str) -> None:
        key = (name, tuple(sorted(dimensions.items())))
        self.counts[key] = self.counts.get(key, 0) + value

"""One poll of one source, as every kind's poller sees it: the request helper that counts requests and
carries validators and the deadline, what the watchlist gives sources, and the result builder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourceConfig
from pipewatch.domain.models import FetchedItem, SourceState
from pipewatch.services.ports import Expect, Fetcher, HttpResponse, RegistryWatchlistLike, WatchlistLike

# -- the watchlist, as far as sources are concerned ---------------------------------------------------------


@dataclass(frozen=True)
class WatchInputs:
    terms: list[str]
    nct_ids: list[str]
    conditions: list[str] = field(default_factory=list)  # the watched indications' names (by-change match)
    sponsors: list[str] = field(default_factory=list)  # the agents' sponsors and partners (by-change match)


def watch_inputs(watchlist: WatchlistLike | None) -> WatchInputs:
    """The only coupling between sources and the watchlist: search terms (every alias, code names included)
    and the watched NCT ids."""
    if watchlist is None:
        return WatchInputs([], [])
    terms = [term for agent in watchlist.agents for term in agent.search_terms()]
    nct_ids = [nct for nct, _agent, _acronym in watchlist.watched_trials()]
    if isinstance(watchlist, RegistryWatchlistLike):
        return WatchInputs(terms, nct_ids, watchlist.condition_terms(), watchlist.sponsor_names())
    return WatchInputs(terms, nct_ids)


# -- results ------------------------------------------------------------------------------------------------


@dataclass
class SourcePoll:
    """One poll of one source: counts requests, carries validators and the deadline."""

    config: SourceConfig
    state: SourceState
    fetcher: Fetcher
    deadline: float
    environ: Mapping[str, str]
    requests: int = 0
    cursor: dict[str, str] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)  # cursor keys this poll removes (pruned state)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # metrics the poll service emits (name -> count)
    vanished: list[tuple[str, str]] = field(default_factory=list)  # (nct_id, merged into nct_id or "")

    def count(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value

    def get(
        self,
        url: str,
        *,
        expect: Expect,
        params: Mapping[str, str] | None = None,
        validators: tuple[str, str] = ("", ""),
        headers: Mapping[str, str] | None = None,
        min_interval: float | None = None,
    ) -> HttpResponse:
        self.requests += 1
        return self.fetcher.get(
            url,
            source_id=self.config.id,
            deadline=self.deadline,
            params=params,
            expect=expect,
            etag=validators[0],
            last_modified=validators[1],
            headers=headers,
            min_interval=self.config.min_interval_s if min_interval is None else min_interval,
            max_bytes=self.config.max_body_bytes,
            timeout=self.config.timeout_s,
        )

    def result(
        self,
        items: list[FetchedItem],
        *,
        studies: list[dict[str, Any]] | None = None,
        not_modified: bool = False,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> SourceResult:
        merged = {**self.state.cursor, **self.cursor}
        # A new cursor dict: the state read stays as it was (the poll may still fail and keep it).
        cursor = {k: v for k, v in merged.items() if k not in self.dropped}
        new_state = replace(
            self.state,
            cursor=cursor,
            etag=self.state.etag if etag is None else etag,
            last_modified=self.state.last_modified if last_modified is None else last_modified,
        )
        return SourceResult(
            items=items,
            studies=studies or [],
            new_state=new_state,
            not_modified=not_modified,
            requests=self.requests,
            notes=self.notes,
            counts=dict(self.counts),
            vanished=list(self.vanished),
        )

"""PollService on in-memory fakes of its ports (no moto, no HTTP): the use case's own rules."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fakes import CountingMetrics, InMemoryStore, ScriptedPoller
from pipewatch.config import load_classifier, load_data_file
from pipewatch.domain.ingest.dedupe import Claim, claim_keys
from pipewatch.domain.ingest.intake import prepare_batch
from pipewatch.domain.ingest.polling import PollTask, SourceResult
from pipewatch.domain.ingest.sources import PollLimits, SourcesConfig
from pipewatch.domain.models import FetchedItem, SourceState, Update
from pipewatch.domain.trials.model import TrialSnapshot
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import RecordRejected, SourceError
from pipewatch.services.poll import PollService, PollTaskError

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Hand-made sources (two feeds); the item titles are real labelled headlines (tests/fixtures/labeled).
SOURCES = SourcesConfig.model_validate(
    {
        "version": 1,
        "sources": [
            {"id": "wire-a", "name": "Wire A", "kind": "rss", "url": "https://a.example/feed.xml"},
            {"id": "wire-b", "name": "Wire B", "kind": "rss", "url": "https://b.example/feed.xml"},
        ],
    }
)
RELEVANT = (
    "Priovant Announces Positive Topline Results from Phase 3 VALOR Study of Brepocitinib in Dermatomyositis"
)
OTHER = "Pfizer reports third-quarter 2025 results"


def _items(source_id: str, *titles: str) -> list[FetchedItem]:
    return [
        FetchedItem(source_id=source_id, title=t, url=f"https://{source_id}.example/{n}", published=NOW)
        for n, t in enumerate(titles)
    ]


def _ok(source_id: str, *titles: str, etag: str = '"v2"') -> object:
    def answer(state: SourceState) -> SourceResult:
        return SourceResult(items=_items(source_id, *titles), new_state=replace(state, etag=etag))

    return answer


def _failing(state: SourceState) -> SourceResult:
    raise SourceError("wire-a", "HTTP 500 from a.example", retryable=True)


def _service(
    poller: ScriptedPoller, store: InMemoryStore, metrics: CountingMetrics | None = None
) -> PollService:
    return PollService(
        store=store,
        source_poller=poller,
        source_environment={"NCBI_API_KEY": "k"},
        fetcher=None,
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        sources=SOURCES,
        metrics=metrics,
        clock=lambda: NOW,
        monotonic=lambda: 0.0,
    )


def test_given_a_relevant_item_then_it_is_stored_once_and_the_validators_advance() -> None:
    store = InMemoryStore()
    poller = ScriptedPoller({"wire-a": _ok("wire-a", RELEVANT, OTHER), "wire-b": _ok("wire-b")})
    report = _service(poller, store).poll()
    assert [u.title for u in report.new_updates] == [RELEVANT]
    assert store.states["wire-a"].etag == '"v2"'
    assert store.states["wire-a"].last_success == NOW
    # The same answer again: nothing new is stored.
    again = _service(poller, store).poll()
    assert again.new_updates == []
    assert len(store.updates) == 1


def test_given_a_failing_source_then_the_others_carry_on_and_the_failure_is_counted() -> None:
    store = InMemoryStore()
    metrics = CountingMetrics()
    poller = ScriptedPoller({"wire-a": _failing, "wire-b": _ok("wire-b", RELEVANT)})
    report = _service(poller, store, metrics).poll()
    assert [o.source_id for o in report.failed] == ["wire-a"]
    assert [u.source_id for u in report.new_updates] == ["wire-b"]
    assert store.states["wire-a"].consecutive_failures == 1
    assert store.states["wire-a"].etag == ""  # old validators kept: the next poll fetches again
    assert metrics.counts[("SourceFailures", (("source", "wire-a"),))] == 1


def test_given_a_queued_task_whose_source_fails_then_it_raises_for_the_queue_to_retry() -> None:
    store = InMemoryStore()
    with pytest.raises(PollTaskError, match="HTTP 500"):
        _service(ScriptedPoller({"wire-a": _failing}), store).poll_task(PollTask(source_id="wire-a"))
    assert store.updates == {}


def test_given_settings_environment_then_the_poller_receives_it_not_os_environ() -> None:
    poller = ScriptedPoller({"wire-a": _ok("wire-a"), "wire-b": _ok("wire-b")})
    _service(poller, InMemoryStore()).poll()
    assert poller.environments == [{"NCBI_API_KEY": "k"}, {"NCBI_API_KEY": "k"}]


# -- intake: intents applied through the store ----------------------------------------------------------
COPY = "Priovant announces positive topline results of Phase 3 VALOR study of brepocitinib in dermatomyositis"
STORIES = (
    "argenx wins FDA approval for efgartigimod in generalized myasthenia gravis",
    "Pfizer reports dazukibart phase 2 results in dermatomyositis",
    "argenx stops efgartigimod trial in thyroid eye disease after futility analysis",
)


def _limited(**poll: int) -> SourcesConfig:
    return SOURCES.model_copy(update={"poll": PollLimits(**poll)})


def _with(
    sources: SourcesConfig, poller: ScriptedPoller, store: InMemoryStore, **options: Any
) -> PollService:
    return PollService(
        store=store,
        source_poller=poller,
        fetcher=None,
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        sources=sources,
        clock=lambda: NOW,
        monotonic=lambda: 0.0,
        **options,
    )


def test_given_another_outlets_copy_then_it_merges_into_the_stored_story() -> None:
    store, metrics = InMemoryStore(), CountingMetrics()
    poller = ScriptedPoller({"wire-a": _ok("wire-a", RELEVANT), "wire-b": _ok("wire-b", COPY)})
    report = _service(poller, store, metrics).poll()
    (story,) = store.updates.values()
    assert [u.title for u in report.new_updates] == [RELEVANT]
    assert store.merged == [(story.update_id, _as_update("wire-b", COPY).update_id)]
    assert [o.merged for o in report.outcomes] == [0, 1]
    assert metrics.counts[("UpdatesStored", (("source", "wire-b"),))] == 0


@dataclass
class _RacingStore(InMemoryStore):
    """A concurrent poll stores `rival` (claiming its neighbourhoods) just before our first claimed write."""

    rival: Update | None = None

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str:
        if self.rival is not None:
            rival, self.rival = self.rival, None
            assert super().put_claimed_update(rival, self.get_claims(claim_keys(rival))) == "stored"
        return super().put_claimed_update(update, claims)


def _as_update(source_id: str, title: str) -> Update:
    (item,) = _items(source_id, title)
    batch = prepare_batch([item], load_classifier().classify_item, NOW)
    return batch.candidates[0]


def test_given_a_rival_poll_claims_the_story_first_then_ours_reads_again_and_merges_into_it() -> None:
    rival = _as_update("wire-b", COPY)
    store, metrics = _RacingStore(rival=rival), CountingMetrics()
    report = _service(ScriptedPoller({"wire-a": _ok("wire-a", RELEVANT)}), store, metrics).poll_task(
        PollTask(source_id="wire-a")
    )
    assert report.stored == 0 and report.merged == 1
    assert list(store.updates) == [rival.update_id]
    assert store.merged == [(rival.update_id, _as_update("wire-a", RELEVANT).update_id)]
    assert metrics.counts[("StoryClaimConflicts", (("source", "wire-a"),))] == 1


@dataclass
class _ContendedStore(InMemoryStore):
    """Every claimed write loses to another story in the neighbourhood (which never shows up as a copy)."""

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str:
        return "conflict"


def test_given_a_claim_contended_again_and_again_then_the_task_fails_and_keeps_its_validators() -> None:
    store, metrics = _ContendedStore(), CountingMetrics()
    with pytest.raises(PollTaskError, match="contended 5 times"):
        _service(ScriptedPoller({"wire-a": _ok("wire-a", RELEVANT)}), store, metrics).poll_task(
            PollTask(source_id="wire-a")
        )
    assert store.updates == {} and store.states["wire-a"].etag == ""
    assert metrics.counts[("StoryClaimConflicts", (("source", "wire-a"),))] == 5


@dataclass
class _StaleIdsStore(InMemoryStore):
    """Its id read misses what a concurrent poll stored a moment ago (the write then says "exists")."""

    def existing_update_ids(self, update_ids: Sequence[str]) -> set[str]:
        return set()


def test_given_an_id_stored_meanwhile_then_it_uses_no_alert_and_the_next_story_is_stored() -> None:
    store = _StaleIdsStore()
    first = _as_update("wire-a", STORIES[0])
    store.updates[first.update_id] = first
    sources = _limited(max_alerts_per_poll=1)
    poller = ScriptedPoller({"wire-a": _ok("wire-a", STORIES[0], STORIES[1])})
    outcome = _with(sources, poller, store).poll_task(PollTask(source_id="wire-a"))
    assert outcome.stored == 1 and outcome.deferred == 0
    assert sorted(u.title for u in store.updates.values()) == sorted(STORIES[:2])


@dataclass
class _RefusingStore(InMemoryStore):
    refuse: str = ""

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str:
        if update.title == self.refuse:
            raise RecordRejected(update.update_id, "over the item size limit")
        return super().put_claimed_update(update, claims)


def test_given_a_refused_record_then_it_is_counted_and_its_copy_is_stored_instead() -> None:
    store, metrics = _RefusingStore(refuse=RELEVANT), CountingMetrics()
    poller = ScriptedPoller({"wire-a": _ok("wire-a", RELEVANT, COPY)})
    outcome = _service(poller, store, metrics).poll_task(PollTask(source_id="wire-a"))
    assert outcome.rejected == 1 and outcome.stored == 1 and outcome.merged == 0
    assert [u.title for u in store.updates.values()] == [COPY]
    assert metrics.counts[("RecordsRejected", (("source", "wire-a"),))] == 1


def test_given_the_item_cap_then_the_rest_is_deferred_counted_and_the_validators_stay() -> None:
    store, metrics = InMemoryStore(), CountingMetrics()
    poller = ScriptedPoller({"wire-a": _ok("wire-a", *STORIES)})
    outcome = _with(_limited(max_items_per_poll=2), poller, store, metrics=metrics).poll_task(
        PollTask(source_id="wire-a")
    )
    assert (outcome.stored, outcome.deferred) == (2, 1)
    assert metrics.counts[("ItemsDeferred", (("source", "wire-a"),))] == 1
    assert store.states["wire-a"].etag == ""  # the next poll fetches the deferred item again
    again = _with(_limited(max_items_per_poll=2), poller, store).poll_task(PollTask(source_id="wire-a"))
    assert (again.stored, again.deferred) == (1, 0) and store.states["wire-a"].etag == '"v2"'


@dataclass
class _Calendar:
    """The CatalystObserver port: records what it was shown, and when (how many updates were stored then)."""

    store: InMemoryStore
    calls: list[tuple[list[str], int]] = field(default_factory=list)
    trials: list[tuple[str, str | None]] = field(default_factory=list)

    def observe_stored(self, updates: Sequence[Update]) -> list[Update]:
        self.calls.append(([u.update_id for u in updates], len(self.store.updates)))
        return [replace(updates[0], update_id="slip-1", title="slip")]

    def observe_trials(
        self, records: Sequence[tuple[TrialSnapshot, str | None]], now: datetime
    ) -> list[Update]:
        self.trials.extend((s.nct_id, agent) for s, agent in records)
        return []


def test_given_stored_updates_then_the_calendar_observes_them_once_after_the_store_loop() -> None:
    store = InMemoryStore()
    calendar = _Calendar(store)
    poller = ScriptedPoller({"wire-a": _ok("wire-a", STORIES[0], OTHER, STORIES[1]), "wire-b": _ok("wire-b")})
    report = _with(SOURCES, poller, store, calendar=calendar).poll()
    stored = list(store.updates)  # in the order written
    assert [store.updates[uid].title for uid in stored] == list(STORIES[:2])
    assert calendar.calls == [(stored, 2)]  # one call, with what was stored, once both were written
    assert [u.update_id for u in report.new_updates] == [*stored, "slip-1"]
    _with(SOURCES, poller, store, calendar=calendar).poll()
    assert len(calendar.calls) == 1  # a re-poll stores nothing, so the calendar is not asked again


CTGOV_SOURCES = SourcesConfig.model_validate(
    {
        "version": 1,
        "poll": {"alert_horizon_days": 36_500},
        "sources": [{"id": "reg", "name": "Reg", "kind": "ctgov"}],
    }
)


def _study(name: str) -> dict[str, Any]:
    path = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov" / f"{name}.json"
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def test_given_a_registry_then_a_baseline_first_and_changes_later_each_shown_to_the_calendar() -> None:
    store, metrics = InMemoryStore(), CountingMetrics()
    calendar = _Calendar(store)
    rounds = [
        [_study("derived_NCT06171568_status_recruiting")],
        [_study("derived_NCT06171568_status_recruiting"), {"not": "a study"}],
        [_study("derived_NCT06171568_primary_completion_2025-09-01")],
    ]
    poller = ScriptedPoller({"reg": lambda s: SourceResult(items=[], studies=rounds.pop(0), new_state=s)})
    service = _with(CTGOV_SOURCES, poller, store, metrics=metrics, calendar=calendar)
    baseline = service.poll_task(PollTask(source_id="reg"))
    unchanged = service.poll_task(PollTask(source_id="reg"))
    changed = service.poll_task(PollTask(source_id="reg"))
    assert (baseline.trial_changes, unchanged.trial_changes) == (0, 0) and changed.trial_changes >= 1
    assert store.snapshots["NCT06171568"][1] == 2  # the unchanged record was not written again
    assert len(store.updates) == changed.trial_changes
    assert calendar.trials == [("NCT06171568", None), ("NCT06171568", None)]
    assert metrics.counts[("RecordsRejected", (("source", "reg"),))] == 1


def test_given_the_same_story_from_two_wires_then_it_is_stored_once_and_the_copy_merged_into_it() -> None:
    store = InMemoryStore()
    poller = ScriptedPoller({"wire-a": _ok("wire-a", RELEVANT), "wire-b": _ok("wire-b", RELEVANT)})
    report = _service(poller, store).poll()
    (story,) = report.new_updates
    assert len(store.updates) == 1 and story.update_id in store.updates
    assert [story_id for story_id, _ in store.merged] == [story.update_id]


def test_given_only_irrelevant_items_then_nothing_is_stored_as_an_update() -> None:
    store = InMemoryStore()
    poller = ScriptedPoller({"wire-a": _ok("wire-a", OTHER), "wire-b": _ok("wire-b")})
    report = _service(poller, store).poll()
    assert report.new_updates == [] and store.updates == {}
    assert store.states["wire-a"].last_success == NOW


def test_given_a_queued_task_then_only_its_source_is_polled_and_its_outcome_returned() -> None:
    store = InMemoryStore()
    poller = ScriptedPoller({"wire-a": _ok("wire-a", RELEVANT), "wire-b": _ok("wire-b", RELEVANT)})
    outcome = _service(poller, store).poll_task(PollTask(source_id="wire-b"))
    assert poller.calls == ["wire-b"] and outcome.source_id == "wire-b"
    assert [u.source_id for u in store.updates.values()] == ["wire-b"]

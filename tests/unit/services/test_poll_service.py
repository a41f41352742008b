"""PollService on in-memory fakes of its ports (no moto, no HTTP): the use case's own rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import CountingMetrics, InMemoryStore, ScriptedPoller
from pipewatch.config import load_classifier, load_data_file
from pipewatch.domain.ingest.polling import PollTask, SourceResult
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.models import FetchedItem, SourceState
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import SourceError
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
        return SourceResult(
            items=_items(source_id, *titles), new_state=state.model_copy(update={"etag": etag})
        )

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

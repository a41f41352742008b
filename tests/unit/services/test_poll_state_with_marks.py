"""The poll reads a source's state together with the watch marks only while some agent has no mark in the
service (a container's first poll, issue 28); once the marks are held, the state is read alone. On
in-memory fakes (tests/fakes.py); the feed is HAND-MADE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakes import InMemoryStore, InMemoryWatchMarks, ScriptedPoller
from pipewatch.config import load_data_file
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.models import FetchedItem, SourceState
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.poll import PollService

NOW = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)
SOURCES = SourcesConfig.model_validate(
    {"version": 1, "sources": [{"id": "wire", "kind": "rss", "url": "https://wire.example/feed.xml"}]}
)
HEADLINE = "Hand-made: argenx wins FDA approval for efgartigimod in generalized myasthenia gravis"


class StateWithMarks:
    """The SourceStateWithMarks port over the fakes, counting its reads."""

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self.reads: list[str] = []

    def read_source_state_with_marks(self, source_id: str) -> SourceState:
        self.reads.append(source_id)
        return self.store.get_source_state(source_id)


def _answer(state: SourceState) -> SourceResult:
    item = FetchedItem(source_id="wire", title=HEADLINE, url="https://wire.example/1", published=NOW)
    return SourceResult(items=[item], new_state=state)


def test_cold10poll_given_marks_missing_then_the_state_is_read_with_them_and_then_alone() -> None:
    store, marks = InMemoryStore(), InMemoryWatchMarks()
    combined = StateWithMarks(store)
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    clock = iter([NOW, NOW + timedelta(minutes=15)])
    service = PollService(
        store=store,
        source_poller=ScriptedPoller({"wire": _answer}),
        fetcher=None,
        classifier=Classifier(watchlist, load_data_file("taxonomy.yaml", Taxonomy)),
        watchlist=watchlist,
        sources=SOURCES,
        clock=lambda: next(clock),
        monotonic=lambda: 0.0,
        watch_marks=marks,
        state_with_marks=combined,
    )

    first = service.poll()
    second = service.poll()

    assert [o.ok for o in (*first.outcomes, *second.outcomes)] == [True, True]
    assert combined.reads == ["wire"]  # the second poll holds every mark: its state is read alone
    assert marks.since is not None and set(marks.since) == {a.id for a in watchlist.agents}

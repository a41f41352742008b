"""An agent added to the live watchlist (issue 26), on in-memory fakes: its back catalogue is remembered
without an alert, its later news alerts, the agents watched before still alert; an agent removed stops
alerting and its stored updates stay. The anifrolumab headlines are hand-made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from hashlib import sha1

from fakes import InMemoryStore, InMemoryWatchMarks, ScriptedPoller
from pipewatch.config import load_data_file, validate_config_document
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.models import FetchedItem, SourceState
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.poll import PollService
from watchlist_edits import with_anifrolumab, without

FIRST = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ADDED = FIRST + timedelta(hours=1)
SOURCES = SourcesConfig.model_validate(
    {"version": 1, "sources": [{"id": "wire", "kind": "rss", "url": "https://wire.example/feed.xml"}]}
)
OLD_ANIFROLUMAB = "Hand-made: AstraZeneca's Saphnelo (anifrolumab) approved for lupus in a new market"
NEW_ANIFROLUMAB = "Hand-made: anifrolumab phase 3 trial in lupus nephritis meets its primary endpoint"
EFGARTIGIMOD = "argenx wins FDA approval for efgartigimod in generalized myasthenia gravis"
BREPOCITINIB = "Priovant reports brepocitinib phase 3 results in dermatomyositis"


def _slug(title: str) -> str:
    return sha1(title.encode()).hexdigest()[:10]


def _feed(*items: tuple[str, datetime | None]) -> ScriptedPoller:
    def answer(state: SourceState) -> SourceResult:
        fetched = [
            FetchedItem(
                source_id="wire",
                title=t,
                url=f"https://wire.example/{sha1(t.encode()).hexdigest()[:10]}",
                published=p,
            )
            for t, p in items
        ]
        return SourceResult(items=fetched, new_state=state)

    return ScriptedPoller({"wire": answer})


def _poll(
    watchlist: Watchlist,
    store: InMemoryStore,
    marks: InMemoryWatchMarks,
    poller: ScriptedPoller,
    now: datetime,
) -> list[str]:
    service = PollService(
        store=store,
        source_poller=poller,
        fetcher=None,
        classifier=Classifier(watchlist, load_data_file("taxonomy.yaml", Taxonomy)),
        watchlist=watchlist,
        sources=SOURCES,
        clock=lambda: now,
        monotonic=lambda: 0.0,
        watch_marks=marks,
    )
    return [u.title for u in service.poll().new_updates]


def _watchlist(text: str) -> Watchlist:
    model = validate_config_document("watchlist.yaml", text)
    assert isinstance(model, Watchlist)
    return model


def test_given_an_agent_added_then_its_back_catalogue_is_remembered_and_its_next_news_alerts() -> None:
    store, marks = InMemoryStore(), InMemoryWatchMarks()
    packaged = load_data_file("watchlist.yaml", Watchlist)
    assert _poll(packaged, store, marks, _feed(), FIRST) == []  # the source's first poll, before the push

    added = _watchlist(with_anifrolumab())
    recent = ADDED - timedelta(hours=6)  # inside the alert horizon: today, a flood item
    feed = _feed((OLD_ANIFROLUMAB, recent), (EFGARTIGIMOD, ADDED - timedelta(minutes=10)))
    assert _poll(added, store, marks, feed, ADDED) == [EFGARTIGIMOD]
    assert marks.since is not None and marks.since["anifrolumab"] == ADDED
    assert len(store.seen) == 1  # the anifrolumab item: remembered, never alerted later

    later = ADDED + timedelta(minutes=15)
    feed = _feed((OLD_ANIFROLUMAB, recent), (NEW_ANIFROLUMAB, ADDED + timedelta(minutes=5)))
    assert _poll(added, store, marks, feed, later) == [NEW_ANIFROLUMAB]


def test_given_an_agent_removed_then_it_stops_alerting_and_its_stored_updates_stay() -> None:
    store, marks = InMemoryStore(), InMemoryWatchMarks()
    packaged = load_data_file("watchlist.yaml", Watchlist)
    _poll(packaged, store, marks, _feed(), FIRST)
    assert _poll(packaged, store, marks, _feed((BREPOCITINIB, FIRST)), FIRST + timedelta(minutes=5)) == [
        BREPOCITINIB
    ]
    removed = _watchlist(without("brepocitinib"))
    fresh = (BREPOCITINIB.replace("reports", "presents"), FIRST + timedelta(minutes=20))
    assert _poll(removed, store, marks, _feed(fresh), FIRST + timedelta(minutes=30)) == []
    assert [u.title for u in store.updates.values()] == [BREPOCITINIB]

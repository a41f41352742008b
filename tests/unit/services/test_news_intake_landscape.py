"""A competitor's approval polled beside the agent's own news (issue 26) is stored as a landscape update
(no agents, the competitor, the agents it competes with) and never joins the agent's own story. The feeds
and their headlines are hand-made."""

from __future__ import annotations

from datetime import UTC, datetime

from fakes import InMemoryStore, ScriptedPoller
from pipewatch.config import load_classifier, load_data_file
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.models import FetchedItem, SourceState
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.poll import PollService

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SOURCES = SourcesConfig.model_validate(
    {
        "version": 1,
        "sources": [
            {"id": "wire-a", "name": "Wire A", "kind": "rss", "url": "https://a.example/feed.xml"},
            {"id": "wire-b", "name": "Wire B", "kind": "rss", "url": "https://b.example/feed.xml"},
        ],
    }
)
LANDSCAPE = "FDA approves Imaavy (nipocalimab) for generalized myasthenia gravis"
OWN = "FDA approves Vyvgart for ocular myasthenia gravis"


def _feed(source_id: str, *titles: str) -> object:
    items = [
        FetchedItem(source_id=source_id, title=title, url=f"https://{source_id}.example/{n}", published=NOW)
        for n, title in enumerate(titles)
    ]

    def answer(state: SourceState) -> SourceResult:
        return SourceResult(items=items, new_state=state)

    return answer


def test_a_competitors_approval_is_stored_as_landscape_apart_from_the_agents_own_news() -> None:
    store = InMemoryStore()
    poller = ScriptedPoller(
        {
            "wire-a": _feed("wire-a", LANDSCAPE, OWN),  # type: ignore[dict-item]
            "wire-b": _feed("wire-b", "Imaavy (nipocalimab) approved in gMG"),  # type: ignore[dict-item]
        }
    )
    service = PollService(
        store=store,
        source_poller=poller,
        fetcher=None,
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        sources=SOURCES,
        clock=lambda: NOW,
        monotonic=lambda: 0.0,
    )

    service.poll()

    by_title = {u.title: u for u in store.updates.values()}
    landscape = by_title[LANDSCAPE].classification
    assert (landscape.tier, landscape.agents, landscape.competitor) == ("landscape", (), "nipocalimab")
    assert landscape.competes_with == ("efgartigimod",)
    own = by_title[OWN].classification
    assert own.tier == "own" and own.agents == ("efgartigimod",)
    assert all(u.classification.tier == "landscape" for u in store.updates.values() if u.title != OWN)
    assert OWN not in by_title[LANDSCAPE].story_titles

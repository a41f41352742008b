"""The poll applies story intents through the store port (fakes): a copy without the drug's name joins its
story, a rise in severity stores one escalation record, and a repeated poll changes nothing.

Headlines are real (tests/fixtures/labeled/events_dev.jsonl, ED06: the ADHERE topline); the feeds are
hand-made (two wires).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fakes import InMemoryStore, ScriptedPoller
from pipewatch.config import load_classifier, load_data_file
from pipewatch.domain.ingest.intake import escalation_id
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
# https://www.evaluate.com/vantage/articles/news/trial-results-news/argenx-surges-after-hit-nerve-disorder
VANTAGE = (
    "Argenx surges after hit in nerve disorder",
    "Today’s win for Vyvgart Hytrulo in chronic inflammatory demyelinating polyneuropathy (CIDP) has not "
    "only validated the role of FcRn antagonism as a treatment option in the rare nerve disorder ...",
)
# https://www.sec.gov/Archives/edgar/data/1697862/000110465923081428/tm2321424d1_ex99-1.htm
PRESS = (
    "argenx Reports Positive Topline Data from ADHERE Study of VYVGART Hytrulo in Patients with Chronic "
    "Inflammatory Demyelinating Polyneuropathy",
    "argenx SE ... today announced positive topline results from the ADHERE study evaluating VYVGART Hytrulo "
    "(efgartigimod alfa and hyaluronidase-qvfc) in adults with chronic inflammatory demyelinating "
    "polyneuropathy (CIDP).",
)


def _feed(source_id: str, *entries: tuple[str, str]) -> object:
    items = [
        FetchedItem(
            source_id=source_id,
            title=title,
            summary=summary,
            url=f"https://{source_id}.example/{n}",
            published=NOW,
        )
        for n, (title, summary) in enumerate(entries)
    ]

    def answer(state: SourceState) -> SourceResult:
        return SourceResult(items=items, new_state=state)

    return answer


def _service(store: InMemoryStore) -> PollService:
    poller = ScriptedPoller(
        {
            "wire-a": _feed("wire-a", VANTAGE),  # type: ignore[dict-item]
            # the title alone (no drug named: not relevant by itself), then the press release
            "wire-b": _feed("wire-b", (VANTAGE[0], ""), PRESS),  # type: ignore[dict-item]
        }
    )
    return PollService(
        store=store,
        source_poller=poller,
        fetcher=None,
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        sources=SOURCES,
        clock=lambda: NOW,
        monotonic=lambda: 0.0,
    )


def test_given_a_copy_and_a_higher_outlet_then_one_story_lists_both_and_one_escalation_is_stored() -> None:
    store = InMemoryStore()

    report = _service(store).poll()

    (story_id,) = [u.update_id for u in store.updates.values() if not u.escalates]
    story = store.updates[story_id]
    assert story.title == VANTAGE[0] and story.classification.severity == "medium"
    # the relevant outlet first, then the copy candidate (decided after the result's relevant items)
    assert story.story_urls == ("https://wire-b.example/1", "https://wire-b.example/0")
    assert story.story_titles == (PRESS[0], VANTAGE[0])
    escalation = store.updates[escalation_id(story_id, "high")]
    assert escalation.escalates == story_id and escalation.title == PRESS[0]
    assert len(store.updates) == 2
    assert {u.update_id for u in report.new_updates} == {story_id}


def test_given_the_same_feeds_polled_again_then_nothing_more_is_stored_or_escalated() -> None:
    store = InMemoryStore()
    _service(store).poll()
    before = dict(store.updates)

    merges = len(store.merged)

    _service(store).poll()

    assert store.updates == before  # no outlet listed twice, no second escalation
    assert len(store.merged) == merges and set(store.aliases) == {m for _, m in store.merged}

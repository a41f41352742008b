"""domain/ingest/back_catalogue.py: what predates the watching of an item's agents is not news (issue 26).
Hand-made updates and marks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipewatch.domain.ingest.back_catalogue import EPOCH, WatchMarks
from pipewatch.domain.models import Classification, Update

ADDED = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
MARKS = WatchMarks({"efgartigimod": EPOCH, "anifrolumab": ADDED}, last_polled=ADDED - timedelta(minutes=30))


def _update(*agents: str, published: datetime | None) -> Update:
    return Update(
        update_id="u-hand-made",
        title="Hand-made headline",
        url="https://example.com/x",
        source_id="wire",
        published=published,
        first_seen=ADDED + timedelta(minutes=5),
        classification=Classification(relevant=True, agents=agents, event_type="results", severity="high"),
    )


def test_given_news_published_before_its_only_agent_was_watched_then_it_is_back_catalogue() -> None:
    why = MARKS.news(_update("anifrolumab", published=ADDED - timedelta(days=1)))
    assert why == "published before anifrolumab was watched (back catalogue)"


def test_given_news_published_after_the_agent_was_watched_then_it_is_news() -> None:
    assert MARKS.news(_update("anifrolumab", published=ADDED + timedelta(minutes=1))) is None


def test_given_news_naming_an_agent_watched_at_the_time_too_then_it_is_news() -> None:
    assert MARKS.news(_update("anifrolumab", "efgartigimod", published=ADDED - timedelta(days=1))) is None


def test_given_agents_watched_before_marks_existed_then_nothing_is_back_catalogue() -> None:
    assert MARKS.news(_update("efgartigimod", published=datetime(2001, 1, 1, tzinfo=UTC))) is None
    assert MARKS.news(_update("efgartigimod", published=None)) is None
    assert MARKS.study(["efgartigimod"], "2001-01-01") is None


def test_given_an_undated_item_then_it_is_back_catalogue_on_the_first_poll_since_it_was_added_only() -> None:
    assert MARKS.news(_update("anifrolumab", published=None)) is not None
    later = WatchMarks(MARKS.since, last_polled=ADDED + timedelta(minutes=5))
    assert later.news(_update("anifrolumab", published=None)) is None


def test_given_a_study_first_seen_then_its_last_update_against_the_mark_decides() -> None:
    later = WatchMarks(MARKS.since, last_polled=ADDED + timedelta(minutes=5))
    assert (
        later.study(["anifrolumab"], "2026-11-20")
        == "last updated 2026-11-20, before anifrolumab was watched"
    )
    assert later.study(["anifrolumab"], "2026-12-08") is None
    assert later.study([], "2026-11-20") is None  # about no watched agent: not for this rule
    assert (
        MARKS.study(["anifrolumab"], "2026-12-08")
        == "first poll since anifrolumab was watched (back catalogue)"
    )

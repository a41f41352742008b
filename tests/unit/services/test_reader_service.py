"""ReaderService's page, feedback, feed and unsubscribe routes on in-memory fakes (the calendar route is
test_reader_calendar.py, the catalysts box test_reader_catalysts.py): signed links only, the subscriber's own
links on their page, feedback recorded once and redirected back, the feed filtered by the subscription, and
unsubscribe only by POST."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from fakes import (
    FixedLinkKeys,
    InMemoryFeedback,
    InMemorySubscriptionTable,
    StoredUpdates,
    subscription_record,
)
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.subscribers.links import ANY_READER, SignedLinks
from pipewatch.domain.subscribers.subscriptions import subscription_id_for
from pipewatch.services.reader import ReaderService

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
ANALYST = "analyst@example.com"
SUB = subscription_id_for(ANALYST)


def _update(uid: str, agent: str, hours_ago: float) -> Update:
    return Update(
        update_id=uid,
        title=f"{agent} update {uid}",
        url=f"https://news.example/{uid}",
        source_id="press",
        source_name="Press wire",
        first_seen=NOW - timedelta(hours=hours_ago),
        classification=Classification(relevant=True, agents=(agent,), event_type="results", severity="high"),
    )


MAIN = _update("u-main", "brepocitinib", 1)
EARLIER = _update("u-earlier", "brepocitinib", 30)
OTHER = _update("u-other", "dazukibart", 2)


def _reader() -> tuple[ReaderService, InMemoryFeedback, InMemorySubscriptionTable, SignedLinks]:
    feedback = InMemoryFeedback()
    subscriptions = InMemorySubscriptionTable.of(
        subscription_record(ANALYST, now=NOW, agents=["brepocitinib"])
    )
    keys = FixedLinkKeys()
    service = ReaderService(
        store=StoredUpdates([MAIN, EARLIER, OTHER]),
        feedback=feedback,
        subscriptions=subscriptions,
        keys=keys,
        clock=lambda: NOW,
    )
    return (
        service,
        feedback,
        subscriptions,
        SignedLinks(keys.keys, "https://pw.example/dev", clock=lambda: NOW),
    )


def test_given_a_subscribers_page_link_then_the_page_shows_the_update_recent_news_and_their_own_links() -> (
    None
):
    service, _, _, links = _reader()
    answer = service.page(links.sign("page", SUB, update_id="u-main"))
    assert answer.status == 200
    assert "brepocitinib update u-main" in answer.body
    assert "brepocitinib update u-earlier" in answer.body and "dazukibart" not in answer.body
    assert "../unsub/" in answer.body and "../feed/" in answer.body


def test_given_a_shared_page_link_then_no_subscriber_links_are_shown() -> None:
    service, _, _, links = _reader()
    answer = service.page(links.sign("page", ANY_READER, update_id="u-main"))
    assert answer.status == 200 and "../unsub/" not in answer.body and "../feed/" not in answer.body


def test_given_altered_expired_or_missing_then_refused_gone_or_not_found() -> None:
    service, _, _, links = _reader()
    token = links.sign("page", SUB, update_id="u-main")
    assert service.page(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]).status == 403
    assert (
        service.page(links.sign("page", SUB, update_id="u-main", expires=NOW - timedelta(seconds=1))).status
        == 410
    )
    assert service.page(links.sign("page", SUB, update_id="u-gone")).status == 404
    assert service.page(links.sign("unsub", SUB)).status == 403  # a token for another purpose


def test_given_feedback_then_it_is_recorded_once_and_the_reader_is_sent_back_to_the_page() -> None:
    service, feedback, _, links = _reader()
    token = links.feedback_token(SUB, "u-main")

    first = service.answer(token, "severity_too_high")
    again = service.answer(token, "severity_too_high")

    assert first.status == again.status == 303
    assert first.headers["Location"].startswith("../u/")
    assert list(feedback.stored) == [("u-main", SUB, "severity_too_high")]
    assert service.answer(token, "nonsense").status == 400
    assert feedback.given("u-main", SUB) == ["severity_too_high"]


@pytest.mark.parametrize("fmt", ["atom", "json"])
def test_given_a_feed_link_then_the_feed_holds_the_subscriptions_updates_only(fmt: str) -> None:
    service, _, _, links = _reader()
    answer = service.feed(links.sign("feed", SUB, fmt=fmt), "https://pw.example/dev")
    assert answer.status == 200
    assert "u-main" in answer.body and "u-earlier" in answer.body and "u-other" not in answer.body
    if fmt == "json":
        assert {item["title"] for item in json.loads(answer.body)["items"]} == {
            "brepocitinib update u-main", "brepocitinib update u-earlier",
        }  # fmt: skip


def test_given_an_unsubscribe_link_then_get_only_asks_and_post_removes_the_subscription() -> None:
    service, _, subscriptions, links = _reader()
    token = links.sign("unsub", SUB)

    form = service.unsubscribe_form(token)
    assert form.status == 200 and SUB in subscriptions.records
    done = service.unsubscribe(token)
    assert done.status == 200 and "Unsubscribed" in done.body
    assert subscriptions.records == {}
    assert service.unsubscribe(token).status == 200  # again: nothing left, same answer
    assert service.feed(links.sign("feed", SUB, fmt="atom"), "https://pw.example/dev").status == 410

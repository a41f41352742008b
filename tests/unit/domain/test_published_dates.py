"""Every alert says when the story was first published (not only first seen), and a story that reached
pipewatch long after its publication says so: SMS, e-mail (text and HTML), Slack, Teams, webhook, page.
Updates are HAND-MADE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.chat import slack_message, teams_message
from pipewatch.domain.render.email_html import render_email_html
from pipewatch.domain.render.messages import published_late, render_email_body, render_sms, when_published
from pipewatch.domain.render.page import PageLinks, render_update_page
from pipewatch.domain.render.webhooks import webhook_body

SEEN = datetime(2023, 3, 1, 8, 0, tzinfo=UTC)
LINKS = PageLinks(feedback="fb-token", page_for=lambda uid: f"page-{uid}")


def _update(published: datetime | None) -> Update:
    return Update(
        update_id="u-0123456789abcdef01234567",
        title="FDA extends review of efgartigimod PFS",
        url="https://news.example/review",
        source_id="press",
        source_name="Press Wire",
        published=published,
        first_seen=SEEN,
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="medium"
        ),
    )


LATE = _update(datetime(2023, 1, 27, 16, 30, tzinfo=UTC))
FRESH = _update(SEEN - timedelta(hours=20))
UNDATED = _update(None)


@pytest.mark.parametrize(
    ("update", "words", "late"),
    [
        (LATE, "published 2023-01-27, first seen 2023-03-01 (32 days later)", True),
        (FRESH, "published 2023-02-28", False),
        (_update(SEEN - timedelta(days=2)), "published 2023-02-27", False),  # two days is not late yet
        (UNDATED, "first seen 2023-03-01 (no publication date given)", False),
    ],
    ids=["late", "fresh", "two-days", "undated"],
)
def test_given_publication_and_first_sight_then_the_words_say_when_it_was_published(
    update: Update, words: str, late: bool
) -> None:
    assert when_published(update) == words
    assert published_late(update) is late


def _texts(update: Update) -> dict[str, str]:
    slack: dict[str, Any] = slack_message(update)
    teams: dict[str, Any] = teams_message(update)
    return {
        "email": render_email_body(update),
        "email_html": render_email_html(update),
        "slack": str(slack["blocks"]),
        "teams": str(teams["attachments"][0]["content"]["body"]),
        "webhook": str(webhook_body(update, subscription_id="sub-0123456789abcdef", message_id="msg_1")),
        "page": render_update_page(update, links=LINKS),
    }


@pytest.mark.parametrize("update", [LATE, FRESH, UNDATED], ids=["late", "fresh", "undated"])
def test_given_any_channel_then_it_shows_when_the_story_was_published(update: Update) -> None:
    for channel, text in _texts(update).items():
        assert when_published(update) in text, channel


def test_given_a_late_story_then_the_sms_says_published_and_a_fresh_one_says_its_day_in_short() -> None:
    assert "(published 2023-01-27) https://" in render_sms(LATE)
    assert "FDA extends review of efgartigimod PFS (28 Feb) https://" in render_sms(FRESH)
    assert "published" not in render_sms(FRESH)
    assert "(" not in render_sms(UNDATED).split(":", 1)[1]  # no date given: none invented


def test_given_a_late_story_then_the_webhook_body_flags_it() -> None:
    body = webhook_body(LATE, subscription_id="sub-0123456789abcdef", message_id="msg_1")["update"]
    assert body["published_late"] is True and body["published"] == "2023-01-27T16:30:00+00:00"
    assert body["when"] == when_published(LATE)

"""Signed links: round trips per purpose, and every refusal (unsigned, altered, expired, wrong purpose,
rotated key, malformed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes import altered_token
from pipewatch.domain.subscribers.links import ANY_READER, LinkError, LinkKeys, SignedLinks

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
KEY1 = bytes(range(32))
KEY2 = bytes(range(1, 33))
KEY3 = bytes(range(2, 34))
SUB = "sub-0123456789abcdef"
UPDATE = "u-0123456789abcdef01234567"


def links(current: int = 1, keys: dict[int, bytes] | None = None, now: datetime = NOW) -> SignedLinks:
    return SignedLinks(LinkKeys(current, keys or {1: KEY1}), "https://pw.example/dev/", clock=lambda: now)


def test_given_each_purpose_when_signed_then_verify_returns_its_claims() -> None:
    signer = links()
    page = signer.verify(signer.sign("page", SUB, update_id=UPDATE), "page")
    assert (page.subscription_id, page.update_id, page.fmt) == (SUB, UPDATE, None)
    feed = signer.verify(signer.sign("feed", SUB, fmt="json"), "feed")
    assert (feed.subscription_id, feed.fmt) == (SUB, "json")
    unsub = signer.verify(signer.sign("unsub", SUB), "unsub")
    assert unsub.subscription_id == SUB and unsub.expires == NOW + timedelta(days=366)
    feedback = signer.verify(signer.sign("feedback", ANY_READER, update_id="t-" + "ab" * 12), "feedback")
    assert (feedback.subscription_id, feedback.update_id) == (ANY_READER, "t-" + "ab" * 12)
    calendar = signer.verify(signer.sign("calendar", SUB), "calendar")
    assert (calendar.subscription_id, calendar.update_id, calendar.fmt) == (SUB, "", None)
    assert calendar.expires == NOW + timedelta(days=366)


def test_given_an_update_id_outside_the_hex_form_then_it_round_trips_raw() -> None:
    signer = links()
    claims = signer.verify(signer.sign("page", SUB, update_id="u-stack-test-unpublishable"), "page")
    assert claims.update_id == "u-stack-test-unpublishable"


def test_given_the_urls_then_each_points_at_its_route_under_the_base() -> None:
    signer = links()
    assert signer.update_url(SUB, UPDATE).startswith("https://pw.example/dev/u/")
    assert signer.feed_url(SUB, "atom").startswith("https://pw.example/dev/feed/")
    assert signer.unsubscribe_url(SUB).startswith("https://pw.example/dev/unsub/")
    assert signer.calendar_url(SUB).startswith("https://pw.example/dev/cal/")
    assert signer.verify(signer.calendar_url(SUB).rsplit("/", 1)[1], "calendar").subscription_id == SUB
    token = signer.unsubscribe_url(SUB).rsplit("/", 1)[1]
    assert signer.verify(token, "unsub").subscription_id == SUB


@pytest.mark.parametrize("update_id", [UPDATE, "t-" + "cd" * 12, "k-" + "ef" * 12])
def test_given_a_topic_wide_page_link_then_it_stays_short_enough_for_an_sms(update_id: str) -> None:
    # news updates, trial changes and the calendar's slip/overdue updates alike
    token = links().sign("page", ANY_READER, update_id=update_id)
    assert len(token) <= 48, token
    assert links().verify(token, "page").update_id == update_id


@pytest.mark.parametrize("index", [0, 1, 4, 5, 8, -1, -16])
def test_given_any_altered_byte_then_the_token_is_refused(index: int) -> None:
    signer = links()
    token = signer.sign("page", SUB, update_id=UPDATE)
    with pytest.raises(LinkError):
        signer.verify(altered_token(token, index), "page")


@pytest.mark.parametrize(
    "token", ["", "not a token", "abc", "u-0123456789abcdef01234567", "A" * 500, "%3Cscript%3E"]
)
def test_given_an_unsigned_or_malformed_token_then_it_is_refused(token: str) -> None:
    with pytest.raises(LinkError):
        links().verify(token, "page")


def test_given_a_token_from_another_key_then_refused() -> None:
    forged = SignedLinks(LinkKeys(1, {1: KEY2}), "https://x", clock=lambda: NOW)
    with pytest.raises(LinkError, match="signature"):
        links().verify(forged.sign("page", SUB, update_id=UPDATE), "page")


def test_given_an_expired_token_then_refused_and_one_second_before_accepted() -> None:
    signer = links()
    token = signer.sign("page", SUB, update_id=UPDATE, expires=NOW + timedelta(hours=1))
    assert links(now=NOW + timedelta(minutes=59, seconds=59)).verify(token, "page").update_id == UPDATE
    with pytest.raises(LinkError, match="expired"):
        links(now=NOW + timedelta(hours=1)).verify(token, "page")


@pytest.mark.parametrize("purpose", ["feed", "unsub", "feedback", "calendar"])
def test_given_a_page_token_used_for_another_purpose_then_refused(purpose: str) -> None:
    signer = links()
    token = signer.sign("page", SUB, update_id=UPDATE)
    with pytest.raises(LinkError, match="not a"):
        signer.verify(token, purpose)  # type: ignore[arg-type]


@pytest.mark.parametrize("purpose", ["unsub", "feed", "page"])
def test_given_a_calendar_token_used_for_another_purpose_then_refused(purpose: str) -> None:
    signer = links()
    with pytest.raises(LinkError, match="a calendar link, not a"):
        signer.verify(signer.sign("calendar", SUB), purpose)  # type: ignore[arg-type]
    with pytest.raises(LinkError, match="not a calendar link"):
        signer.verify(signer.sign("unsub", SUB), "calendar")


def test_given_a_rotation_then_previous_key_links_verify_and_a_second_rotation_revokes_them() -> None:
    old = links(1, {1: KEY1}).sign("unsub", SUB)
    rotated = links(2, {2: KEY2, 1: KEY1})
    assert rotated.verify(old, "unsub").key_id == 1
    assert rotated.verify(rotated.sign("unsub", SUB), "unsub").key_id == 2
    twice = links(3, {3: KEY3, 2: KEY2})
    with pytest.raises(LinkError, match="no longer accepted"):
        twice.verify(old, "unsub")


def test_given_bad_inputs_when_signing_then_value_errors() -> None:
    signer = links()
    with pytest.raises(ValueError, match="subscription id"):
        signer.sign("unsub", "alice@example.com")
    with pytest.raises(ValueError, match="one subscription"):
        signer.sign("unsub", ANY_READER)
    with pytest.raises(ValueError, match="calendar links belong to one subscription"):
        signer.sign("calendar", ANY_READER)
    with pytest.raises(ValueError, match="feed format"):
        signer.sign("feed", SUB, fmt="rss")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 32 bytes"):
        LinkKeys(1, {1: b"short"})

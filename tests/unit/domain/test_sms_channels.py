"""What lands on a phone is readable: for every channel that sends text to phones, the alert's SMS is one
GSM-7 message of at most 160 characters whatever the headline's alphabet, the agents or the site's base; it
holds the severity, the agent, the event, the headline's first words and the short link.

Headlines: the Japanese one is the real labelled row E-080 (tests/fixtures/labeled/headlines_dev.jsonl); the
Latin, accented, Greek, Cyrillic and emoji ones are HAND-MADE in the shape of real coverage.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.channel_payloads import CHANNEL_PAYLOADS
from pipewatch.domain.render.digest import build_digest
from pipewatch.domain.render.messages import (
    NON_LATIN_MARK,
    SMS_LIMIT,
    event_word,
    is_gsm7,
    render_alert,
    sms_headline,
)
from pipewatch.domain.subscribers.channels import CHANNELS
from pipewatch.domain.subscribers.links import LinkKeys, SignedLinks
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
KEYS = LinkKeys(1, {1: bytes(range(32))})
LABELLED = Path(__file__).resolve().parents[2] / "fixtures" / "labeled" / "headlines_dev.jsonl"


def _labelled_title(row_id: str) -> str:
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == row_id:
            return str(row["title"])
    raise KeyError(row_id)


# alphabet -> (headline, the first word the SMS must carry)
HEADLINES = {
    "latin": ("Argenx wins FDA approval for Vyvgart Hytrulo in CIDP after priority review", "Argenx"),
    "accented": ("Ärzte: Brepocitinib überzeugt bei Dermatomyositis – Zulassung beantragt", "Arzte:"),
    "greek": ("Έγκριση του efgartigimod από τον ΕΟΦ για τη γενικευμένη μυασθένεια", "Egkrisi"),
    "cyrillic": ("Эфгартигимод одобрен в России для лечения генерализованной миастении", "Efgartigimod"),
    "cjk": (_labelled_title("E-080"), NON_LATIN_MARK.split()[0]),
    "emoji": ("\U0001f389 Dazukibart hits primary endpoint in Sjögren's \U0001f680\U0001f4c8", "Dazukibart"),
}
AGENT_LISTS = {
    "one": ("efgartigimod",),
    "three": ("efgartigimod", "dazukibart", "brepocitinib"),
}
# A custom domain, the stack's own API Gateway URL (59 characters), a 70-character one, and one no SMS fits.
BASES = {
    "custom": "https://pw.example.com",
    "api-59": "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod",
    "api-70": "https://abcdef1234.execute-api.ap-southeast-2.amazonaws.com/production",
    "absurd": "https://" + "x" * 150 + ".example",
}


def _sms_for_phones(update: Update, base: str) -> str:
    """The text the `sms` channel delivers: the alert's `sms`, with its short link."""
    links = SignedLinks(KEYS, base, clock=lambda: NOW)
    short = links.short_link(update.update_id)
    return render_alert(
        update,
        link_base="https://pw.example/u",
        page_link=links.update_url("", update.update_id),
        sms_link=links.short_url(short.code),
    ).sms


# Every channel that puts text on a phone, and how its text is made. Every other channel is e-mail or a URL
# destination with a payload builder (chat and webhooks have no 160-character limit).
PHONE_TEXT = {"sms": _sms_for_phones}


def _update(headline: str, agents: tuple[str, ...], **kwargs: object) -> Update:
    values: dict[str, object] = {
        "update_id": "u-0123456789abcdef01234567",
        "title": headline,
        "url": "https://news.example/" + "long-slug-" * 12,
        "source_id": "press",
        "source_name": "Press Wire",
        "first_seen": NOW,
        "published": NOW - timedelta(hours=3),
        "classification": Classification(
            relevant=True, agents=agents, event_type="catalyst_overdue", severity="medium"
        ),
    }
    values.update(kwargs)
    return Update(**values)  # type: ignore[arg-type]


def test_given_the_channel_registry_then_every_channel_sending_text_to_phones_is_covered_here() -> None:
    phone_channels = {kind for kind in CHANNELS if kind not in CHANNEL_PAYLOADS and kind != "email"}
    assert phone_channels == set(PHONE_TEXT)


@pytest.mark.parametrize("channel", sorted(PHONE_TEXT))
@pytest.mark.parametrize("alphabet", sorted(HEADLINES))
@pytest.mark.parametrize("agents", sorted(AGENT_LISTS))
@pytest.mark.parametrize("base", ["custom", "api-59", "api-70"])
def test_given_any_alphabet_agents_and_base_then_the_sms_is_one_gsm7_message_with_the_essentials(
    channel: str, alphabet: str, agents: str, base: str
) -> None:
    headline, first_word = HEADLINES[alphabet]
    update = _update(headline, AGENT_LISTS[agents])

    sms = PHONE_TEXT[channel](update, BASES[base])

    assert len(sms) <= SMS_LIMIT and is_gsm7(sms), sms
    assert sms.startswith("MEDIUM efgartigimod"), sms  # severity, then the (first) agent
    assert f" {event_word('catalyst_overdue')}: " in sms
    assert sms.endswith(
        " "
        + SignedLinks(KEYS, BASES[base], clock=lambda: NOW).short_url(
            SignedLinks(KEYS, BASES[base], clock=lambda: NOW).short_link(update.update_id).code
        )
    )
    text = sms.split(": ", 1)[1]
    assert text.split()[0] == first_word, sms
    assert text.startswith(" ".join(sms_headline(update).split()[:2])), sms  # the headline's first words


@pytest.mark.parametrize("alphabet", sorted(HEADLINES))
def test_given_a_story_first_seen_long_after_publication_then_the_sms_says_when_it_was_published(
    alphabet: str,
) -> None:
    update = _update(
        HEADLINES[alphabet][0], AGENT_LISTS["three"], published=datetime(2023, 1, 27, 14, 0, tzinfo=UTC)
    )

    sms = _sms_for_phones(update, BASES["api-70"])

    assert len(sms) <= SMS_LIMIT and is_gsm7(sms)
    assert "(published 2023-01-27) " in sms


def test_given_a_base_too_long_for_any_sms_then_the_shortest_honest_link_is_sent() -> None:
    update = _update(HEADLINES["latin"][0], AGENT_LISTS["one"])

    sms = _sms_for_phones(update, BASES["absurd"])

    assert len(sms) <= SMS_LIMIT and is_gsm7(sms)
    assert sms.endswith("https://pw.example/u/u-0123456789abcdef01234567")


def test_given_the_short_link_then_the_headline_gets_three_times_the_room_the_signed_link_left() -> None:
    # A headline of one-letter words: the kept text measures the room (a cut loses at most one letter).
    update = _update(
        "a " * 100,
        AGENT_LISTS["one"],
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="high"
        ),
    )
    links = SignedLinks(KEYS, BASES["api-59"], clock=lambda: NOW)

    def kept(sms: str) -> int:
        return len(sms.split(": ", 1)[1].rsplit(" ", 1)[0])

    before = kept(render_alert(update, page_link=links.update_url("", update.update_id)).sms)
    after = kept(_sms_for_phones(update, BASES["api-59"]))
    custom = kept(_sms_for_phones(update, BASES["custom"]))

    assert before <= 25  # the signed page link (about 107 characters) left a few words
    assert after >= 54 and after >= 2 * before  # with the stack's own 59-character API URL
    assert custom >= 90  # with a custom domain


def test_given_a_digest_for_a_phone_then_its_sms_fits_too() -> None:
    subscription = Subscription(endpoint="+15555550123", preferences=Preferences(mode="digest"))
    updates = [
        _update(HEADLINES[a][0], AGENT_LISTS["three"], update_id=f"u-{n:024x}")
        for n, a in enumerate(sorted(HEADLINES))
    ]
    links = SignedLinks(KEYS, BASES["api-70"], clock=lambda: NOW)

    digest = build_digest(
        subscription, updates, digest_date="2026-11-30", since=NOW - timedelta(days=1), until=NOW, links=links
    )

    assert digest is not None
    assert len(digest.sms) <= SMS_LIMIT and is_gsm7(digest.sms)

"""Issue 27 finding 3: a chat digest of 120 updates (hand-made) reaches Slack and Teams in messages each
within the channel's budget (Slack: section texts of at most 3,000 characters, at most 50 blocks; Teams:
a card of at most TEAMS_CARD_BYTES), every update named in some message or counted in an "N more" line with
the link to the full list, and the footer (one-click unsubscribe) in every message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fakes import InMemorySubscriptionTable, OnceDigestPublisher, StoredUpdates
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.channel_payloads import CHANNEL_PAYLOADS, Message
from pipewatch.domain.render.chat import (
    SLACK_MAX_BLOCKS,
    SLACK_TEXT_LIMIT,
    TEAMS_CARD_BYTES,
    slack_digest,
    teams_digest,
)
from pipewatch.domain.subscribers.channels import channel_subscription_id, mask_url
from pipewatch.domain.subscribers.links import LinkKeys, SignedLinks
from pipewatch.domain.subscribers.records import SubscriptionRecord
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription
from pipewatch.services.digest import DigestService

NOW = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
LINKS = SignedLinks(LinkKeys(1, {1: bytes(range(32))}), "https://pw.example/dev", clock=lambda: NOW)


def _updates(count: int) -> list[Update]:
    return [
        Update(
            update_id=f"u-{n:03d}",
            title=f"Hand-made efgartigimod update number {n} with a headline of ordinary length & <markup>",
            summary="s",
            url=f"https://news.example/efgartigimod/{n}?id={n}_a[b]",
            source_id="press",
            source_name="Press Wire",
            first_seen=NOW - timedelta(hours=2, minutes=n),
            classification=Classification(
                relevant=True,
                agents=("efgartigimod",),
                indications=("dermatomyositis",),
                event_type="results",
                severity="high",
            ),
        )
        for n in range(count)
    ]


def _channel(kind: str) -> SubscriptionRecord:
    url = f"https://hooks.example.com/{kind}/T0/B0"
    created = NOW - timedelta(days=3)
    return SubscriptionRecord(
        subscription=Subscription(
            subscription_id=channel_subscription_id(kind, url),  # type: ignore[arg-type]
            endpoint=mask_url(url),
            protocol=kind,  # type: ignore[arg-type]
            preferences=Preferences(mode="digest", digest_hour=8),
        ),
        status="active",
        sns_attributes={},
        created_at=created,
        updated_at=created,
    )


def _within_budget(kind: str, payload: dict[str, Any]) -> str:
    """The payload's visible text, after checking the channel's limits."""
    if kind == "slack":
        blocks = payload["blocks"]
        assert len(blocks) <= SLACK_MAX_BLOCKS
        texts = [b["text"]["text"] for b in blocks[1:]]
        assert all(len(t) <= SLACK_TEXT_LIMIT for t in texts)
        return "\n".join(texts)
    assert len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()) <= TEAMS_CARD_BYTES
    return "\n".join(b["text"] for b in payload["attachments"][0]["content"]["body"])


@pytest.mark.parametrize("kind", ["slack", "teams"])
def test_a_120_update_digest_fits_every_chat_message_and_keeps_the_footer(kind: str) -> None:
    record = _channel(kind)
    publisher = OnceDigestPublisher()
    service = DigestService(
        table=InMemorySubscriptionTable.of(record),  # type: ignore[arg-type]
        store=StoredUpdates(_updates(120), []),  # type: ignore[arg-type]
        publisher=publisher,
        links=lambda: LINKS,
    )

    (sent,) = service.run(NOW).sent

    assert sent["updates"] == 120 and sent["parts"] == len(publisher.sent) > 1
    unsubscribe = LINKS.unsubscribe_url(record.subscription_id)
    named: set[int] = set()
    for message, part in publisher.sent:
        payload = CHANNEL_PAYLOADS[kind].digest(
            Message(record.subscription_id, "msg-1", digest_key=message.part_key(part),
                    subject=message.part_subject(part), text=message.all_parts[part])
        )  # fmt: skip
        visible = _within_budget(kind, payload).replace("\\", "")
        assert unsubscribe.replace("_", "") in visible.replace("_", "")
        named |= {n for n in range(120) if f"update number {n} " in visible}
    assert named == set(range(120)) or sent["omitted"] == 120 - len(named)


@pytest.mark.parametrize("render", [slack_digest, teams_digest])
def test_an_oversized_digest_text_is_cut_to_n_more_with_the_link_and_the_footer_kept(render: Any) -> None:
    body = [f"- [HIGH] results: hand-made headline {n} " + "x" * 150 for n in range(1500)]
    footer = ["-- ", "Why you got this: ...", "Your feeds: Atom https://pw.example/dev/feed/tok and JSON ...",
              "Unsubscribe (one click, takes effect at once): https://pw.example/dev/unsub/tok"]  # fmt: skip
    payload = render("pipewatch digest", "\n".join(["head", *body, *footer]))

    kind = "slack" if render is slack_digest else "teams"
    visible = _within_budget(kind, payload).replace("\\", "")
    assert "https://pw.example/dev/unsub/tok" in visible
    assert (
        "more updates not shown here" in visible
        and "the full list: https://pw.example/dev/feed/tok" in visible
    )
    shown = sum(1 for n in range(1500) if f"headline {n} " in visible)
    assert f"and {1500 - shown} more updates" in visible

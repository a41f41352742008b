"""The paused filter policy matches no message the notifier publishes: own-news and landscape alerts of every
severity and a digest are all refused by it (by SNS rules: domain/subscribers/filter_policy)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from pipewatch.adapters.notifier import SnsNotifier, message_attributes
from pipewatch.domain.models import SEVERITY_RANK, Alert, Classification, Update
from pipewatch.domain.render.messages import render_alert
from pipewatch.domain.subscribers.filter_policy import accepts
from pipewatch.domain.subscribers.subscriptions import PAUSED_FILTER_POLICY, Subscription

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _alert(severity: str, *, landscape: bool) -> Alert:
    update = Update(  # hand-made
        update_id=f"u-{severity}",
        title="Argenx wins approval for Vyvgart",
        url="https://news.example/vyvgart",
        source_id="press",
        source_name="Press Wire",
        first_seen=NOW,
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="regulatory", severity=severity
        ),
    )
    alert = render_alert(update)
    return replace(alert, tier="landscape") if landscape else alert


def _as_received(attributes: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {k: {"Type": v["DataType"], "Value": v["StringValue"]} for k, v in attributes.items()}


@pytest.mark.parametrize("severity", sorted(SEVERITY_RANK))
@pytest.mark.parametrize("landscape", [False, True])
def test_given_any_alert_then_the_paused_policy_refuses_it_and_an_open_policy_accepts_it(
    severity: str, landscape: bool
) -> None:
    received = _as_received(message_attributes(_alert(severity, landscape=landscape)))

    assert not accepts(PAUSED_FILTER_POLICY, received)
    assert accepts({"tier": ["own", "landscape"]}, received)  # the same message does reach a subscriber


class RecordingSnsClient:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, **request: Any) -> dict[str, str]:
        self.published.append(request)
        return {"MessageId": f"m-{len(self.published)}"}


def test_given_a_digest_for_the_paused_subscriber_then_the_paused_policy_refuses_it() -> None:
    client = RecordingSnsClient()
    sid = Subscription(endpoint="analyst@example.com").subscription_id
    SnsNotifier(client, "arn:aws:sns:us-east-1:123456789012:alerts").publish_digest(
        subscription_id=sid, digest_key="k", subject="digest", email="text", sms="text"
    )

    (request,) = client.published
    received = _as_received(request["MessageAttributes"])
    assert not accepts(PAUSED_FILTER_POLICY, received)
    assert accepts({"delivery": ["digest"], "subscription_id": [sid]}, received)

"""A stored landscape update (issue 26) is published once through the alert function, with `tier` in its SNS
message attributes: a default subscription's policy does not receive it, an opted-in one does (moto SNS
filtering). Hand-made updates."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from pipewatch.adapters.aws import client
from pipewatch.adapters.store import Store
from pipewatch.composition import build_alert_service
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.subscribers.subscriptions import Subscription
from pipewatch.handlers import alert as alert_handler
from pipewatch.settings import Settings
from pipewatch_local.local_stack import StreamPump, add_shadow_subscriber

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _update(update_id: str, **classification: Any) -> Update:
    return Update(
        update_id=update_id,
        title=f"Hand-made test update {update_id}",
        url=f"https://example.com/{update_id}",
        source_id="test",
        classification=Classification.from_json_dict(
            {"relevant": True, "event_type": "regulatory", "severity": "high", "reasons": ["hand-made"]}
            | classification
        ),
        first_seen=NOW,
    )


def _policy(**preferences: Any) -> dict[str, Any]:
    return Subscription.model_validate(
        {"endpoint": "a@example.com", "preferences": preferences}
    ).filter_policy()


def _ids(inbox: Any) -> list[str]:
    return sorted(m["MessageAttributes"]["update_id"]["Value"] for m in inbox.received())


def test_a_landscape_alert_reaches_only_subscribers_who_opted_in(local_stack: Any) -> None:
    settings = Settings.from_env()
    service = build_alert_service(settings)
    pump = StreamPump(
        settings.table_name,
        partial(alert_handler.handler, service=service),
        function_name="alert",
        filters=[{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["update"]}}}}],
    )
    everything = add_shadow_subscriber(settings.topic_arn, "all", None)
    default = add_shadow_subscriber(settings.topic_arn, "default", _policy(agents=["efgartigimod"]))
    opted_in = add_shadow_subscriber(
        settings.topic_arn, "landscape", _policy(agents=["efgartigimod"], tiers=["own", "landscape"])
    )
    store = Store(client("dynamodb", settings), settings.table_name)
    assert store.put_update(_update("u-own", agents=["efgartigimod"], indications=["myasthenia_gravis"]))
    assert store.put_update(
        _update(
            "u-landscape",
            indications=["myasthenia_gravis"],
            tier="landscape",
            competitor="nipocalimab",
            competes_with=["efgartigimod"],
        )
    )
    assert pump.pump() == 2

    received = everything.received()  # read once: the shadow queue hands each message out once
    assert sorted(m["MessageAttributes"]["update_id"]["Value"] for m in received) == ["u-landscape", "u-own"]
    assert _ids(default) == ["u-own"]
    assert _ids(opted_in) == ["u-landscape", "u-own"]
    landscape = next(m for m in received if m["MessageAttributes"]["update_id"]["Value"] == "u-landscape")
    assert landscape["MessageAttributes"]["tier"]["Value"] == "landscape"
    assert "landscape nipocalimab" in landscape["Subject"]

"""The demo's webhook subscriber (local/pipewatch_local/demo_webhook.py) on the stack: what it received,
with signatures that verify, and only what its policy selects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipewatch.domain.models import Classification, Update


def _update(update_id: str, severity: str) -> Update:
    return Update(
        update_id=update_id,
        title=f"Hand-made headline {update_id}",
        url=f"https://example.com/{update_id}",
        source_id="test",
        first_seen=datetime(2026, 12, 1, 9, tzinfo=UTC),
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="regulatory", severity=severity
        ),
    )


def test_given_the_demo_webhook_subscriber_then_it_shows_each_post_and_a_signature_that_verifies(
    local_stack: Any,
) -> None:
    from pipewatch.composition import build_alert_service
    from pipewatch.settings import Settings
    from pipewatch_local.demo_webhook import WebhookSubscriber

    subscriber = WebhookSubscriber(local_stack).start()  # min_severity medium
    alert = build_alert_service(Settings.from_env())
    from boto3.dynamodb.types import TypeSerializer

    from pipewatch.adapters.aws import client
    from pipewatch.adapters.store import Store, update_to_item

    store = Store(client("dynamodb", Settings.from_env()), Settings.from_env().table_name)
    for update in (_update("u-high", "high"), _update("u-low", "low")):
        store.put_update(update)
        image = {k: TypeSerializer().serialize(v) for k, v in update_to_item(update).items() if v is not None}
        alert.handle_record({"eventName": "INSERT", "dynamodb": {"NewImage": image}})
    result = subscriber.finish()
    assert [p["body"]["update"]["update_id"] for p in result.received] == ["u-high"]
    assert result.received[0]["signature_valid"] is True
    assert result.received[0]["webhook-signature"].startswith("v1,")
    text = "\n".join(result.render())
    assert "webhook-signature: v1," in text
    assert "(verifies: True)" in text
    assert result.endpoint.startswith("http://127.0.0.1:") and "/pipewatch-hook" not in result.endpoint

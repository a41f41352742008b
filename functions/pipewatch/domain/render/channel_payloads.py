"""What each URL destination is sent: the delivery side of the channel registry (domain/subscribers/
channels.py). For every URL kind, the JSON body of an alert and of a digest, and the per-destination rate cap.

The delivery service posts what the kind's builder returns (signed the Standard Webhooks way, whatever the
kind); `pipewatch render` shows the same body, and the signature headers for the kinds whose receivers
verify them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipewatch.domain.models import Update
from pipewatch.domain.render.chat import slack_digest, slack_message, teams_digest, teams_message
from pipewatch.domain.render.webhooks import digest_webhook_body, webhook_body


@dataclass(frozen=True, slots=True)
class Message:
    """One message for one destination: an alert (``update``) or a digest (``digest_key``, subject, text)."""

    subscription_id: str
    message_id: str  # the webhook-id header: the same for every attempt of this message
    update: Update | None = None
    digest_key: str = ""
    subject: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class PayloadSpec:
    alert: Callable[[Update, Message], dict[str, Any]]
    digest: Callable[[Message], dict[str, Any]]
    interval_seconds: float = 1.0  # at most one message per this many seconds per destination
    receiver_verifies_signature: bool = False

    def body(self, message: Message) -> dict[str, Any]:
        return self.alert(message.update, message) if message.update else self.digest(message)


def _webhook_alert(update: Update, message: Message) -> dict[str, Any]:
    return webhook_body(update, subscription_id=message.subscription_id, message_id=message.message_id)


def _webhook_digest(message: Message) -> dict[str, Any]:
    return digest_webhook_body(
        subscription_id=message.subscription_id,
        message_id=message.message_id,
        digest_key=message.digest_key,
        subject=message.subject,
        text=message.text,
    )


# Keyed by the URL kinds of CHANNELS (a unit test checks that each has exactly one entry here).
CHANNEL_PAYLOADS: dict[str, PayloadSpec] = {
    "slack": PayloadSpec(
        alert=lambda update, _message: slack_message(update),
        digest=lambda message: slack_digest(message.subject, message.text),
        interval_seconds=1.0,  # Slack: about one message per second per channel
    ),
    "teams": PayloadSpec(
        alert=lambda update, _message: teams_message(update),
        digest=lambda message: teams_digest(message.subject, message.text),
    ),
    "webhook": PayloadSpec(alert=_webhook_alert, digest=_webhook_digest, receiver_verifies_signature=True),
}

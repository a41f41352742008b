"""The demo's webhook subscriber (issue 17): one signed-webhook destination on a local receiver
(127.0.0.1), subscribed before the polls and delivered by the delivery handler after them, so the demo shows
what a webhook receiver gets and the Standard Webhooks signature it can verify.

The receiver runs on loopback, which the SSRF guard refuses by default: the demo (like the tests) injects
`AddressPolicy.loopback_for_tests()` into the subscription check and the sender explicitly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pipewatch_local.local_stack import LambdaContext, LocalStack, QueuePump
from pipewatch_local.webhook_receiver import WebhookReceiver

PATH = "/pipewatch-hook"
PREFERENCES = {"min_severity": "medium"}


class _TickingClock:
    """Real time plus 15 s per delivery invocation: the pump hands deferred messages back at once, the clock
    moves as if their visibility timeout had passed."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def tick(self) -> None:
        self._offset += timedelta(seconds=15)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self._offset


@dataclass
class WebhookDemoResult:
    endpoint: str
    subscription_id: str
    preferences: dict[str, Any]
    received: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "subscription_id": self.subscription_id,
            "preferences": self.preferences,
            "received": self.received,
        }

    def summary(self) -> list[str]:
        """The analyst's view: who it is, what it got, whether it can trust it (the headers: `render`)."""
        verified = sum(1 for post in self.received if post["signature_valid"])
        trust = (
            "every signature verifies"
            if verified == len(self.received)
            else f"{len(self.received) - verified} signatures DO NOT verify"
        )
        agents = ", ".join(self.preferences.get("agents") or []) or "every agent"
        severity = self.preferences.get("min_severity", "low")
        return [
            f"  Your team's webhook (signed the Standard Webhooks way) <{self.endpoint}>",
            f"    wants: {agents}; {severity} severity and above; as it happens",
            f"    got {len(self.received)} signed POSTs; {trust} (the signed headers: --verbose)",
        ]

    def render(self) -> list[str]:
        out = [
            "",
            f"Webhook subscriber (Standard Webhooks signed; {json.dumps(self.preferences)})"
            f" <{self.endpoint}>",
            f"  {len(self.received)} POSTs received",
        ]
        for post in self.received:
            out += [
                f"  - {post['headline'][:100]}",
                f"    webhook-id: {post['webhook-id']}  webhook-timestamp: {post['webhook-timestamp']}",
                f"    webhook-signature: {post['webhook-signature']}  (verifies: {post['signature_valid']})",
            ]
        return out


class WebhookSubscriber:
    def __init__(self, stack: LocalStack) -> None:
        self._stack = stack
        self._receiver = WebhookReceiver()
        self._secret = ""
        self._record: Any = None

    def start(self) -> WebhookSubscriber:
        from pipewatch.adapters.webhook_http import HttpsPoster
        from pipewatch.composition import build_subscription_service
        from pipewatch.domain.subscribers.channels import AddressPolicy
        from pipewatch.settings import Settings

        self._receiver.__enter__()
        check = HttpsPoster(policy=AddressPolicy.loopback_for_tests()).check
        service = build_subscription_service(Settings.from_env(), destination_check=check)
        self._record, secret = service.subscribe_channel("webhook", self._receiver.url(PATH), PREFERENCES)
        self._secret = secret or ""
        return self

    def finish(self) -> WebhookDemoResult:
        """Deliver what the topic sent to the delivery queue, then stop the receiver."""
        from pipewatch.adapters.webhook_http import HttpsPoster
        from pipewatch.composition import build_delivery_queue, build_delivery_service
        from pipewatch.domain.render.webhooks import SignatureError, verify
        from pipewatch.domain.subscribers.channels import AddressPolicy
        from pipewatch.settings import Settings
        from pipewatch_local.functions import by_module

        clock = _TickingClock()
        poster = HttpsPoster(policy=AddressPolicy.loopback_for_tests(), read_timeout=2.0)
        settings = Settings.from_env()
        deliver = by_module("deliver").handler(
            service=build_delivery_service(settings, poster=poster, clock=clock),
            queue=build_delivery_queue(settings),
        )

        def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
            clock.tick()
            return deliver(event, context)

        try:
            QueuePump(
                self._stack.output("DeliveryQueueUrl"),
                handler,
                function_name=self._stack.output("DeliverFunctionName"),
            ).pump()
        finally:
            self._receiver.__exit__(None, None, None)
        result = WebhookDemoResult(
            self._record.subscription.endpoint, self._record.subscription_id, PREFERENCES
        )
        for post in self._receiver.at(PATH):
            try:
                verify(self._secret, post.headers, post.body, now=int(post.headers["webhook-timestamp"]))
                valid = True
            except SignatureError:
                valid = False
            body = json.loads(post.body)
            result.received.append(
                {
                    "webhook-id": post.headers["webhook-id"],
                    "webhook-timestamp": post.headers["webhook-timestamp"],
                    "webhook-signature": post.headers["webhook-signature"],
                    "signature_valid": valid,
                    "headline": body.get("update", {}).get("headline", body.get("subject", "")),
                    "body": body,
                }
            )
        return result

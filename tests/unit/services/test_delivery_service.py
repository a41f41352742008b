"""DeliveryService on in-memory fakes: an alert fans out to the chat/webhook/SES subscribers whose policy
accepts it; a job is delivered once (a redelivery is a duplicate), signed; a failing or throttled
destination is retried later with its claim released; a gone subscription is dropped; SES bounces and
complaints suppress the address."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fakes import (
    InMemoryDeliveryState,
    InMemorySns,
    InMemorySubscriptionTable,
    PlainCipher,
    RecordingEmailSender,
    RecordingQueue,
    ScriptedPoster,
    StoredUpdates,
)
from pipewatch.adapters.notifier import message_attributes
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.messages import render_alert
from pipewatch.domain.render.webhooks import verify
from pipewatch.domain.subscribers.delivery import PostResult
from pipewatch.services.delivery import DeliveryJob, DeliveryService, RetryLater
from pipewatch.services.subscriptions import SubscriptionService

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HOOK = "https://hooks.example.com/pipewatch/1"
UPDATE = Update(
    update_id="u-approval",
    title="Argenx wins approval for Vyvgart",
    url="https://news.example/vyvgart",
    source_id="press",
    source_name="Press Wire",
    first_seen=NOW,
    classification=Classification(
        relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="high"
    ),
)


class Stack:
    """The delivery service with every collaborator in memory, and subscriptions made through the real
    SubscriptionService (so records, policies and sealed credentials are what the stack stores)."""

    def __init__(self, *, email: bool = False, answers: list[PostResult] | None = None) -> None:
        self.table = InMemorySubscriptionTable()
        self.state = InMemoryDeliveryState()
        self.queue = RecordingQueue()
        self.poster = ScriptedPoster(answers or [PostResult(200)])
        self.email = RecordingEmailSender() if email else None
        self.subscriptions = SubscriptionService(
            table=self.table,  # type: ignore[arg-type]
            sns=InMemorySns(),  # type: ignore[arg-type]
            clock=lambda: NOW,
            cipher=PlainCipher(),
            check_destination=lambda url: None,
            email_by_delivery_function=email,
        )
        self.service = DeliveryService(
            subscriptions=self.table,
            updates=StoredUpdates([UPDATE]),
            state=self.state,
            queue=self.queue,
            cipher=PlainCipher(),
            poster=self.poster,
            email=self.email,
            clock=lambda: NOW,
        )

    def webhook(self, url: str = HOOK, **preferences: object) -> tuple[str, str]:
        record, secret = self.subscriptions.subscribe_channel("webhook", url, dict(preferences))
        assert secret is not None
        return record.subscription_id, secret


def _envelope(update: Update = UPDATE) -> dict[str, object]:
    attributes = {
        k: {"Type": v["DataType"], "Value": v["StringValue"]}
        for k, v in message_attributes(render_alert(update)).items()
    }
    return {"Type": "Notification", "MessageId": "m-1", "Message": "...", "MessageAttributes": attributes}


def test_given_an_alert_then_it_fans_out_to_the_function_delivered_subscribers_whose_policy_accepts_it() -> (
    None
):
    stack = Stack()
    wanted, _ = stack.webhook(agents=["efgartigimod"])
    stack.webhook("https://hooks.example.com/pipewatch/2", agents=["dazukibart"])
    stack.subscriptions.subscribe({"endpoint": "sns@example.com"})  # mailed by SNS itself

    answer = stack.service.handle_body(json.dumps(_envelope()))

    assert answer == "fanned out to 1"
    (job,) = [DeliveryJob.model_validate_json(b) for b in stack.queue.bodies]
    assert (job.subscription_id, job.update_id) == (wanted, "u-approval")


def test_given_a_job_then_the_webhook_gets_one_signed_post_and_a_redelivery_is_a_duplicate() -> None:
    stack = Stack()
    sid, secret = stack.webhook()
    body = DeliveryJob(subscription_id=sid, update_id="u-approval").model_dump_json()

    assert stack.service.handle_body(body) == "sent"
    assert stack.service.handle_body(body) == "duplicate"

    ((url, sent, headers),) = stack.poster.requests
    assert url == HOOK
    verify(secret, headers, sent, now=int(NOW.timestamp()))
    payload = json.loads(sent)
    assert (payload["subscription_id"], payload["update"]["update_id"]) == (sid, "u-approval")


def test_given_a_server_error_then_retry_later_with_the_claim_released_and_the_retry_sends() -> None:
    stack = Stack(answers=[PostResult(503), PostResult(200)])
    sid, _ = stack.webhook()
    job = DeliveryJob(subscription_id=sid, update_id="u-approval")

    with pytest.raises(RetryLater, match="HTTP 503"):
        stack.service.deliver(job, receive_count=1)
    assert stack.state.streaks[sid] == 1
    stack.state.next_slot.clear()  # the retry comes back after its backoff, past the rate-cap slot
    assert stack.service.deliver(job, receive_count=2) == "sent"
    assert len(stack.poster.requests) == 2 and sid not in stack.state.streaks


def test_given_a_throttled_destination_then_it_is_held_for_its_retry_after() -> None:
    stack = Stack(answers=[PostResult(429, retry_after=30)])
    sid, _ = stack.webhook()
    with pytest.raises(RetryLater) as retry:
        stack.service.deliver(DeliveryJob(subscription_id=sid, update_id="u-approval"))
    assert retry.value.seconds == 30
    assert stack.state.next_slot[sid] >= NOW.timestamp() + 30
    assert sid not in stack.state.streaks  # throttling is no failure


def test_given_a_429_whose_retry_after_is_unusable_then_the_failure_is_counted_and_nothing_raises() -> None:
    # What the poster reports for "Retry-After: <5,000 digits>" (adapters/http_limits.py caps it).
    capped = PostResult(429, retry_after=12 * 3600, retry_after_problem="Retry-After of 5000 digits capped")
    stack = Stack(answers=[capped, PostResult(429, retry_after_problem="Retry-After ignored: garbage")])
    sid, _ = stack.webhook()
    job = DeliveryJob(subscription_id=sid, update_id="u-approval")
    with pytest.raises(RetryLater) as held:
        stack.service.deliver(job, receive_count=1)
    assert held.value.seconds == 12 * 3600
    assert stack.state.streaks[sid] == 1
    stack.state.next_slot.clear()
    with pytest.raises(RetryLater) as backed_off:
        stack.service.deliver(job, receive_count=2)
    assert backed_off.value.seconds == 20.0  # no usable Retry-After: the backoff of the second attempt
    assert stack.state.streaks[sid] == 2


def test_given_a_job_budget_then_the_post_gets_it_as_its_total_timeout() -> None:
    stack = Stack()
    sid, _ = stack.webhook()
    job = DeliveryJob(subscription_id=sid, update_id="u-approval")
    assert stack.service.deliver(job, budget=4.5) == "sent"
    assert stack.poster.timeouts == [4.5]


def test_given_a_job_with_too_little_time_left_then_it_is_deferred_before_it_claims_or_posts() -> None:
    stack = Stack()
    sid, _ = stack.webhook()
    job = DeliveryJob(subscription_id=sid, update_id="u-approval")
    with pytest.raises(RetryLater, match="no time left"):
        stack.service.deliver(job, budget=0.2)
    assert stack.poster.requests == []
    assert stack.state.claims == {}
    assert sid not in stack.state.streaks  # not started, so no failure


def test_given_a_gone_subscription_or_a_missing_update_then_nothing_is_posted() -> None:
    stack = Stack()
    sid, _ = stack.webhook()
    assert stack.service.deliver(DeliveryJob(subscription_id="sub-gone", update_id="u-approval")) == "dropped"
    with pytest.raises(LookupError, match="u-missing"):
        stack.service.deliver(DeliveryJob(subscription_id=sid, update_id="u-missing"))
    assert stack.poster.requests == []
    assert stack.state.claims[(sid, "u-missing")]["lease_until"] == 0.0  # released for a later retry


def test_given_ses_email_then_it_is_sent_once_and_a_permanent_bounce_suppresses_the_address() -> None:
    stack = Stack(email=True)
    record = stack.subscriptions.subscribe({"endpoint": "reader@example.com"})
    assert stack.email is not None
    job = DeliveryJob(subscription_id=record.subscription_id, update_id="u-approval")

    assert stack.service.deliver(job) == "sent"
    ((recipient, raw),) = stack.email.sent
    assert recipient == "reader@example.com" and b"Argenx wins approval for Vyvgart" in raw

    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "reader@example.com"}]},
    }
    assert stack.service.handle_feedback(bounce) == "suppressed 1"
    digest = DeliveryJob(subscription_id=record.subscription_id, digest_key="d-1", subject="s", text="t")
    assert stack.service.deliver(digest) == "suppressed"
    assert len(stack.email.sent) == 1


def test_given_a_transient_bounce_then_nothing_is_suppressed() -> None:
    stack = Stack(email=True)
    transient = {"notificationType": "Bounce", "bounce": {"bounceType": "Transient", "bouncedRecipients": []}}
    assert stack.service.handle_feedback(transient) == "suppressed 0"
    assert stack.state.suppressed == {}


def test_given_a_paused_webhook_then_no_job_is_fanned_out_and_a_queued_job_is_dropped_until_resumed() -> None:
    stack = Stack()
    sid, _ = stack.webhook(agents=["efgartigimod"])
    queued = DeliveryJob(subscription_id=sid, update_id="u-approval").model_dump_json()
    stack.subscriptions.pause(sid)

    assert stack.service.handle_body(json.dumps(_envelope())) == "fanned out to 0"
    assert stack.service.handle_body(queued) == "dropped" and stack.poster.requests == []
    stack.subscriptions.resume(sid)
    assert stack.service.handle_body(json.dumps(_envelope())) == "fanned out to 1"
    assert stack.service.handle_body(queued) == "sent"

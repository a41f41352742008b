"""Delivery use case: alerts and digests to Slack, Teams, signed webhooks and SES e-mail, exactly once per
(subscription, message), with bounded retries, a per-destination rate cap and failure tracking.

Flow. The alerts topic delivers every publish to the delivery queue (an SNS envelope). `fan_out` applies
each channel subscription's stored SNS filter policy (domain/subscribers/filter_policy.py, the document an SNS
e-mail subscription would carry) and enqueues one job per matching subscription, so every destination has its
own SQS message: its own retries, its own backoff, and a failing or slow destination never holds another's.
`deliver` runs one job:

  claim (conditional write, lease)  ->  rate slot  ->  POST / SES send  ->  sent
        | already sent: done            | busy: release, retry in the slot's wait
        | in flight: retry after lease  | 429: release, hold the destination for Retry-After, retry then
                                        | 5xx / timeout / refused: release, count a failure, back off

A retry is the same SQS message made visible again later (RetryLater -> the handler sets its visibility
timeout): nothing sleeps. The queue's maxReceiveCount bounds the attempts, then the DLQ (with an alarm).

Time. Each job runs with its own `budget` (seconds, handed down by the handler from the function's remaining
time): the POST may take at most that, all of it (the poster enforces a total deadline, not a per-read
one), and a job whose budget is already too short is deferred before it claims anything. So a destination
that answers one byte at a time costs its own job a timeout and delays no other job, and the function always
answers SQS before its own timeout (a timed-out invocation would return the whole batch to the queue).

Exactly once, and its window. A message is sent at most once per claim, and the `sent` state stops every
later redelivery, retry or duplicate fan-out. A second send is possible only when the receiver accepted a
POST whose outcome pipewatch did not record: the connection timed out or broke after the request reached
the receiver, or the worker died between the receiver's answer and the `sent` write (the lease, 60 s, then
expires and a redelivery sends again). Both resend the same `webhook-id` (and SES e-mails the same
X-Pipewatch-Message), so a receiver that keeps the ids it saw for the queue's retention (4 days) removes
the rest; Slack and Teams cannot dedupe, and would show that rare duplicate.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from pipewatch.domain.models import Update
from pipewatch.domain.render.channel_payloads import CHANNEL_PAYLOADS, Message
from pipewatch.domain.render.email_html import build_email, render_email_html, text_to_html
from pipewatch.domain.render.messages import (
    DEFAULT_MANAGE_HINT,
    OWN_LINK_MANAGE_HINT,
    render_email_body,
    render_email_subject,
)
from pipewatch.domain.render.webhooks import encode_body, signed_headers, webhook_id
from pipewatch.domain.subscribers.channels import ChannelUrlError
from pipewatch.domain.subscribers.delivery import Claim, EmailSendError
from pipewatch.domain.subscribers.filter_policy import accepts
from pipewatch.domain.subscribers.records import SubscriptionRecord
from pipewatch.observability import logger
from pipewatch.services.ports import (
    Decrypter,
    DeliveryState,
    EmailSender,
    JobQueue,
    Poster,
    SubscriptionReader,
    UnsubscribeLinks,
    UpdateLookup,
)

LEASE_SECONDS = 60.0
FAILING_AFTER = 5
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 900.0
MIN_POST_SECONDS = 1.0  # a job with less time left than this is deferred, not started
NO_TIME_RETRY_SECONDS = 1.0


class RetryLater(Exception):
    """Try this job again in `seconds` (the handler makes the SQS message visible then)."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(f"retry in {seconds:.0f}s: {reason}")
        self.seconds = seconds
        self.reason = reason


class DeliveryJob(BaseModel):
    """One message for one subscription: an instant alert (update_id) or a digest (digest_key + text)."""

    model_config = ConfigDict(defer_build=True)

    job: Literal["deliver"] = "deliver"
    subscription_id: str
    update_id: str = ""
    digest_key: str = ""
    subject: str = ""
    text: str = ""

    @property
    def message_key(self) -> str:
        return self.update_id or f"digest#{self.digest_key}"


@dataclass(frozen=True, slots=True)
class Rendered:
    """What one attempt sends: a POST body and headers, or a raw e-mail."""

    body: bytes = b""
    headers: dict[str, str] | None = None
    raw_email: bytes = b""


def backoff_seconds(receive_count: int) -> float:
    """Exponential: 10 s, 20 s, 40 s ... capped at 15 minutes (receive_count 1 is the first attempt)."""
    return float(min(BACKOFF_BASE_SECONDS * 2 ** max(receive_count - 1, 0), BACKOFF_CAP_SECONDS))


class DeliveryService:
    def __init__(
        self,
        *,
        subscriptions: SubscriptionReader,
        updates: UpdateLookup,
        state: DeliveryState,
        queue: JobQueue,
        cipher: Decrypter,
        poster: Poster,
        email: EmailSender | None = None,
        links: UnsubscribeLinks | None = None,
        feedback_topic_arn: str = "",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        failing_after: int = FAILING_AFTER,
        manage_hint: str = DEFAULT_MANAGE_HINT,
    ) -> None:
        self._subscriptions = subscriptions
        self._updates = updates
        self._state = state
        self._queue = queue
        self._cipher = cipher
        self._poster = poster
        self._email = email
        self._links = links
        self._feedback_topic_arn = feedback_topic_arn
        self._clock = clock
        self._failing_after = failing_after
        self._manage_hint = manage_hint

    # -- entry ---------------------------------------------------------------------------------------------
    def handle_body(self, body: str, receive_count: int = 1, *, budget: float | None = None) -> str:
        """One SQS message: an SNS envelope (fan out, or SES feedback) or a delivery job, within `budget`
        seconds (None: the poster's own total deadline only)."""
        data = json.loads(body)
        if data.get("Type") == "Notification":
            if self._feedback_topic_arn and data.get("TopicArn") == self._feedback_topic_arn:
                return self.handle_feedback(json.loads(data["Message"]))
            return f"fanned out to {len(self.fan_out(data))}"
        return self.deliver(DeliveryJob.model_validate(data), receive_count, budget=budget)

    def delivers_by_function(self, record: SubscriptionRecord) -> bool:
        """Chat and webhook always; e-mail when SES is on and SNS no longer mails it (a subscription made
        before SES was configured keeps its SNS e-mail until it is subscribed again: never both)."""
        sub = record.subscription
        return sub.is_channel or (sub.protocol == "email" and self._email is not None and not record.sns_arn)

    def fan_out(self, envelope: dict[str, Any]) -> list[DeliveryJob]:
        attributes = envelope.get("MessageAttributes") or {}
        delivery = attributes.get("delivery", {}).get("Value")
        jobs: list[DeliveryJob] = []
        for record in self._subscriptions.list():
            if record.status != "active" or record.paused or not self.delivers_by_function(record):
                continue
            policy = json.loads(record.sns_attributes.get("FilterPolicy", "{}"))
            if not policy or not accepts(policy, attributes):
                continue
            if delivery == "digest":
                jobs.append(
                    DeliveryJob(
                        subscription_id=record.subscription_id,
                        digest_key=attributes.get("digest_key", {}).get("Value", envelope["MessageId"]),
                        subject=str(envelope.get("Subject") or "pipewatch digest"),
                        text=str(envelope.get("Message", "")),
                    )
                )
            else:
                update_id = attributes.get("update_id", {}).get("Value", "")
                jobs.append(DeliveryJob(subscription_id=record.subscription_id, update_id=update_id))
        if jobs:
            self._queue.send_jobs([job.model_dump_json() for job in jobs])
        logger.info("fanned out", extra={"jobs": len(jobs), "delivery": delivery})
        return jobs

    # -- one job -------------------------------------------------------------------------------------------
    def deliver(self, job: DeliveryJob, receive_count: int = 1, *, budget: float | None = None) -> str:
        if budget is not None and budget < MIN_POST_SECONDS:
            # Not started, so nothing to release and no failure: the invocation is about to end.
            raise RetryLater(NO_TIME_RETRY_SECONDS, "no time left in this invocation")
        record = self._subscriptions.get(job.subscription_id)
        if record is None or record.status != "active" or not self.delivers_by_function(record):
            logger.info("subscription gone; job dropped", extra={"subscription_id": job.subscription_id})
            return "dropped"
        if record.paused:  # paused after the job was queued: what it would have sent is not kept for later
            logger.info("subscription paused; job dropped", extra={"subscription_id": job.subscription_id})
            return "dropped"
        sub = record.subscription
        if sub.protocol == "email" and self._state.is_suppressed(sub.endpoint):
            logger.info("address suppressed", extra={"subscription_id": sub.subscription_id})
            return "suppressed"
        now = self._clock().timestamp()
        token = secrets.token_hex(8)
        claim = self._state.claim(
            sub.subscription_id, job.message_key, token=token, now=now, lease_seconds=LEASE_SECONDS
        )
        if claim.result == "sent":
            return "duplicate"
        if claim.result == "in_flight":
            raise RetryLater(max(claim.lease_until - now, 1.0), "another worker holds the claim")
        rendered: Rendered | None = None
        try:
            rendered = self._render(record, job, now)
        finally:
            if rendered is None:  # unrenderable (update missing, credentials unreadable): let go of it
                self._state.release(sub.subscription_id, job.message_key, token=token, now=now)
        if sub.is_channel:
            self._wait_for_slot(record, job, claim, token, now)
            return self._post(
                record=record,
                job=job,
                rendered=rendered,
                token=token,
                now=now,
                receive_count=receive_count,
                budget=budget,
            )
        return self._send_email(
            record=record, job=job, rendered=rendered, token=token, now=now, receive_count=receive_count
        )

    def _wait_for_slot(
        self, record: SubscriptionRecord, job: DeliveryJob, claim: Claim, token: str, now: float
    ) -> None:
        """The per-destination rate cap. A message that must wait keeps its reserved slot on its claim and
        comes back at that time (RetryLater), then goes without contending again."""
        sid = record.subscription_id
        slot_at = claim.slot_at
        if not slot_at:
            interval = CHANNEL_PAYLOADS[record.subscription.protocol].interval_seconds
            slot_at = self._state.take_slot(sid, now=now, interval=interval)
        if slot_at > now:
            self._state.release(sid, job.message_key, token=token, now=now, slot_at=slot_at)
            raise RetryLater(max(slot_at - now, 1.0), "rate cap")

    def _render(self, record: SubscriptionRecord, job: DeliveryJob, now: float) -> Rendered:
        sub = record.subscription
        update: Update | None = None
        if job.update_id:
            update = self._updates.get_update(job.update_id)
            if update is None:
                raise LookupError(f"update {job.update_id} is not in the table")
        if sub.protocol == "email":
            return Rendered(raw_email=self._email_message(record, job, update))
        message_id = webhook_id(sub.subscription_id, job.message_key)
        message = Message(
            subscription_id=sub.subscription_id,
            message_id=message_id,
            update=update,
            digest_key=job.digest_key,
            subject=job.subject,
            text=job.text,
        )
        body = encode_body(CHANNEL_PAYLOADS[sub.protocol].body(message))
        secret = self._credentials(record)["secret"]
        return Rendered(body=body, headers=signed_headers(secret, message_id, int(now), body))

    def _credentials(self, record: SubscriptionRecord) -> dict[str, str]:
        plain = self._cipher.decrypt(record.credentials, {"subscription_id": record.subscription_id})
        credentials: dict[str, str] = json.loads(plain)
        return credentials

    def _email_message(self, record: SubscriptionRecord, job: DeliveryJob, update: Update | None) -> bytes:
        assert self._email is not None  # delivers_by_function() said so
        sub = record.subscription
        unsubscribe = self._links.unsubscribe_url(sub.subscription_id) if self._links else ""
        if update is not None:
            subject = render_email_subject(update)
            text = render_email_body(update, OWN_LINK_MANAGE_HINT if unsubscribe else self._manage_hint)
            html = render_email_html(update, unsubscribe_url=unsubscribe)
        else:
            subject, text, html = job.subject, job.text, text_to_html(job.text)
        return build_email(
            sender=self._email.sender,
            recipient=sub.endpoint,
            subject=subject,
            text=text,
            html=html,
            unsubscribe_url=unsubscribe,
            message_key=webhook_id(sub.subscription_id, job.message_key),
        )

    def _post(
        self,
        *,
        record: SubscriptionRecord,
        job: DeliveryJob,
        rendered: Rendered,
        token: str,
        now: float,
        receive_count: int,
        budget: float | None,
    ) -> str:
        sid = record.subscription_id
        try:
            result = self._poster.post(
                self._credentials(record)["url"], rendered.body, rendered.headers or {}, timeout=budget
            )
        except ChannelUrlError as exc:  # the name no longer resolves, or now to a refused address
            self._state.release(sid, job.message_key, token=token, now=now)
            self._failed(record, str(exc))
            raise RetryLater(backoff_seconds(receive_count), str(exc)) from exc
        if result.ok:
            return self._sent(record, job, token, now, f"HTTP {result.status}")
        self._state.release(sid, job.message_key, token=token, now=now)
        if result.status == 429:
            delay = result.retry_after if result.retry_after is not None else backoff_seconds(receive_count)
            self._state.hold_until(sid, now + delay)
            logger.warning("destination throttled", extra={"subscription_id": sid, "retry_after": delay})
            if result.retry_after_problem:  # throttling is no failure; an unusable answer to it is one
                self._failed(record, f"HTTP 429 ({result.retry_after_problem})")
            raise RetryLater(max(delay, 1.0), "HTTP 429")
        error = f"HTTP {result.status}" if result.status else f"no answer ({result.error})"
        self._failed(record, error)
        raise RetryLater(backoff_seconds(receive_count), error)

    def _send_email(
        self,
        *,
        record: SubscriptionRecord,
        job: DeliveryJob,
        rendered: Rendered,
        token: str,
        now: float,
        receive_count: int,
    ) -> str:

        assert self._email is not None
        try:
            message_id = self._email.send(record.subscription.endpoint, rendered.raw_email)
        except EmailSendError as exc:
            self._state.release(record.subscription_id, job.message_key, token=token, now=now)
            if not exc.transient:
                self._failed(record, str(exc))
            raise RetryLater(backoff_seconds(receive_count), str(exc)) from exc
        return self._sent(record, job, token, now, f"SES {message_id}")

    def _sent(self, record: SubscriptionRecord, job: DeliveryJob, token: str, now: float, how: str) -> str:
        sid = record.subscription_id
        if not self._state.mark_sent(sid, job.message_key, token=token, now=self._clock().timestamp()):
            logger.warning("claim lost before it was marked sent", extra={"subscription_id": sid})
        if self._state.record_success(sid):
            logger.info("destination answers again; resumed", extra={"subscription_id": sid})
            self._tell_owner(record, "is delivering again")
        logger.info("delivered", extra={"subscription_id": sid, "key": job.message_key, "result": how})
        return "sent"

    def _failed(self, record: SubscriptionRecord, error: str) -> None:
        count = self._state.record_failure(
            record.subscription_id, error=error, failing_after=self._failing_after
        )
        logger.warning(
            "delivery failed",
            extra={
                "subscription_id": record.subscription_id,
                "error": error,
                "streak": count.consecutive_failures,
            },
        )
        if count.newly_failing:
            self._tell_owner(record, f"is failing ({count.consecutive_failures} attempts in a row: {error})")

    def _tell_owner(self, record: SubscriptionRecord, what: str) -> None:
        """The owner hears through e-mail (their other channel) when SES is configured; otherwise the
        operator sees the log line and the DLQ alarm."""
        sub = record.subscription
        if not sub.owner or self._email is None or sub.protocol == "email":
            logger.warning("destination state changed; no other channel to tell", extra={"what": what})
            return
        text = (
            f"Your pipewatch {sub.protocol} destination {sub.endpoint} ({sub.subscription_id}) {what}.\n"
            "Alerts for it are retried and resume by themselves when it answers."
        )
        raw = build_email(
            sender=self._email.sender,
            recipient=sub.owner,
            subject=f"pipewatch: your {sub.protocol} destination {what.split(' (', maxsplit=1)[0]}",
            text=text,
            html=text_to_html(text),
        )

        try:
            self._email.send(sub.owner, raw)
        except EmailSendError as exc:  # a notice is best effort; the delivery outcome stands
            logger.warning("owner notice not sent", extra={"error": str(exc)})

    # -- SES feedback ----------------------------------------------------------------------------------------
    def handle_feedback(self, notification: dict[str, Any]) -> str:
        """SES bounce / complaint notifications (identity notifications or configuration-set events):
        permanent bounces and complaints suppress the address; transient bounces do not."""
        kind = notification.get("notificationType") or notification.get("eventType") or ""
        addresses: list[str] = []
        if kind == "Bounce":
            bounce = notification.get("bounce", {})
            if bounce.get("bounceType") == "Permanent":
                addresses = [r["emailAddress"] for r in bounce.get("bouncedRecipients", [])]
        elif kind == "Complaint":
            complaint = notification.get("complaint", {})
            addresses = [r["emailAddress"] for r in complaint.get("complainedRecipients", [])]
        now = self._clock().timestamp()
        for address in addresses:
            self._state.suppress(address, reason=kind.lower(), now=now)
        logger.info("SES feedback", extra={"type": kind, "suppressed": len(addresses)})
        return f"suppressed {len(addresses)}"

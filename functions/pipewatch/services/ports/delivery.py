"""The alert's, the digest's, the subscriptions' and the delivery's ports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from pipewatch.services.ports.shared import RecentUpdates, SubscriptionReader

if TYPE_CHECKING:
    from pipewatch.domain.models import Alert, SourceState, Update
    from pipewatch.domain.render.digest import DigestMessage
    from pipewatch.domain.subscribers.delivery import Claim as DeliveryClaim
    from pipewatch.domain.subscribers.delivery import FailureCount, PostResult
    from pipewatch.domain.subscribers.records import DigestState, SubscriptionRecord
    from pipewatch.domain.subscribers.short_links import ShortLink
    from pipewatch.domain.trials.model import TrialSnapshot


# -- alert -------------------------------------------------------------------------------------------------


class Publisher(Protocol):
    """The idempotent publish: `publish_once(update_id=..., alert=...)` runs at most once per update id."""

    def publish_once(self, *, update_id: str, alert: Alert) -> str: ...

    def register_lambda_context(self, context: Any) -> None: ...


class StreamUpdates(Protocol):
    """The new update a table stream record announces, or None for any other record (state writes,
    snapshots, idempotency records, MODIFY/REMOVE): decoding DynamoDB images is the adapter's business."""

    def __call__(self, record: dict[str, Any]) -> Update | None: ...


class ShortLinkWriter(Protocol):
    """Stores an SMS short code before its alert is published: True when the code now names this update
    (written, or already written by an earlier attempt), False when another update holds the code."""

    def put(self, link: ShortLink) -> bool: ...


# -- digest ------------------------------------------------------------------------------------------------


class DigestSubscriptions(Protocol):
    """The digest subscribers and when each last had a digest (its own item, written only after a send)."""

    def list(self, mode: str | None = None) -> list[SubscriptionRecord]: ...

    def get_digest_state(self, subscription_id: str) -> DigestState | None: ...

    def put_digest_state(self, subscription_id: str, state: DigestState) -> None: ...


class DigestUpdates(RecentUpdates, Protocol):
    """The updates a digest covers, and the sources' health for its notices."""

    def source_states(self) -> list[SourceState]: ...


class DigestPublisher(Protocol):
    """The idempotent digest publish: one part of one subscriber's digest at most once."""

    def publish_once(self, message: DigestMessage, part: int = 0) -> dict[str, str]: ...

    def register_lambda_context(self, context: Any) -> None: ...


# -- subscriptions -----------------------------------------------------------------------------------------


class SubscriptionRecords(SubscriptionReader, Protocol):
    """Subscription records written on the version read: `put`/`delete` raise errors.ConcurrentChange when
    the stored record is not at `expect` (None: unconditional)."""

    def put(self, record: SubscriptionRecord, *, expect: int | None = None) -> SubscriptionRecord: ...

    def delete(self, subscription_id: str, *, expect: int | None = None) -> None: ...


class TopicSubscriptions(Protocol):
    """The endpoint subscriptions on the alerts topic (SNS): refusals raise errors.SnsSubscriptionError
    (errors.TopicFull when the topic holds as many filter policies as SNS allows)."""

    def attributes(self, policy: dict[str, Any]) -> dict[str, str]: ...

    def subscribe(self, protocol: str, endpoint: str, attributes: dict[str, str]) -> str: ...

    def set_attributes(self, arn: str, attributes: dict[str, str]) -> bool: ...

    def unsubscribe(self, arn: str) -> None: ...

    def find(self, protocol: str, endpoint: str) -> str:
        """The ARN of the endpoint's confirmed subscription on the topic, or "" (a read: no Subscribe)."""
        ...


class Encrypter(Protocol):
    """Encrypts a channel's URL and signing secret for storage (KMS envelope in Lambda)."""

    def encrypt(self, plaintext: bytes, context: dict[str, str]) -> str: ...


# -- delivery ----------------------------------------------------------------------------------------------


class JobQueue(Protocol):
    """The delivery queue: one message per (subscription, message) job."""

    def send_jobs(self, bodies: list[str]) -> None: ...


class RedeliveryQueue(Protocol):
    """Where a deferred job's message waits (the delivery handler's port, not the service's): `delay`
    sets when the queue hands the received message back (the SQS visibility timeout)."""

    def delay(self, receipt_handle: str, seconds: float) -> None: ...


class Decrypter(Protocol):
    """Decrypts a channel's stored credentials (KMS envelope in Lambda)."""

    def decrypt(self, token: str, context: dict[str, str]) -> bytes: ...


class Poster(Protocol):
    """One HTTPS POST to a chat or webhook destination; the outcome, never an exception for a refusal.
    `timeout` is the most the whole exchange may take (the job's budget), not a per-read timeout."""

    def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout: float | None = None
    ) -> PostResult: ...


class EmailSender(Protocol):
    """Sends one raw e-mail (SES in Lambda) from `sender`; returns the message id."""

    sender: str

    def send(self, recipient: str, raw_message: bytes) -> str: ...


class UnsubscribeLinks(Protocol):
    """Signed one-click unsubscribe URLs (domain/subscribers/links.py SignedLinks, built by a colleague)."""

    def unsubscribe_url(self, subscription_id: str) -> str: ...


class DeliveryState(Protocol):
    """Per (subscription, message) claims with a lease, per destination rate slots, holds and failure
    counts, and the e-mail suppression list (adapters/delivery_store.py)."""

    def claim(
        self, subscription_id: str, message_key: str, *, token: str, now: float, lease_seconds: float
    ) -> DeliveryClaim: ...
    def mark_sent(self, subscription_id: str, message_key: str, *, token: str, now: float) -> bool: ...
    def release(
        self, subscription_id: str, message_key: str, *, token: str, now: float, slot_at: float = 0.0
    ) -> bool: ...
    def take_slot(self, subscription_id: str, *, now: float, interval: float) -> float: ...
    def hold_until(self, subscription_id: str, until: float) -> None: ...
    def record_failure(self, subscription_id: str, *, error: str, failing_after: int) -> FailureCount: ...
    def record_success(self, subscription_id: str) -> bool: ...
    def suppress(self, address: str, *, reason: str, now: float) -> None: ...
    def is_suppressed(self, address: str) -> bool: ...


class CatalystObserver(Protocol):
    """The catalyst calendar as the poll feeds it (services.calendar.CalendarService), after its writes:
    each returns the calendar updates it wrote (slips)."""

    def observe_stored(self, updates: Sequence[Update]) -> list[Update]: ...

    def observe_trials(
        self, records: Sequence[tuple[TrialSnapshot, str | None]], now: datetime
    ) -> list[Update]: ...

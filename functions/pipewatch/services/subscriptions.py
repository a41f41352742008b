"""Subscription use cases: subscribe (create or change), unsubscribe, list.

The table record and the SNS subscription are kept in step by ordering and by recording intent first:
  subscribe:   record `pending` with the SNS attributes about to be requested -> SNS subscribe (or set the
               filter policy of the known subscription) -> record `active` with the ARN.
  unsubscribe: record `deleting` -> SNS unsubscribe -> delete the record.
A failure at any step leaves a record that says what was under way. The next call for the same endpoint
finishes it: a `pending` record without an ARN is re-subscribed with the identical attributes (SNS returns the
subscription it may already have created, so none is orphaned), and an ARN SNS no longer knows is replaced.
Nothing is ever subscribed in SNS before a record names it, so no SNS subscription exists without a
preference; a preference without an SNS subscription exists only while a call is under way or failed, and it
is shown as `pending`/`deleting` until the next call repairs it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from pipewatch.adapters.subscriptions import SnsSubscriptions, SubscriptionRecord, SubscriptionTable
from pipewatch.domain.subscriptions import Subscription, SubscriptionError, subscription_id_for
from pipewatch.observability import logger


class SubscriptionNotFound(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(f"no subscription {key!r}")
        self.key = key


class SubscriptionService:
    def __init__(
        self,
        *,
        table: SubscriptionTable,
        sns: SnsSubscriptions,
        known_agents: Collection[str] | None = None,
        known_indications: Collection[str] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._table = table
        self._sns = sns
        self._agents = known_agents
        self._indications = known_indications
        self._clock = clock

    def subscribe(self, request: dict[str, Any] | Subscription) -> SubscriptionRecord:
        subscription = request if isinstance(request, Subscription) else Subscription.model_validate(request)
        if self._agents is not None and self._indications is not None:
            subscription.check_known(self._agents, self._indications)
        attributes = self._sns.attributes(subscription.filter_policy())  # raises before any write
        now = self._clock()
        existing = self._table.get(subscription.subscription_id)
        arn = self._recover_arn(existing)
        same_mode = existing is not None and existing.subscription.mode == subscription.mode
        record = SubscriptionRecord(
            subscription=subscription,
            status="pending",
            sns_arn=arn,
            sns_attributes=attributes,
            created_at=existing.created_at if existing else now,
            updated_at=now,
            mode_since=(existing.mode_since or existing.created_at) if existing and same_mode else now,
        )
        self._table.put(record)
        if not arn or not self._sns.set_attributes(arn, attributes):
            arn = self._sns.subscribe(subscription.protocol, subscription.endpoint, attributes)
        active = record.model_copy(update={"status": "active", "sns_arn": arn})
        self._table.put(active)
        logger.info(
            "subscribed", extra={"subscription_id": subscription.subscription_id, "mode": subscription.mode}
        )
        return active

    def unsubscribe(self, key: str) -> SubscriptionRecord:
        """Remove by id or by endpoint. Takes effect at once: SNS stops delivering when this returns."""
        record = self._table.get(self._id(key))
        if record is None:
            raise SubscriptionNotFound(key)
        arn = self._recover_arn(record)
        self._table.put(
            record.model_copy(update={"status": "deleting", "sns_arn": arn, "updated_at": self._clock()})
        )
        if arn:
            self._sns.unsubscribe(arn)
        self._table.delete(record.subscription_id)
        logger.info("unsubscribed", extra={"subscription_id": record.subscription_id})
        return record

    def get(self, key: str) -> SubscriptionRecord:
        record = self._table.get(self._id(key))
        if record is None:
            raise SubscriptionNotFound(key)
        return record

    def list(self, mode: str | None = None) -> list[SubscriptionRecord]:
        return sorted(self._table.list(mode), key=lambda r: r.subscription.endpoint)

    # -- repair ------------------------------------------------------------------------------------------
    def _recover_arn(self, record: SubscriptionRecord | None) -> str:
        """The SNS ARN of a record; asks SNS again if a call stopped between subscribe and record."""
        if record is None:
            return ""
        if record.sns_arn or record.status != "pending":
            return record.sns_arn
        sub = record.subscription
        arn = self._sns.subscribe(sub.protocol, sub.endpoint, record.sns_attributes)
        logger.warning("repaired a half-done subscription", extra={"subscription_id": sub.subscription_id})
        return arn

    @staticmethod
    def _id(key: str) -> str:
        if key.startswith("sub-"):
            return key
        try:
            return subscription_id_for(key)
        except SubscriptionError as exc:
            raise SubscriptionNotFound(key) from exc

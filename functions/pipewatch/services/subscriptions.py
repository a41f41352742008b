"""Subscription use cases: subscribe (create or change), unsubscribe, list.

The table record and the SNS subscription are kept in step by ordering and by recording intent first:
  subscribe:   record `pending` with the SNS attributes about to be requested -> SNS subscribe (or set the
               filter policy of the known subscription) -> record `active` with the ARN.
  unsubscribe: record `deleting` -> SNS unsubscribe -> delete the record.
Every record write is conditioned on the version read (optimistic concurrency), so a subscribe racing an
unsubscribe cannot leave an SNS subscription without a record: the loser of a race either changes nothing
or removes the SNS subscription it made, and reports a conflict. A subscription SNS refuses leaves no record.
Callers (the API's IAM principals) manage only the subscriptions they created, unless they are admins.
A failure at any step leaves a record that says what was under way. The next call for the same endpoint
finishes it: a `pending` record without an ARN is re-subscribed with the identical attributes (SNS returns the
subscription it may already have created, so none is orphaned), and an ARN SNS no longer knows is replaced.
Nothing is ever subscribed in SNS before a record names it, so no SNS subscription exists without a
preference; a preference without an SNS subscription exists only while a call is under way or failed, and it
is shown as `pending`/`deleting` until the next call repairs it.

Pause and resume (SNS has no pause): the record keeps its real filter in `sns_attributes` and `paused`; the
SNS subscription's filter policy is replaced by PAUSED_FILTER_POLICY, which no published message matches, and
resume puts the stored filter back. Records delivered by the delivery function are skipped there and by the
digest while paused. Editing a paused subscription keeps it paused.

Slack, Teams and webhook subscriptions (and e-mail when SES sends it) have no SNS subscription: the delivery
function applies their stored filter policy (services/delivery.py). Their URL is validated (HTTPS, public
addresses only, after DNS resolution) and stored with a fresh `whsec_` signing secret, both encrypted
(Encrypter port: KMS envelope in Lambda); the secret is returned once, by the call that created it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from pipewatch.domain.limits import FILTER_POLICIES_PER_TOPIC
from pipewatch.domain.subscribers.channels import ChannelKind, channel_subscription_id, mask_url
from pipewatch.domain.subscribers.terms import SubscriptionError
from pipewatch.errors import ConcurrentChange, SnsSubscriptionError, TopicFull
from pipewatch.observability import logger

# The subscription models (pydantic) are imported by the calls that make or validate one, not with the
# service: listing, pausing or removing reads records the table adapter makes (issue 28).
if TYPE_CHECKING:
    from pipewatch.domain.subscribers.records import SubscriptionRecord
    from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription
    from pipewatch.services.ports import Encrypter, SubscriptionRecords, TopicSubscriptions


class SubscriptionNotFound(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(f"no subscription {key!r}")
        self.key = key


class SubscriptionForbidden(PermissionError):
    """The caller may not manage this subscription (it belongs to another caller)."""


class SubscriptionConflict(RuntimeError):
    """A concurrent call changed the same subscription; nothing is left half-done, the caller may retry."""


@dataclass(frozen=True)
class Caller:
    """Who calls the API: the IAM ARN API Gateway verified, and whether it may manage every subscription."""

    arn: str
    admin: bool = False

    @classmethod
    def of(cls, arn: str, admin_patterns: Collection[str]) -> Caller:
        return cls(arn, any(fnmatchcase(arn, pattern) for pattern in admin_patterns))

    def may_manage(self, record: SubscriptionRecord) -> bool:
        return self.admin or (bool(record.owner) and record.owner == self.arn)


class SubscriptionService:
    def __init__(
        self,
        *,
        table: SubscriptionRecords,
        sns: TopicSubscriptions,
        known_agents: Collection[str] | None = None,
        known_indications: Collection[str] | None = None,
        known_ids: Callable[[], tuple[Collection[str], Collection[str]]] | None = None,
        sms_countries: Collection[str] | None = None,
        max_filter_policies: int = FILTER_POLICIES_PER_TOPIC,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        cipher: Encrypter | None = None,
        check_destination: Callable[[str], object] | None = None,
        email_by_delivery_function: bool = False,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self._table = table
        self._sns = sns
        self._agents = known_agents
        self._indications = known_indications
        # The watchlist's (agent ids, indication ids), read by the first subscription checked against them,
        # not when the service is built: listing, unsubscribing, pausing never need the watchlist (issue 28).
        self._known_ids = known_ids
        self._sms_countries = sms_countries
        self._max_policies = max_filter_policies
        self._clock = clock
        self._cipher = cipher
        self._check_destination = check_destination
        self._email_by_function = email_by_delivery_function
        self._random_bytes = random_bytes

    def _by_function(self, subscription: Subscription) -> bool:
        return subscription.is_channel or (subscription.protocol == "email" and self._email_by_function)

    def subscribe_channel(
        self,
        kind: ChannelKind,
        url: str,
        preferences: dict[str, Any] | Preferences,
        owner: str = "",
        *,
        caller: Caller | None = None,
    ) -> tuple[SubscriptionRecord, str | None]:
        """Create (or change the preferences of) a slack/teams/webhook subscription. Returns the record
        and, when the subscription is new, its webhook signing secret (shown this once, never again)."""
        from pipewatch.domain.render.webhooks import SECRET_BYTES, secret_from_bytes
        from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription

        if self._cipher is None or self._check_destination is None:
            raise SubscriptionError("chat and webhook subscriptions are not configured on this stack")
        self._check_destination(url)  # ChannelUrlError (a ValueError) names the reason, never the URL
        subscription_id = channel_subscription_id(kind, url)
        prefs = (
            preferences if isinstance(preferences, Preferences) else Preferences.model_validate(preferences)
        )
        subscription = Subscription(
            subscription_id=subscription_id,
            endpoint=mask_url(url),
            protocol=kind,
            preferences=prefs,
            owner=owner,
        )
        existing = self._table.get(subscription_id)
        if existing is not None and caller is not None and not caller.may_manage(existing):
            raise SubscriptionForbidden(
                "this destination's subscription belongs to another caller; ask an admin"
            )
        secret: str | None = None
        credentials = existing.credentials if existing else ""
        if not credentials:
            secret = secret_from_bytes(self._random_bytes(SECRET_BYTES))
            plain = json.dumps({"url": url, "secret": secret}).encode()
            credentials = self._cipher.encrypt(plain, {"subscription_id": subscription_id})
        record = self._subscribe_by_function(subscription, existing, credentials, caller=caller)
        return record, secret

    def _subscribe_by_function(
        self,
        subscription: Subscription,
        existing: SubscriptionRecord | None,
        credentials: str = "",
        *,
        caller: Caller | None = None,
    ) -> SubscriptionRecord:
        from pipewatch.domain.subscribers.records import SubscriptionRecord

        self._check_known(subscription)
        attributes = self._sns.attributes(subscription.filter_policy())
        now = self._clock()
        if existing and existing.sns_arn:  # e-mail moved from SNS to SES delivery: SNS must stop sending
            self._sns.unsubscribe(existing.sns_arn)
        record = SubscriptionRecord(
            subscription=subscription,
            status="active",
            sns_attributes=attributes,
            created_at=existing.created_at if existing else now,
            updated_at=now,
            credentials=credentials,
            owner=existing.owner if existing and existing.owner else (caller.arn if caller else ""),
            version=existing.version if existing else 0,
            paused=existing.paused if existing else False,
        )
        try:
            record = self._table.put(record, expect=record.version)
        except ConcurrentChange as exc:
            raise SubscriptionConflict(f"{subscription.endpoint} changed concurrently; try again") from exc
        logger.info(
            "subscribed",
            extra={
                "subscription_id": subscription.subscription_id,
                "mode": subscription.mode,
                "protocol": subscription.protocol,
            },
        )
        return record

    def _check_known(self, subscription: Subscription) -> None:
        if self._known_ids is not None:
            self._agents, self._indications = self._known_ids()
            self._known_ids = None
        if self._agents is not None and self._indications is not None:
            subscription.check_known(self._agents, self._indications)

    @staticmethod
    def _validate(request: dict[str, Any] | Subscription) -> Subscription:
        from pipewatch.domain.subscribers.subscriptions import Subscription

        if isinstance(request, Subscription):
            return request
        from pydantic import ValidationError  # a request to validate: the first one imports pydantic

        try:
            return Subscription.model_validate(request)
        except ValidationError as exc:  # a clean 400, never an unhandled error
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = str(first["msg"]).removeprefix("Value error, ")
            raise SubscriptionError(f"{where + ': ' if where else ''}{message}") from exc

    def subscribe(
        self, request: dict[str, Any] | Subscription, *, caller: Caller | None = None
    ) -> SubscriptionRecord:
        """Create or change the endpoint's subscription. `caller` None: an operator (may manage all)."""
        from pipewatch.domain.subscribers.records import SubscriptionRecord
        from pipewatch.domain.subscribers.subscriptions import PAUSED_FILTER_POLICY, check_sms_country

        subscription = self._validate(request)
        if self._by_function(subscription):
            # SES e-mail (no SNS subscription of its own): the same ownership rule as below.
            current = self._table.get(subscription.subscription_id)
            if current is not None and caller is not None and not caller.may_manage(current):
                raise SubscriptionForbidden(
                    f"the subscription of {subscription.endpoint} belongs to another caller; ask an admin"
                )
            return self._subscribe_by_function(subscription, current, caller=caller)
        self._check_known(subscription)
        if subscription.protocol == "sms" and self._sms_countries is not None:
            check_sms_country(subscription.endpoint, self._sms_countries)
        attributes = self._sns.attributes(subscription.filter_policy())  # raises before any write
        now = self._clock()
        existing = self._table.get(subscription.subscription_id)
        if existing is not None and caller is not None and not caller.may_manage(existing):
            raise SubscriptionForbidden(
                f"the subscription of {subscription.endpoint} belongs to another caller; ask an admin"
            )
        if existing is None:
            self._check_room()
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
            owner=existing.owner if existing and existing.owner else (caller.arn if caller else ""),
            paused=existing.paused if existing else False,
        )
        version = existing.version if existing else 0
        # A paused subscription edited stays paused: SNS keeps the policy that matches nothing.
        applied = self._sns.attributes(PAUSED_FILTER_POLICY) if record.paused else attributes
        try:
            pending = self._table.put(record, expect=version)
        except ConcurrentChange as exc:
            raise SubscriptionConflict(f"{subscription.endpoint} changed concurrently; try again") from exc
        try:
            if not arn or not self._sns.set_attributes(arn, applied):
                arn = self._sns.subscribe(subscription.protocol, subscription.endpoint, applied)
        except SnsSubscriptionError:
            self._undo(existing, pending)  # SNS refused: no record of a subscription SNS does not hold
            raise
        try:
            active = self._table.put(
                pending.model_copy(update={"status": "active", "sns_arn": arn}), expect=pending.version
            )
        except ConcurrentChange as exc:
            return self._after_race(subscription, arn, exc)
        logger.info(
            "subscribed", extra={"subscription_id": subscription.subscription_id, "mode": subscription.mode}
        )
        return active

    def unsubscribe(self, key: str, *, caller: Caller | None = None) -> SubscriptionRecord:
        """Remove by id or by endpoint. Takes effect at once: SNS stops delivering when this returns."""
        record = self._table.get(self._id(key))
        if record is None or (caller is not None and not caller.may_manage(record)):
            raise SubscriptionNotFound(key)  # another caller's subscription is not even shown to exist
        arn = self._recover_arn(record, for_delete=True)
        try:
            deleting = self._table.put(
                record.model_copy(update={"status": "deleting", "sns_arn": arn, "updated_at": self._clock()}),
                expect=record.version,
            )
        except ConcurrentChange as exc:
            raise SubscriptionConflict(f"{key} changed concurrently; try again") from exc
        if arn:
            self._sns.unsubscribe(arn)
        try:
            self._table.delete(record.subscription_id, expect=deleting.version)
        except ConcurrentChange as exc:
            # A subscribe came in after the SNS unsubscribe: its record and its SNS subscription stand.
            raise SubscriptionConflict(f"{key} was subscribed again concurrently; it is kept") from exc
        logger.info("unsubscribed", extra={"subscription_id": record.subscription_id})
        return record

    def pause(self, key: str, *, caller: Caller | None = None) -> SubscriptionRecord:
        """Stop sending to the subscription, keeping it and its filter (resume undoes it)."""
        return self._set_paused(key, True, caller=caller)

    def resume(self, key: str, *, caller: Caller | None = None) -> SubscriptionRecord:
        """Send again with the stored filter."""
        return self._set_paused(key, False, caller=caller)

    def _set_paused(self, key: str, paused: bool, *, caller: Caller | None) -> SubscriptionRecord:
        record = self.get(key, caller=caller)
        if record.status != "active":
            raise SubscriptionConflict(
                f"{record.subscription.endpoint} is {record.status}; save or delete it first"
            )
        # SNS first, then the record (conditioned on the version read): both steps are idempotent, so a
        # failure between them is finished by calling again; a lost race puts SNS back as the winner left it.
        arn = self._apply_paused(record, paused)
        try:
            updated = self._table.put(
                record.model_copy(update={"paused": paused, "sns_arn": arn, "updated_at": self._clock()}),
                expect=record.version,
            )
        except ConcurrentChange as exc:
            current = self._table.get(record.subscription_id)
            if current is not None and current.status == "active" and current.sns_arn:
                self._apply_paused(current, current.paused)
            raise SubscriptionConflict(
                f"{record.subscription.endpoint} changed concurrently; try again"
            ) from exc
        logger.info("paused" if paused else "resumed", extra={"subscription_id": record.subscription_id})
        return updated

    def _apply_paused(self, record: SubscriptionRecord, paused: bool) -> str:
        """Give the record's SNS subscription the paused policy or its stored one; returns its ARN ("" for
        records the delivery function serves, and for a paused one SNS no longer holds)."""
        from pipewatch.domain.subscribers.subscriptions import PAUSED_FILTER_POLICY

        if self._by_function(record.subscription) and not record.sns_arn:
            return ""
        attributes = self._sns.attributes(PAUSED_FILTER_POLICY) if paused else record.sns_attributes
        if record.sns_arn and self._sns.set_attributes(record.sns_arn, attributes):
            return record.sns_arn
        if paused:
            return ""  # SNS no longer holds it: nothing to stop; resume subscribes it again
        sub = record.subscription
        return self._sns.subscribe(sub.protocol, sub.endpoint, attributes)

    def get(self, key: str, *, caller: Caller | None = None) -> SubscriptionRecord:
        record = self._table.get(self._id(key))
        if record is None or (caller is not None and not caller.may_manage(record)):
            raise SubscriptionNotFound(key)
        return record

    def list(self, mode: str | None = None, *, caller: Caller | None = None) -> list[SubscriptionRecord]:
        records = [r for r in self._table.list(mode) if caller is None or caller.may_manage(r)]
        return sorted(records, key=lambda r: r.subscription.endpoint)

    # -- limits and races --------------------------------------------------------------------------------
    def _check_room(self) -> None:
        """A new endpoint adds one filter policy to the topic: refuse it clearly when the topic is full.
        Only subscriptions on the topic count: those with an SNS subscription, and SMS/e-mail ones still
        pending (their SNS subscription may exist); Slack, Teams, webhook and SES e-mail records hold none."""
        on_topic = [r for r in self._table.list() if self._on_topic(r)]
        if len(on_topic) >= self._max_policies:
            raise TopicFull(
                f"the alerts topic holds {self._max_policies} filter policies, SNS's limit per topic: "
                "ask AWS to raise 'Filter policies per topic' (Service Quotas) and set the template "
                "parameter FilterPoliciesPerTopic, or remove unused subscriptions"
            )

    @staticmethod
    def _on_topic(record: SubscriptionRecord) -> bool:
        return bool(record.sns_arn) or (record.status == "pending" and not record.subscription.is_channel)

    def _undo(self, existing: SubscriptionRecord | None, pending: SubscriptionRecord) -> None:
        try:
            if existing is None:
                self._table.delete(pending.subscription_id, expect=pending.version)
            else:
                self._table.put(existing, expect=pending.version)
        except ConcurrentChange:
            logger.warning(
                "subscription changed while undoing a refused one", extra={"id": pending.subscription_id}
            )

    def _after_race(self, subscription: Subscription, arn: str, exc: Exception) -> SubscriptionRecord:
        """Our final write lost to a concurrent call. If that call removed the subscription, remove the SNS
        subscription we made too (no SNS subscription may outlive its record); if it made the same one,
        that record stands."""
        current = self._table.get(subscription.subscription_id)
        if current is not None and current.status == "active" and current.sns_arn == arn:
            return current
        if current is None or current.status == "deleting":
            self._sns.unsubscribe(arn)
        raise SubscriptionConflict(f"{subscription.endpoint} changed concurrently; try again") from exc

    # -- repair ------------------------------------------------------------------------------------------
    def _recover_arn(self, record: SubscriptionRecord | None, *, for_delete: bool = False) -> str:
        """The SNS ARN of a record; asks SNS again if a call stopped between subscribe and record: to go on
        subscribing, by the identical subscribe (SNS answers with the subscription it may already hold); to
        delete, by listing the topic's subscriptions (a subscription SNS refused, or never made, is none)."""
        if record is None:
            return ""
        if record.sns_arn or record.status != "pending" or record.subscription.is_channel:
            return record.sns_arn
        sub = record.subscription
        if for_delete:
            # Look, never subscribe, to remove: the one-click unsubscribe page may not call sns:Subscribe
            # (and a subscribe made only to be undone would text an SMS subscriber who is leaving).
            return self._sns.find(sub.protocol, sub.endpoint)
        arn = self._sns.subscribe(sub.protocol, sub.endpoint, record.sns_attributes)
        logger.warning("repaired a half-done subscription", extra={"subscription_id": sub.subscription_id})
        return arn

    @staticmethod
    def _id(key: str) -> str:
        if key.startswith("sub-"):
            return key
        from pipewatch.domain.subscribers.subscriptions import subscription_id_for

        try:
            return subscription_id_for(key)
        except SubscriptionError as exc:
            raise SubscriptionNotFound(key) from exc

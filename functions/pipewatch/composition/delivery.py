"""Composition root, delivery: alerts, subscriptions, digests, the delivery Lambda and its queue, and the
signed links (link-signing keys) they carry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipewatch.adapters.aws import lazy_client
from pipewatch.composition.live import current_config
from pipewatch.settings import Settings

if TYPE_CHECKING:
    from pipewatch.adapters.delivery_queue import SqsDeliveryQueue
    from pipewatch.domain.render.digest import DigestMessage
    from pipewatch.services.alert import AlertService
    from pipewatch.services.delivery import DeliveryService
    from pipewatch.services.digest import DigestService
    from pipewatch.services.live_config import ConfigSet
    from pipewatch.services.ports import MetricsSink
    from pipewatch.services.subscriptions import SubscriptionService


def build_alert_service(
    settings: Settings,
    *,
    dynamodb_client: Any = None,
    sns_client: Any = None,
    metrics: MetricsSink | None = None,
) -> AlertService:
    from pipewatch.adapters.idempotency import make_idempotent_publish
    from pipewatch.adapters.notifier import SnsNotifier
    from pipewatch.adapters.short_links import ShortLinkTable
    from pipewatch.adapters.stream import update_from_stream_record
    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.alert import AlertService

    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    notifier = SnsNotifier(sns_client or lazy_client("sns", settings), settings.require("topic_arn"))
    publisher = make_idempotent_publish(
        notifier.publish,
        table_name=settings.require("table_name"),
        dynamodb_client=ddb,
        ttl_seconds=settings.idempotency_ttl_seconds,
        metrics=metrics or PowertoolsMetricsSink(),
    )
    links = signed_links(settings, dynamodb_client=ddb)
    return AlertService(
        publisher,
        stream_updates=update_from_stream_record,
        link_base=settings.link_base,
        links=links,
        # SMS short codes go with signed links (both need the stack's site and link key).
        short_links=(ShortLinkTable(ddb, settings.require("table_name")) if links else None),
    )


def signed_links(settings: Settings, *, dynamodb_client: Any = None, kms_client: Any = None) -> Any:
    """A factory of SignedLinks on the stack's site (keys read, or created, on first use), or None when
    the stack has no link key or site URL (offline rendering: plain links)."""
    if not (settings.link_key_id and settings.site_url):
        return None
    from datetime import UTC, datetime

    from pipewatch.domain.subscribers.links import SignedLinks

    keys = build_link_keys(settings, dynamodb_client=dynamodb_client, kms_client=kms_client)

    def links() -> SignedLinks:
        return SignedLinks(keys.get(create=True), settings.site_url, clock=lambda: datetime.now(UTC))

    return links


def _watchlist_ids(files: ConfigSet) -> Callable[[], tuple[list[str], list[str]]]:
    """The watchlist's agent and indication ids, read when first asked for: by the first subscription
    checked, so a GET (list, unsubscribe, pause) never reads the watchlist (issue 28)."""

    def known_ids() -> tuple[list[str], list[str]]:
        watchlist = files.watchlist
        return [a.id for a in watchlist.agents], [i.id for i in watchlist.indications]

    return known_ids


def build_subscription_service(
    settings: Settings,
    *,
    dynamodb_client: Any = None,
    sns_client: Any = None,
    check_watchlist: bool = True,
    kms_client: Any = None,
    destination_check: Any = None,
    config: ConfigSet | None = None,
) -> SubscriptionService:
    from pipewatch.adapters.secrets import KmsEnvelopeCipher
    from pipewatch.adapters.subscriptions import SnsSubscriptions, SubscriptionTable
    from pipewatch.adapters.webhook_http import HttpsPoster
    from pipewatch.services.subscriptions import SubscriptionService

    known_ids = _watchlist_ids(current_config(settings, config)) if check_watchlist else None
    return SubscriptionService(
        table=SubscriptionTable(
            dynamodb_client or lazy_client("dynamodb", settings), settings.require("table_name")
        ),
        sns=SnsSubscriptions(sns_client or lazy_client("sns", settings), settings.require("topic_arn")),
        known_ids=known_ids,
        cipher=(
            KmsEnvelopeCipher(kms_client or lazy_client("kms", settings), settings.channels_key_id)
            if settings.channels_key_id
            else None
        ),
        check_destination=destination_check or HttpsPoster().check,
        email_by_delivery_function=bool(settings.ses_sender),
        sms_countries=settings.sms_countries,
        max_filter_policies=settings.max_filter_policies,
    )


def build_digest_service(
    settings: Settings,
    *,
    dynamodb_client: Any = None,
    sns_client: Any = None,
    metrics: MetricsSink | None = None,
) -> DigestService:
    from pipewatch.adapters.catalyst_store import CatalystStore
    from pipewatch.adapters.idempotency import IdempotentDigestPublisher
    from pipewatch.adapters.notifier import SnsNotifier
    from pipewatch.adapters.store import Store
    from pipewatch.adapters.subscriptions import SubscriptionTable
    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.digest import DigestService

    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    notifier = SnsNotifier(sns_client or lazy_client("sns", settings), settings.require("topic_arn"))

    def publish(message: DigestMessage, part: int) -> str:
        return notifier.publish_digest(
            subscription_id=message.subscription_id,
            digest_key=message.part_key(part),
            subject=message.part_subject(part),
            email=message.all_parts[part],
            sms=message.sms,
        )

    sink = metrics or PowertoolsMetricsSink()
    publisher = IdempotentDigestPublisher(
        publish,
        table_name=settings.require("table_name"),
        dynamodb_client=ddb,
        ttl_seconds=settings.idempotency_ttl_seconds,
        metrics=sink,
    )
    return DigestService(
        table=SubscriptionTable(ddb, settings.require("table_name")),
        store=Store(ddb, settings.require("table_name")),
        publisher=publisher,
        link_base=settings.link_base,
        calendar=CatalystStore(ddb, settings.require("table_name")),
        links=signed_links(settings, dynamodb_client=ddb),
        alarm_after_failures=settings.source_alarm_failures,
    )


def build_link_keys(settings: Settings, *, dynamodb_client: Any = None, kms_client: Any = None) -> Any:
    """The KMS-encrypted link-signing keys in the table (adapters/link_keys.py)."""
    from pipewatch.adapters.link_keys import KmsLinkKeys

    return KmsLinkKeys(
        dynamodb_client or lazy_client("dynamodb", settings),
        kms_client or lazy_client("kms", settings),
        settings.require("table_name"),
        settings.link_key_id,
    )


def build_delivery_service(
    settings: Settings,
    *,
    dynamodb_client: Any = None,
    sqs_client: Any = None,
    kms_client: Any = None,
    ses_client: Any = None,
    poster: Any = None,
    links: Any = None,
    clock: Any = None,
) -> DeliveryService:
    """The delivery Lambda (issue 17): chat, webhook and (when an SES sender is set) e-mail deliveries."""
    from pipewatch.adapters.delivery_queue import SqsDeliveryQueue
    from pipewatch.adapters.delivery_store import DeliveryStore
    from pipewatch.adapters.email_sender import SesEmailSender
    from pipewatch.adapters.secrets import KmsEnvelopeCipher
    from pipewatch.adapters.store import Store
    from pipewatch.adapters.subscriptions import SubscriptionTable
    from pipewatch.adapters.webhook_http import HttpsPoster
    from pipewatch.services.delivery import DeliveryService

    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    email = (
        SesEmailSender(
            ses_client or lazy_client("ses", settings),
            sender=settings.ses_sender,
            configuration_set=settings.ses_configuration_set,
        )
        if settings.ses_sender
        else None
    )
    if links is None and email is not None and settings.link_key_id and settings.site_url:
        # One-click List-Unsubscribe (RFC 8058) through the signed /unsub route of the reader pages.
        from datetime import UTC, datetime

        from pipewatch.adapters.link_keys import UnsubscribeLinksFromKeys

        keys = build_link_keys(settings, dynamodb_client=ddb, kms_client=kms_client)
        links = UnsubscribeLinksFromKeys(keys, settings.site_url, clock=lambda: datetime.now(UTC))
    return DeliveryService(
        subscriptions=SubscriptionTable(ddb, settings.table_name),
        updates=Store(ddb, settings.table_name),
        state=DeliveryStore(ddb, settings.table_name),
        queue=SqsDeliveryQueue(sqs_client or lazy_client("sqs", settings), settings.delivery_queue_url),
        cipher=KmsEnvelopeCipher(kms_client or lazy_client("kms", settings), settings.channels_key_id),
        poster=poster or HttpsPoster(),
        email=email,
        links=links,
        feedback_topic_arn=settings.email_feedback_topic_arn,
        **({"clock": clock} if clock else {}),
    )


def build_delivery_queue(settings: Settings, *, sqs_client: Any = None) -> SqsDeliveryQueue:
    """The delivery queue the delivery Lambda pushes a deferred job's next attempt back onto."""
    from pipewatch.adapters.delivery_queue import SqsDeliveryQueue

    return SqsDeliveryQueue(sqs_client or lazy_client("sqs", settings), settings.delivery_queue_url)

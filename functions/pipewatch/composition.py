"""Composition root: builds each Lambda's service from settings and real clients (one function per Lambda).

Tests and the demo build the same services with moto-backed clients through these functions, so the code
they exercise is the code Lambda runs. Imports sit inside each builder so a Lambda loads only what it uses
(the alert function never imports the classifier or the HTTP stack).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipewatch.adapters.aws import client
from pipewatch.settings import Settings

if TYPE_CHECKING:
    from pipewatch.services.alert import AlertService
    from pipewatch.services.delivery import DeliveryService
    from pipewatch.services.digest import DigestService
    from pipewatch.services.plan import PlanService
    from pipewatch.services.poll import MetricsSink, PollService
    from pipewatch.services.subscriptions import SubscriptionService


def build_poll_service(
    settings: Settings,
    *,
    fetcher: Any = None,
    metrics: MetricsSink | None = None,
    dynamodb_client: Any = None,
) -> PollService:
    from pipewatch.adapters.http import HttpFetcher
    from pipewatch.adapters.store import Store
    from pipewatch.config import load_data_file
    from pipewatch.domain.classify import Classifier
    from pipewatch.domain.sources_config import SourcesConfig
    from pipewatch.domain.watchlist import Taxonomy, Watchlist
    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.poll import PollService

    watchlist = load_data_file("watchlist.yaml", Watchlist)
    taxonomy = load_data_file("taxonomy.yaml", Taxonomy)
    sources = load_data_file("sources.yaml", SourcesConfig)
    return PollService(
        store=Store(dynamodb_client or client("dynamodb", settings), settings.table_name),
        fetcher=fetcher or HttpFetcher.from_settings(settings, sources),
        classifier=Classifier(watchlist, taxonomy),
        watchlist=watchlist,
        sources=sources,
        metrics=metrics or PowertoolsMetricsSink(),
    )


def build_alert_service(
    settings: Settings,
    *,
    dynamodb_client: Any = None,
    sns_client: Any = None,
) -> AlertService:
    from pipewatch.adapters.idempotency import make_idempotent_publish
    from pipewatch.adapters.notifier import SnsNotifier
    from pipewatch.services.alert import AlertService

    notifier = SnsNotifier(sns_client or client("sns", settings), settings.topic_arn)
    publisher = make_idempotent_publish(
        notifier.publish,
        table_name=settings.table_name,
        dynamodb_client=dynamodb_client or client("dynamodb", settings),
        ttl_seconds=settings.idempotency_ttl_seconds,
    )
    return AlertService(notifier, publisher, link_base=settings.link_base)


def build_plan_service(
    settings: Settings, *, sqs_client: Any = None, agents_per_task: int = 0
) -> PlanService:
    """The plan Lambda: watchlist + sources -> poll tasks on the SQS poll queue (no classifier, no HTTP)."""
    from pipewatch.adapters.task_queue import SqsTaskQueue
    from pipewatch.config import load_data_file
    from pipewatch.domain.sources_config import SourcesConfig
    from pipewatch.domain.watchlist import Watchlist
    from pipewatch.services.plan import DEFAULT_AGENTS_PER_TASK, PlanService

    watchlist = load_data_file("watchlist.yaml", Watchlist)
    sources = load_data_file("sources.yaml", SourcesConfig)
    return PlanService(
        sources=sources,
        agent_ids=[agent.id for agent in watchlist.agents],
        queue=SqsTaskQueue(sqs_client or client("sqs", settings), settings.poll_queue_url),
        agents_per_task=agents_per_task or DEFAULT_AGENTS_PER_TASK,
    )


def build_subscription_service(
    settings: Settings,
    *,
    dynamodb_client: Any = None,
    sns_client: Any = None,
    check_watchlist: bool = True,
    kms_client: Any = None,
    destination_check: Any = None,
) -> SubscriptionService:
    from pipewatch.adapters.secrets import KmsEnvelopeCipher
    from pipewatch.adapters.subscriptions import SnsSubscriptions, SubscriptionTable
    from pipewatch.adapters.webhook_http import HttpsPoster
    from pipewatch.services.subscriptions import SubscriptionService

    agents: list[str] | None = None
    indications: list[str] | None = None
    if check_watchlist:
        from pipewatch.config import load_data_file
        from pipewatch.domain.watchlist import Watchlist

        watchlist = load_data_file("watchlist.yaml", Watchlist)
        agents = [a.id for a in watchlist.agents]
        indications = [i.id for i in watchlist.indications]
    return SubscriptionService(
        table=SubscriptionTable(dynamodb_client or client("dynamodb", settings), settings.table_name),
        sns=SnsSubscriptions(sns_client or client("sns", settings), settings.topic_arn),
        known_agents=agents,
        known_indications=indications,
        cipher=(
            KmsEnvelopeCipher(kms_client or client("kms", settings), settings.channels_key_id)
            if settings.channels_key_id
            else None
        ),
        check_destination=destination_check or HttpsPoster().check,
        email_by_delivery_function=bool(settings.ses_sender),
    )


def build_digest_service(
    settings: Settings, *, dynamodb_client: Any = None, sns_client: Any = None
) -> DigestService:
    from pipewatch.adapters.idempotency import IdempotentDigestPublisher
    from pipewatch.adapters.notifier import SnsNotifier
    from pipewatch.adapters.store import Store
    from pipewatch.adapters.subscriptions import SubscriptionTable
    from pipewatch.domain.digest import DigestMessage
    from pipewatch.services.digest import DigestService

    ddb = dynamodb_client or client("dynamodb", settings)
    notifier = SnsNotifier(sns_client or client("sns", settings), settings.topic_arn)

    def publish(message: DigestMessage) -> str:
        return notifier.publish_digest(
            subscription_id=message.subscription_id,
            digest_key=message.key,
            subject=message.subject,
            email=message.email,
            sms=message.sms,
        )

    publisher = IdempotentDigestPublisher(
        publish,
        table_name=settings.table_name,
        dynamodb_client=ddb,
        ttl_seconds=settings.idempotency_ttl_seconds,
    )
    return DigestService(
        table=SubscriptionTable(ddb, settings.table_name),
        store=Store(ddb, settings.table_name),
        publisher=publisher,
        link_base=settings.link_base,
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

    ddb = dynamodb_client or client("dynamodb", settings)
    email = (
        SesEmailSender(
            ses_client or client("ses", settings),
            sender=settings.ses_sender,
            configuration_set=settings.ses_configuration_set,
        )
        if settings.ses_sender
        else None
    )
    # TODO(lead): wire the signed unsubscribe links here once domain/links.py lands, e.g.
    # `links = links or SignedLinks(...)` (it must provide `unsubscribe_url(subscription_id) -> str`).
    # Until then SES e-mails carry no List-Unsubscribe header, only the plain-text unsubscribe hint.
    return DeliveryService(
        subscriptions=SubscriptionTable(ddb, settings.table_name),
        updates=Store(ddb, settings.table_name),
        state=DeliveryStore(ddb, settings.table_name),
        queue=SqsDeliveryQueue(sqs_client or client("sqs", settings), settings.delivery_queue_url),
        cipher=KmsEnvelopeCipher(kms_client or client("kms", settings), settings.channels_key_id),
        poster=poster or HttpsPoster(),
        email=email,
        links=links,
        feedback_topic_arn=settings.email_feedback_topic_arn,
        **({"clock": clock} if clock else {}),
    )

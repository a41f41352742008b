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
    from pipewatch.observability import MetricsSink
    from pipewatch.services.alert import AlertService
    from pipewatch.services.digest import DigestService
    from pipewatch.services.plan import PlanService
    from pipewatch.services.poll import PollService
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
        alarm_after_failures=settings.source_alarm_failures,
    )


def build_alert_service(
    settings: Settings,
    *,
    dynamodb_client: Any = None,
    sns_client: Any = None,
    metrics: MetricsSink | None = None,
) -> AlertService:
    from pipewatch.adapters.idempotency import make_idempotent_publish
    from pipewatch.adapters.notifier import SnsNotifier
    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.alert import AlertService

    notifier = SnsNotifier(sns_client or client("sns", settings), settings.topic_arn)
    publisher = make_idempotent_publish(
        notifier.publish,
        table_name=settings.table_name,
        dynamodb_client=dynamodb_client or client("dynamodb", settings),
        ttl_seconds=settings.idempotency_ttl_seconds,
        metrics=metrics or PowertoolsMetricsSink(),
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
    settings: Settings, *, dynamodb_client: Any = None, sns_client: Any = None, check_watchlist: bool = True
) -> SubscriptionService:
    from pipewatch.adapters.subscriptions import SnsSubscriptions, SubscriptionTable
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
    from pipewatch.adapters.idempotency import IdempotentDigestPublisher
    from pipewatch.adapters.notifier import SnsNotifier
    from pipewatch.adapters.store import Store
    from pipewatch.adapters.subscriptions import SubscriptionTable
    from pipewatch.domain.digest import DigestMessage
    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.digest import DigestService

    ddb = dynamodb_client or client("dynamodb", settings)
    notifier = SnsNotifier(sns_client or client("sns", settings), settings.topic_arn)

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
        table_name=settings.table_name,
        dynamodb_client=ddb,
        ttl_seconds=settings.idempotency_ttl_seconds,
        metrics=sink,
    )
    return DigestService(
        table=SubscriptionTable(ddb, settings.table_name),
        store=Store(ddb, settings.table_name),
        publisher=publisher,
        link_base=settings.link_base,
        alarm_after_failures=settings.source_alarm_failures,
    )

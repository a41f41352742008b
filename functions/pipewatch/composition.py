"""Composition root: builds each Lambda's service from settings and real clients (one function per Lambda).

Tests and the demo build the same services with moto-backed clients through these functions, so the code
they exercise is the code Lambda runs. Imports sit inside each builder so a Lambda loads only what it uses
(the alert function never imports the classifier or the HTTP stack).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pipewatch.adapters.aws import lazy_client
from pipewatch.settings import Settings

if TYPE_CHECKING:
    from datetime import datetime

    from pipewatch.adapters.config_store import S3ConfigStore
    from pipewatch.adapters.delivery_queue import SqsDeliveryQueue
    from pipewatch.domain.render.digest import DigestMessage
    from pipewatch.services.alert import AlertService
    from pipewatch.services.calendar import CalendarService
    from pipewatch.services.config_admin import ConfigAdmin
    from pipewatch.services.console import ConsoleService
    from pipewatch.services.delivery import DeliveryService
    from pipewatch.services.digest import DigestService
    from pipewatch.services.live_config import ConfigSet, LiveConfig
    from pipewatch.services.plan import PlanService
    from pipewatch.services.poll import PollService
    from pipewatch.services.ports import (
        HeadlineCorpus,
        IdentityProvider,
        KeySetSource,
        MetricsSink,
        WordFrequencies,
    )
    from pipewatch.services.reader import ReaderService
    from pipewatch.services.sources_check import SourcesCheck
    from pipewatch.services.subscriptions import SubscriptionService

ServiceT = TypeVar("ServiceT")


# -- live configuration (issue 26) -------------------------------------------------------------------------
def build_config_store(settings: Settings, *, s3_client: Any = None) -> S3ConfigStore:
    """The stack's versioned config bucket ($PIPEWATCH_CONFIG_BUCKET), as the CLI pushes to it."""
    from pipewatch.adapters.config_store import S3ConfigStore

    return S3ConfigStore(s3_client or lazy_client("s3", settings), settings.require("config_bucket"))


def build_config_admin(
    settings: Settings, *, s3_client: Any = None, dynamodb_client: Any = None
) -> ConfigAdmin:
    """`pipewatch watchlist push | pull | history | rollback`: the bucket, and the subscriptions (when the
    table is known) so a push that removes an agent lists the subscriptions naming it."""
    from pipewatch.adapters.subscriptions import SubscriptionTable
    from pipewatch.adapters.watch_marks import DynamoWatchMarks
    from pipewatch.services.config_admin import ConfigAdmin

    store = build_config_store(settings, s3_client=s3_client)
    if not settings.table_name:
        return ConfigAdmin(store)
    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    return ConfigAdmin(
        store,
        subscriptions=SubscriptionTable(ddb, settings.table_name),
        marks=DynamoWatchMarks(ddb, settings.table_name),
    )


def build_live_config(
    settings: Settings,
    *,
    s3_client: Any = None,
    clock: Callable[[], datetime] | None = None,
    metrics: MetricsSink | None = None,
) -> LiveConfig:
    """The configuration a container applies: the bucket's current versions (re-read at most every
    `config_refresh_seconds`), the packaged files without a bucket, an override wherever one is set."""
    from datetime import timedelta

    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.live_config import LiveConfig

    return LiveConfig(
        build_config_store(settings, s3_client=s3_client) if settings.config_bucket else None,
        overrides={
            "watchlist.yaml": settings.watchlist_override,
            "taxonomy.yaml": settings.taxonomy_override,
            "sources.yaml": settings.sources_override,
        },
        refresh=timedelta(seconds=settings.config_refresh_seconds),
        metrics=metrics or PowertoolsMetricsSink(),
        **({"clock": clock} if clock else {}),
    )


def current_config(settings: Settings, config: ConfigSet | None = None) -> ConfigSet:
    """`config` when given, else what applies now (each file read from the bucket, or the packaged file,
    when the caller first asks for it)."""
    return config or build_live_config(settings).current()


class _LiveService:
    """A service rebuilt from the configuration whenever a file it was built from changes version (a push
    applied): each call goes to the service built from the current set, so a running container picks a
    push up without a restart. Checking costs nothing within the refresh interval (the live config answers
    from memory); a file the service never read (ConfigSet reads on first use) is neither read nor checked."""

    __slots__ = ("_build", "_built", "_config", "_live")

    def __init__(self, live: LiveConfig, build: Callable[[ConfigSet], Any]) -> None:
        self._live = live
        self._build = build
        self._config: ConfigSet | None = None
        self._built: Any = None

    def current(self) -> Any:
        if self._built is None or self._config is None or self._changed(self._config):
            config = self._live.current()
            self._built = self._build(config)
            self._config = config
        return self._built

    def _changed(self, config: ConfigSet) -> bool:
        return any(
            self._live.document(name)[1] != version for name, version in config.read_versions().items()
        )

    def config_versions(self) -> tuple[str, ...]:
        """The versions (watchlist, taxonomy, sources) the service last used (a stack test's evidence); ""
        for a file it does not use."""
        from pipewatch.config import CONFIG_FILES

        if self._config is None:
            return ()
        read = self._config.read_versions()
        return tuple(read.get(name, "") for name in CONFIG_FILES)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)


def live_service(live: LiveConfig, build: Callable[[ConfigSet], ServiceT]) -> ServiceT:
    """`build(config)` for the configuration that applies at each call (see _LiveService)."""
    return cast("ServiceT", _LiveService(live, build))


def build_poll_service(
    settings: Settings,
    *,
    fetcher: Any = None,
    metrics: MetricsSink | None = None,
    dynamodb_client: Any = None,
    config: ConfigSet | None = None,
) -> PollService:
    from pipewatch.adapters.http import HttpFetcher
    from pipewatch.adapters.sources import poll_source
    from pipewatch.adapters.store import Store
    from pipewatch.adapters.watch_marks import DynamoWatchMarks
    from pipewatch.domain.watch.classify import Classifier
    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.poll import PollService

    config = current_config(settings, config)
    watchlist, taxonomy, sources = config.watchlist, config.taxonomy, config.sources
    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    return PollService(
        store=Store(ddb, settings.require("table_name")),
        calendar=build_calendar_service(settings, dynamodb_client=ddb, watchlist=watchlist),
        source_poller=poll_source,
        source_environment=settings.source_environment,
        fetcher=fetcher or HttpFetcher.from_settings(settings, sources),
        classifier=Classifier(watchlist, taxonomy),
        watchlist=watchlist,
        sources=sources,
        metrics=metrics or PowertoolsMetricsSink(),
        alarm_after_failures=settings.source_alarm_failures,
        watch_marks=DynamoWatchMarks(ddb, settings.require("table_name")),
    )


def build_sources_check(settings: Settings, *, fetcher: Any = None) -> SourcesCheck:
    """`pipewatch sources check`: the configured sources, the real fetcher and pollers, no store."""
    from pipewatch.adapters.http import HttpFetcher
    from pipewatch.adapters.sources import poll_source
    from pipewatch.services.sources_check import SourcesCheck

    config = current_config(settings)
    watchlist, sources = config.watchlist, config.sources
    return SourcesCheck(
        sources=sources,
        fetcher=fetcher or HttpFetcher.from_settings(settings, sources),
        source_poller=poll_source,
        watchlist=watchlist,
        environ=settings.source_environment,
    )


def build_calendar_service(
    settings: Settings, *, dynamodb_client: Any = None, watchlist: Any = None, config: ConfigSet | None = None
) -> CalendarService:
    """The catalyst calendar: fed by the poll, checked daily by the catalyst-check Lambda."""
    from pipewatch.adapters.catalyst_store import CatalystStore
    from pipewatch.adapters.store import Store
    from pipewatch.services.calendar import CalendarService, ExtractorOnFirstUse

    watchlist = watchlist or current_config(settings, config).watchlist
    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    table = settings.require("table_name")
    return CalendarService(
        store=CatalystStore(ddb, table),
        extractor=ExtractorOnFirstUse(watchlist),
        watchlist=watchlist,
        grace_days=settings.catalyst_grace_days,
        recent=Store(ddb, table),  # the daily check folds the last days' updates again
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


def build_plan_service(
    settings: Settings, *, sqs_client: Any = None, agents_per_task: int = 0, config: ConfigSet | None = None
) -> PlanService:
    """The plan Lambda: watchlist + sources -> poll tasks on the SQS poll queue (no classifier, no HTTP)."""
    from pipewatch.adapters.task_queue import SqsTaskQueue
    from pipewatch.services.plan import DEFAULT_AGENTS_PER_TASK, PlanService

    config = current_config(settings, config)
    watchlist, sources = config.watchlist, config.sources
    return PlanService(
        sources=sources,
        agent_ids=[agent.id for agent in watchlist.agents],
        queue=SqsTaskQueue(sqs_client or lazy_client("sqs", settings), settings.require("poll_queue_url")),
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
    config: ConfigSet | None = None,
) -> SubscriptionService:
    from pipewatch.adapters.secrets import KmsEnvelopeCipher
    from pipewatch.adapters.subscriptions import SnsSubscriptions, SubscriptionTable
    from pipewatch.adapters.webhook_http import HttpsPoster
    from pipewatch.services.subscriptions import SubscriptionService

    agents: list[str] | None = None
    indications: list[str] | None = None
    if check_watchlist:
        watchlist = current_config(settings, config).watchlist
        agents = [a.id for a in watchlist.agents]
        indications = [i.id for i in watchlist.indications]
    return SubscriptionService(
        table=SubscriptionTable(
            dynamodb_client or lazy_client("dynamodb", settings), settings.require("table_name")
        ),
        sns=SnsSubscriptions(sns_client or lazy_client("sns", settings), settings.require("topic_arn")),
        known_agents=agents,
        known_indications=indications,
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


def build_reader_service(
    settings: Settings, *, dynamodb_client: Any = None, sns_client: Any = None, kms_client: Any = None
) -> ReaderService:
    """The reader routes (page, feedback, feeds, catalyst calendar, unsubscribe); pages show the agent's
    coming catalysts from the calendar, and /cal serves it as a subscriber's iCalendar feed."""
    from pipewatch.adapters.catalyst_store import CatalystStore
    from pipewatch.adapters.feedback import FeedbackTable
    from pipewatch.adapters.short_links import ShortLinkTable
    from pipewatch.adapters.store import Store
    from pipewatch.services.reader import CalendarCatalysts, ReaderService, SubscriptionLookup

    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    subscriptions = build_subscription_service(
        settings, dynamodb_client=ddb, sns_client=sns_client, check_watchlist=False
    )
    calendar = CatalystStore(ddb, settings.require("table_name"))
    return ReaderService(
        store=Store(ddb, settings.require("table_name")),
        feedback=FeedbackTable(ddb, settings.require("table_name")),
        subscriptions=SubscriptionLookup(subscriptions),
        keys=build_link_keys(settings, dynamodb_client=ddb, kms_client=kms_client),
        catalysts=CalendarCatalysts(calendar),
        calendar=calendar,
        short_links=ShortLinkTable(ddb, settings.require("table_name")),
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


def build_console_service(
    settings: Settings,
    *,
    dynamodb_client: Any = None,
    sns_client: Any = None,
    kms_client: Any = None,
    identity: IdentityProvider | None = None,
    keys: KeySetSource | None = None,
    hosted_ui: bool = True,
    destination_check: Any = None,
    config: ConfigSet | None = None,
    s3_client: Any = None,
) -> ConsoleService:
    """The analyst's console: the update indexes, the calendar, source health, feedback and the
    subscription service, behind Cognito sign-in (the local console passes its own identity provider and
    key set: moto's pool, the same token checks). Its watchlist and sources are the live configuration
    (`config`, or what applies now); with a config bucket, admins see the watchlist's history."""
    from pipewatch.adapters.catalyst_store import CatalystStore
    from pipewatch.adapters.cognito import CognitoIdentity, HttpJwks, pool_issuer
    from pipewatch.adapters.console_index import UpdateIndexTable
    from pipewatch.adapters.feedback import FeedbackTable
    from pipewatch.adapters.store import Store
    from pipewatch.config import packaged_data_path
    from pipewatch.services.config_admin import ConfigAdmin
    from pipewatch.services.console import ConsoleService, Vocabulary
    from pipewatch.services.console_auth import TokenVerifier
    from pipewatch.services.console_web import WatchlistStatus

    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    table = settings.require("table_name")
    issuer = pool_issuer(settings.region, settings.require("cognito_pool_id"))
    applied = current_config(settings, config)
    watchlist, sources = applied.watchlist, applied.sources
    history = (
        ConfigAdmin(build_config_store(settings, s3_client=s3_client)) if settings.config_bucket else None
    )
    watchlist_status = WatchlistStatus(
        version=applied.read_versions()["watchlist.yaml"],  # read above (`versions` reads every file)
        history=history,
        packaged_text=packaged_data_path("watchlist.yaml").read_text(encoding="utf-8") if history else "",
    )
    link_keys = build_link_keys(settings, dynamodb_client=ddb, kms_client=kms_client)
    links = signed_links(settings, dynamodb_client=ddb, kms_client=kms_client)

    def subscriber_links(subscription_id: str) -> dict[str, str]:
        if links is None:  # no link key or site: no signed links to offer
            return {}
        signer = links()
        return {
            "Atom feed": signer.feed_url(subscription_id, "atom"),
            "JSON feed": signer.feed_url(subscription_id, "json"),
            "Catalyst calendar (.ics)": signer.url("calendar", signer.sign("calendar", subscription_id)),
        }

    return ConsoleService(
        index=UpdateIndexTable(ddb, table),
        updates=Store(ddb, table),
        calendar=CatalystStore(ddb, table),
        sources=Store(ddb, table),
        feedback=FeedbackTable(ddb, table),
        subscriptions=build_subscription_service(
            settings,
            dynamodb_client=ddb,
            sns_client=sns_client,
            kms_client=kms_client,
            destination_check=destination_check,
            config=applied,
        ),
        keys=link_keys,
        verifier=TokenVerifier(
            keys=keys or HttpJwks(issuer), issuer=issuer, client_id=settings.require("cognito_client_id")
        ),
        identity=identity
        or CognitoIdentity(domain=settings.require("cognito_domain"), client_id=settings.cognito_client_id),
        vocabulary=Vocabulary(
            agents=sorted(a.id for a in watchlist.agents),
            indications=sorted(i.id for i in watchlist.indications),
            sources=sorted(s.id for s in sources.sources),
        ),
        hosted_ui=hosted_ui,
        links=subscriber_links,
        failing_after=settings.source_alarm_failures,
        watchlist=watchlist_status,
    )


def build_watchlist_checks(corpus: str | None = None) -> tuple[WordFrequencies | None, HeadlineCorpus | None]:
    """What `watchlist check` reads beside the file: word frequencies (None without wordfreq) and, when a
    directory is given, the recorded headlines in it."""
    from pipewatch.adapters.headline_corpus import DirectoryCorpus
    from pipewatch.adapters.word_frequency import wordfreq_frequencies

    return wordfreq_frequencies(), (DirectoryCorpus(corpus) if corpus else None)

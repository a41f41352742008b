"""Composition root, web: the reader pages and the analyst's console."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipewatch.adapters.aws import lazy_client
from pipewatch.composition.delivery import build_link_keys, build_subscription_service, signed_links
from pipewatch.composition.live import build_config_store, current_config
from pipewatch.settings import Settings

if TYPE_CHECKING:
    from pipewatch.services.console import ConsoleService
    from pipewatch.services.live_config import ConfigSet
    from pipewatch.services.ports import IdentityProvider, KeySetSource
    from pipewatch.services.reader import ReaderService


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
    # Built by the first route that reads a subscription (services/reader.SubscriptionLookup): its models
    # are pydantic, which a topic-wide page never needs.
    subscriptions = lambda: build_subscription_service(  # noqa: E731 - the lookup's factory
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
    (`config`, or what applies now), read by the first page that shows them (a filter's choices, the
    watchlist page), not here: a story, the calendar, source health, a feed or an export never reads them
    (issue 28); with a config bucket, admins see the watchlist's history."""
    from pipewatch.adapters.catalyst_store import CatalystStore
    from pipewatch.adapters.cognito import CognitoIdentity, HttpJwks, pool_issuer
    from pipewatch.adapters.console_index import UpdateIndexTable
    from pipewatch.adapters.feedback import FeedbackTable
    from pipewatch.adapters.store import Store
    from pipewatch.config import packaged_data_path
    from pipewatch.services.console import ConsoleService, Vocabulary
    from pipewatch.services.console_auth import TokenVerifier
    from pipewatch.services.console_web import WatchlistStatus

    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    table = settings.require("table_name")
    issuer = pool_issuer(settings.region, settings.require("cognito_pool_id"))
    applied = current_config(settings, config)

    def vocabulary() -> Vocabulary:
        watchlist, sources = applied.watchlist, applied.sources
        return Vocabulary(
            agents=sorted(a.id for a in watchlist.agents),
            indications=sorted(i.id for i in watchlist.indications),
            sources=sorted(s.id for s in sources.sources),
        )

    def watchlist_status() -> WatchlistStatus:
        history = None
        if settings.config_bucket:  # the admins' watchlist page shows the stored versions
            from pipewatch.services.config_admin import ConfigAdmin

            history = ConfigAdmin(build_config_store(settings, s3_client=s3_client))
        applied.watchlist  # noqa: B018 - read: its version is the one this console applies
        return WatchlistStatus(
            version=applied.read_versions()["watchlist.yaml"],
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
        vocabulary=vocabulary,  # both read by the first page that shows them (a filter, the watchlist)
        hosted_ui=hosted_ui,
        links=subscriber_links,
        failing_after=settings.source_alarm_failures,
        watchlist=watchlist_status,
    )

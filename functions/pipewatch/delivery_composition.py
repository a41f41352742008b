"""Composition for the delivery Lambdas (issue 7): the subscription API, the digest, and the settings they
add. Kept apart from composition.py (owned by the infrastructure work) so both can change at once; the
builders follow the same pattern (imports inside, clients injectable for moto).

Environment read here, at the edge:
  PIPEWATCH_LINK_BASE  base of the short links in SMS (`<base>/<update id>`, a redirect the operator serves);
                       default https://pipewatch.example/u
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pipewatch.adapters.aws import client
from pipewatch.settings import Settings

if TYPE_CHECKING:
    from pipewatch.services.digest import DigestService
    from pipewatch.services.subscriptions import SubscriptionService


def link_base(environ: dict[str, str] | None = None) -> str:
    from pipewatch.domain.render import DEFAULT_LINK_BASE

    env = os.environ if environ is None else environ
    return env.get("PIPEWATCH_LINK_BASE") or DEFAULT_LINK_BASE


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
    )


def build_digest_service(
    settings: Settings, *, dynamodb_client: Any = None, sns_client: Any = None
) -> DigestService:
    from pipewatch.adapters.digest_publisher import IdempotentDigestPublisher
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
        link_base=link_base(),
    )

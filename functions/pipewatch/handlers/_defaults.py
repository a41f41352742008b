"""The services a deployed handler uses when its caller passes none (`handler(event, context)`, as Lambda
calls it): built from the settings by the composition root on the first invocation, then kept for the
container's life. Building waits for that first invocation, not the import, so a cold start pays only
for what the function uses; tests and the local harness pass their own (`functools.partial(handler,
service=...)`) and never reach these.

The services that read the watchlist, taxonomy or sources (plan, poll, catalyst check, subscription API) are
live: built again, within the same container, when a pushed configuration version applies (issue 26).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pipewatch import composition
from pipewatch.settings import get_settings

if TYPE_CHECKING:
    from pipewatch.services.alert import AlertService
    from pipewatch.services.calendar import CalendarService
    from pipewatch.services.console import ConsoleService
    from pipewatch.services.delivery import DeliveryService
    from pipewatch.services.digest import DigestService
    from pipewatch.services.live_config import LiveConfig
    from pipewatch.services.plan import PlanService
    from pipewatch.services.poll import PollService
    from pipewatch.services.ports import RedeliveryQueue
    from pipewatch.services.reader import ReaderService
    from pipewatch.services.subscriptions import SubscriptionService


@cache
def live_config() -> LiveConfig:
    """The container's configuration cache (one conditional read per file per refresh interval)."""
    return composition.build_live_config(get_settings())


@cache
def alert_service() -> AlertService:
    return composition.build_alert_service(get_settings())


@cache
def subscription_service() -> SubscriptionService:
    return composition.live_service(
        live_config(),
        lambda config: composition.build_subscription_service(get_settings(), config=config),
    )


@cache
def calendar_service() -> CalendarService:
    return composition.live_service(
        live_config(),
        lambda config: composition.build_calendar_service(get_settings(), config=config),
    )


@cache
def delivery_service() -> DeliveryService:
    return composition.build_delivery_service(get_settings())


@cache
def delivery_queue() -> RedeliveryQueue:
    return composition.build_delivery_queue(get_settings())


@cache
def digest_service() -> DigestService:
    return composition.build_digest_service(get_settings())


@cache
def reader_service() -> ReaderService:
    return composition.build_reader_service(get_settings())


@cache
def plan_service() -> PlanService:
    return composition.live_service(
        live_config(), lambda config: composition.build_plan_service(get_settings(), config=config)
    )


@cache
def poll_service() -> PollService:
    return composition.live_service(
        live_config(), lambda config: composition.build_poll_service(get_settings(), config=config)
    )


@cache
def console_service() -> ConsoleService:
    return composition.live_service(
        live_config(),
        lambda config: composition.build_console_service(get_settings(), config=config),
    )

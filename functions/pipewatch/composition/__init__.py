"""Composition root: builds each Lambda's service from settings and real clients (one function per Lambda).

Tests and the demo build the same services with moto-backed clients through these functions, so the code
they exercise is the code Lambda runs. Imports sit inside each builder so a Lambda loads only what it uses
(the alert function never imports the classifier or the HTTP stack). The builders live by section (live.py:
configuration; ingest.py; delivery.py; web.py) and are looked up here: handlers, the CLI and tests patch
them on this package, so a builder that calls another imports it from its section module.
"""

from __future__ import annotations

from pipewatch.composition.delivery import (
    build_alert_service,
    build_delivery_queue,
    build_delivery_service,
    build_digest_service,
    build_link_keys,
    build_subscription_service,
    signed_links,
)
from pipewatch.composition.ingest import (
    build_calendar_service,
    build_plan_service,
    build_poll_service,
    build_sources_check,
)
from pipewatch.composition.live import (
    ServiceT,
    build_config_admin,
    build_config_store,
    build_live_config,
    build_watchlist_checks,
    current_config,
    live_service,
)
from pipewatch.composition.web import build_console_service, build_reader_service

__all__ = [
    "ServiceT",
    "build_alert_service",
    "build_calendar_service",
    "build_config_admin",
    "build_config_store",
    "build_console_service",
    "build_delivery_queue",
    "build_delivery_service",
    "build_digest_service",
    "build_link_keys",
    "build_live_config",
    "build_plan_service",
    "build_poll_service",
    "build_reader_service",
    "build_sources_check",
    "build_subscription_service",
    "build_watchlist_checks",
    "current_config",
    "live_service",
    "signed_links",
]

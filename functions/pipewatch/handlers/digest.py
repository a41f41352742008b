"""Scheduled digest Lambda: send each due digest subscriber its daily digest, exactly once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipewatch.handlers import _defaults
from pipewatch.handlers.schedule import ScheduleEvent
from pipewatch.observability import logger, metrics, traced_handler

if TYPE_CHECKING:
    from pipewatch.services.digest import DigestService


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(
    event: dict[str, Any] | None, context: Any, *, service: DigestService | None = None
) -> dict[str, Any]:
    now = ScheduleEvent.parse(event).run_time()
    digests = service or _defaults.digest_service()
    digests.start_invocation(context)
    report = digests.run(now)
    metrics.add_metric(name="DigestsSent", unit="Count", value=len(report.sent))
    metrics.add_metric(name="DigestsSkippedInProgress", unit="Count", value=len(report.in_progress))
    return report.as_dict()

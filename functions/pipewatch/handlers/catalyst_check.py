"""Scheduled daily catalyst check: mark due and overdue catalysts; each overdue update is written once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipewatch.handlers import _defaults
from pipewatch.handlers.schedule import ScheduleEvent
from pipewatch.observability import logger, metrics, traced_handler

if TYPE_CHECKING:
    from pipewatch.services.calendar import CalendarService


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(
    event: dict[str, Any] | None, context: Any, *, service: CalendarService | None = None
) -> dict[str, Any]:
    now = ScheduleEvent.parse(event).run_time()
    report = (service or _defaults.calendar_service()).check(now)
    metrics.add_metric(name="CatalystsOverdue", unit="Count", value=report.overdue)
    logger.info("catalyst check", extra=report.as_dict())
    return report.as_dict()

"""Scheduled plan Lambda: parse the schedule's input, enqueue one poll task per (source, query)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipewatch.handlers import _defaults
from pipewatch.handlers.schedule import ScheduleEvent
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.services.plan import PlanRequest

if TYPE_CHECKING:
    from pipewatch.services.plan import PlanService


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(
    event: dict[str, Any] | None, context: Any, *, service: PlanService | None = None
) -> dict[str, object]:
    schedule = ScheduleEvent.parse(event)
    request = PlanRequest(source_class=schedule.source_class, sources=schedule.sources)
    report = (service or _defaults.plan_service()).plan(request)
    metrics.add_metric(name="PollTasksEnqueued", unit="Count", value=report.tasks)
    return report.as_dict()

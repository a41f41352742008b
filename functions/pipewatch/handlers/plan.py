"""Scheduled plan Lambda: parse the schedule's input, enqueue one poll task per (source, query)."""

from __future__ import annotations

from functools import cache
from typing import Any

from pipewatch.composition import build_plan_service
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.services.plan import PlanRequest, PlanService
from pipewatch.settings import get_settings


@cache
def _service() -> PlanService:
    return build_plan_service(get_settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, object]:
    request = PlanRequest.model_validate(event or {})
    report = _service().plan(request)
    metrics.add_metric(name="PollTasksEnqueued", unit="Count", value=report.tasks)
    return report.as_dict()

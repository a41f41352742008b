"""Scheduled daily catalyst check: mark due and overdue catalysts; each overdue update is written once."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict

from pipewatch.composition import build_calendar_service
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.services.calendar import CalendarService
from pipewatch.settings import get_settings


class CatalystCheckEvent(BaseModel):
    """The schedule's input. `scheduled_time` pins the run's clock, so a retried invocation judges the same
    day; without it, the invocation time is used."""

    model_config = ConfigDict(extra="ignore")

    scheduled_time: AwareDatetime | None = None


@cache
def _service() -> CalendarService:
    return build_calendar_service(get_settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any] | None, context: Any) -> dict[str, Any]:
    parsed = CatalystCheckEvent.model_validate(event or {})
    now = parsed.scheduled_time or datetime.now(UTC)
    report = _service().check(now)
    metrics.add_metric(name="CatalystsOverdue", unit="Count", value=report.overdue)
    logger.info("catalyst check", extra=report.as_dict())
    return report.as_dict()

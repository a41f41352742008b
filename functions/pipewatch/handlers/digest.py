"""Scheduled digest Lambda: send each due digest subscriber its daily digest, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict

from pipewatch.composition import build_digest_service
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.services.digest import DigestService
from pipewatch.settings import get_settings


class DigestEvent(BaseModel):
    """The schedule's input. `scheduled_time` (e.g. `<aws.scheduler.scheduled-time>`) pins the run's clock,
    so a retried invocation computes the same digest dates; without it, the invocation time is used."""

    model_config = ConfigDict(extra="ignore")

    scheduled_time: AwareDatetime | None = None


@cache
def _service() -> DigestService:
    return build_digest_service(get_settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any] | None, context: Any) -> dict[str, Any]:
    parsed = DigestEvent.model_validate(event or {})
    now = parsed.scheduled_time or datetime.now(UTC)
    service = _service()
    service.start_invocation(context)
    report = service.run(now)
    metrics.add_metric(name="DigestsSent", unit="Count", value=len(report.sent))
    metrics.add_metric(name="DigestsSkippedInProgress", unit="Count", value=len(report.in_progress))
    return report.as_dict()

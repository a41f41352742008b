"""Scheduled poll Lambda: parse the schedule's input, run one poll, report what happened."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from pipewatch.composition import build_poll_service
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.services.poll import PollService
from pipewatch.settings import get_settings


class PollRequest(BaseModel):
    """The EventBridge Scheduler input: which sources (ids), or a class of them ("registry" / "news")."""

    sources: list[str] | None = None
    source_class: str | None = None


@cache
def _service() -> PollService:
    return build_poll_service(get_settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        request = PollRequest.model_validate(event or {})
    except ValidationError as exc:
        raise ValueError(f"bad poll request: {exc.errors()[0]['msg']}") from exc
    report = _service().poll(
        request.sources, source_class=request.source_class, budget_seconds=get_settings().poll_budget_seconds
    )
    return report.as_dict()

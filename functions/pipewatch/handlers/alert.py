"""DynamoDB stream -> SNS Lambda: one alert per new update, reporting partial batch failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipewatch.handlers import _defaults
from pipewatch.handlers._batch import stream_partial_response
from pipewatch.observability import logger, metrics, traced_handler

if TYPE_CHECKING:  # the service (domain models, store, renderer) is imported when it is built
    from pipewatch.services.alert import AlertService


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any], context: Any, *, service: AlertService | None = None) -> dict[str, Any]:
    if not event.get("Records"):
        return {"batchItemFailures": []}
    alerts = service or _defaults.alert_service()
    alerts.start_invocation(context)
    return stream_partial_response(event["Records"], alerts.handle_record)

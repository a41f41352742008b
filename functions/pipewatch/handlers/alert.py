"""DynamoDB stream -> SNS Lambda: one alert per new update, reporting partial batch failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from pipewatch.handlers import _defaults
from pipewatch.observability import logger, metrics, traced_handler

if TYPE_CHECKING:  # the service (domain models, store, renderer) is imported when it is built
    from pipewatch.services.alert import AlertService

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any], context: Any, *, service: AlertService | None = None) -> dict[str, Any]:
    if not event.get("Records"):
        return {"batchItemFailures": []}
    alerts = service or _defaults.alert_service()
    alerts.start_invocation(context)

    def record_handler(record: DynamoDBRecord) -> str | None:
        return alerts.handle_record(record.raw_event)

    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )

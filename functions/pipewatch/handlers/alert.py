"""DynamoDB stream -> SNS Lambda: one alert per new update, reporting partial batch failures."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from pipewatch.composition import build_alert_service
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.settings import get_settings

if TYPE_CHECKING:  # the service (domain models, store, renderer) is imported when it is built
    from pipewatch.services.alert import AlertService

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@cache
def _service() -> AlertService:
    return build_alert_service(get_settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if not event.get("Records"):
        return {"batchItemFailures": []}
    service = _service()
    service.start_invocation(context)

    def record_handler(record: DynamoDBRecord) -> str | None:
        return service.handle_record(record.raw_event)

    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )

"""Delivery Lambda: consumes the delivery queue (SNS envelopes from the alerts topic and the SES feedback
topic, and the per-destination jobs the fan-out enqueues) with partial batch failures.

A job that must wait (429 Retry-After, the rate cap, a 5xx or timeout's backoff) gets its message's
visibility timeout set to that wait and is reported failed: SQS hands it back then, and the rest of the
batch is unaffected. The queue's maxReceiveCount bounds the attempts; then the DLQ and its alarm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from pipewatch.handlers import _defaults
from pipewatch.observability import logger, metrics, traced_handler

if TYPE_CHECKING:
    from pipewatch.services.delivery import DeliveryService
    from pipewatch.services.ports import RedeliveryQueue

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(
    event: dict[str, Any],
    context: Any,
    *,
    service: DeliveryService | None = None,
    queue: RedeliveryQueue | None = None,
) -> dict[str, Any]:
    """`queue` is where a deferred job's message gets its new visibility timeout (the delivery queue)."""
    from pipewatch.services.delivery import RetryLater

    delivery = service or _defaults.delivery_service()

    def record_handler(record: SQSRecord) -> str:
        receive_count = int(record.attributes.approximate_receive_count or 1)
        try:
            return delivery.handle_body(record.body, receive_count)
        except RetryLater as retry:
            (queue or _defaults.delivery_queue()).delay(record.receipt_handle, retry.seconds)
            logger.info("delivery deferred", extra={"seconds": retry.seconds, "reason": retry.reason})
            raise

    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )

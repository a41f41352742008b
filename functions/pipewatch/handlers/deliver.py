"""Delivery Lambda: consumes the delivery queue (SNS envelopes from the alerts topic and the SES feedback
topic, and the per-destination jobs the fan-out enqueues) with partial batch failures.

The records of a batch run side by side, each with its own time budget: what the function has left when the
batch arrives, less a margin to record outcomes and answer SQS. So one slow destination (an endpoint that
answers one byte at a time) costs only its own job, never the other destinations in the batch, and the
function answers before its timeout (a timed-out invocation would hand the whole batch back, healthy jobs
included, on every receive).

A job that must wait (429 Retry-After, the rate cap, a 5xx or timeout's backoff) gets its message's
visibility timeout set to that wait and is reported failed: SQS hands it back then, and the rest of the
batch is unaffected. The queue's maxReceiveCount bounds the attempts; then the DLQ and its alarm.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from pipewatch.handlers import _defaults
from pipewatch.observability import logger, metrics, traced_handler

if TYPE_CHECKING:
    from pipewatch.services.delivery import DeliveryService
    from pipewatch.services.ports import RedeliveryQueue

FINISH_MARGIN_SECONDS = 3.0  # after the last POST: the `sent`/release writes and the batch answer
MAX_PARALLEL_JOBS = 10  # the event source's BatchSize

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
    started = time.monotonic()
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    remaining = float(remaining_ms()) / 1000.0 if remaining_ms is not None else None

    def budget() -> float | None:
        """What a job may still take: the function's time left when the batch arrived, less what has
        passed since and the finishing margin (None without a Lambda context)."""
        if remaining is None:
            return None
        return remaining - (time.monotonic() - started) - FINISH_MARGIN_SECONDS

    def run(record: SQSRecord) -> str:
        receive_count = int(record.attributes.approximate_receive_count or 1)
        try:
            return delivery.handle_body(record.body, receive_count, budget=budget())
        except RetryLater as retry:
            (queue or _defaults.delivery_queue()).delay(record.receipt_handle, retry.seconds)
            logger.info("delivery deferred", extra={"seconds": retry.seconds, "reason": retry.reason})
            raise

    records = [SQSRecord(raw) for raw in event.get("Records") or []]
    with ThreadPoolExecutor(max_workers=max(1, min(len(records), MAX_PARALLEL_JOBS))) as pool:
        # Every record starts now, side by side; the batch processor then collects each outcome (a job's
        # exception is re-raised in its record handler, so it reports that record failed, as before).
        running: dict[str, Future[str]] = {record.message_id: pool.submit(run, record) for record in records}

        def record_handler(record: SQSRecord) -> str:
            return running[record.message_id].result()

        return dict(
            process_partial_response(
                event=event, record_handler=record_handler, processor=processor, context=context
            )
        )

"""Lambda partial batch responses for SQS (poll) and DynamoDB streams (alert), without Powertools' batch
utility (issue 28: its package imports asyncio, multiprocessing and every event source's data classes,
20-60 ms of a cold start, to run a loop over the records).

The answers are the ones Powertools' `BatchProcessor` with `process_partial_response` gives:
- each record is handed to the record handler in order; a record whose handler raises is logged with its
  traceback and reported in `batchItemFailures` by its identifier (SQS: `messageId`, retried alone, then its
  redrive policy applies; stream: `SequenceNumber`, the event source mapping retries from it), and the rest of
  the batch goes on;
- when every record failed: SQS still answers a partial response (`raise_on_entire_batch_failure=False`: the
  DLQ, not a function error, is where a persistently failing task surfaces); a stream batch raises Powertools'
  `BatchProcessingError`, so the invocation fails and the batch is retried whole.
tests/unit/test_sqs_batch.py and test_stream_batch.py hold the answers equal to Powertools' on the same
batches.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar

from pipewatch.observability import logger

SqsRecord = Mapping[str, Any]
StreamRecord = dict[str, Any]
_Record = TypeVar("_Record")
_ExcInfo = tuple[type[BaseException] | None, BaseException | None, TracebackType | None]


def sqs_partial_response(
    event: Mapping[str, Any], record_handler: Callable[[SqsRecord], object]
) -> dict[str, list[dict[str, Any]]]:
    """Run `record_handler` on each record of an SQS event; the failed records' ids, as Lambda's
    ReportBatchItemFailures reads them. Never raises for failed records."""
    records = event.get("Records")
    if not isinstance(records, list):
        raise ValueError("Invalid event format: an SQS batch event has a list of Records")
    failures, _ = _run(records, record_handler, lambda record: record["messageId"])
    return {"batchItemFailures": failures}


def stream_partial_response(
    records: Sequence[StreamRecord], record_handler: Callable[[StreamRecord], object]
) -> dict[str, Any]:
    """Run `record_handler` on each DynamoDB stream record; the failed records' sequence numbers, or
    `BatchProcessingError` when every record failed."""
    failures, errors = _run(
        records, record_handler, lambda record: (record.get("dynamodb") or {}).get("SequenceNumber")
    )
    if failures and len(failures) == len(records):
        from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

        raise BatchProcessingError(
            msg=f"All records failed processing. {len(errors)} individual errors logged separately below.",
            child_exceptions=errors,
        )
    return {"batchItemFailures": failures}


def _run(
    records: Sequence[_Record],
    record_handler: Callable[[_Record], object],
    identify: Callable[[_Record], Any],
) -> tuple[list[dict[str, Any]], list[_ExcInfo]]:
    failures: list[dict[str, Any]] = []
    errors: list[_ExcInfo] = []  # sys.exc_info() of each failure, as Powertools keeps them
    for record in records:
        try:
            record_handler(record)
        # The batch boundary, as Powertools' processor has it: whatever one record raises (a body that is not
        # a task, a source that fails, a store error) fails that record only.
        except Exception:  # noqa: BLE001
            logger.warning("Record processing exception; skipping this record", exc_info=True)
            errors.append(sys.exc_info())
            failures.append({"itemIdentifier": identify(record)})
    return failures, errors

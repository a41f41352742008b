"""SQS partial batch responses without Powertools' batch utility (issue 28: importing
`aws_lambda_powertools.utilities.batch` loads asyncio and every event source's data classes, ~60 ms of the
poll's cold start, to run a loop over the records).

The answer is the one Powertools' `BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)` gives:
each record is handed to the record handler in order; a record whose handler raises is reported in
`batchItemFailures` by its `messageId` (SQS retries only it, then its redrive policy applies) and the rest
of the batch goes on; a batch whose every record failed is still a partial response, never a function error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pipewatch.observability import logger

SqsRecord = Mapping[str, Any]


def partial_batch_response(
    event: Mapping[str, Any], record_handler: Callable[[SqsRecord], object]
) -> dict[str, list[dict[str, str]]]:
    """Run `record_handler` on each record of an SQS event; the failed records' ids, as Lambda's
    ReportBatchItemFailures reads them."""
    records = event.get("Records")
    if not isinstance(records, list):
        raise ValueError("Invalid event format: an SQS batch event has a list of Records")
    failures: list[dict[str, str]] = []
    for record in records:
        try:
            record_handler(record)
        # The batch boundary, as Powertools' processor has it: whatever one message raises (a body that
        # is not a task, a source that fails) fails that message only, and is logged with its traceback.
        except Exception:  # noqa: BLE001
            logger.warning("Record processing exception; skipping this record", exc_info=True)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}

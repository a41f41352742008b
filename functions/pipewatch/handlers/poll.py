"""Poll Lambda: consumes the SQS poll queue in batches; one message is one (source, query) task.

Each message body is parsed into a `PollTask` by the Powertools batch processor; a message that fails to
parse or whose source fails is reported in `batchItemFailures`, so SQS retries only it (and after the
redrive limit moves it to the poll DLQ). A direct invocation with a schedule-shaped input
(`{"source_class": "news"}`, as in events/poll_*.json) polls those sources in one go: kept for
`sam local invoke` and the demo until it plays the queue.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import BaseModel, Json, ValidationError

from pipewatch.composition import build_poll_service
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.services.plan import PollTask
from pipewatch.services.poll import PollService
from pipewatch.settings import get_settings


class PollTaskRecord(SqsRecordModel):
    body: Json[PollTask]


class PollRequest(BaseModel):
    """A direct (non-queue) invocation: which sources (ids), or a class of them ("registry" / "news")."""

    sources: list[str] | None = None
    source_class: str | None = None


# A batch whose every task failed is still a partial response: SQS retries those messages only, and the
# DLQ (not a function error) is where a persistently failing task surfaces.
processor = BatchProcessor(
    event_type=EventType.SQS, model=PollTaskRecord, raise_on_entire_batch_failure=False
)


@cache
def _service() -> PollService:
    return build_poll_service(get_settings())


def _record_handler(record: PollTaskRecord) -> dict[str, Any]:
    outcome = _service().poll_task(record.body, budget_seconds=get_settings().poll_budget_seconds)
    return outcome.__dict__


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "Records" in (event or {}):
        return dict(
            process_partial_response(
                event=event, record_handler=_record_handler, processor=processor, context=context
            )
        )
    try:
        request = PollRequest.model_validate(event or {})
    except ValidationError as exc:
        raise ValueError(f"bad poll request: {exc.errors()[0]['msg']}") from exc
    report = _service().poll(
        request.sources, source_class=request.source_class, budget_seconds=get_settings().poll_budget_seconds
    )
    return report.as_dict()

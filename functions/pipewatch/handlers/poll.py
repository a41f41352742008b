"""Poll Lambda: consumes the SQS poll queue in batches; one message is one (source, query) task.

Each message body is parsed into a `PollTask` by the record handler under the Powertools batch processor; a
message that fails to parse or whose source fails is reported in `batchItemFailures`, so SQS retries only it
(and after the redrive limit moves it to the poll DLQ). A direct invocation with a schedule-shaped input
(`{"source_class": "news"}`, as in events/poll_direct_news.json) polls those sources in one go: for
`sam local invoke` and an operator's one-off manual poll (the demo and the stack test play the queue, as a
deployment does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipewatch.handlers import _defaults
from pipewatch.handlers._batch import SqsRecord, sqs_partial_response
from pipewatch.handlers.schedule import ScheduleEvent
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.services.plan import PollTask
from pipewatch.settings import get_settings

if TYPE_CHECKING:  # the service (sources, parsers, classifier, store) is imported when it is built
    from pipewatch.services.poll import PollService


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(
    event: dict[str, Any] | None, context: Any, *, service: PollService | None = None
) -> dict[str, Any]:
    budget_seconds = get_settings().poll_budget_seconds
    if event and "Records" in event:
        # A batch whose every task failed is still a partial response: SQS retries those messages only,
        # and the DLQ (not a function error) is where a persistently failing task surfaces. The record
        # handler parses the body: a Powertools parser model would import the parser models of every event
        # source (~80 ms of cold start) to validate one JSON field.
        def record_handler(record: SqsRecord) -> None:
            # a body that is not a task fails this one only
            task = PollTask.from_json(record["body"])
            (service or _defaults.poll_service()).poll_task(task, budget_seconds=budget_seconds)

        return dict(sqs_partial_response(event, record_handler))
    request = ScheduleEvent.parse(event)
    report = (service or _defaults.poll_service()).poll(
        request.sources, source_class=request.source_class, budget_seconds=budget_seconds
    )
    return report.as_dict()

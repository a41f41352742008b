"""One scheduled cycle on the local stack as deployed, shared by the demo (demo.py) and the authorities'
scenario (demo_authorities.py): the plan handler enqueues the poll tasks (the registry's and the news'
schedules), the poll queue's mapping runs the poll handler, the table stream's mapping runs the alert handler.
The pumps are built from the template's own event-source mappings, so their batch sizes, filters and retries
are the deployed ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipewatch_local.local_stack import Handler, LambdaContext, LocalStack, QueuePump, StreamPump

# The scheduler's two plan events (events/), in the order a cycle runs them.
PLAN_EVENTS = ("plan_registry.json", "plan_news.json")


def mapping_reading(stack: LocalStack, source: str) -> dict[str, Any]:
    """The template's event-source mapping whose source (a queue or the table stream) names `source`."""
    for mapping in stack.mappings.values():
        if source in json.dumps(mapping["Properties"].get("EventSourceArn", "")):
            found: dict[str, Any] = mapping
            return found
    raise KeyError(f"the template has no event-source mapping reading {source}")


def cycle_pumps(stack: LocalStack, handlers: dict[str, Handler]) -> tuple[QueuePump, StreamPump]:
    """The poll queue's pump (into the poll handler) and the table stream's (into the alert handler)."""
    queue = QueuePump.from_mapping(
        stack,
        mapping_reading(stack, "PollQueue"),
        handlers["poll"],
        function_name=stack.output("PollFunctionName"),
    )
    stream = StreamPump.from_mapping(
        stack,
        mapping_reading(stack, "Stream"),
        handlers["alert"],
        function_name=stack.output("AlertFunctionName"),
    )
    return queue, stream


def run_cycle(
    stack: LocalStack, plan: Handler, events: Path, queue: QueuePump, stream: StreamPump
) -> list[dict[str, Any]]:
    """Plan (PLAN_EVENTS, read from `events`), then pump the queue and the stream: the plan's reports."""
    context = LambdaContext(stack.output("PlanFunctionName"))
    reports = [plan(json.loads((events / name).read_text(encoding="utf-8")), context) for name in PLAN_EVENTS]
    queue.pump()
    stream.pump()
    return reports

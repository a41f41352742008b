"""The demo's and the authorities' scenario's scheduled cycle (pipewatch_local/cycle_pumps.py) on hand-made
stand-ins for the stack and the pumps: the mapping is found by the source it reads, and a cycle plans each
schedule's event in order, then pumps the poll queue, then the stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

from pipewatch_local.cycle_pumps import PLAN_EVENTS, mapping_reading, run_cycle


class HandMadeStack:
    mappings: ClassVar[dict[str, Any]] = {
        "PollMapping": {"Properties": {"EventSourceArn": {"Fn::GetAtt": ["PollQueue", "Arn"]}}},
        "StreamMapping": {"Properties": {"EventSourceArn": {"Fn::GetAtt": ["UpdatesTable", "StreamArn"]}}},
    }

    def output(self, name: str) -> str:
        return f"hand-made-{name}"


class Recorder:
    def __init__(self, name: str, calls: list[str]) -> None:
        self.name, self.calls = name, calls

    def pump(self) -> None:
        self.calls.append(self.name)


def test_given_a_source_then_its_mapping_is_found_and_an_unknown_one_is_named() -> None:
    stack: Any = HandMadeStack()

    assert mapping_reading(stack, "PollQueue") is HandMadeStack.mappings["PollMapping"]
    assert mapping_reading(stack, "Stream") is HandMadeStack.mappings["StreamMapping"]
    with pytest.raises(KeyError, match="DeliveryQueue"):
        mapping_reading(stack, "DeliveryQueue")


def test_given_a_cycle_then_it_plans_each_schedule_then_pumps_the_queue_then_the_stream(
    tmp_path: Path,
) -> None:
    for name in PLAN_EVENTS:
        (tmp_path / name).write_text(json.dumps({"hand_made": name}), encoding="utf-8")
    calls: list[str] = []

    def plan(event: dict[str, Any], context: Any) -> dict[str, Any]:
        calls.append(event["hand_made"])
        return {"planned": event["hand_made"], "function": context.function_name}

    queue: Any = Recorder("queue", calls)
    stream: Any = Recorder("stream", calls)
    reports = run_cycle(HandMadeStack(), plan, tmp_path, queue, stream)  # type: ignore[arg-type]

    assert calls == [*PLAN_EVENTS, "queue", "stream"]
    assert [r["planned"] for r in reports] == list(PLAN_EVENTS)
    assert reports[0]["function"] == "hand-made-PlanFunctionName"

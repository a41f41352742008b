"""The poll task's JSON body read by hand (domain/ingest/poll_task.py) accepts and refuses what the pydantic
model it replaced did (issue 28). `PydanticPollTask` is that model as it was (domain/ingest/polling.py before
cold10poll); the bodies are HAND-MADE to reach each rule of pydantic's lax JSON mode."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipewatch.domain.ingest.poll_task import BadPollTask, PollTask


class PydanticPollTask(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source_id: str = Field(min_length=1, max_length=64)
    agents: tuple[str, ...] = ()
    part: int = Field(default=0, ge=0)
    parts: int = Field(default=1, ge=1)


def _with(field: str, raw_json: str) -> str:
    return '{"source_id":"ctgov","agents":["efgartigimod"],"%s":%s}' % (field, raw_json)  # noqa: UP031


NUMBERS = [
    "0",
    "1",
    "3",
    "-1",
    "true",
    "false",
    "null",
    "1.0",
    "1.5",
    "1e0",
    "1E2",
    "1.5e1",
    "-0",
    "-0.0",
    "10000000000000000000000",
    "1e19",
    "1e300",
    "9007199254740993.0",
    "9223372036854775807.0",
    "9223372036854774784.0",
    "NaN",
    "Infinity",
    "-Infinity",
    "[]",
    "{}",
    "[1]",
]
NUMERIC_TEXTS = [
    "1",
    " 1 ",
    "+1",
    "01",
    "00",
    "1_0",
    "1_000.0",
    "1.0",
    "1.00",
    " 1.0 ",
    "-0",
    "-0.0",
    "+0.0",
    "-1.0",
    "1.5",
    "1.",
    ".0",
    "0.",
    "1.0.0",
    "1.0_0",
    "1__0",
    "_1",
    "1_",
    "+-1",
    "--1",
    "+",
    "-",
    "",
    " ",
    "0x1",
    "2e1",
    "1e300",
    "1 0",
    "\t1\n",
    "\u00a01",
    "\u20031",
    "1\x0b",
    "\x0c1",
    "1\r",
    "\x1c1",
    "1\x1f",
    "\u200b1",
    "\u00851",
    "\uff11",
    "123456789012345678901234567890.0",
    "٣",
    "\u16801",
    "1\u3000",
    "\u202f1",
    "\u20281",
    "\u200a1",
    "\x1d1",
    "\x1e1",
]
BODIES = [
    *(_with("part", raw) for raw in NUMBERS),
    *(_with("parts", raw) for raw in NUMBERS),
    *(_with("part", json.dumps(text)) for text in NUMERIC_TEXTS),
    *(_with("parts", json.dumps(text)) for text in NUMERIC_TEXTS),
    '{"source_id":"fda-press"}',
    ' {"source_id":"fda-press"} ',
    '{"source_id":"fda-press"} x',
    '{"source_id":"fda-press",}',
    '{"source_id":1}',
    '{"source_id":null}',
    '{"source_id":""}',
    '{"source_id":"' + "x" * 64 + '"}',
    '{"source_id":"' + "x" * 65 + '"}',
    '{"source_id":"' + "é" * 64 + '"}',
    '{"source_id":"\\ud800"}',
    '{"source_id":"\\ud83d\\ude00"}',
    '{"source_id":"a","source_id":"b"}',
    '{"agents":["efgartigimod"]}',
    "{}",
    "[]",
    '"fda-press"',
    "null",
    "",
    "\ufeff{}",
    '{"source_id":"ctgov","agents":"efgartigimod"}',
    '{"source_id":"ctgov","agents":[1]}',
    '{"source_id":"ctgov","agents":null}',
    '{"source_id":"ctgov","agents":{"k":"v"}}',
    '{"source_id":"ctgov","agents":[]}',
    '{"source_id":"ctgov","agents":["a","b","a"]}',
    '{"source_id":"ctgov","agents":["\\ud800"]}',
    '{"source_id":"ctgov","extra":1}',
    '{"source_id":"ctgov","Part":1}',
    '{"source_id":"ctgov","agents":["efgartigimod","dazukibart"],"part":1,"parts":2}',
]


@pytest.mark.parametrize("body", BODIES)
def test_cold10poll_given_a_body_then_it_is_read_as_the_pydantic_model_read_it(body: str) -> None:
    try:
        expected: dict[str, object] | None = PydanticPollTask.model_validate_json(body).model_dump()
    except ValidationError:
        expected = None
    try:
        task = PollTask.from_json(body)
        got: dict[str, object] | None = {
            "source_id": task.source_id,
            "agents": task.agents,
            "part": task.part,
            "parts": task.parts,
        }
    except BadPollTask:
        got = None
    assert got == expected


def test_cold10poll_given_a_task_then_its_body_is_what_the_model_wrote_and_reads_back() -> None:
    task = PollTask(source_id="ctgov", agents=("efgartigimod", "dazukibart"), part=1, parts=2)
    model = PydanticPollTask(source_id="ctgov", agents=("efgartigimod", "dazukibart"), part=1, parts=2)

    assert task.to_json() == model.model_dump_json()
    assert PollTask.from_json(task.to_json()) == task
    assert PollTask(source_id="é").to_json() == PydanticPollTask(source_id="é").model_dump_json()

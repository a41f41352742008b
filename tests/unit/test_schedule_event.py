"""The one schedule-event model (handlers/schedule.py): what the scheduler, a direct invocation and the
sample events give plan, poll, digest and catalyst check."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, get_args

import pytest

from pipewatch.domain.models import SourceClass
from pipewatch.handlers.schedule import SOURCE_CLASSES, BadScheduleEvent, ScheduleEvent

ROOT = Path(__file__).resolve().parents[2]
SCHEDULE_EVENTS = (
    "plan_news.json",
    "plan_registry.json",
    "poll_direct_news.json",
    "digest_schedule.json",
    "catalyst_check_schedule.json",
)


@pytest.mark.parametrize("name", SCHEDULE_EVENTS)
def test_given_a_sample_schedule_event_then_it_parses(name: str) -> None:
    raw = json.loads((ROOT / "events" / name).read_text(encoding="utf-8"))
    parsed = ScheduleEvent.parse(raw)
    assert parsed.as_event() == raw


def test_given_the_templates_scheduler_inputs_then_each_parses() -> None:
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")
    inputs = re.findall(r"^\s+Input: '(.*)'$", template, flags=re.M)
    assert len(inputs) == 4  # news and registry plans, the digest, the catalyst check
    # The scheduler substitutes the placeholder with the schedule's time (ISO 8601, UTC).
    at = "2026-01-02T03:04:05Z"
    parsed = [
        ScheduleEvent.parse(json.loads(i.replace("<aws.scheduler.scheduled-time>", at))) for i in inputs
    ]
    assert [(p.source_class, p.scheduled_time is not None) for p in parsed] == [
        ("news", False), ("registry", False), (None, True), (None, True)
    ]  # fmt: skip


@pytest.mark.parametrize("event", [None, {}])
def test_given_no_input_then_every_source_and_the_invocation_time(event: dict[str, str] | None) -> None:
    parsed = ScheduleEvent.parse(event)
    assert (parsed.source_class, parsed.sources, parsed.scheduled_time) == (None, (), None)
    assert abs(parsed.run_time() - datetime.now(UTC)) < timedelta(seconds=5)


def test_given_a_scheduled_time_then_it_is_the_runs_clock() -> None:
    parsed = ScheduleEvent.parse({"scheduled_time": "2027-01-15T06:00:00Z"})
    assert parsed.run_time() == datetime(2027, 1, 15, 6, tzinfo=UTC)


def test_given_named_sources_then_they_are_kept_in_order() -> None:
    assert ScheduleEvent.parse({"sources": ["fda-press", "ctgov"]}).sources == ("fda-press", "ctgov")


@pytest.mark.parametrize(
    ("event", "where"),
    [
        ({"source_clas": "news"}, "source_clas"),  # a misspelt key would otherwise plan every source
        ({"source_class": "weekly"}, "source_class"),
        ({"scheduled_time": "2027-01-15T06:00:00"}, "scheduled_time"),  # no zone: which day is unclear
        ({"sources": "fda-press"}, "sources"),
    ],
)
def test_given_a_bad_input_then_a_value_error_names_the_field(event: dict[str, str], where: str) -> None:
    with pytest.raises(BadScheduleEvent, match=rf"^bad schedule event: {where}"):
        ScheduleEvent.parse(event)
    assert issubclass(BadScheduleEvent, ValueError)


def test_given_the_source_classes_then_the_parser_knows_exactly_the_models() -> None:
    assert get_args(SourceClass) == SOURCE_CLASSES


# Hand-made inputs: what pydantic's lax mode accepted when this was a model (issue 28 replaced it by a
# parser; each of these was checked against the model before it went).
@pytest.mark.parametrize(
    ("scheduled_time", "expected"),
    [
        ("2027-01-15T06:00:00+01:00", datetime(2027, 1, 15, 6, tzinfo=timezone(timedelta(hours=1)))),
        (
            "2027-01-15T06:00:00-0530",
            datetime(2027, 1, 15, 6, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        ("2027-01-15 06:00Z", datetime(2027, 1, 15, 6, tzinfo=UTC)),
        ("2027-01-15t06:00:00.1234567z", datetime(2027, 1, 15, 6, 0, 0, 123456, tzinfo=UTC)),
        ("2027-01-15T06:00:00,5Z", datetime(2027, 1, 15, 6, 0, 0, 500000, tzinfo=UTC)),
        (1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("1700000000.5", datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        (1700000000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),  # milliseconds above 2e10
    ],
)
def test_given_an_iso_or_unix_time_then_it_is_read_as_pydantic_read_it(
    scheduled_time: object, expected: datetime
) -> None:
    parsed = ScheduleEvent.parse({"scheduled_time": scheduled_time})
    assert parsed.scheduled_time == expected
    assert parsed.scheduled_time is not None and parsed.scheduled_time.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("event", "where"),
    [
        (["not", "an", "object"], "event"),
        ({"source_class": "News"}, "source_class"),
        ({"source_class": 1}, "source_class"),
        ({"sources": None}, "sources"),
        ({"sources": {"fda-press": 1}}, "sources"),
        ({"sources": ["fda-press", 7]}, "sources.1"),
        ({"scheduled_time": True}, "scheduled_time"),
        ({"scheduled_time": "2027-01-15"}, "scheduled_time"),
        ({"scheduled_time": "2027-01-15T06Z"}, "scheduled_time"),
        ({"scheduled_time": "2027-02-30T06:00:00Z"}, "scheduled_time"),
        ({"scheduled_time": "2027-01-15T06:00:00+24:00"}, "scheduled_time"),
        ({"scheduled_time": " 2027-01-15T06:00:00Z"}, "scheduled_time"),
        ({"scheduled_time": float("nan")}, "scheduled_time"),
        ({"sources": ["fda-press"], "agents": ["x"]}, "agents"),  # fields first, then the unknown key
    ],
)
def test_given_a_hand_made_bad_input_then_the_field_is_named(event: Any, where: str) -> None:
    with pytest.raises(BadScheduleEvent, match=rf"^bad schedule event: {re.escape(where)}: "):
        ScheduleEvent.parse(event)

"""The one schedule-event model (handlers/schedule.py): what the scheduler, a direct invocation and the
sample events give plan, poll, digest and catalyst check."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipewatch.handlers.schedule import BadScheduleEvent, ScheduleEvent

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
    assert parsed.model_dump(exclude_defaults=True, mode="json") == raw


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

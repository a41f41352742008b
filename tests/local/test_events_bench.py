"""The events bench (bench/events.py) keeps honest books: every served row is traced to a story, every alert
is counted, and the summary line says what its per-event lines say. Grouping quality is not asserted here
(it is what the bench measures, and it will change)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
FIXTURE = ROOT / "tests" / "fixtures" / "labeled" / "events_dev.jsonl"
SUBSET = ("ED03", "ED10", "XD12")  # two events (3 and 4 outlets) and the distractor beside the second

EVENT_LINE = re.compile(
    r"^(?P<id>ED\d+) \[(?P<half>tuning|checking)\]: alerts (?P<alerts>\d+), "
    r"outlets on story (?P<on>\d+)/(?P<served>\d+), first alert (?:-|\S+ \((?P<sev>ok|expected [^)]*)\)"
    r".*), merged wrongly (?P<wrong>\d+)$"
)
DISTRACTOR_LINE = re.compile(
    r"^(?P<id>XD\d+) \(beside (?P<beside>ED\d+)\) \[(?P<half>tuning|checking)\]: alerts (?P<alerts>\d+), "
    r".*merged wrongly (?P<wrong>\d+)$"
)
SUMMARY = re.compile(
    r"^(?:(?P<half>tuning|checking): )?events (?P<n>\d+), exactly-one (?P<one>\d+), "
    r"extra alerts (?P<extra>\d+), missed (?P<missed>\d+), distractors merged wrongly (?P<wrong>\d+), "
    r"severity right (?P<right>\d+)/(?P<of>\d+)$"
)


def _bench() -> ModuleType:
    """bench/events.py, loaded by path under its own name (the repository's events/ folder is another
    `events`); bench/ is on the path while it runs, as when it is run as a script."""
    name = "events_bench"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / "events.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def _rows(*ids: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["event_id"] in ids]


# -- the replay plan (pure) ------------------------------------------------------------------------------
def _hand_made(**fields: Any) -> dict[str, Any]:
    """A hand-made row in the fixture's shape (not a recorded one)."""
    row = {"event_id": "ED90", "kind": "event", "source": "Hand-made Wire", "title": "t", "url": "https://h.example/1",
           "event_date": "2024-03-10", "published": "2024-03-12", "expected_event_type": ["results"],
           "expected_severity": ["high"]}  # fmt: skip
    return row | fields


def test_given_dated_inferred_and_distractor_rows_then_each_is_replayed_at_its_rule() -> None:
    events = _bench()
    rows = events.plan_rows(
        [
            _hand_made(),
            _hand_made(url="https://h.example/2", source="Other", published="~2024-03"),
            _hand_made(url="https://h.example/3", source="Third", published="2024-03"),
            _hand_made(
                event_id="XD90", kind="distractor", distractor_for="ED90", real_gap_days=-40, published=None
            ),
            _hand_made(event_id="XD91", kind="distractor", distractor_for="ED90", real_gap_days=None),
        ]
    )
    at = {r.key: r.at for r in rows}

    assert at["ED90/1"] == datetime(2024, 3, 12, 8, tzinfo=UTC)  # its real day, first of its event
    assert {at["ED90/2"].date().isoformat(), at["ED90/3"].date().isoformat()} <= {"2024-03-10", "2024-03-11"}
    assert at["XD90/1"].date().isoformat() == "2024-03-09"  # it came first: the day before the event
    assert at["XD91/1"].date().isoformat() == "2024-03-11"  # gap unknown: the day after
    assert [r.at for r in rows] == sorted(r.at for r in rows)
    assert {r.group for r in rows} == {"ED90"}
    cycles = events.cycle_times(rows)
    assert all(any(c - events.QUARTER <= r.at < c for c in cycles) for r in rows)  # each polled within 15 min
    assert cycles[-1] - max(r.at for r in rows) > events.LAST_CYCLE_AFTER - events.QUARTER


def test_given_an_event_id_then_its_half_is_fixed_by_its_hash() -> None:
    events = _bench()
    halves = {e: events.half(e) for e in ("ED01", "ED02", "ED03", "ED10")}

    assert halves == {"ED01": "checking", "ED02": "checking", "ED03": "tuning", "ED10": "tuning"}


# -- the replay through the stack (moto, a local server) ---------------------------------------------------
@pytest.fixture(scope="module")
def replayed() -> tuple[ModuleType, Any, list[str]]:
    events = _bench()
    result = events.replay(_rows(*SUBSET))
    return events, result, events.report(result)


@pytest.mark.slow
def test_given_a_small_replay_then_every_served_row_is_stored_or_merged_into_a_stored_story(
    replayed: tuple[ModuleType, Any, list[str]],
) -> None:
    _, result, _ = replayed

    assert len(result.rows) == 8
    assert set(result.served) == {r.key for r in result.rows}  # each row was in its feed for some poll
    assert result.failed_tasks == 0
    for row in result.rows:
        status, story = result.placement[row.key]
        assert status in ("stored", "merged"), (row.key, status)
        assert story in result.stories
    started = [story for status, story in result.placement.values() if status == "stored"]
    assert started and len(started) == len(set(started))  # one row is a story's own item, never two
    merged_into = {story for status, story in result.placement.values() if status == "merged"}
    assert merged_into <= set(started)  # a merged row's story was started by a row of this replay


@pytest.mark.slow
def test_given_a_small_replay_then_every_alert_is_counted_and_each_story_first_alert_once(
    replayed: tuple[ModuleType, Any, list[str]],
) -> None:
    events, result, _ = replayed
    event_outcomes, distractors, other = events.score(result)
    outcomes = [*event_outcomes, *distractors]
    counted = [a for o in outcomes for a in o.alerts]

    assert result.alerts  # something was published, so the counting below counts something
    assert set(counted) | set(other) == set(result.alerts)
    for story in result.stories:
        sent = sorted((a for a in result.alerts if a.update_id == story), key=lambda a: (a.cycle, a.order))
        if sent:
            assert counted.count(sent[0]) == 1


@pytest.mark.slow
def test_given_a_small_replay_then_the_summary_lines_equal_the_counts_of_the_per_event_lines(
    replayed: tuple[ModuleType, Any, list[str]],
) -> None:
    _, _, lines = replayed
    event_lines = [m for m in map(EVENT_LINE.match, lines) if m]
    distractor_lines = [m for m in map(DISTRACTOR_LINE.match, lines) if m]
    summaries = {m["half"] or "all": m for m in map(SUMMARY.match, lines) if m}

    assert [m["id"] for m in event_lines] == ["ED03", "ED10"]
    assert [(m["id"], m["beside"]) for m in distractor_lines] == [("XD12", "ED10")]
    assert {m["id"]: int(m["served"]) for m in event_lines} == {"ED03": 3, "ED10": 4}
    assert set(summaries) == {"all", "tuning", "checking"}
    for name, summary in summaries.items():
        mine = [m for m in event_lines if name in ("all", m["half"])]
        theirs = [m for m in distractor_lines if name in ("all", m["half"])]
        alerts = [int(m["alerts"]) for m in mine]
        assert int(summary["n"]) == int(summary["of"]) == len(mine)
        assert int(summary["one"]) == alerts.count(1)
        assert int(summary["extra"]) == sum(max(0, a - 1) for a in alerts)
        assert int(summary["missed"]) == alerts.count(0)
        assert int(summary["wrong"]) == sum(int(m["wrong"]) for m in (*mine, *theirs))
        assert int(summary["right"]) == sum(m["sev"] == "ok" for m in mine)
    assert lines[-3] == lines[-3].strip() and SUMMARY.match(lines[-3])  # the overall line, then the halves

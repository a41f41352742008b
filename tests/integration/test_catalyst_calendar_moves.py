"""Reported moves on the calendar (CalendarService on moto), catalyst cycles, silent old overdues,
phase-aware resolution and the daily refold.

Recorded sentences (the K-* and E-* rows of tests/fixtures/labeled/, real text with their URLs) are used
where a recorded one exists; the others are HAND-MADE and named so in their ids ("hm-...")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import boto3
import pytest
from calendar_table import TABLE, create_calendar_table, stored_item
from moto import mock_aws

from pipewatch.adapters.catalyst_store import CatalystStore
from pipewatch.adapters.store import Store
from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.calendar import CalendarService

LABELED = Path(__file__).parents[1] / "fixtures" / "labeled"


def _rows(name: str) -> dict[str, dict[str, Any]]:
    lines = (LABELED / name).read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


CATALYSTS = _rows("catalysts_dev.jsonl")
HEADLINES = _rows("headlines_dev.jsonl")


@pytest.fixture
def ddb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_calendar_table(client)
        yield client


def _service(ddb: Any) -> CalendarService:
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    return CalendarService(
        store=CatalystStore(ddb, TABLE),
        extractor=Extractor(watchlist),
        watchlist=watchlist,
        recent=Store(ddb, TABLE),
    )


# the items of these tests are regulatory news unless they say otherwise
_update = partial(stored_item, event="regulatory")


def _recorded(row_id: str) -> Update:
    """A labelled catalyst row as a stored item: its title, sentence, URL, source and date, unedited."""
    row = CATALYSTS[row_id]
    published = datetime.fromisoformat(row["published"]).replace(hour=12, tzinfo=UTC)
    return _update(
        row_id, row["title"] or "", row["sentence"], published, source=row["source"], url=row["url"]
    )


# -- the calendar -------------------------------------------------------------------------------------------


def test_given_a_recorded_pdufa_extension_first_then_one_slip_and_its_copies_add_none(ddb: Any) -> None:
    service = _service(ddb)
    (slip,) = service.observe_update(_recorded("K-006"), datetime(2026, 12, 1, tzinfo=UTC))
    assert slip.title == (
        "efgartigimod regulatory decision: moved to 2023-06-20 (Maestro Database (maestrodatabase.com), "
        "2023-01-27)"
    )
    assert (slip.classification.event_type, slip.classification.severity) == ("catalyst_slip", "medium")
    # the ChemDiv copy a week later states the same new date: a confirmation, no second slip
    assert service.observe_update(_recorded("K-007"), datetime(2026, 12, 1, tzinfo=UTC)) == []
    assert service.observe_update(_recorded("K-006"), datetime(2026, 12, 2, tzinfo=UTC)) == []
    (entry,) = service._store.list()
    assert (entry.window_start, entry.state, len(entry.links)) == (date(2023, 6, 20), "due", 2)


def test_given_a_move_naming_the_old_window_first_then_the_slip_says_both_and_weighs_the_distance(
    ddb: Any,
) -> None:
    service = _service(ddb)
    delayed = _update(
        "hm-delayed",
        "argenx update",
        "The ALKIVIA Phase 3 readout has been delayed to 1H 2027 from 2H 2026.",
        datetime(2026, 11, 20, tzinfo=UTC),
        event="pipeline",
    )
    (slip,) = service.observe_update(delayed, delayed.first_seen)
    assert slip.title == "ALKIVIA Phase 3 readout: 2H 2026 -> 1H 2027 (argenx, 2026-11-20)"
    assert slip.classification.severity == "high"  # a Phase 3 readout moved by 181 days
    (entry,) = service._store.list()
    assert (entry.sequence, entry.previous_windows) == (1, ("2H 2026",))


def test_given_a_resolved_catalyst_then_a_later_statement_opens_the_next_cycle_without_a_slip(
    ddb: Any,
) -> None:
    service = _service(ddb)
    planned = _update(
        "hm-plan1", "argenx", "argenx plans to submit the sBLA in Q1 2026.", datetime(2025, 10, 1, tzinfo=UTC)
    )
    filed = _update(
        "hm-filed", "argenx submits sBLA", "argenx submitted the sBLA to the FDA.",
        datetime(2026, 2, 10, tzinfo=UTC),
    )  # fmt: skip
    nxt = _update(
        "hm-plan2",
        "argenx",
        "argenx plans to submit another sBLA in Q4 2026.",
        datetime(2026, 6, 1, tzinfo=UTC),
    )
    service.observe_update(planned, planned.first_seen)
    service.observe_update(filed, filed.first_seen)
    assert service._store.list()[0].state == "resolved"
    assert service.observe_update(nxt, nxt.first_seen) == []  # the next filing, not a slip of the last
    (entry,) = service._store.list()
    assert (entry.state, entry.window_start, entry.resolved_by, entry.sequence) == (
        "upcoming", date(2026, 10, 1), None, 1,
    )  # fmt: skip
    assert entry.links == ("https://example.com/hm-plan2",)


def test_given_a_catalyst_first_heard_of_after_its_window_closed_then_overdue_without_an_alert(
    ddb: Any,
) -> None:
    service = _service(ddb)
    service.observe_update(_recorded("K-006"), datetime(2026, 12, 1, tzinfo=UTC))
    report = service.check(datetime(2026, 12, 2, tzinfo=UTC))
    assert [u.classification.event_type for u in report.updates] == []
    assert service._store.list()[0].state == "overdue"


def test_given_phase_2_results_then_a_phase_3_readout_stays_open(ddb: Any) -> None:
    service = _service(ddb)
    guided = _update(
        "hm-g", "argenx", "ALKIVIA Phase 3 results expected in 2H 2026.", datetime(2025, 10, 30, tzinfo=UTC)
    )
    phase2 = _update(
        "hm-p2",
        "argenx Unveils Positive Phase 2 Results for Efgartigimod in Myositis from ALKIVIA",
        "Phase 2 part of ALKIVIA met its endpoint.",
        datetime(2026, 6, 12, tzinfo=UTC),
        event="results",
    )
    service.observe_update(guided, guided.first_seen)
    service.observe_update(phase2, phase2.first_seen)
    assert service._store.list()[0].state == "upcoming"


def test_given_a_poll_stopped_before_folding_then_the_daily_check_folds_it_once(ddb: Any) -> None:
    service = _service(ddb)
    seen_at = datetime(2026, 12, 5, 9, tzinfo=UTC)
    guided = _update(
        "hm-lost",
        "argenx",
        "ALKIVIA Phase 3 results expected in 2H 2026.",
        datetime(2025, 10, 30, tzinfo=UTC),
        event="pipeline",
        first_seen=seen_at,
    )
    assert Store(ddb, TABLE).put_update(guided)  # stored; the poll stopped before the calendar
    assert service._store.list() == []
    first = service.check(seen_at + timedelta(hours=20))
    assert (first.refolded, first.repaired) == (1, 1)
    (entry,) = service._store.list()
    assert (entry.trial, entry.state, entry.first_seen) == ("ALKIVIA", "due", seen_at)
    again = service.check(seen_at + timedelta(hours=21))
    assert (again.refolded, again.repaired, again.updates) == (1, 0, [])


def test_given_a_lost_slip_then_the_check_writes_it_and_never_refolds_its_own_updates(ddb: Any) -> None:
    service = _service(ddb)
    store = Store(ddb, TABLE)
    day = datetime(2026, 12, 5, 9, tzinfo=UTC)
    guided = _update(
        "hm-a", "argenx", "ALKIVIA Phase 3 results expected in 2H 2026.", datetime(2025, 10, 30, tzinfo=UTC),
        event="pipeline", first_seen=day,
    )  # fmt: skip
    moved = _update(
        "hm-b", "argenx", "ALKIVIA Phase 3 results now expected in 1H 2027.",
        datetime(2026, 12, 4, tzinfo=UTC), event="pipeline", first_seen=day + timedelta(hours=1),
    )  # fmt: skip
    service.observe_update(guided, guided.first_seen)
    assert store.put_update(moved)  # the slip's item stored, the calendar never told
    report = service.check(day + timedelta(hours=12))
    (slip,) = report.updates
    assert slip.title.startswith("ALKIVIA Phase 3 readout: 2H 2026 -> 1H 2027")
    stored = {u.update_id for u in store.scan_updates()}
    assert stored == {"hm-b", slip.update_id}
    assert report.refolded == 1  # the slip update it wrote is the calendar's own: not read as news
    assert service.check(day + timedelta(hours=13)).updates == []


def _decision_entry(ddb: Any) -> CalendarService:
    """The recorded SC efgartigimod PDUFA extension (K-006, myasthenia gravis), folded when it was news."""
    service = _service(ddb)
    recorded = _recorded("K-006")
    k006 = replace(
        recorded, classification=replace(recorded.classification, indications=("myasthenia_gravis",))
    )
    service.observe_update(k006, k006.first_seen)
    return service


def test_given_another_trial_of_the_drug_stopped_then_a_decision_in_another_indication_stays_open(
    ddb: Any,
) -> None:
    service = _decision_entry(ddb)
    row = HEADLINES[
        "A38"
    ]  # recorded: "Argenx discontinues phase 3 UplighTED trials ... in thyroid eye disease"
    stopped = replace(_update(
        "A38", row["title"], row["summary"], datetime(2023, 2, 15, tzinfo=UTC), event="trial_status"
    ), classification=Classification(
            relevant=True, agents=("efgartigimod",), indications=("thyroid_eye_disease",),
            event_type="trial_status", severity="high",
        ))  # fmt: skip
    service.observe_update(stopped, stopped.first_seen)
    assert service._store.list()[0].state == "upcoming"


def test_given_the_programme_dropped_in_its_indication_then_the_decision_is_withdrawn(ddb: Any) -> None:
    service = _decision_entry(ddb)
    dropped = replace(_update(
        "hm-dropped", "argenx discontinues development of efgartigimod in generalized myasthenia gravis",
        "", datetime(2023, 3, 1, tzinfo=UTC), event="pipeline",
    ), classification=Classification(
            relevant=True, agents=("efgartigimod",), indications=("myasthenia_gravis",),
            event_type="pipeline", severity="high",
        ))  # fmt: skip
    service.observe_update(dropped, dropped.first_seen)
    assert service._store.list()[0].state == "withdrawn"


def test_given_an_undated_item_then_an_implicit_year_is_not_guessed_from_the_day_it_was_seen(
    ddb: Any,
) -> None:
    service = _service(ddb)
    row = CATALYSTS["K-021"]  # recorded, undated: "... in the first half of next year."
    undated = replace(
        _update(
            "K-021",
            "Roivant",
            row["sentence"],
            datetime(2025, 9, 17, tzinfo=UTC),
            first_seen=datetime(2026, 12, 1, tzinfo=UTC),
        ),
        published=None,
    )
    brepocitinib = replace(undated.classification, agents=("brepocitinib",))
    service.observe_update(replace(undated, classification=brepocitinib), undated.first_seen)
    assert service._store.list() == []  # "next year" of 2026-12-01 would be 2027: wrong by a year
    dated = replace(undated, published=datetime(2025, 9, 17, tzinfo=UTC), classification=brepocitinib)
    service.observe_update(dated, dated.first_seen)
    (entry,) = service._store.list()
    assert (entry.kind, entry.window_start, entry.window_end) == (
        "filing",
        date(2026, 1, 1),
        date(2026, 6, 30),
    )

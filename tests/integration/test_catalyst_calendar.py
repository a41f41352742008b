"""The catalyst calendar on a moto table: a statement creates an entry, a later statement that moves the
window is a slip (one catalyst_slip update, however often it is seen), a fulfilling update resolves it, a
window closed past the grace period is overdue once, and the daily check run twice writes nothing new. The
iCalendar feed is parsed back with the `icalendar` library. Items are HAND-MADE, shaped like the recorded
ALKIVIA guidance ("Ongoing clinical trial results expected in 2H 2026"). The service and its store run on
moto here; tests/unit/services/test_calendar_service.py has the service's rules on in-memory fakes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import boto3
import icalendar
import pytest
from calendar_table import TABLE, create_calendar_table, stored_item
from moto import mock_aws

from pipewatch.adapters.catalyst_store import CatalystStore
from pipewatch.adapters.store import Store
from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.calendar import CalendarEntry, check
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.catalysts.ics import render_ics
from pipewatch.domain.trials.model import DateValue, TrialSnapshot
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.calendar import CalendarService


@pytest.fixture
def ddb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_calendar_table(client)
        yield client


@pytest.fixture
def service(ddb: Any) -> CalendarService:
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    return CalendarService(
        store=CatalystStore(ddb, TABLE), extractor=Extractor(watchlist), watchlist=watchlist
    )


_update = stored_item


GUIDED = _update(
    "u-guided",
    "argenx Q3 2025 results",
    "ALKIVIA Phase 3 results expected in 2H 2026.",
    datetime(2025, 10, 30, tzinfo=UTC),
)
SLIPPED = _update(
    "u-slipped",
    "argenx Q4 2025 results",
    "ALKIVIA Phase 3 results now expected in 1H 2027.",
    datetime(2026, 2, 26, tzinfo=UTC),
)


def _entries(service: CalendarService) -> list[CalendarEntry]:
    return service._store.list()


def _stored_update_ids(ddb: Any) -> set[str]:
    return {u.update_id for u in Store(ddb, TABLE).scan_updates()}


def test_given_a_statement_then_one_upcoming_entry_is_calendared(service: CalendarService) -> None:
    assert service.observe_update(GUIDED, GUIDED.first_seen) == []
    (entry,) = _entries(service)
    assert (entry.agent, entry.kind, entry.trial, entry.state) == (
        "efgartigimod",
        "readout",
        "ALKIVIA",
        "upcoming",
    )
    assert (entry.window_start, entry.window_end, entry.precision) == (
        date(2026, 7, 1),
        date(2026, 12, 31),
        "half",
    )
    assert entry.title() == "ALKIVIA Phase 3 readout"
    assert entry.links == ("https://example.com/u-guided",)


def test_given_a_later_statement_moving_the_window_then_one_slip_update_is_written(
    service: CalendarService, ddb: Any
) -> None:
    service.observe_update(GUIDED, GUIDED.first_seen)
    (slip,) = service.observe_update(SLIPPED, SLIPPED.first_seen)
    assert slip.title == "ALKIVIA Phase 3 readout: 2H 2026 -> 1H 2027 (argenx, 2026-02-26)"
    assert slip.classification.event_type == "catalyst_slip"
    assert slip.classification.severity == "high"  # a Phase 3 readout moved by 181 days
    assert slip.classification.indications == ("myositis",)  # ALKIVIA's, so indication filters route it
    assert slip.update_id in _stored_update_ids(ddb)
    (entry,) = _entries(service)
    assert (entry.window_start, entry.sequence, entry.previous_windows) == (date(2027, 1, 1), 1, ("2H 2026",))
    # the same statement again (a retry, a re-poll) and the older one arriving late write nothing
    assert service.observe_update(SLIPPED, SLIPPED.first_seen) == []
    assert service.observe_update(GUIDED, GUIDED.first_seen) == []
    assert _entries(service)[0].window_start == date(2027, 1, 1)


def test_given_a_short_slip_of_a_filing_then_it_is_medium(service: CalendarService) -> None:
    first = _update(
        "u-f1",
        "argenx",
        "argenx plans to submit the VYVGART sBLA in Q1 2026.",
        datetime(2025, 10, 1, tzinfo=UTC),
    )
    later = _update(
        "u-f2",
        "argenx",
        "argenx plans to submit the VYVGART sBLA in Q2 2026.",
        datetime(2025, 12, 1, tzinfo=UTC),
    )
    service.observe_update(first, first.first_seen)
    (slip,) = service.observe_update(later, later.first_seen)
    assert slip.classification.severity == "medium"


def test_given_results_inside_the_window_then_the_catalyst_is_resolved_and_linked(
    service: CalendarService,
) -> None:
    service.observe_update(GUIDED, GUIDED.first_seen)
    results = _update(
        "u-results",
        "argenx announces positive topline results from Phase 3 ALKIVIA study in myositis",
        "ALKIVIA met its primary endpoint.",
        datetime(2026, 11, 2, tzinfo=UTC),
        event="results",
    )
    service.observe_update(results, results.first_seen)
    (entry,) = _entries(service)
    assert (entry.state, entry.resolved_by) == ("resolved", "u-results")
    assert service.check(datetime(2027, 3, 1, tzinfo=UTC)).updates == []  # resolved: never overdue


def test_given_an_update_that_guides_again_then_it_does_not_resolve(service: CalendarService) -> None:
    service.observe_update(GUIDED, GUIDED.first_seen)
    restated = _update(
        "u-again", "argenx results", "Phase 3 ALKIVIA results remain expected in 2H 2026.",
        datetime(2026, 7, 30, tzinfo=UTC), event="results",
    )  # fmt: skip
    service.observe_update(restated, restated.first_seen)
    assert _entries(service)[0].state == "upcoming"


def test_given_a_closed_window_past_grace_then_one_overdue_update_and_a_second_run_writes_nothing(
    service: CalendarService, ddb: Any
) -> None:
    service.observe_update(GUIDED, GUIDED.first_seen)
    in_window = service.check(datetime(2026, 8, 1, 6, tzinfo=UTC))
    assert (in_window.due, in_window.overdue, in_window.updates) == (1, 0, [])
    assert service.check(datetime(2027, 1, 10, 6, tzinfo=UTC)).updates == []  # inside the 14-day grace
    report = service.check(datetime(2027, 1, 15, 6, tzinfo=UTC))
    (overdue,) = report.updates
    assert overdue.title == (
        "ALKIVIA Phase 3 readout guided for 2H 2026: window closed 2026-12-31, no readout seen in 14 days"
    )
    assert (overdue.classification.event_type, overdue.classification.severity) == (
        "catalyst_overdue",
        "high",
    )
    before = {u for u in _stored_update_ids(ddb)}
    writes = service._store.writes  # type: ignore[attr-defined]
    again = service.check(datetime(2027, 1, 15, 6, tzinfo=UTC))
    later = service.check(datetime(2027, 1, 16, 6, tzinfo=UTC))
    assert (again.updates, later.updates) == ([], [])
    assert _stored_update_ids(ddb) == before
    assert service._store.writes == writes  # type: ignore[attr-defined]
    assert _entries(service)[0].state == "overdue"


def test_given_a_lost_race_then_the_check_does_not_write_a_second_overdue(ddb: Any) -> None:
    store = CatalystStore(ddb, TABLE)
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    service = CalendarService(store=store, extractor=Extractor(watchlist), watchlist=watchlist)
    service.observe_update(GUIDED, GUIDED.first_seen)
    (entry,) = store.list()
    done, updates = check(entry, datetime(2027, 1, 15, tzinfo=UTC))
    assert done is not None
    assert store.save(done, entry.version, updates)
    assert not store.save(done, entry.version, updates)  # a second writer holding the old version loses


def test_given_a_registry_record_then_estimated_completion_is_calendared_and_actual_resolves_it(
    service: CalendarService,
) -> None:
    estimated = TrialSnapshot(
        nct_id="NCT05523167",
        acronym="ALKIVIA",
        phases=("PHASE2", "PHASE3"),
        primary_completion_date=DateValue(date="2026-09", type="ESTIMATED"),
        last_update_posted="2026-02-09",
    )
    service.observe_trial(estimated, None, datetime(2026, 2, 10, tzinfo=UTC))
    (entry,) = _entries(service)
    assert (entry.kind, entry.trial, entry.window_start, entry.window_end, entry.precision) == (
        "trial_completion", "ALKIVIA", date(2026, 9, 1), date(2026, 9, 30), "month",
    )  # fmt: skip
    actual = estimated.model_copy(
        update={"primary_completion_date": DateValue(date="2026-09-12", type="ACTUAL")}
    )
    service.observe_trial(actual, None, datetime(2026, 10, 1, tzinfo=UTC))
    assert _entries(service)[0].state == "resolved"


def test_given_the_calendar_then_the_ics_feed_parses_back_with_icalendar(service: CalendarService) -> None:
    service.observe_update(GUIDED, GUIDED.first_seen)
    (before,) = _entries(service)
    service.observe_update(SLIPPED, SLIPPED.first_seen)
    (after,) = _entries(service)
    text = render_ics([after], name="pipewatch myositis watchlist", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["X-WR-CALNAME"]) == "pipewatch myositis watchlist"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"{before.catalyst_id}@pipewatch.catalysts"  # stable across the slip
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == date(2027, 1, 1)
    assert event.decoded("DTEND") == date(2027, 7, 1)  # exclusive end: the day after 2027-06-30
    assert "ALKIVIA Phase 3 readout" in str(event["SUMMARY"])
    description = str(event["DESCRIPTION"])
    assert "Previously guided: 2H 2026." in description
    assert '"ALKIVIA Phase 3 results now expected in 1H 2027."' in description.splitlines()
    assert [str(c) for c in event["CATEGORIES"].cats] == ["readout", "efgartigimod"]


def test_given_the_trial_is_stopped_then_the_catalyst_is_withdrawn_and_never_overdue(
    service: CalendarService,
) -> None:
    service.observe_update(GUIDED, GUIDED.first_seen)
    stopped = _update(
        "u-stopped",
        "argenx discontinues the ALKIVIA Phase 3 study",
        "The ALKIVIA trial was terminated after an interim analysis.",
        datetime(2026, 5, 4, tzinfo=UTC),
        event="trial_status",
    )
    service.observe_update(stopped, stopped.first_seen)
    assert _entries(service)[0].state == "withdrawn"
    assert service.check(datetime(2027, 3, 1, tzinfo=UTC)).updates == []


def test_given_a_stored_calendar_then_catalysts_list_prints_it_in_each_format(
    service: CalendarService, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipewatch.cli import main

    service.observe_update(GUIDED, GUIDED.first_seen)
    assert main(["catalysts", "list", "--table", TABLE, "--agent", "efgartigimod"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "ALKIVIA Phase 3 readout" in table[1] and table[1].startswith("2026-07-01..2026-12-31")
    assert main(["catalysts", "list", "--table", TABLE, "--format", "json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["window"] == "2H 2026"
    assert main(["catalysts", "list", "--table", TABLE, "--format", "ics"]) == 0
    (event,) = icalendar.Calendar.from_ical(capsys.readouterr().out).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 7, 1)
    assert main(["catalysts", "list", "--table", TABLE, "--agent", "dazukibart"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == []
    assert main(["catalysts", "list", "--table", TABLE, "--subscription", "sub-unknown"]) == 2


def test_given_two_milestones_of_one_entry_in_one_item_then_the_next_is_kept_and_no_slip(
    service: CalendarService,
) -> None:
    both = _update(
        "u-both",
        "argenx business update",
        "ALKIVIA topline results are expected in Q3 2026, with long-term extension data by Q2 2027.",
        datetime(2026, 1, 8, tzinfo=UTC),
    )
    assert service.observe_update(both, both.first_seen) == []
    (entry,) = _entries(service)
    assert (entry.window_start, entry.sequence) == (date(2026, 7, 1), 0)

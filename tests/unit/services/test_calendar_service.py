"""CalendarService on an in-memory catalyst store: a statement calendars one entry, a moved window is one
slip update however often it is seen, results resolve, a closed window past grace goes overdue once, a lost
race writes nothing twice, and the daily check refolds what a stopped poll never folded. Items are
HAND-MADE, shaped like the recorded ALKIVIA guidance. The same service on moto (and the iCalendar feed) is
tests/integration/test_catalyst_calendar.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from fakes import InMemoryCatalystStore, StoredUpdates
from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.calendar import CalendarEntry, check
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.calendar import CalendarService

WATCHLIST = load_data_file("watchlist.yaml", Watchlist)


def _update(uid: str, summary: str, published: datetime, event: str = "pipeline") -> Update:
    return Update(
        update_id=uid,
        title=f"argenx update {uid}",
        summary=summary,
        url=f"https://example.com/{uid}",
        source_id="argenx-press",
        source_name="argenx",
        published=published,
        first_seen=published,
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type=event, severity="medium"
        ),
    )


GUIDED = _update(
    "u-guided", "ALKIVIA Phase 3 results expected in 2H 2026.", datetime(2025, 10, 30, tzinfo=UTC)
)
SLIPPED = _update(
    "u-slipped", "ALKIVIA Phase 3 results now expected in 1H 2027.", datetime(2026, 2, 26, tzinfo=UTC)
)


def _service(store: InMemoryCatalystStore, recent: StoredUpdates | None = None) -> CalendarService:
    return CalendarService(store=store, extractor=Extractor(WATCHLIST), watchlist=WATCHLIST, recent=recent)


def test_given_a_statement_then_one_upcoming_entry_is_calendared_and_no_update_written() -> None:
    store = InMemoryCatalystStore()
    assert _service(store).observe_update(GUIDED, GUIDED.first_seen) == []
    (entry,) = store.list()
    assert (entry.agent, entry.kind, entry.trial, entry.state, entry.version) == (
        "efgartigimod", "readout", "ALKIVIA", "upcoming", 1,
    )  # fmt: skip
    assert (entry.window_start, entry.window_end) == (date(2026, 7, 1), date(2026, 12, 31))


def test_given_the_window_moved_then_one_slip_update_is_written_and_seeing_it_again_adds_none() -> None:
    store = InMemoryCatalystStore()
    service = _service(store)
    service.observe_update(GUIDED, GUIDED.first_seen)

    (slip,) = service.observe_update(SLIPPED, SLIPPED.first_seen)
    assert slip.classification.event_type == "catalyst_slip"
    assert slip.update_id in store.updates
    assert service.observe_update(SLIPPED, SLIPPED.first_seen) == []
    (entry,) = store.list()
    assert (entry.window_start, entry.sequence) == (date(2027, 1, 1), 1)


def test_given_results_inside_the_window_then_the_catalyst_is_resolved() -> None:
    store = InMemoryCatalystStore()
    service = _service(store)
    service.observe_update(GUIDED, GUIDED.first_seen)
    results = _update(
        "u-results",
        "argenx announced positive topline results from the ALKIVIA Phase 3 study.",
        datetime(2026, 9, 15, tzinfo=UTC),
        event="results",
    )
    service.observe_update(results, results.first_seen)
    assert store.list()[0].state == "resolved"


def test_given_a_closed_window_past_grace_then_one_overdue_update_and_a_second_check_writes_nothing() -> None:
    store = InMemoryCatalystStore()
    service = _service(store)
    service.observe_update(GUIDED, GUIDED.first_seen)

    report = service.check(datetime(2027, 3, 1, tzinfo=UTC))
    assert report.overdue == 1 and len(report.updates) == 1
    assert report.updates[0].update_id in store.updates
    again = service.check(datetime(2027, 3, 2, tzinfo=UTC))
    assert (again.overdue, again.updates) == (0, [])
    assert store.list()[0].state == "overdue"


def test_given_a_lost_race_then_the_second_writer_holding_the_old_version_writes_nothing() -> None:
    store = InMemoryCatalystStore()
    _service(store).observe_update(GUIDED, GUIDED.first_seen)
    (entry,) = store.list()
    done, updates = check(entry, datetime(2027, 1, 15, tzinfo=UTC))
    assert done is not None
    assert store.save(done, entry.version, updates)
    writes = store.writes
    assert not store.save(done, entry.version, updates)
    assert store.writes == writes


def test_given_a_poll_stopped_before_folding_then_the_daily_check_folds_it_once() -> None:
    store = InMemoryCatalystStore()
    recent = StoredUpdates([GUIDED])  # stored by the poll, never folded into the calendar
    service = _service(store, recent)

    report = service.check(datetime(2025, 10, 31, tzinfo=UTC))
    assert (report.refolded, report.repaired) == (1, 1)
    assert len(store.list()) == 1
    again = service.check(datetime(2025, 10, 31, 1, tzinfo=UTC))
    assert (again.refolded, again.repaired) == (1, 0)


def test_given_open_entries_then_upcoming_answers_those_overlapping_the_range_for_the_agents() -> None:
    store = InMemoryCatalystStore()
    service = _service(store)
    service.observe_update(GUIDED, GUIDED.first_seen)
    assert [e.trial for e in service.upcoming(date(2026, 12, 1), date(2027, 1, 31))] == ["ALKIVIA"]
    assert service.upcoming(date(2027, 1, 1), date(2027, 1, 31)) == []
    assert service.upcoming(date(2026, 12, 1), date(2027, 1, 31), agents={"dazukibart"}) == []


def test_given_an_outlet_that_itself_reports_the_move_then_the_slip_joins_its_story() -> None:
    """The slip a story's own words report ("has extended the review ... to") is part of that story (its
    alert said it); the slip the calendar infers by comparing two statements is not (asserted above)."""
    store = InMemoryCatalystStore()
    service = _service(store)
    guided = _update(
        "u-pdufa",
        "The FDA set a PDUFA target action date of March 20, 2026 for efgartigimod.",
        GUIDED.published,
    )
    extended = _update(
        "u-extended",
        "The FDA has extended the review of efgartigimod; the PDUFA target action date is now June 20, 2026.",
        datetime(2026, 2, 26, tzinfo=UTC),
        event="regulatory",
    )
    service.observe_update(guided, guided.first_seen)
    (slip,) = service.observe_update(extended, extended.first_seen)
    assert (slip.classification.event_type, slip.part_of) == ("catalyst_slip", "u-extended")

    inferred = _service(InMemoryCatalystStore())
    inferred.observe_update(GUIDED, GUIDED.first_seen)
    (own,) = inferred.observe_update(SLIPPED, SLIPPED.first_seen)
    assert own.part_of == ""


@dataclass
class _CountedListings(InMemoryCatalystStore):
    """The in-memory store counting its `list` reads (each one a GSI query on DynamoDB)."""

    lists: int = 0

    def list(self, agent: str | None = None) -> list[CalendarEntry]:
        self.lists += 1
        return super().list(agent)


def test_given_a_batch_that_saves_nothing_then_the_entries_are_listed_once_for_the_batch() -> None:
    store = _CountedListings()
    service = _service(store)
    service.observe_update(GUIDED, GUIDED.first_seen)
    store.lists = 0
    quiet = [
        _update(f"u-quiet-{n}", "argenx hosts a webcast.", datetime(2026, 3, n, tzinfo=UTC))
        for n in (1, 2, 3)
    ]

    assert service.observe_stored(quiet) == []
    assert store.lists == 1  # one read for three updates (it was one per update and agent)


def test_given_a_batch_whose_first_update_calendars_an_entry_then_a_later_one_resolves_it() -> None:
    """The batch's listing is read again after a save: the entry saved for the first update is seen by the
    results update of the same batch, as when each update was observed on its own."""
    store = _CountedListings()
    results = _update(
        "u-results-batch",
        "argenx announced positive topline results from the ALKIVIA Phase 3 study.",
        datetime(2026, 9, 15, tzinfo=UTC),
        event="results",
    )

    _service(store).observe_stored([GUIDED, results])
    (entry,) = store.list()
    assert entry.state == "resolved"

"""Issue 27 finding 4 on a moto table: a slip loop (1H 2027 -> 2H 2027 -> 1H 2027 in a recap -> 2H 2027)
must not reuse an earlier slip's id (the whole transaction was cancelled and the calendar stayed on the
superseded 1H 2027, then raised a false overdue in July 2027), and a transaction cancelled by an update
already stored never leaves the calendar on superseded guidance. Items are HAND-MADE, shaped like the
recorded ALKIVIA guidance."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest
from calendar_table import TABLE, create_calendar_table, stored_item
from moto import mock_aws

from pipewatch.adapters.catalyst_store import CatalystStore
from pipewatch.adapters.dynamo import to_item
from pipewatch.adapters.store import Store, update_to_item
from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.calendar import Observation, observe
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.calendar import CalendarService


@pytest.fixture
def ddb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_calendar_table(client)
        yield client


def _service(ddb: Any) -> CalendarService:
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    return CalendarService(
        store=CatalystStore(ddb, TABLE), extractor=Extractor(watchlist), watchlist=watchlist
    )


def _hand_made(uid: str, sentence: str, when: datetime) -> Any:
    return stored_item(uid, "argenx quarterly results", sentence, when)


LOOP = [
    _hand_made("hm-loop-1", "ALKIVIA Phase 3 results expected in 1H 2027.", datetime(2026, 3, 1, tzinfo=UTC)),
    _hand_made(
        "hm-loop-2", "ALKIVIA Phase 3 results now expected in 2H 2027.", datetime(2026, 6, 1, tzinfo=UTC)
    ),
    # a recap that restates the first guidance, dated after the second
    _hand_made("hm-loop-3", "ALKIVIA Phase 3 results expected in 1H 2027.", datetime(2026, 7, 1, tzinfo=UTC)),
    _hand_made(
        "hm-loop-4", "ALKIVIA Phase 3 results now expected in 2H 2027.", datetime(2026, 9, 1, tzinfo=UTC)
    ),
]


def _slip_ids(ddb: Any) -> list[str]:
    return sorted(
        u.update_id
        for u in Store(ddb, TABLE).scan_updates()
        if u.classification.event_type == "catalyst_slip"
    )


def test_given_a_slip_loop_then_every_slip_is_written_the_calendar_follows_and_no_false_overdue(
    ddb: Any,
) -> None:
    service = _service(ddb)
    slips = [slip for item in LOOP for slip in service.observe_update(item, item.first_seen)]
    assert [s.title.split(": ")[1].split(" (")[0] for s in slips] == [
        "1H 2027 -> 2H 2027",
        "2H 2027 -> 1H 2027",
        "1H 2027 -> 2H 2027",
    ]
    assert len({s.update_id for s in slips}) == 3
    assert len(_slip_ids(ddb)) == 3
    (entry,) = service._store.list()
    assert (entry.window_start, entry.window_end, entry.sequence) == (date(2027, 7, 1), date(2027, 12, 31), 3)
    # July 2027 is inside the current guidance: no overdue (before the fix: "guided for 1H 2027 ... overdue")
    report = service.check(datetime(2027, 7, 20, 6, tzinfo=UTC))
    assert (report.overdue, report.updates) == (0, [])
    # the loop read again (a refold, a re-poll) writes nothing new
    assert [s for item in LOOP for s in service.observe_update(item, item.first_seen)] == []
    assert len(_slip_ids(ddb)) == 3


def test_given_its_update_already_stored_then_the_entry_still_moves_to_the_new_guidance(ddb: Any) -> None:
    """A transaction cancelled only because its update is already stored (that statement's update was
    written before) is written again without it: the entry moves, the update is not written twice."""
    service = _service(ddb)
    service.observe_update(LOOP[0], LOOP[0].first_seen)
    store = CatalystStore(ddb, TABLE)
    (entry,) = store.list()
    (catalyst,) = Extractor(load_data_file("watchlist.yaml", Watchlist)).extract(
        LOOP[1].title, LOOP[1].summary, published=date(2026, 6, 1), url=LOOP[1].url, source="argenx"
    )
    seen = Observation(
        catalyst=replace(catalyst, agent="efgartigimod"),
        update_id=LOOP[1].update_id,
        url=LOOP[1].url,
        source_name="argenx",
        stated_on=date(2026, 6, 1),
    )
    moved, (slip,) = observe(entry, seen, LOOP[1].first_seen)
    assert moved is not None
    ddb.put_item(TableName=TABLE, Item=to_item(update_to_item(slip)))  # stored before this write
    assert store.save(moved, entry.version, [slip])
    held = store.get(entry.catalyst_id)
    assert held is not None and (held.window_start, held.version) == (date(2027, 7, 1), entry.version + 1)
    assert _slip_ids(ddb) == [slip.update_id]
    assert not store.save(moved, entry.version, [slip])  # a writer holding the old version still loses

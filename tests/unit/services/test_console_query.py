"""The console's list on the in-memory index (tests/fakes.py InMemoryUpdateIndex, the adapter's semantics):
filters, text search, paging by an opaque cursor that survives filters, the reading budget, and the CSV
export with its row cap and formula guard."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from console_kit import NOW, update
from fakes import InMemoryUpdateIndex
from pipewatch.services.console_query import (
    QueryError,
    UpdateQuery,
    csv_chunks,
    decode_cursor,
    select,
)

TODAY = NOW.date()


def _query(**params: str) -> UpdateQuery:
    return UpdateQuery.from_params(params, TODAY)


def test_given_120_updates_then_pages_of_50_newest_first_cover_each_once() -> None:
    index = InMemoryUpdateIndex([update(n) for n in range(1, 121)])
    seen: list[str] = []
    cursor = ""
    for _ in range(5):
        page = select(index, _query(), cursor=cursor)
        seen.extend(u.update_id for u in page.updates)
        cursor = page.next_cursor
        if not cursor:
            break

    assert seen == [f"u-{n:06d}" for n in range(1, 121)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"agent": "dazukibart"}, ["u-000002"]),
        ({"severity": "high"}, ["u-000003"]),
        ({"event_type": "safety"}, ["u-000004"]),
        ({"source": "pubmed"}, ["u-000005"]),
        ({"q": "ALKIVIA readout"}, ["u-000006"]),
        ({"since": "2026-11-20", "until": "2026-11-25"}, ["u-000007"]),
        ({"indication": "dermatomyositis"}, ["u-000008"]),
    ],
)
def test_given_a_filter_then_only_its_updates_are_listed(params: dict[str, str], expected: list[str]) -> None:
    updates = [
        update(1),
        update(2, agent="dazukibart"),
        update(3, classification={"severity": "high"}),
        update(4, classification={"event_type": "safety"}),
        update(5, source_id="pubmed"),
        update(6, summary="Topline from the ALKIVIA Phase 3 readout."),
        update(7, hours_ago=24 * 8),
        update(8, classification={"indications": ("dermatomyositis",)}),
        update(9, classification={"relevant": False}),
    ]

    page = select(InMemoryUpdateIndex(updates), _query(**params))

    assert [u.update_id for u in page.updates] == expected


def test_given_a_rare_word_then_the_page_stops_at_its_budget_and_says_how_far_back_it_searched() -> None:
    index = InMemoryUpdateIndex([update(n, hours_ago=n) for n in range(1, 301)])

    page = select(index, _query(q="nowhere"), max_examined=100)

    assert page.updates == [] and page.examined == 100
    assert page.searched_to == update(100).first_seen.date().isoformat()
    following = select(index, _query(q="nowhere"), cursor=page.next_cursor, max_examined=1000)
    assert following.examined == 200  # the rest, never the first 100 again


@pytest.mark.parametrize(
    "params",
    [{"severity": "urgent"}, {"event_type": "gossip"}, {"since": "yesterday"},
     {"since": "2026-12-01", "until": "2026-11-01"}, {"since": "2024-01-01"}],
)  # fmt: skip
def test_given_a_bad_filter_then_a_query_error_names_it(params: dict[str, str]) -> None:
    with pytest.raises(QueryError):
        _query(**params)


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWEtcG9zaXRpb24", "x" * 500])
def test_given_a_damaged_cursor_then_it_is_refused(cursor: str) -> None:
    with pytest.raises(QueryError):
        decode_cursor(cursor)


def test_given_more_rows_than_the_cap_then_the_export_streams_chunks_and_ends_saying_it_cut() -> None:
    index = InMemoryUpdateIndex([update(n) for n in range(1, 451)])

    chunks = list(csv_chunks(index, _query(), cap=420))

    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert len(chunks) == 3  # 200 + 200 + the last 20 and the note
    assert rows[0][0] == "first_seen" and len(rows) == 1 + 420 + 1
    assert rows[-1][0].startswith("# cut at 420 rows")


def test_given_exactly_the_cap_then_no_cut_line() -> None:
    rows = "".join(csv_chunks(InMemoryUpdateIndex([update(n) for n in range(1, 11)]), _query(), cap=10))

    assert "cut at" not in rows and rows.count("\r\n") == 11


def test_given_a_title_a_spreadsheet_would_run_as_a_formula_then_the_cell_is_quoted_inert() -> None:
    hostile = update(1, title='=HYPERLINK("https://evil.example","x")')

    rows = list(csv.reader(io.StringIO("".join(csv_chunks(InMemoryUpdateIndex([hostile]), _query())))))

    assert rows[1][6].startswith("'=HYPERLINK")


def test_given_no_dates_then_the_default_window_is_90_days_to_today() -> None:
    query = _query()

    assert (query.since, query.until) == (date(2026, 9, 2), TODAY)

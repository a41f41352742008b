"""The domain records at their boundaries (issue 28: plain dataclasses, no pydantic): every conversion round
trips, writes the JSON pydantic wrote before byte for byte (the PINNED strings were printed by main
4c0c0e6's pydantic models for these same hand-made records, so items stored before read back), and a bad
field is refused with a RecordFieldError naming it, a naive datetime included."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from pipewatch.domain.models import Classification, FetchedItem, SourceState, TrialChange, Update
from pipewatch.domain.record_fields import FieldReader, RecordFieldError, json_datetime
from pipewatch.domain.subscribers.feedback import Feedback

AT = datetime(2026, 11, 25, 9, 30, 15, 123000, tzinfo=UTC)
CHANGE = TrialChange(
    nct_id="NCT05437263",
    acronym="VALOR",
    field="overall_status",
    old="Recruiting",
    new="Active, not recruiting",
    event_type="trial_status",
    severity="medium",
    summary="VALOR (NCT05437263): status Recruiting \u2192 Active",
)
UPDATE = Update(
    update_id="u-1",
    title="argenx wins approval",
    source_id="press",
    published=AT,
    first_seen=AT,
    classification=Classification(
        relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="high", reasons=("r",)
    ),
    change=CHANGE,
    sources=("Wire",),
    story_urls=("https://x",),
    story_dates=("2026-11-25",),
)
STATE = SourceState(
    source_id="fda-press",
    etag='W/"x"',
    cursor={"since": "2026-11-01"},
    last_success=AT,
    last_attempt=datetime(2026, 11, 25, 10, 0, tzinfo=timezone(timedelta(hours=1))),
    consecutive_failures=2,
    last_error="HTTP 503\nretry",
    failing_since=AT,
    items_seen=17,
    last_outage=(datetime(2026, 11, 1, tzinfo=UTC), AT),
)
FEEDBACK = Feedback(
    update_id="u-1",
    subscription_id="",
    label="severity_too_high",
    at=AT,
    title="T",
    published=AT,
    agents=("efgartigimod",),
    event_type="regulatory",
    severity="high",
)

PINNED_STATE = (
    '{"source_id":"fda-press","etag":"W/\\"x\\"","last_modified":"","cursor":{"since":"2026-11-01"},'
    '"last_success":"2026-11-25T09:30:15.123000Z","last_attempt":"2026-11-25T10:00:00+01:00",'
    '"consecutive_failures":2,"last_error":"HTTP 503\\nretry","failing_since":"2026-11-25T09:30:15.123000Z",'
    '"items_seen":17,"last_outage":["2026-11-01T00:00:00Z","2026-11-25T09:30:15.123000Z"]}'
)
PINNED_CHANGE = (
    '{"nct_id":"NCT05437263","acronym":"VALOR","field":"overall_status","old":"Recruiting",'
    '"new":"Active, not recruiting","event_type":"trial_status","severity":"medium",'
    '"summary":"VALOR (NCT05437263): status Recruiting \u2192 Active"}'
)
PINNED_FEEDBACK = (
    '{"update_id":"u-1","subscription_id":"","label":"severity_too_high","at":"2026-11-25T09:30:15.123000Z",'
    '"title":"T","summary":"","source":"","url":"","published":"2026-11-25T09:30:15.123000Z",'
    '"agents":["efgartigimod"],"indications":[],"event_type":"regulatory","severity":"high"}'
)
PINNED_UPDATE = (
    '{"update_id":"u-1","title":"argenx wins approval","summary":"","url":"","source_id":"press",'
    '"source_name":"","published":"2026-11-25T09:30:15.123000Z","doc_type":"news","classification":'
    '{"relevant":true,"agents":["efgartigimod"],"indications":[],"event_type":"regulatory","severity":"high",'
    '"reasons":["r"],"tier":"own","competitor":null,"competes_with":[]},"sources":["Wire"],"change":'
    + PINNED_CHANGE
    + ',"first_seen":"2026-11-25T09:30:15.123000Z","story_urls":["https://x"],"url_shared":false,'
    '"story_titles":[],"story_dates":["2026-11-25"],"escalates":"","part_of":""}'
)
PINNED_ITEM = (
    '{"source_id": "s", "title": "Z\\u00fcrich \\u2013 \\u00e9", "summary": "", "url": "", "guid": "", '
    '"published": "2026-11-25T09:30:15.123000Z", "doc_type": "news", "source_name": "", "extra": {"a": "b"}}'
)


def test_given_the_records_then_their_json_is_what_pydantic_wrote_before() -> None:
    assert STATE.to_json() == PINNED_STATE
    assert CHANGE.to_json() == PINNED_CHANGE
    assert FEEDBACK.to_json() == PINNED_FEEDBACK
    assert UPDATE.to_json() == PINNED_UPDATE
    item = FetchedItem(source_id="s", title="Z\u00fcrich \u2013 \u00e9", published=AT, extra={"a": "b"})
    assert json.dumps(item.to_json_dict()) == PINNED_ITEM


def test_given_the_stored_json_of_before_then_each_record_reads_back_equal() -> None:
    assert SourceState.from_json(PINNED_STATE) == STATE
    assert TrialChange.from_json(PINNED_CHANGE) == CHANGE
    assert Feedback.from_json(PINNED_FEEDBACK) == FEEDBACK
    assert Update.from_json_dict(json.loads(PINNED_UPDATE)) == UPDATE
    assert FetchedItem.from_json_dict(json.loads(PINNED_ITEM)).extra == {"a": "b"}


def test_given_an_update_then_its_item_round_trips_with_every_field() -> None:
    landscape = replace(
        UPDATE,
        classification=replace(
            UPDATE.classification,
            agents=(),
            tier="landscape",
            competitor="nipocalimab",
            competes_with=("efgartigimod",),
        ),
        url_shared=True,
        story_titles=("a", "b"),
        escalates="u-0",
        part_of="u-9",
    )
    for update in (UPDATE, landscape, replace(UPDATE, published=None, change=None)):
        # The store drops None attributes; a stream image then lacks them.
        item = {k: v for k, v in update.to_item().items() if v is not None}
        back = Update.from_item(item)
        assert back == replace(update, story_urls=())  # story_urls is written by the merge, not the put
        assert back.first_seen.tzinfo is not None


def test_given_a_source_state_with_defaults_then_it_round_trips() -> None:
    blank = SourceState(source_id="x")
    assert SourceState.from_json(blank.to_json()) == blank
    assert SourceState.from_json('{"source_id":"x"}') == blank


def test_given_a_frozen_record_then_it_cannot_be_changed_in_place() -> None:
    with pytest.raises(FrozenInstanceError):
        UPDATE.title = "x"  # type: ignore[misc]


def _item(**changes: Any) -> dict[str, Any]:
    item = {k: v for k, v in UPDATE.to_item().items() if v is not None}
    item.update(changes)
    return item


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"first_seen": 42}, "first_seen", "expected a datetime"),
        ({"first_seen": "yesterday"}, "first_seen", "not an ISO 8601 datetime"),
        ({"event_type": "rumour"}, "event_type", "is not one of"),
        ({"severity": "extreme"}, "severity", "is not one of"),
        ({"doc_type": "tweet"}, "doc_type", "is not one of"),
        ({"agents": "efgartigimod"}, "agents", "list of strings"),
        ({"agents": ["efgartigimod", 3]}, "agents", "list of strings"),
        ({"title": 7}, "title", "expected a string"),
        ({"relevant": "yes"}, "relevant", "true or false"),
        ({"update_id": None}, "update_id", "missing"),
        ({"change": "{not json"}, "<json>", "not JSON"),
    ],
)
def test_given_a_bad_attribute_then_the_error_names_it(
    changes: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(RecordFieldError) as caught:
        Update.from_item(_item(**changes))
    assert caught.value.field == field
    assert problem in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_given_a_bad_nested_change_field_then_the_error_names_the_change_field() -> None:
    bad = json.dumps({**json.loads(PINNED_CHANGE), "severity": "huge"})
    with pytest.raises(RecordFieldError, match=r"^TrialChange\.severity: 'huge' is not one of"):
        Update.from_item(_item(change=bad))


@pytest.mark.parametrize("naive", ["2026-11-25T09:30:15", "2026-11-25", datetime(2026, 11, 25, 9, 30)])
def test_given_a_naive_datetime_then_it_is_refused_on_read(naive: object) -> None:
    with pytest.raises(RecordFieldError, match=r"^Update\.first_seen: naive datetime"):
        Update.from_item(_item(first_seen=naive))
    with pytest.raises(RecordFieldError, match=r"^SourceState\.last_success: naive datetime"):
        SourceState.from_json(json.dumps({"source_id": "x", "last_success": str(naive)}))


def test_given_a_naive_datetime_then_it_is_refused_on_write() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        json_datetime(datetime(2026, 11, 25, 9, 30))
    with pytest.raises(ValueError, match="naive datetime"):
        replace(STATE, last_success=datetime(2026, 11, 25)).to_json()


def test_given_counts_from_dynamodb_then_integral_decimals_are_read_and_others_refused() -> None:
    text = json.dumps({"source_id": "x", "items_seen": 3})
    assert SourceState.from_json(text).items_seen == 3
    with pytest.raises(RecordFieldError, match=r"^SourceState\.items_seen: expected an integer"):
        SourceState.from_json(json.dumps({"source_id": "x", "items_seen": 2.5}))
    with pytest.raises(RecordFieldError, match=r"^SourceState\.consecutive_failures: expected an integer"):
        SourceState.from_json(json.dumps({"source_id": "x", "consecutive_failures": True}))
    # A stream image's numbers are Decimals (boto3's deserialiser): an integral one is an int.
    assert FieldReader("X", {"n": Decimal("3")}).count("n") == 3
    with pytest.raises(RecordFieldError, match=r"^X\.n: expected an integer"):
        FieldReader("X", {"n": Decimal("2.5")}).count("n")


def test_given_json_that_is_not_an_object_then_the_record_says_so() -> None:
    with pytest.raises(RecordFieldError, match=r"^SourceState\.<json>: expected an object, got list"):
        SourceState.from_json("[]")
    with pytest.raises(RecordFieldError, match=r"^Feedback\.label: 'liked' is not one of"):
        Feedback.from_json(json.dumps({**json.loads(PINNED_FEEDBACK), "label": "liked"}))


PINNED_ENTRY = (
    '{"catalyst_id":"c-1","agent":"efgartigimod","kind":"readout","trial":"ADAPT-SERON","drug":null,'
    '"window_start":"2026-07-01","window_end":"2026-09-30","precision":"quarter","phase3":true,'
    '"indications":["myasthenia_gravis"],"sentences":["Topline results in Q3 2026 \u2013 \u201csoon\u201d."],'
    '"links":["https://news.example/1"],"stated_on":"2026-03-02","first_seen":"2026-03-02T08:00:00Z",'
    '"last_confirmed":"2026-03-05T08:00:00.000005Z","state":"due","sequence":2,"version":3,'
    '"previous_windows":["H1 2026"],"resolved_by":null,"notified":["u-x"],"source":"Wire"}'
)


def test_given_a_calendar_entry_then_its_json_is_as_before_and_reads_back() -> None:
    from datetime import date

    from pipewatch.domain.catalysts.calendar import CalendarEntry

    entry = CalendarEntry(
        catalyst_id="c-1",
        agent="efgartigimod",
        kind="readout",
        trial="ADAPT-SERON",
        window_start=date(2026, 7, 1),
        window_end=date(2026, 9, 30),
        precision="quarter",
        phase3=True,
        indications=("myasthenia_gravis",),
        sentences=("Topline results in Q3 2026 \u2013 \u201csoon\u201d.",),
        links=("https://news.example/1",),
        stated_on=date(2026, 3, 2),
        first_seen=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        last_confirmed=datetime(2026, 3, 5, 8, 0, 0, 5, tzinfo=UTC),
        state="due",
        sequence=2,
        version=3,
        previous_windows=("H1 2026",),
        notified=("u-x",),
        source="Wire",
    )
    assert entry.to_json() == PINNED_ENTRY
    assert CalendarEntry.from_json(PINNED_ENTRY) == entry
    bad = json.dumps({**json.loads(PINNED_ENTRY), "window_end": "2026-09-31"})
    with pytest.raises(RecordFieldError, match=r"^CalendarEntry\.window_end: not an ISO 8601 date"):
        CalendarEntry.from_json(bad)
    naive = json.dumps({**json.loads(PINNED_ENTRY), "first_seen": "2026-03-02T08:00:00"})
    with pytest.raises(RecordFieldError, match=r"^CalendarEntry\.first_seen: naive datetime"):
        CalendarEntry.from_json(naive)

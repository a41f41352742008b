"""A container's first poll reads its source's state and the watch marks in one BatchGetItem (issue 28):
the marks read then serve the next `watched_since` once, and later ones read the item again. The table is a
HAND-MADE stand-in that records every call."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipewatch.adapters.store import source_state_key
from pipewatch.adapters.watch_marks import MARKS_PK, MARKS_SK, DynamoWatchMarks
from pipewatch.domain.models import SourceState

NOW = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)
STATE = SourceState(source_id="fda-press", etag='"v1"')


class RecordingTable:
    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = {(i["pk"]["S"], i["sk"]["S"]): i for i in items}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        return self.items.get((key["pk"]["S"], key["sk"]["S"]))

    def batch_get_item(self, **call: Any) -> dict[str, Any]:
        self.calls.append(("BatchGetItem", call))
        ((table, request),) = call["RequestItems"].items()
        found = [item for key in request["Keys"] if (item := self._get(key)) is not None]
        return {"Responses": {table: found}}

    def get_item(self, **call: Any) -> dict[str, Any]:
        self.calls.append(("GetItem", call))
        item = self._get(call["Key"])
        return {} if item is None else {"Item": item}

    def put_item(self, **call: Any) -> dict[str, Any]:
        self.calls.append(("PutItem", call))
        self.items[(call["Item"]["pk"]["S"], call["Item"]["sk"]["S"])] = call["Item"]
        return {}


def _state_item(state: SourceState) -> dict[str, Any]:
    return {**source_state_key(state.source_id), "state": {"S": state.to_json()}}


def _marks_item(since: dict[str, datetime]) -> dict[str, Any]:
    marks = {k: {"S": v.isoformat()} for k, v in since.items()}
    return {"pk": {"S": MARKS_PK}, "sk": {"S": MARKS_SK}, "since": {"M": marks}}


def test_cold10poll_given_both_items_when_read_together_then_one_consistent_batch_serves_both() -> None:
    added = datetime(2026, 11, 1, tzinfo=UTC)
    table = RecordingTable([_state_item(STATE), _marks_item({"efgartigimod": added})])
    marks = DynamoWatchMarks(table, "t")

    state = marks.read_source_state_with_marks("fda-press")
    since = marks.watched_since(["efgartigimod"], NOW)

    assert (state, since) == (STATE, {"efgartigimod": added})
    assert [name for name, _ in table.calls] == ["BatchGetItem"]
    assert table.calls[0][1]["RequestItems"]["t"]["ConsistentRead"] is True


def test_cold10poll_given_marks_read_ahead_when_used_once_then_the_next_call_reads_again() -> None:
    table = RecordingTable([_marks_item({"efgartigimod": NOW})])
    marks = DynamoWatchMarks(table, "t")
    marks.read_source_state_with_marks("fda-press")
    marks.watched_since(["efgartigimod"], NOW)

    marks.watched_since(["efgartigimod"], NOW)

    assert [name for name, _ in table.calls] == ["BatchGetItem", "GetItem"]


def test_cold10poll_given_no_items_when_read_together_then_a_blank_state_and_the_marks_are_created() -> None:
    table = RecordingTable([])
    marks = DynamoWatchMarks(table, "t")

    state = marks.read_source_state_with_marks("fda-press")
    since = marks.watched_since(["efgartigimod", "dazukibart"], NOW)

    assert state == SourceState(source_id="fda-press")
    assert set(since) == {"efgartigimod", "dazukibart"}
    assert [name for name, _ in table.calls] == ["BatchGetItem", "PutItem"]

"""The "watched since" marks of the agents (issue 26; domain/ingest/back_catalogue.py): one item in the
table, `pk = WATCH#agents`, a map agent id -> ISO time. A thousand agents are about 50 KB, well inside an
item. Written by the poll: created once (every agent of the watchlist then at EPOCH, so agents watched before
marks existed are not new), then one conditional `if_not_exists` per agent added. `pipewatch watchlist push`
forgets the marks of the agents it removes, so an agent re-added later is new again (the poll never removes
a mark: a container still on the previous version would fight one on the new)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pipewatch.adapters.dynamo import batch_get, conditional_put
from pipewatch.adapters.store import source_state_from_item, source_state_key
from pipewatch.domain.ingest.back_catalogue import EPOCH
from pipewatch.domain.models import SourceState

MARKS_PK = "WATCH#agents"
MARKS_SK = "MARKS"
# DynamoDB refuses an expression string over 4 KB: a clause is at most ~50 characters, so 50 agents per
# UpdateItem stay near 2.5 KB (a push adding 1,000 agents is 20 calls, each idempotent).
AGENTS_PER_UPDATE = 50


class DynamoWatchMarks:
    def __init__(self, dynamodb_client: Any, table: str) -> None:
        self._ddb = dynamodb_client
        self._table = table
        self._key = {"pk": {"S": MARKS_PK}, "sk": {"S": MARKS_SK}}
        # The marks item as read with a source state (read_source_state_with_marks), kept for the next
        # watched_since only: (item or None,) once read, () when not.
        self._read_ahead: tuple[dict[str, Any] | None, ...] = ()

    def read(self) -> dict[str, datetime] | None:
        item = self._ddb.get_item(TableName=self._table, Key=self._key, ConsistentRead=True).get("Item")
        return _marks_of(item)

    def read_source_state_with_marks(self, source_id: str) -> SourceState:
        """The source's state and the marks item in one BatchGetItem (both consistent, as the marks must
        be): a container's first poll read them with two GetItems (issue 28). The marks are kept for the
        next `watched_since`, which then reads nothing."""
        state_key = source_state_key(source_id)
        items = list(batch_get(self._ddb, self._table, [state_key, self._key], ConsistentRead=True))
        state_item = next((i for i in items if i["pk"] == state_key["pk"]), None)
        self._read_ahead = (next((i for i in items if i["pk"] == self._key["pk"]), None),)
        return source_state_from_item(source_id, state_item)

    def watched_since(self, watchlist: Sequence[str], now: datetime) -> dict[str, datetime]:
        if self._read_ahead:
            marks = _marks_of(self._read_ahead[0])
            self._read_ahead = ()
        else:
            marks = self.read()
        if marks is None:
            created = {a: EPOCH for a in watchlist}
            item = {**self._key, "kind": {"S": "watch_marks"}, "since": {"M": _as_map(created)}}
            if conditional_put(
                self._ddb, TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
            ):
                return created
            marks = self.read() or {}
        added = [a for a in watchlist if a not in marks]
        if not added:
            return marks
        stored: dict[str, Any] = {}
        for chunk in _chunks(added):
            answer = self._ddb.update_item(
                TableName=self._table,
                Key=self._key,
                UpdateExpression="SET "
                + ", ".join(f"since.#a{i} = if_not_exists(since.#a{i}, :now)" for i in range(len(chunk))),
                ExpressionAttributeNames={f"#a{i}": a for i, a in enumerate(chunk)},
                ExpressionAttributeValues={":now": {"S": now.isoformat()}},
                ReturnValues="ALL_NEW",
            )
            stored = answer.get("Attributes", {}).get("since", {}).get("M", {})
        return {k: datetime.fromisoformat(v["S"]) for k, v in stored.items()}

    def forget(self, agent_ids: Sequence[str]) -> None:
        """Remove these agents' marks (they left the watchlist): re-added later, each is new again."""
        if not agent_ids or self.read() is None:
            return
        for chunk in _chunks(agent_ids):
            self._ddb.update_item(
                TableName=self._table,
                Key=self._key,
                UpdateExpression="REMOVE " + ", ".join(f"since.#a{i}" for i in range(len(chunk))),
                ExpressionAttributeNames={f"#a{i}": a for i, a in enumerate(chunk)},
            )


def _chunks(agent_ids: Sequence[str]) -> list[Sequence[str]]:
    return [agent_ids[i : i + AGENTS_PER_UPDATE] for i in range(0, len(agent_ids), AGENTS_PER_UPDATE)]


def _marks_of(item: dict[str, Any] | None) -> dict[str, datetime] | None:
    if item is None:
        return None
    return {k: datetime.fromisoformat(v["S"]) for k, v in item.get("since", {}).get("M", {}).items()}


def _as_map(marks: dict[str, datetime]) -> dict[str, Any]:
    return {k: {"S": v.isoformat()} for k, v in marks.items()}

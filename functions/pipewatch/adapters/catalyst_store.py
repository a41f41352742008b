"""The catalyst calendar in the single table: `CATALYST#<id>` / `CATALYST`, listed through gsi1 partition
`CATALYSTS` (sort key `<window_end>#<id>`). An entry and the updates it produced are written in one
transaction conditioned on the entry's version, so a retried poll or a second daily check writes nothing new
and two concurrent writers cannot both alert."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pipewatch.adapters.dynamo import ConditionFailed, from_item, paged, to_item, transact_write, write_if
from pipewatch.adapters.store import update_to_item
from pipewatch.domain.models import Update

if TYPE_CHECKING:
    from pipewatch.domain.catalysts.calendar import CalendarEntry

CATALYST_SK = "CATALYST"
CATALYSTS_PARTITION = "CATALYSTS"


def entry_to_item(entry: CalendarEntry) -> dict[str, Any]:
    return {
        "pk": f"CATALYST#{entry.catalyst_id}",
        "sk": CATALYST_SK,
        "kind": "catalyst",
        "gsi1pk": CATALYSTS_PARTITION,
        "gsi1sk": f"{entry.window_end.isoformat()}#{entry.catalyst_id}",
        "agent": entry.agent,
        "state": entry.state,
        "version": entry.version,
        "entry": entry.to_json(),
    }


def entry_from_item(item: dict[str, Any]) -> CalendarEntry:
    plain = from_item(item)
    # Imported on the first entry read: a digest run with no digest due never reads the calendar.
    from pipewatch.domain.catalysts.calendar import CalendarEntry

    return CalendarEntry.from_json(str(plain["entry"]))


class CatalystStore:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._ddb = dynamodb_client
        self._table = table_name
        self.writes = 0

    def get(self, catalyst_id: str) -> CalendarEntry | None:
        response = self._ddb.get_item(
            TableName=self._table,
            Key={"pk": {"S": f"CATALYST#{catalyst_id}"}, "sk": {"S": CATALYST_SK}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return entry_from_item(item) if item else None

    def list(self, agent: str | None = None) -> list[CalendarEntry]:
        """Every entry (or one agent's), by window end."""
        entries = [
            entry_from_item(item)
            for item in paged(
                self._ddb.query,
                TableName=self._table,
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :p",
                ExpressionAttributeValues={":p": {"S": CATALYSTS_PARTITION}},
            )
        ]
        return [e for e in entries if agent is None or e.agent == agent]

    def save(
        self, entry: CalendarEntry, previous_version: int | None, updates: Sequence[Update] = ()
    ) -> bool:
        """Write the entry at `previous_version + 1` with its updates, all or nothing. False when another
        writer moved the entry first (nothing is written then). An update already stored (the same
        statement's update, written before) does not hold the entry back: the transaction is cancelled whole,
        so it is written again without the stored updates, and the calendar never stays on superseded
        guidance."""
        stored = replace(entry, version=(previous_version or 0) + 1)
        put: dict[str, Any] = {"TableName": self._table, "Item": to_item(entry_to_item(stored))}
        if previous_version is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": {"N": str(previous_version)}}
        pending = list(updates)
        for _ in range(2):
            actions: list[dict[str, Any]] = [{"Put": put}, *map(self._new_update, pending)]
            cancelled = transact_write(self._ddb, actions)
            if cancelled is None:
                self.writes += len(actions)
                return True
            if cancelled.condition_failed(0) or not cancelled.reasons:
                return False  # another writer moved the entry (or no reason given: read and fold again)
            already = {i - 1 for i in range(1, len(actions)) if cancelled.condition_failed(i)}
            if not already:
                return False  # cancelled by a concurrent transaction: the caller reads and folds again
            pending = [u for i, u in enumerate(pending) if i not in already]
        return False

    def delete(self, catalyst_id: str, version: int) -> bool:
        """Remove a pruned entry if it is still at `version` (False: a writer moved it; it stays)."""
        try:
            write_if(
                self._ddb.delete_item,
                TableName=self._table,
                Key={"pk": {"S": f"CATALYST#{catalyst_id}"}, "sk": {"S": CATALYST_SK}},
                ConditionExpression="version = :v",
                ExpressionAttributeValues={":v": {"N": str(version)}},
            )
        except ConditionFailed:
            return False
        self.writes += 1
        return True

    def _new_update(self, update: Update) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": to_item(update_to_item(update)),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

"""The console's reads of stored updates, newest first, from the indexes only (no Scan): the day index
(gsi1, one partition per UTC day) for the whole list, the agent index (gsi3, one partition per agent) for
one agent's. Each item comes with its index position (the sort key "<first_seen>#<update_id>"), so a page
resumes strictly below the last position it read, whatever the filters dropped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pipewatch.adapters.dynamo import from_item
from pipewatch.adapters.store import agent_key, day_key, update_from_item
from pipewatch.services.ports import IndexedUpdate

# Items read per Query: a console page shows 50 rows; filters usually keep most of what is read.
QUERY_LIMIT = 100


class UpdateIndexTable:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._ddb = dynamodb_client
        self._table = table_name
        self.queries = 0  # Query calls made (the bench reports them)

    def newest_first(
        self, *, start: datetime, end: datetime, agent: str = "", before: str = ""
    ) -> Iterator[IndexedUpdate]:
        """Updates first seen in [start, end), newest first, strictly below position `before` when given."""
        high = f"{end.astimezone(UTC).isoformat()}#"
        if before and before < high:
            high = before
        low = f"{start.astimezone(UTC).isoformat()}#"
        if agent:
            yield from self._partition("gsi3", "gsi3pk", agent_key(agent), low, high)
            return
        day = datetime.fromisoformat(high.split("#", 1)[0]).astimezone(UTC).date()
        first = start.astimezone(UTC).date()
        while day >= first:
            yield from self._partition(
                "gsi1", "gsi1pk", day_key(datetime(day.year, day.month, day.day, tzinfo=UTC)), low, high
            )
            day -= timedelta(days=1)

    def _partition(self, index: str, key: str, value: str, low: str, high: str) -> Iterator[IndexedUpdate]:
        sort = "gsi1sk" if index == "gsi1" else "gsi3sk"
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{key} = :p AND {sort} BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": {":p": {"S": value}, ":lo": {"S": low}, ":hi": {"S": high}},
            "ScanIndexForward": False,
            "Limit": QUERY_LIMIT,
        }
        while True:
            response = self._ddb.query(**request)
            self.queries += 1
            for raw in response.get("Items", []):
                position = raw[sort]["S"]
                if position >= high or raw.get("kind", {}).get("S") != "update":
                    continue  # BETWEEN is inclusive: the resume position itself was shown already
                yield IndexedUpdate(position, update_from_item(from_item(raw)))
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

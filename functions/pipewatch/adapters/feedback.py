"""Feedback items in the table: one per (update, reader, answer), written once (a conditional put).

`FEEDBACK#<update id>` / `FEEDBACK#<subscription id or "anyone">#<label>`; gsi1 `FEEDBACK` /
`<time>#<update id>#...` lists every answer for the export and the report.
"""

from __future__ import annotations

from typing import Any, get_args

from pipewatch.adapters.dynamo import batch_get, conditional_put, from_item, paged, to_item
from pipewatch.domain.subscribers.feedback import Feedback, FeedbackLabel

GSI_PK = "FEEDBACK"
_LABELS: tuple[str, ...] = get_args(FeedbackLabel)


def _key(update_id: str, subscription_id: str, label: str) -> dict[str, Any]:
    return {
        "pk": {"S": f"FEEDBACK#{update_id}"},
        "sk": {"S": f"FEEDBACK#{subscription_id or 'anyone'}#{label}"},
    }


class FeedbackTable:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._ddb = dynamodb_client
        self._table = table_name

    def record(self, feedback: Feedback) -> bool:
        """Store the answer; False when this reader already gave it for this update (nothing written)."""
        key = _key(feedback.update_id, feedback.subscription_id, feedback.label)
        item = {
            "pk": key["pk"]["S"],
            "sk": key["sk"]["S"],
            "kind": "feedback",
            "gsi1pk": GSI_PK,
            "gsi1sk": f"{feedback.at.isoformat()}#{feedback.update_id}#{key['sk']['S']}",
            "feedback": feedback.to_json(),
        }
        return conditional_put(
            self._ddb,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def given(self, update_id: str, subscription_id: str) -> list[str]:
        """The answers this reader gave for this update (one BatchGetItem on exact keys)."""
        keys = [_key(update_id, subscription_id, label) for label in _LABELS]
        found = {
            item["sk"]["S"].rsplit("#", 1)[1]
            for item in batch_get(self._ddb, self._table, keys, ProjectionExpression="sk")
        }
        return [label for label in _LABELS if label in found]

    def all(self) -> list[Feedback]:
        """Every answer, oldest first (the export and the report; operator credentials)."""
        return [
            Feedback.from_json(from_item(i)["feedback"])
            for i in paged(
                self._ddb.query,
                TableName=self._table,
                IndexName="gsi1",
                KeyConditionExpression="gsi1pk = :p",
                ExpressionAttributeValues={":p": {"S": GSI_PK}},
            )
        ]

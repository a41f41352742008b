"""SMS short codes in the table: `SHORT#<code>` / `SHORT`, the update id and when the code stops resolving.

Written by the alert function before it publishes (an idempotent conditional put: the item may only be
created, or re-written with the same update id by a retried attempt), read by the reader's `GET /s/{code}`.
`kid` is the signing key the code was made with (a revoked key revokes its codes); `expiration` is the
table's TTL attribute, so DynamoDB deletes a code some time after it expires; until then
the reader refuses it by the stored expiry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipewatch.adapters.dynamo import conditional_put, to_item
from pipewatch.domain.subscribers.short_links import ShortLink

SORT_KEY = "SHORT"


def _key(code: str) -> dict[str, Any]:
    return {"pk": {"S": f"SHORT#{code}"}, "sk": {"S": SORT_KEY}}


class ShortLinkTable:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._ddb = dynamodb_client
        self._table = table_name

    def put(self, link: ShortLink) -> bool:
        """True when the code names `link.update_id` now; False when another update holds it (a collision
        of about one in 2^59 per pair: the caller then sends the long link)."""
        item = {
            "pk": f"SHORT#{link.code}",
            "sk": SORT_KEY,
            "kind": "shortlink",
            "update_id": link.update_id,
            "expiration": int(link.expires.timestamp()),
            "kid": link.key_id,
        }
        return conditional_put(
            self._ddb,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk) OR update_id = :u",
            ExpressionAttributeValues={":u": {"S": link.update_id}},
        )

    def get(self, code: str) -> ShortLink | None:
        item = self._ddb.get_item(TableName=self._table, Key=_key(code), ConsistentRead=True).get("Item")
        if not item or "update_id" not in item or "expiration" not in item:
            return None
        expires = datetime.fromtimestamp(int(item["expiration"]["N"]), UTC)
        return ShortLink(code, item["update_id"]["S"], expires, int(item.get("kid", {}).get("N", "0")))

"""The DynamoDB codec every table adapter shares: plain Python values <-> DynamoDB JSON, paged reads, and the
conditional-write idiom (a put, update or delete with a ConditionExpression whose failure is an answer, not
an error; a transaction whose cancellation says which action's condition failed).

The helpers send exactly the request they are given: conditions, attribute names and values are the
caller's, so each adapter's idempotency guarantees stay written where they are explained."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from pipewatch.errors import StoreBusy

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"
# The per-action reason code in a cancelled transaction whose condition did not hold.
REASON_CONDITION_FAILED = "ConditionalCheckFailed"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(plain: dict[str, Any]) -> dict[str, Any]:
    """Plain values as a DynamoDB item; None, "" and [] are left out (DynamoDB refuses empty sets and keys,
    and an absent attribute reads back as the default)."""
    return {k: _serializer.serialize(v) for k, v in plain.items() if v is not None and v not in ("", [])}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item (or a stream image) as plain Python values."""
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def paged(call: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of a Scan or Query (`call` is the client method), following LastEvaluatedKey."""
    while True:
        response = call(**kwargs)
        yield from response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


# BatchGetItem: at most 100 keys a request; keys DynamoDB leaves unprocessed (throttling, the 16 MB answer
# limit) come back in a 200 answer, which botocore does not retry: asked again after a growing pause, a
# bounded number of times (~3.5 s in all), then StoreBusy: the caller fails loudly and the next run retries.
BATCH_GET_KEYS = 100
BATCH_GET_ATTEMPTS = 8
BATCH_GET_FIRST_PAUSE_S = 0.05
BATCH_GET_LONGEST_PAUSE_S = 1.0


def batch_get(
    client: Any,
    table: str,
    keys: Sequence[dict[str, Any]],
    *,
    sleep: Callable[[float], None] | None = None,
    **params: Any,
) -> Iterator[dict[str, Any]]:
    """Every item found for `keys` in `table` (BatchGetItem, 100 keys a request, `params` such as
    ConsistentRead or ProjectionExpression applied to each), unprocessed keys asked again with backoff;
    StoreBusy when some are still unprocessed after BATCH_GET_ATTEMPTS requests."""
    pause = sleep or time.sleep
    for start in range(0, len(keys), BATCH_GET_KEYS):
        request: dict[str, Any] = {table: {**params, "Keys": list(keys[start : start + BATCH_GET_KEYS])}}
        for attempt in range(BATCH_GET_ATTEMPTS):
            if attempt:
                pause(min(BATCH_GET_FIRST_PAUSE_S * 2 ** (attempt - 1), BATCH_GET_LONGEST_PAUSE_S))
            response = client.batch_get_item(RequestItems=request)
            yield from response.get("Responses", {}).get(table, [])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            left = len(request.get(table, {}).get("Keys", ()))
            raise StoreBusy(
                f"{table}: {left} keys still unprocessed after {BATCH_GET_ATTEMPTS} BatchGetItem requests"
            )


def error_code(exc: ClientError) -> str:
    return str(exc.response["Error"]["Code"])


def error_message(exc: ClientError) -> str:
    return str(exc.response["Error"].get("Message", "refused"))


def is_refused(exc: ClientError) -> bool:
    """DynamoDB refused this one item (size, an empty key, a bad value): retrying cannot help."""
    return error_code(exc) == "ValidationException"


class ConditionFailed(Exception):
    """A conditional write's condition did not hold; nothing was written. `item` is the stored item when the
    request asked for it (ReturnValuesOnConditionCheckFailure=ALL_OLD), else empty."""

    def __init__(self, item: dict[str, Any]) -> None:
        super().__init__("conditional check failed")
        self.item = item


def write_if(call: Callable[..., Any], **request: Any) -> dict[str, Any]:
    """`call(**request)` (put_item, update_item or delete_item) and its response; ConditionFailed when the
    request's condition did not hold. Every other error is raised as it came."""
    try:
        response: dict[str, Any] = call(**request)
    except ClientError as exc:
        if error_code(exc) == CONDITION_FAILED:
            raise ConditionFailed(exc.response.get("Item") or {}) from exc
        raise
    return response


def conditional_put(client: Any, **request: Any) -> bool:
    """PutItem; False when its condition did not hold (nothing written)."""
    try:
        write_if(client.put_item, **request)
    except ConditionFailed:
        return False
    return True


def conditional_update(client: Any, **request: Any) -> dict[str, Any] | None:
    """UpdateItem and its response; None when its condition did not hold (nothing written)."""
    try:
        return write_if(client.update_item, **request)
    except ConditionFailed:
        return None


@dataclass(frozen=True)
class Cancelled:
    """A cancelled transaction: one reason code per action, in order ("None" for an action that passed; empty
    when DynamoDB gave no reasons)."""

    reasons: tuple[str, ...]

    def condition_failed(self, index: int) -> bool:
        """Whether action `index` was cancelled because its condition did not hold."""
        return index < len(self.reasons) and self.reasons[index] == REASON_CONDITION_FAILED


def cancellation_reasons(exc: ClientError) -> tuple[str, ...]:
    reasons = exc.response.get("CancellationReasons") or []
    return tuple(str(reason.get("Code", "")) for reason in reasons)


def transact_write(client: Any, actions: Sequence[dict[str, Any]]) -> Cancelled | None:
    """TransactWriteItems, all or nothing: None when written, Cancelled when a condition (or a concurrent
    transaction) stopped it. Every other error is raised as it came."""
    try:
        client.transact_write_items(TransactItems=list(actions))
    except ClientError as exc:
        if error_code(exc) == TRANSACTION_CANCELED:
            return Cancelled(cancellation_reasons(exc))
        raise
    return None

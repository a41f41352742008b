"""The shared DynamoDB codec: round trips, and the conditional-write helpers' answers (a fake client that
raises botocore's own ClientError, no moto)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pipewatch.adapters.dynamo import (
    Cancelled,
    ConditionFailed,
    conditional_put,
    conditional_update,
    from_item,
    paged,
    to_item,
    transact_write,
    write_if,
)


def _error(code: str, **extra: Any) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, **extra}, "Op")


class FakeClient:
    def __init__(self, error: ClientError | None = None, response: dict[str, Any] | None = None) -> None:
        self.error = error
        self.response = response or {}
        self.requests: list[dict[str, Any]] = []

    def _call(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        return self.response

    put_item = update_item = delete_item = _call

    def transact_write_items(self, **request: Any) -> dict[str, Any]:
        return self._call(**request)


def test_to_item_drops_empty_values_and_round_trips() -> None:
    item = to_item({"pk": "A", "n": 3, "none": None, "blank": "", "empty": [], "tags": ["x"], "ok": True})
    assert item == {"pk": {"S": "A"}, "n": {"N": "3"}, "tags": {"L": [{"S": "x"}]}, "ok": {"BOOL": True}}
    assert from_item(item) == {"pk": "A", "n": 3, "tags": ["x"], "ok": True}


def test_paged_follows_last_evaluated_key() -> None:
    pages = [{"Items": [1, 2], "LastEvaluatedKey": {"k": 1}}, {"Items": [3]}]
    seen: list[dict[str, Any]] = []

    def call(**kwargs: Any) -> dict[str, Any]:
        seen.append(dict(kwargs))
        return pages[len(seen) - 1]

    assert list(paged(call, TableName="t")) == [1, 2, 3]
    assert seen == [{"TableName": "t"}, {"TableName": "t", "ExclusiveStartKey": {"k": 1}}]


def test_conditional_put_sends_the_request_unchanged_and_answers_true() -> None:
    client = FakeClient()
    request = {
        "TableName": "t",
        "Item": {"pk": {"S": "A"}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    assert conditional_put(client, **request) is True
    assert client.requests == [request]


def test_a_failed_condition_is_an_answer() -> None:
    failing = FakeClient(_error("ConditionalCheckFailedException"))
    assert conditional_put(failing, TableName="t") is False
    assert conditional_update(failing, TableName="t") is None


def test_write_if_carries_the_stored_item_of_a_failed_condition() -> None:
    old = {"state": {"S": "sent"}}
    client = FakeClient(_error("ConditionalCheckFailedException", Item=old))
    with pytest.raises(ConditionFailed) as failed:
        write_if(client.update_item, TableName="t")
    assert failed.value.item == old
    assert isinstance(failed.value.__cause__, ClientError)


def test_other_errors_are_raised_as_they_came() -> None:
    client = FakeClient(_error("ProvisionedThroughputExceededException"))
    with pytest.raises(ClientError):
        conditional_put(client, TableName="t")
    with pytest.raises(ClientError):
        transact_write(client, [])


def test_conditional_update_returns_the_response() -> None:
    client = FakeClient(response={"Attributes": {"n": {"N": "2"}}})
    assert conditional_update(client, TableName="t") == {"Attributes": {"n": {"N": "2"}}}


def test_transaction_cancel_reasons_say_which_condition_failed() -> None:
    reasons = [{"Code": "ConditionalCheckFailed"}, {"Code": "None"}]
    client = FakeClient(_error("TransactionCanceledException", CancellationReasons=reasons))
    cancelled = transact_write(client, [{"Put": {}}, {"Update": {}}])
    assert cancelled == Cancelled(("ConditionalCheckFailed", "None"))
    assert cancelled.condition_failed(0) and not cancelled.condition_failed(1)
    assert not cancelled.condition_failed(5)
    assert client.requests == [{"TransactItems": [{"Put": {}}, {"Update": {}}]}]


def test_a_cancel_without_reasons_blames_no_condition() -> None:
    cancelled = transact_write(FakeClient(_error("TransactionCanceledException")), [{"Put": {}}])
    assert cancelled == Cancelled(())
    assert not cancelled.condition_failed(0)


def test_a_written_transaction_answers_none() -> None:
    assert transact_write(FakeClient(), [{"Put": {}}]) is None

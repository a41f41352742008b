"""BatchGetItem with unprocessed keys (throttling): asked again with a growing pause, a bounded number of
times, then StoreBusy, never a partial answer taken as complete (a scripted fake client, no moto)."""

from __future__ import annotations

from typing import Any

import pytest

from pipewatch.adapters.dynamo import BATCH_GET_ATTEMPTS, BATCH_GET_LONGEST_PAUSE_S, batch_get
from pipewatch.adapters.store import Store
from pipewatch.errors import StoreBusy

TABLE = "t"


def _key(n: int) -> dict[str, Any]:
    return {"pk": {"S": f"UPDATE#u{n}"}, "sk": {"S": "UPDATE"}}


class ThrottlingClient:
    """Answers each request with its first `serve` keys and leaves the rest unprocessed; `stuck` requests
    in a row (from the second) serve nothing at all."""

    def __init__(self, serve: int = 100, stuck: int = 0) -> None:
        self.serve = serve
        self.stuck = stuck
        self.requests: list[list[dict[str, Any]]] = []

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        keys = RequestItems[TABLE]["Keys"]
        self.requests.append(keys)
        serve = 0 if 1 < len(self.requests) <= 1 + self.stuck else self.serve
        done, left = keys[:serve], keys[serve:]
        answer: dict[str, Any] = {
            "Responses": {TABLE: [{**k, "update_id": {"S": k["pk"]["S"][7:]}} for k in done]}
        }
        if left:
            answer["UnprocessedKeys"] = {TABLE: {**RequestItems[TABLE], "Keys": left}}
        return answer


def test_given_unprocessed_keys_then_they_are_asked_again_until_every_key_is_answered() -> None:
    client, pauses = ThrottlingClient(serve=2), []
    items = list(batch_get(client, TABLE, [_key(n) for n in range(5)], sleep=pauses.append))
    assert [i["update_id"]["S"] for i in items] == ["u0", "u1", "u2", "u3", "u4"]
    assert [len(keys) for keys in client.requests] == [5, 3, 1]
    assert pauses == [0.05, 0.1]  # a pause before each repeat, doubling


def test_given_more_than_100_keys_then_each_request_holds_at_most_100() -> None:
    client = ThrottlingClient()
    items = list(batch_get(client, TABLE, [_key(n) for n in range(250)], sleep=lambda _: None))
    assert len(items) == 250 and [len(keys) for keys in client.requests] == [100, 100, 50]


def test_given_keys_left_unprocessed_past_the_attempts_then_store_busy_not_a_partial_answer() -> None:
    client, pauses = ThrottlingClient(serve=1, stuck=BATCH_GET_ATTEMPTS), []
    with pytest.raises(StoreBusy, match=r"t: 2 keys still unprocessed after 8 BatchGetItem requests"):
        list(batch_get(client, TABLE, [_key(n) for n in range(3)], sleep=pauses.append))
    assert len(client.requests) == BATCH_GET_ATTEMPTS
    assert len(pauses) == BATCH_GET_ATTEMPTS - 1 and max(pauses) == BATCH_GET_LONGEST_PAUSE_S
    assert sum(pauses) < 4  # bounded: a Lambda never spins until its timeout


def test_given_a_throttled_store_then_its_batch_reads_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipewatch.adapters.dynamo as dynamo

    monkeypatch.setattr(dynamo.time, "sleep", lambda _: None)
    store = Store(ThrottlingClient(serve=0, stuck=BATCH_GET_ATTEMPTS), TABLE)
    with pytest.raises(StoreBusy):
        store.existing_update_ids(["u1", "u2"])
    partly = Store(ThrottlingClient(serve=1), TABLE)
    assert partly.existing_update_ids(["u1", "u2", "u1"]) == {"u1", "u2"}

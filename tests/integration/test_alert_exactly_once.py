"""Exactly-once alerts: a replayed stream batch, a retried Lambda and a publish failing half way through a
batch never send a second alert, and never lose one."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pipewatch.adapters.aws import client
from pipewatch.adapters.store import Store
from pipewatch.composition import build_alert_service
from pipewatch.domain.models import Classification, Update
from pipewatch.handlers import alert as alert_handler
from pipewatch.settings import Settings
from pipewatch_local.local_stack import LambdaContext, StreamPump, add_shadow_subscriber

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _update(n: int, agents: tuple[str, ...] = ("efgartigimod",), severity: str = "high") -> Update:
    return Update(
        update_id=f"u-test-{n}",
        title=f"Hand-made test update {n}",
        url=f"https://example.com/{n}",
        source_id="test",
        classification=Classification(
            relevant=True, agents=agents, event_type="regulatory", severity=severity, reasons=("hand-made",)
        ),
        first_seen=NOW,
    )


class FlakySns:
    """A real (moto) SNS client whose publish fails once for chosen update ids, as a throttled SNS would."""

    def __init__(self, real: Any, fail_once_for: set[str]) -> None:
        self._real = real
        self._fail = set(fail_once_for)
        self.attempts: list[str] = []

    def publish(self, **kwargs: Any) -> Any:
        update_id = kwargs["MessageAttributes"]["update_id"]["StringValue"]
        self.attempts.append(update_id)
        if update_id in self._fail:
            self._fail.discard(update_id)
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "Publish")
        return self._real.publish(**kwargs)


@pytest.fixture
def wired(local_stack: Any) -> dict[str, Any]:
    settings = Settings.from_env()
    sns = FlakySns(client("sns", settings), set())
    service = build_alert_service(settings, sns_client=sns)
    handler = partial(alert_handler.handler, service=service)
    store = Store(client("dynamodb", settings), settings.table_name)
    pump = StreamPump(
        settings.table_name,
        handler,
        function_name="alert",
        filters=[{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["update"]}}}}],
    )
    inbox = add_shadow_subscriber(settings.topic_arn, "all", None)
    return {"store": store, "pump": pump, "sns": sns, "inbox": inbox, "handler": handler}


def _ids(inbox: Any) -> list[str]:
    return sorted(m["MessageAttributes"]["update_id"]["Value"] for m in inbox.received())


def test_given_a_batch_when_delivered_twice_then_each_update_is_alerted_once(wired: dict[str, Any]) -> None:
    for n in range(3):
        assert wired["store"].put_update(_update(n))
    assert wired["pump"].pump() == 3
    batch = wired["pump"].invocations[-1]["Records"]

    answer = wired["pump"].deliver_batch(batch)  # the same records again: a Lambda retry or replay

    assert answer == {"batchItemFailures": []}
    assert _ids(wired["inbox"]) == ["u-test-0", "u-test-1", "u-test-2"]


def test_given_a_publish_failing_half_way_then_only_that_record_is_retried(wired: dict[str, Any]) -> None:
    wired["sns"]._fail = {"u-test-1"}
    for n in range(3):
        wired["store"].put_update(_update(n))

    wired["pump"].pump()

    # The pump acted as Lambda's event source: it honoured batchItemFailures and re-delivered.
    first = wired["pump"].invocations[0]
    assert len(wired["pump"].invocations) == 2
    retried = [r["dynamodb"]["NewImage"]["update_id"]["S"] for r in wired["pump"].invocations[1]["Records"]]
    assert retried == ["u-test-1", "u-test-2"]  # streams resume from the first failed record
    assert len(first["Records"]) == 3
    # u-test-2 was re-delivered but its publish is idempotent: 3 alerts in all, one each.
    assert _ids(wired["inbox"]) == ["u-test-0", "u-test-1", "u-test-2"]
    assert wired["sns"].attempts.count("u-test-1") == 2
    assert wired["sns"].attempts.count("u-test-2") == 1


def test_given_a_put_of_a_stored_update_then_no_second_stream_record(wired: dict[str, Any]) -> None:
    assert wired["store"].put_update(_update(7))
    assert not wired["store"].put_update(_update(7))  # re-poll: conditional write refuses
    assert wired["pump"].pump() == 1
    assert _ids(wired["inbox"]) == ["u-test-7"]


def test_given_non_update_records_then_the_handler_ignores_them(wired: dict[str, Any]) -> None:
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "SequenceNumber": "1",
            "NewImage": {"pk": {"S": "SOURCE#x"}, "kind": {"S": "source_state"}},
        },
    }
    answer = wired["handler"]({"Records": [record]}, LambdaContext("alert"))
    assert answer == {"batchItemFailures": []}
    assert _ids(wired["inbox"]) == []

"""adapters/idempotency.py: Powertools idempotency (its import, the persistence layer and the DynamoDB client
the layer registers on) is set up by the first publish, not by building the alert or digest service (cold
start, issue 28); the keys of the records it writes stay those written before."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

import pipewatch.adapters.aws as aws
from pipewatch.adapters.idempotency import IdempotentDigestPublisher, make_idempotent_publish
from pipewatch.composition import build_alert_service, build_digest_service
from pipewatch.settings import Settings

# Hand-made settings of a deployed function (no AWS call is made: nothing here reaches a client's API).
SETTINGS = Settings(table_name="t", topic_arn="arn:aws:sns:us-east-1:123456789012:t")


class RecordingClient:
    """A stand-in DynamoDB client that records every attribute read (a layer registering on it reads meta)."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.read.append(name)
        return SimpleNamespace(events=SimpleNamespace(register=lambda *args, **kwargs: None))


@pytest.fixture
def created(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The services boto3 is asked for a client of (boto3.client replaced by a recorder)."""
    made: list[str] = []

    def fake_client(service: str, **kwargs: Any) -> Any:
        made.append(service)
        return RecordingClient()

    monkeypatch.setattr(aws.boto3, "client", fake_client)
    return made


def test_given_the_alert_service_when_built_then_no_client_is_created(created: list[str]) -> None:
    build_alert_service(SETTINGS)
    assert created == []


def test_given_the_digest_service_when_built_then_no_client_is_created(created: list[str]) -> None:
    build_digest_service(SETTINGS)
    assert created == []


def test_given_an_alert_publisher_when_built_then_its_client_is_untouched_until_first_needed() -> None:
    ddb = RecordingClient()
    publisher = make_idempotent_publish(
        lambda alert: "m-1", table_name="t", dynamodb_client=ddb, ttl_seconds=60
    )
    assert ddb.read == []
    assert publisher.persistence.table_name == "t"  # set up now (as a first publish does), once
    assert ddb.read == ["meta"]
    assert publisher.persistence is publisher.persistence
    assert ddb.read == ["meta"]


def test_given_a_context_registered_before_set_up_then_powertools_gets_it_at_set_up() -> None:
    publisher = IdempotentDigestPublisher(
        lambda message, part: "m-1", table_name="t", dynamodb_client=RecordingClient(), ttl_seconds=60
    )
    first, second = SimpleNamespace(name="first"), SimpleNamespace(name="second")
    publisher.register_lambda_context(first)
    assert publisher.config.lambda_context is first
    publisher.register_lambda_context(second)  # the next invocation, after set-up
    assert publisher.config.lambda_context is second


def test_given_the_publishers_then_their_record_keys_name_the_functions_they_always_named() -> None:
    """Powertools keys a record `<function>.<module>.<qualified name>#<hash>`: these names are the ones the
    records stored before the set-up moved to the first publish carry, so those still stop a duplicate."""
    alert = make_idempotent_publish(
        lambda a: "m", table_name="t", dynamodb_client=RecordingClient(), ttl_seconds=1
    )
    digest = IdempotentDigestPublisher(
        lambda m, p: "m", table_name="t", dynamodb_client=RecordingClient(), ttl_seconds=1
    )
    names = [
        f"{wrapped.__module__}.{wrapped.__qualname__}"
        for wrapped in (
            alert._idempotent.machinery().decorated.__wrapped__,
            digest._idempotent.machinery().decorated.__wrapped__,
        )
    ]
    assert names == [
        "pipewatch.adapters.idempotency.make_idempotent_publish.<locals>.publish_once",
        "pipewatch.adapters.idempotency.IdempotentDigestPublisher.__init__.<locals>.publish_once",
    ]

"""Shared set-up of the delivery tests: template.yaml in moto with SES enabled, the delivery handler on the
delivery queue, local HTTP receivers on 127.0.0.1 (allowed only by the injected test address policy), moto's
SES recording each message, a clock the tests move, and the calls recorded per function role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from pipewatch.domain.models import Classification, Update
from pipewatch.domain.subscribers.channels import AddressPolicy
from pipewatch_local.webhook_receiver import WebhookReceiver

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SENDER = "alerts@pipewatch.example"
ANALYST = "analyst@example.com"
OWNER = "owner@example.com"
ACCOUNT = "123456789012"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeLinks:
    """The UnsubscribeLinks port (domain/subscribers/links.py SignedLinks is a colleague's): fixed URLs."""

    def unsubscribe_url(self, subscription_id: str) -> str:
        return f"https://pipewatch.example/unsubscribe/token-for-{subscription_id}"


@dataclass
class Env:
    stack: Any
    receiver: WebhookReceiver
    clock: Clock
    subscriptions: Any
    delivery: Any
    alert: Any
    store: Any
    sqs: Any
    recorder: Any = None
    deliver: Any = None  # the delivery handler wired to `delivery` and a queue recording deferrals
    deferred: list[float] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


def _update(update_id: str, *, agents: tuple[str, ...] = ("efgartigimod",), severity: str = "high") -> Update:
    return Update(
        update_id=update_id,
        title=f"Argenx wins approval for Vyvgart ({update_id})",
        url=f"https://example.com/news/{update_id}",
        source_id="press",
        source_name="Press Wire",
        sources=("Press Wire", "Endpoints"),
        first_seen=datetime(2026, 12, 1, 8, tzinfo=UTC),
        classification=Classification(
            relevant=True, agents=agents, indications=("dermatomyositis",), event_type="regulatory",
            severity=severity, reasons=("agent efgartigimod (alias VYVGART)",),
        ),
    )  # fmt: skip


@pytest.fixture(name="env")
def env_fixture() -> Iterator[Env]:
    """The stack with SES on; import `env_fixture` into a test module to use the `env` fixture."""
    from moto import mock_aws

    from pipewatch.adapters.aws import client
    from pipewatch.adapters.store import Store
    from pipewatch.adapters.webhook_http import HttpsPoster
    from pipewatch.composition import (
        build_alert_service,
        build_delivery_service,
        build_subscription_service,
    )
    from pipewatch.handlers import deliver
    from pipewatch.settings import Settings
    from pipewatch_local.call_recorder import CallRecorder
    from pipewatch_local.local_stack import create_local_stack, use_stack_environment

    saved = dict(os.environ)
    recorder = CallRecorder()
    with mock_aws(), WebhookReceiver() as receiver:
        recorder.install()
        stack = create_local_stack(
            parameters={"SesSender": SENDER, "SesIdentity": "pipewatch.example", "SesConfigurationSet": "pw"}
        )
        use_stack_environment(
            stack, {"PIPEWATCH_SES_SENDER": SENDER, "PIPEWATCH_SES_CONFIGURATION_SET": "pw"}
        )
        settings = Settings.from_env()
        ses = client("ses", settings)
        ses.verify_domain_identity(Domain="pipewatch.example")
        ses.create_configuration_set(ConfigurationSet={"Name": "pw"})
        clock = Clock()
        loopback = AddressPolicy.loopback_for_tests()
        poster = HttpsPoster(policy=loopback, connect_timeout=1.0, read_timeout=0.5)
        delivery = build_delivery_service(settings, poster=poster, links=FakeLinks(), clock=clock)
        e = Env(
            stack=stack,
            receiver=receiver,
            clock=clock,
            subscriptions=build_subscription_service(
                settings, destination_check=HttpsPoster(policy=loopback).check
            ),
            delivery=delivery,
            alert=build_alert_service(settings),
            store=Store(client("dynamodb", settings), settings.table_name),
            sqs=client("sqs", settings),
            recorder=recorder,
        )

        class RecordingQueue:
            def delay(self, receipt_handle: str, seconds: float) -> None:
                e.deferred.append(seconds)

        e.deliver = partial(deliver.handler, service=delivery, queue=RecordingQueue())
        try:
            yield e
        finally:
            recorder.uninstall()
    os.environ.clear()
    os.environ.update(saved)


def _subscribe_channels(e: Env, **owners: str) -> None:
    for kind in ("slack", "teams", "webhook"):
        record, secret = e.subscriptions.subscribe_channel(
            kind, e.receiver.url(f"/{kind}"), {"agents": ["efgartigimod"]}, owner=owners.get(kind, "")
        )
        assert secret is not None
        e.secrets[kind] = secret
        e.ids[kind] = record.subscription_id
    e.ids["email"] = e.subscriptions.subscribe({"endpoint": ANALYST}).subscription_id


def _alert(e: Env, update: Update) -> None:
    from pipewatch.adapters.store import update_to_item

    e.store.put_update(update)
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": _ddb_image(update_to_item(update))}}
    e.alert.handle_record(record)


def _ddb_image(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    return {k: serializer.serialize(v) for k, v in item.items() if v is not None}


def _pump(e: Env, max_batches: int = 50) -> Any:
    from pipewatch_local.local_stack import QueuePump

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        # The pump makes a deferred message visible again at once; the clock moves as if its wait passed.
        e.clock.advance(15)
        answer: dict[str, Any] = e.deliver(event, context)
        return answer

    pump = QueuePump(e.stack.output("DeliveryQueueUrl"), handler, function_name="deliver", batch_size=10)
    pump.pump(max_batches)
    return pump


def _ses_messages() -> list[Any]:
    """What moto's SES recorded (its `destinations` repeat the To header's address, as moto appends it)."""
    from moto.ses.models import ses_backends

    return list(ses_backends[ACCOUNT]["us-east-1"].sent_messages)


def _webhook_posts(e: Env) -> list[Any]:
    return e.receiver.at("/webhook")


def _webhook_only(e: Env, path: str = "/webhook", owner: str = "") -> str:
    record, secret = e.subscriptions.subscribe_channel(
        "webhook", e.receiver.url(path), {"agents": ["efgartigimod"]}, owner=owner
    )
    e.secrets[path] = secret
    return str(record.subscription_id)


def _feedback(e: Env, fixture: str) -> None:
    """Publish an SES notification to the feedback topic, as SES does (hand-made payloads, see the README)."""
    from pipewatch.adapters.aws import client
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    message = (FIXTURES / "ses" / fixture).read_text(encoding="utf-8")
    client("sns", settings).publish(TopicArn=settings.email_feedback_topic_arn, Message=message)

"""Delivery to Slack, Teams, signed webhooks and SES e-mail on the stack (template.yaml in moto, SES
enabled): the alerts topic -> the delivery queue -> the delivery handler -> local HTTP receivers on
127.0.0.1 (allowed only by the injected test address policy) and moto's SES, which records each message.

Failure paths: 500 then success, 429 with Retry-After, a read timeout, a destination failing N times (its
owner told once, by e-mail) and resuming, one failing destination beside a healthy one, redelivery of the
same SQS message, a permanent SES bounce suppressing the address."""

from __future__ import annotations

import email
import email.policy
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipewatch.domain.channels import AddressPolicy
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.webhooks import verify, webhook_id
from pipewatch.services.delivery import DeliveryJob, RetryLater
from pipewatch_local.webhook_receiver import Answer, WebhookReceiver

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
    """The UnsubscribeLinks port (domain/links.py SignedLinks is a colleague's): deterministic URLs."""

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


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
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

        monkeypatch.setattr(deliver, "_service", lambda: delivery)
        monkeypatch.setattr(deliver, "_queue", RecordingQueue)
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
    from pipewatch.handlers import deliver
    from pipewatch_local.local_stack import QueuePump

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        # The pump makes a deferred message visible again at once; the clock moves as if its wait passed.
        e.clock.advance(15)
        return deliver.handler(event, context)

    pump = QueuePump(e.stack.output("DeliveryQueueUrl"), handler, function_name="deliver", batch_size=10)
    pump.pump(max_batches)
    return pump


def _ses_messages() -> list[Any]:
    """What moto's SES recorded (its `destinations` repeat the To header's address, as moto appends it)."""
    from moto.ses.models import ses_backends

    return list(ses_backends[ACCOUNT]["us-east-1"].sent_messages)


def _webhook_posts(e: Env) -> list[Any]:
    return e.receiver.at("/webhook")


# -- every channel receives its rendering, once ----------------------------------------------------
def test_given_four_channel_subscribers_when_an_update_is_alerted_then_each_receives_its_rendering_once(
    env: Env,
) -> None:
    _subscribe_channels(env)
    _alert(env, _update("u-1"))
    _pump(env)

    (slack,) = env.receiver.at("/slack")
    blocks = json.loads(slack.body)["blocks"]
    assert blocks[0]["text"]["text"].startswith("*<https://example.com/news/u-1|Argenx wins approval")
    (teams,) = env.receiver.at("/teams")
    card = json.loads(teams.body)["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    (hook,) = _webhook_posts(env)
    verify(env.secrets["webhook"], hook.headers, hook.body, now=int(env.clock.now.timestamp()))
    assert hook.headers["webhook-id"] == webhook_id(env.ids["webhook"], "u-1")
    assert json.loads(hook.body)["update"]["update_id"] == "u-1"
    # Slack and Teams are signed too (same headers); a receiver that ignores them loses nothing.
    verify(env.secrets["slack"], slack.headers, slack.body, now=int(env.clock.now.timestamp()))

    (mail,) = _ses_messages()
    assert set(mail.destinations) == {ANALYST}
    parsed = email.message_from_string(mail.raw_data, policy=email.policy.default)
    assert parsed["Subject"].startswith("[HIGH] efgartigimod: regulatory")
    unsubscribe = f"https://pipewatch.example/unsubscribe/token-for-{env.ids['email']}"
    assert parsed["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in parsed.walk()
        if not p.is_multipart()
    }
    assert set(parts) == {"text/plain", "text/html"}
    assert "Argenx wins approval" in parts["text/plain"]
    assert '<a href="https://example.com/news/u-1">' in parts["text/html"]
    assert unsubscribe in parts["text/html"]


def test_given_filters_then_a_channel_subscriber_gets_only_what_its_policy_selects(env: Env) -> None:
    _subscribe_channels(env)
    _alert(env, _update("u-other", agents=("brepocitinib",)))
    _pump(env)
    assert env.receiver.received == []
    assert _ses_messages() != []  # the e-mail subscriber wants any agent


# -- exactly once ----------------------------------------------------------------------------------
def test_given_the_same_messages_redelivered_then_nothing_is_sent_twice(env: Env) -> None:
    _subscribe_channels(env)
    _alert(env, _update("u-1"))
    queue = env.stack.output("DeliveryQueueUrl")
    # Keep every body the queue carried (the SNS envelope and the jobs) to send them all again.
    bodies: list[str] = []
    from pipewatch.handlers import deliver

    real = deliver.handler

    def recording(event: dict[str, Any], context: Any) -> dict[str, Any]:
        bodies.extend(r["body"] for r in event["Records"])
        return real(event, context)

    from pipewatch_local.local_stack import QueuePump

    def recording_and_ticking(event: dict[str, Any], context: Any) -> dict[str, Any]:
        env.clock.advance(15)
        return recording(event, context)

    QueuePump(queue, recording_and_ticking, function_name="deliver").pump()
    assert len(env.receiver.received) == 3
    assert len(bodies) == 5  # one envelope, four jobs
    for body in bodies:
        env.sqs.send_message(QueueUrl=queue, MessageBody=body)
    _pump(env)
    assert len(env.receiver.received) == 3
    assert len(_ses_messages()) == 1


# -- failure paths ---------------------------------------------------------------------------------
def _webhook_only(e: Env, path: str = "/webhook", owner: str = "") -> str:
    record, secret = e.subscriptions.subscribe_channel(
        "webhook", e.receiver.url(path), {"agents": ["efgartigimod"]}, owner=owner
    )
    e.secrets[path] = secret
    return str(record.subscription_id)


def test_given_a_500_then_the_job_is_deferred_with_backoff_and_the_retry_delivers_once(env: Env) -> None:
    env.receiver.scripts["/webhook"] = [Answer(500), Answer(200)]
    sid = _webhook_only(env)
    _alert(env, _update("u-1"))
    _pump(env)
    posts = _webhook_posts(env)
    assert [p.status for p in posts] == [500, 200]
    assert posts[0].headers["webhook-id"] == posts[1].headers["webhook-id"] == webhook_id(sid, "u-1")
    assert env.deferred == [10.0]  # first backoff step, as a visibility timeout, not a sleep


def test_given_a_429_with_retry_after_then_the_destination_waits_that_long(env: Env) -> None:
    env.receiver.scripts["/webhook"] = [Answer(429, {"Retry-After": "7"}), Answer(200)]
    sid = _webhook_only(env)
    job = DeliveryJob(subscription_id=sid, update_id="u-1").model_dump_json()
    env.store.put_update(_update("u-1"))
    with pytest.raises(RetryLater) as first:
        env.delivery.handle_body(job, 1)
    assert first.value.seconds == 7.0
    env.clock.advance(3)
    with pytest.raises(RetryLater, match="rate cap") as early:
        env.delivery.handle_body(job, 2)
    assert early.value.seconds == pytest.approx(4.0)
    assert len(_webhook_posts(env)) == 1  # no POST while held
    env.clock.advance(4)
    assert env.delivery.handle_body(job, 3) == "sent"
    assert [p.status for p in _webhook_posts(env)] == [429, 200]


def test_given_a_slack_channel_then_a_second_message_within_a_second_waits_for_the_rate_cap(env: Env) -> None:
    record, _ = env.subscriptions.subscribe_channel("slack", env.receiver.url("/slack"), {})
    env.store.put_update(_update("u-1"))
    env.store.put_update(_update("u-2"))
    jobs = [
        DeliveryJob(subscription_id=record.subscription_id, update_id=u).model_dump_json()
        for u in ("u-1", "u-2")
    ]
    assert env.delivery.handle_body(jobs[0]) == "sent"
    with pytest.raises(RetryLater, match="rate cap"):
        env.delivery.handle_body(jobs[1])
    env.clock.advance(1.0)
    assert env.delivery.handle_body(jobs[1]) == "sent"
    assert len(env.receiver.at("/slack")) == 2


def test_given_a_burst_to_one_slack_channel_then_each_message_waits_once_for_its_own_reserved_slot(
    env: Env,
) -> None:
    record, _ = env.subscriptions.subscribe_channel("slack", env.receiver.url("/slack"), {})
    jobs = []
    for n in range(5):
        env.store.put_update(_update(f"u-{n}"))
        jobs.append(DeliveryJob(subscription_id=record.subscription_id, update_id=f"u-{n}").model_dump_json())
    assert env.delivery.handle_body(jobs[0]) == "sent"
    waits = []
    for job in jobs[1:]:
        with pytest.raises(RetryLater, match="rate cap") as deferred:
            env.delivery.handle_body(job)
        waits.append(deferred.value.seconds)
    assert waits == [1.0, 2.0, 3.0, 4.0]  # in order, one second apart: no contention on retry
    env.clock.advance(4.0)
    assert [env.delivery.handle_body(job, 2) for job in jobs[1:]] == ["sent"] * 4
    assert len(env.receiver.at("/slack")) == 5


def test_given_a_timeout_then_the_retry_resends_the_same_webhook_id(env: Env) -> None:
    env.receiver.scripts["/webhook"] = [Answer(200, delay=1.5), Answer(200)]
    sid = _webhook_only(env)
    env.store.put_update(_update("u-1"))
    job = DeliveryJob(subscription_id=sid, update_id="u-1").model_dump_json()
    with pytest.raises(RetryLater, match="no answer"):
        env.delivery.handle_body(job, 1)
    env.clock.advance(10)
    assert env.delivery.handle_body(job, 2) == "sent"
    # The receiver got it twice (the first answer came too late): the window the webhook-id closes.
    posts = _webhook_posts(env)
    assert len(posts) == 2
    assert posts[0].headers["webhook-id"] == posts[1].headers["webhook-id"]


def test_given_n_consecutive_failures_then_the_destination_is_failing_its_owner_told_once_and_it_resumes(
    env: Env,
) -> None:
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.delivery_store import DeliveryStore
    from pipewatch.settings import Settings

    env.receiver.scripts["/webhook"] = [Answer(503)] * 6 + [Answer(200)]
    sid = _webhook_only(env, owner=OWNER)
    env.store.put_update(_update("u-1"))
    job = DeliveryJob(subscription_id=sid, update_id="u-1").model_dump_json()
    for attempt in range(1, 7):
        with pytest.raises(RetryLater, match="HTTP 503"):
            env.delivery.handle_body(job, attempt)
        env.clock.advance(2)
    settings = Settings.from_env()
    state = DeliveryStore(client("dynamodb", settings), settings.table_name).destination_state(sid)
    assert state["failing"] is True
    assert state["consecutive_failures"] == 6
    notices = [m for m in _ses_messages() if set(m.destinations) == {OWNER}]
    assert len(notices) == 1
    assert (
        "is failing (5 attempts in a row: HTTP 503)"
        in email.message_from_string(notices[0].raw_data).get_payload()[0].get_payload(decode=True).decode()
    )
    assert env.delivery.handle_body(job, 7) == "sent"
    state = DeliveryStore(client("dynamodb", settings), settings.table_name).destination_state(sid)
    assert state == {**state, "failing": False, "consecutive_failures": 0}
    assert len([m for m in _ses_messages() if set(m.destinations) == {OWNER}]) == 2  # "is delivering again"


def test_given_one_destination_failing_then_the_others_in_the_batch_are_delivered_on_the_first_pass(
    env: Env,
) -> None:
    env.receiver.scripts["/down"] = [Answer(500)]
    _webhook_only(env, "/down")
    _webhook_only(env, "/up")
    _alert(env, _update("u-1"))
    pump = _pump(env, max_batches=2)  # the fan-out, then the first pass over the jobs
    assert [p.status for p in env.receiver.at("/up")] == [200]
    assert len(env.receiver.at("/down")) >= 1
    assert len(pump.failures) >= 1


def test_given_an_unsubscribed_destination_then_its_pending_job_is_dropped(env: Env) -> None:
    sid = _webhook_only(env)
    env.store.put_update(_update("u-1"))
    env.subscriptions.unsubscribe(sid)
    job = DeliveryJob(subscription_id=sid, update_id="u-1").model_dump_json()
    assert env.delivery.handle_body(job) == "dropped"
    assert _webhook_posts(env) == []


def _feedback(e: Env, fixture: str) -> None:
    """Publish an SES notification to the feedback topic, as SES does (hand-made payloads, see the README)."""
    from pipewatch.adapters.aws import client
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    message = (FIXTURES / "ses" / fixture).read_text(encoding="utf-8")
    client("sns", settings).publish(TopicArn=settings.email_feedback_topic_arn, Message=message)


def test_given_bounces_and_complaints_then_hard_bounces_and_complaints_suppress_and_soft_bounces_do_not(
    env: Env,
) -> None:
    for address in ("gone@example.com", "full@example.com", "angry@example.com"):
        env.subscriptions.subscribe({"endpoint": address})
    for fixture in (
        "bounce_permanent_HANDMADE.json",
        "bounce_transient_HANDMADE.json",
        "complaint_HANDMADE.json",
    ):
        _feedback(env, fixture)
    _pump(env)
    _alert(env, _update("u-1"))
    _pump(env)
    assert [set(m.destinations) for m in _ses_messages()] == [{"full@example.com"}]


# -- credentials -----------------------------------------------------------------------------------
def test_given_a_channel_subscription_then_its_url_and_secret_are_stored_encrypted_and_never_listed(
    env: Env,
) -> None:
    from pipewatch.adapters.aws import client
    from pipewatch.settings import Settings

    secret_path = "/webhook/T0SECRET/B0SECRET"
    record, secret = env.subscriptions.subscribe_channel("webhook", env.receiver.url(secret_path), {})
    settings = Settings.from_env()
    items = client("dynamodb", settings).scan(TableName=settings.table_name)["Items"]
    dumped = json.dumps(items)
    assert "T0SECRET" not in dumped
    assert secret is not None
    assert secret.removeprefix("whsec_") not in dumped
    listed = json.dumps([r.as_output() for r in env.subscriptions.list()])
    assert "T0SECRET" not in listed
    assert record.subscription.endpoint.startswith(env.receiver.base_url + "/…#")
    # The same URL again changes preferences and shows no secret.
    again, no_secret = env.subscriptions.subscribe_channel(
        "webhook", env.receiver.url(secret_path), {"min_severity": "high"}
    )
    assert no_secret is None
    assert again.subscription_id == record.subscription_id


# -- least privilege with SES on --------------------------------------------------------------------------
def test_given_ses_mode_then_every_delivery_call_is_allowed_by_the_role_and_the_ses_grants_are_used(
    env: Env,
) -> None:
    from pipewatch_local.local_stack import function_role_policies
    from pipewatch_local.policy_eval import Decision, evaluate, statements

    with env.recorder.acting_as("ApiFunction"):
        _subscribe_channels(env)
        env.subscriptions.subscribe({"endpoint": "gone@example.com"})
    _alert(env, _update("u-1"))
    _feedback(env, "bounce_permanent_HANDMADE.json")
    with env.recorder.acting_as("DeliverFunction"):
        _pump(env)
    # The bounce is handled in the batch that fans the alert out, so gone@ is suppressed before its job.
    assert [set(m.destinations) for m in _ses_messages()] == [{ANALYST}]
    policies = function_role_policies(env.stack, "DeliverFunction")
    calls = env.recorder.for_principal("DeliverFunction")
    denied = [c for c in calls if evaluate(policies, c.request) is not Decision.ALLOW]
    assert calls and not denied, [(c.operation, c.request) for c in denied[:5]]
    by_sid = {s.get("Sid"): s for s in statements(policies)}
    for sid in ("SendEmail", "SuppressedAddresses"):
        alone = [{"Statement": [by_sid[sid]]}]
        for action in by_sid[sid]["Action"]:
            assert any(
                c.request.action == action and evaluate(alone, c.request) is Decision.ALLOW for c in calls
            ), (sid, action)
    # The SES grant names the identity and the configuration set, nothing wider.
    assert by_sid["SendEmail"]["Resource"] == [
        "arn:aws:ses:us-east-1:123456789012:identity/pipewatch.example",
        "arn:aws:ses:us-east-1:123456789012:configuration-set/pw",
    ]


def test_given_a_worker_that_died_mid_send_then_its_claim_is_taken_over_after_the_lease_only(
    env: Env,
) -> None:
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.delivery_store import DeliveryStore
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    store = DeliveryStore(client("dynamodb", settings), settings.table_name)
    first = store.claim("sub-a", "u-1", token="A", now=1000.0, lease_seconds=60)
    assert (first.result, first.attempts) == ("claimed", 1)
    held = store.claim("sub-a", "u-1", token="B", now=1030.0, lease_seconds=60)
    assert (held.result, held.lease_until) == ("in_flight", 1060.0)
    taken = store.claim("sub-a", "u-1", token="B", now=1061.0, lease_seconds=60)
    assert (taken.result, taken.attempts) == ("claimed", 2)
    assert store.mark_sent("sub-a", "u-1", token="A", now=1062.0) is False  # the dead worker's late write
    assert store.mark_sent("sub-a", "u-1", token="B", now=1062.0) is True
    assert store.claim("sub-a", "u-1", token="C", now=5000.0, lease_seconds=60).result == "sent"
    # A released claim is free at once (a failed attempt), without waiting for its lease.
    store.claim("sub-a", "u-2", token="D", now=1000.0, lease_seconds=60)
    assert store.release("sub-a", "u-2", token="D", now=1001.0) is True
    assert store.claim("sub-a", "u-2", token="E", now=1002.0, lease_seconds=60).result == "claimed"


def test_given_an_email_subscriber_from_before_ses_then_ses_does_not_mail_it_until_it_resubscribes(
    env: Env,
) -> None:
    from pipewatch.composition import build_subscription_service
    from pipewatch.settings import Settings

    before_ses = build_subscription_service(Settings.from_env().model_copy(update={"ses_sender": ""}))
    old = before_ses.subscribe({"endpoint": "early@example.com"})
    assert old.sns_arn  # SNS mails it
    _alert(env, _update("u-1"))
    _pump(env)
    assert _ses_messages() == []  # never both SNS and SES
    moved = env.subscriptions.subscribe({"endpoint": "early@example.com"})
    assert moved.sns_arn == ""
    _alert(env, _update("u-2"))
    _pump(env)
    assert [set(m.destinations) for m in _ses_messages()] == [{"early@example.com"}]

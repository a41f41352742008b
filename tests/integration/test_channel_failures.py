"""Delivery failure paths on the stack: 500 then success, 429 with Retry-After, the per-destination rate cap
and a burst, a read timeout, a destination failing N times (its owner told once) and resuming, one failing
destination beside a healthy one, an unsubscribed destination, DNS rebinding at send time, and a claim
taken over after a dead worker's lease (set-up: channel_env.py)."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest
from channel_env import (
    OWNER,
    Env,
    _alert,
    _pump,
    _ses_messages,
    _update,
    _webhook_only,
    _webhook_posts,
    env_fixture,  # noqa: F401 - provides the `env` fixture
)

from pipewatch.domain.render.webhooks import webhook_id
from pipewatch.services.delivery import DeliveryJob, RetryLater
from pipewatch_local.webhook_receiver import Answer


def _destination_state(settings: Any, subscription_id: str) -> dict[str, Any]:
    """The destination item's failure streak, failing flag and next send time, read from the table."""
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.delivery_store import DESTINATION_SK
    from pipewatch.adapters.dynamo import from_item

    key = {"pk": {"S": f"DESTINATION#{subscription_id}"}, "sk": {"S": DESTINATION_SK}}
    item = from_item(
        client("dynamodb", settings).get_item(TableName=settings.table_name, Key=key).get("Item", {})
    )
    return {
        "consecutive_failures": int(item.get("consecutive_failures", 0)),
        "failing": bool(item.get("failing", False)),
        "next_send_at": float(item.get("next_send_at", 0)),
    }


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
    state = _destination_state(settings, sid)
    assert state["failing"] is True
    assert state["consecutive_failures"] == 6
    notices = [m for m in _ses_messages() if set(m.destinations) == {OWNER}]
    assert len(notices) == 1
    assert (
        "is failing (5 attempts in a row: HTTP 503)"
        in email.message_from_string(notices[0].raw_data).get_payload()[0].get_payload(decode=True).decode()
    )
    assert env.delivery.handle_body(job, 7) == "sent"
    state = _destination_state(settings, sid)
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


def test_given_a_name_that_rebinds_to_a_private_address_at_send_time_then_nothing_is_posted(env: Env) -> None:
    from pipewatch.adapters.webhook_http import HttpsPoster
    from pipewatch.composition import build_delivery_service, build_subscription_service
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    public = HttpsPoster(resolver=lambda host, port: ["93.184.216.34"])
    subscriptions = build_subscription_service(settings, destination_check=public.check)
    record, _ = subscriptions.subscribe_channel("webhook", "https://rebind.example.com/hook", {})
    rebound = HttpsPoster(resolver=lambda host, port: ["10.0.0.7"])  # the attacker's DNS answer, later
    delivery = build_delivery_service(settings, poster=rebound, clock=env.clock)
    env.store.put_update(_update("u-1"))
    job = DeliveryJob(subscription_id=record.subscription_id, update_id="u-1").model_dump_json()
    with pytest.raises(RetryLater, match=r"10\.0\.0\.7, a private address"):
        delivery.handle_body(job, 1)
    state = _destination_state(settings, record.subscription_id)
    assert state["consecutive_failures"] == 1
    env.clock.advance(120)
    with pytest.raises(RetryLater):  # released, so the retry tries (and refuses) again, not "in flight"
        delivery.handle_body(job, 2)

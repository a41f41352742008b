"""Time and hostile answers on the delivery and source paths (issue 27, findings 2 and 8), against local
receivers on 127.0.0.1 that answer one byte at a time (a slow drip: each byte sooner than any read timeout,
the answer as a whole far later) or send hand-made Retry-After values.

- A POST has a total deadline, not a per-read one: the drip is cut off at the deadline.
- One batch holding a dripping destination and a healthy one: the function answers before its own
  timeout, the healthy destination is delivered once on the first pass and never again, the slow one is
  counted failed and retried alone (set-up: channel_env.py).
- A Retry-After of 5,000 digits (or garbage) never raises out of delivery nor out of a source poll.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from channel_env import (
    Env,
    _alert,
    _update,
    _webhook_only,
    env_fixture,  # noqa: F401 - provides the `env` fixture
)

from pipewatch.adapters.webhook_http import HttpsPoster
from pipewatch.domain.subscribers.channels import AddressPolicy
from pipewatch.services.delivery import DeliveryJob, RetryLater
from pipewatch_local.replay_server import ReplayServer, Reply
from pipewatch_local.webhook_receiver import Answer, WebhookReceiver

DRIP = Answer(200, drip=0.1, drip_for=6.0)  # ~100 bytes at 10 bytes/s: 6 s, each byte 0.1 s apart
FUNCTION_MS = 5_000  # the remaining time the test's Lambda context reports: a job budget of ~2 s


def test_given_a_slow_drip_webhook_then_the_post_ends_at_its_total_deadline() -> None:
    with WebhookReceiver() as receiver:
        receiver.scripts["/drip"] = [DRIP]
        poster = HttpsPoster(
            policy=AddressPolicy.loopback_for_tests(), connect_timeout=1, read_timeout=0.5, total_timeout=1.0
        )
        started = time.monotonic()
        result = poster.post(receiver.url("/drip"), b"{}", {})
        elapsed = time.monotonic() - started
    assert result.status == 0
    assert result.error == "deadline of 1s"
    assert elapsed < 2.0  # the drip would take 6 s; each byte is well inside the 0.5 s read timeout


def test_given_a_drip_cut_off_after_its_status_code_then_the_truncated_answer_is_no_success() -> None:
    # At 2 s, "HTTP/1.1 200 Drippin" has arrived: http.client would read it as a whole 200.
    with WebhookReceiver() as receiver:
        receiver.scripts["/drip"] = [DRIP]
        poster = HttpsPoster(policy=AddressPolicy.loopback_for_tests(), read_timeout=0.5, total_timeout=2.0)
        result = poster.post(receiver.url("/drip"), b"{}", {})
    assert (result.status, result.error) == (0, "deadline of 2s")


def test_given_a_job_budget_shorter_than_the_posters_deadline_then_the_budget_wins() -> None:
    with WebhookReceiver() as receiver:
        receiver.scripts["/drip"] = [DRIP]
        poster = HttpsPoster(policy=AddressPolicy.loopback_for_tests(), read_timeout=0.5, total_timeout=8.0)
        started = time.monotonic()
        result = poster.post(receiver.url("/drip"), b"{}", {}, timeout=0.6)
        elapsed = time.monotonic() - started
    assert (result.status, result.error) == (0, "deadline of 0.6s")
    assert elapsed < 1.5


def _pump_batches(env: Env, batches: int) -> Any:
    """The delivery queue's event-source mapping, with a Lambda context that reports FUNCTION_MS left."""
    from pipewatch_local.event_sources import LambdaContext, QueuePump

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        env.clock.advance(15)  # as if a deferred message's wait (backoff, rate cap) had passed
        answer: dict[str, Any] = env.deliver(event, LambdaContext("deliver", timeout_ms=FUNCTION_MS))
        return answer

    pump = QueuePump(env.stack.output("DeliveryQueueUrl"), handler, function_name="deliver", batch_size=10)
    pump.pump(batches)
    return pump


def test_given_a_dripping_and_a_healthy_destination_in_one_batch_then_only_the_slow_one_waits(
    env: Env,
) -> None:
    from test_channel_failures import _destination_state

    from pipewatch.settings import Settings

    env.receiver.scripts["/drip"] = [DRIP, Answer(200)]
    slow = _webhook_only(env, "/drip")
    _webhook_only(env, "/up")
    _alert(env, _update("u-1"))
    _pump_batches(env, 1)  # the fan-out: one job per destination

    started = time.monotonic()
    first_pass = _pump_batches(env, 1)  # both jobs, in one batch
    elapsed = time.monotonic() - started

    assert elapsed < FUNCTION_MS / 1000  # answered before the function's own timeout
    assert [p.status for p in env.receiver.at("/up")] == [200]  # delivered on the first pass
    assert len(first_pass.failures) == 1  # the dripping job only
    assert _destination_state(Settings.from_env(), slow)["consecutive_failures"] == 1  # a timeout, counted

    _pump_batches(env, 3)  # the slow job comes back alone and is delivered
    assert [p.status for p in env.receiver.at("/up")] == [200]  # never redelivered
    drip_posts = env.receiver.at("/drip")
    assert len(drip_posts) == 2
    assert drip_posts[0].headers["webhook-id"] == drip_posts[1].headers["webhook-id"]


@pytest.mark.parametrize(
    ("retry_after", "wait", "problem"),
    [
        ("9" * 5000, 12 * 3600.0, "capped"),  # int() of 5,000 digits raises ValueError
        ("²", 10.0, "ignored"),  # isdigit() says yes, int() says no (more forms: test_http_limits.py)
    ],
)
def test_given_a_hostile_retry_after_then_delivery_defers_and_counts_the_failure(
    env: Env, retry_after: str, wait: float, problem: str
) -> None:
    from test_channel_failures import _destination_state

    from pipewatch.settings import Settings

    env.receiver.scripts["/webhook"] = [Answer(429, {"Retry-After": retry_after})]
    sid = _webhook_only(env)
    env.store.put_update(_update("u-1"))
    job = DeliveryJob(subscription_id=sid, update_id="u-1").model_dump_json()
    with pytest.raises(RetryLater, match="HTTP 429") as deferred:
        env.delivery.handle_body(job, 1)
    assert deferred.value.seconds == wait  # clamped, or the first backoff step
    settings = Settings.from_env()
    assert _destination_state(settings, sid)["consecutive_failures"] == 1
    assert problem in _last_error(settings, sid)


def _last_error(settings: Any, subscription_id: str) -> str:
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.delivery_store import DESTINATION_SK

    key = {"pk": {"S": f"DESTINATION#{subscription_id}"}, "sk": {"S": DESTINATION_SK}}
    item = client("dynamodb", settings).get_item(TableName=settings.table_name, Key=key)["Item"]
    return str(item["last_error"]["S"])


# -- the source fetcher ----------------------------------------------------------------------------------


def _fetcher() -> Any:
    from pipewatch.adapters.http import HttpFetcher

    return HttpFetcher(connect_timeout=1.0, read_timeout=0.5, default_interval=0.0, max_retries=1)


def test_given_a_slow_drip_source_then_the_fetch_ends_at_the_poll_deadline() -> None:
    from pipewatch.errors import SourceError

    with ReplayServer() as server:
        server.route("/feed.xml", Reply(200, b"<rss><channel></channel></rss>", drip=0.1, drip_for=6.0))
        started = time.monotonic()
        with pytest.raises(SourceError):
            _fetcher().get(server.url("/feed.xml"), source_id="press", deadline=time.monotonic() + 1.0)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0  # not the 6 s of the drip


def test_given_a_source_retry_after_of_5000_digits_then_the_poll_fails_cleanly() -> None:
    from pipewatch.errors import SourceError

    with ReplayServer() as server:
        server.route("/feed.xml", Reply(429, b"slow down", {"Retry-After": "9" * 5000}))
        with pytest.raises(SourceError, match="would pass the poll deadline"):
            _fetcher().get(server.url("/feed.xml"), source_id="press", deadline=time.monotonic() + 5.0)

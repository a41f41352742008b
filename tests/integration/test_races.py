"""Races on the moto stack: two pollers holding copies of one story, publishes whose outcome is unclear,
overlapping digest runs, a mode switch. Interleavings are forced deterministically by hooks."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

import pollkit
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from pollkit import NOW, rfc822, rss

from pipewatch.adapters.aws import client
from pipewatch.composition import build_alert_service, build_digest_service, build_subscription_service
from pipewatch.domain.models import Classification, Update
from pipewatch.handlers import alert as alert_handler
from pipewatch.observability import CountingMetrics
from pipewatch.settings import Settings
from pipewatch_local.local_stack import LambdaContext, StreamPump, add_shadow_subscriber
from pipewatch_local.replay_server import ReplayServer, Route


@pytest.fixture
def server(local_stack: Any) -> Any:
    with ReplayServer() as replay:
        yield replay


WIRE = "argenx wins FDA approval for efgartigimod in generalized myasthenia gravis"
COPY = "FDA approval for argenx's efgartigimod in generalized myasthenia gravis"


def _two_outlets(server: Any) -> tuple[Any, Any]:
    when = rfc822(NOW - timedelta(hours=1))
    server.routes["/wire.xml"] = Route(
        rss([{"title": WIRE, "link": "https://wire.example/argenx-approval", "pubDate": when}]), "text/xml"
    )
    server.routes["/paper.xml"] = Route(
        rss([{"title": COPY, "link": "https://paper.example/2026/fda-argenx", "pubDate": when}]), "text/xml"
    )
    first = pollkit.build([pollkit.feed_source(server.base_url, "wire", "/wire.xml")])
    second = pollkit.build([pollkit.feed_source(server.base_url, "paper", "/paper.xml")])
    return first, second


@pytest.mark.parametrize("index_lag", [False, True])
def test_given_two_concurrent_pollers_with_copies_of_one_story_then_it_is_stored_and_alerted_once(
    server: Any, index_lag: bool
) -> None:
    first, second = _two_outlets(server)
    real = first._store.updates_between
    seen: list[Any] = []

    def racing(*window: Any) -> Any:
        # The first poller has read the recent stories (none); before it writes, the second poller runs
        # to the end and stores its copy. With index lag, the day index never shows that copy to the first.
        before = real(*window)
        if not seen:
            seen.append(second.poll())
            return before
        return before if index_lag else real(*window)

    first._store.updates_between = racing  # type: ignore[method-assign]
    report = first.poll()

    stored = pollkit.store().scan_updates()
    assert [len(r.new_updates) for r in (seen[0], report)] == [1, 0]
    assert len(stored) == 1
    assert report.outcomes[0].merged == 1
    assert set(stored[0].sources) == {"wire", "paper"}


def test_given_two_pollers_one_after_the_other_then_the_copy_merges_without_a_conflict(server: Any) -> None:
    first, second = _two_outlets(server)
    assert len(second.poll().new_updates) == 1
    report = first.poll()
    assert report.new_updates == [] and report.outcomes[0].merged == 1


# -- the publish guarantee, measured ------------------------------------------------------------------------


class LostAnswerSns:
    """SNS accepts the publish, then the answer is lost (a read timeout), once for each chosen key."""

    def __init__(self, real: Any, keys: set[str]) -> None:
        self._real = real
        self._keys = set(keys)

    def publish(self, **kwargs: Any) -> Any:
        attributes = kwargs["MessageAttributes"]
        key = (attributes.get("update_id") or attributes.get("digest_key"))["StringValue"]
        answer = self._real.publish(**kwargs)
        if key in self._keys:
            self._keys.discard(key)
            raise ReadTimeoutError(endpoint_url="https://sns.us-east-1.amazonaws.com/")
        return answer


class ThrottledSaves:
    """DynamoDB throttles saving the success record of chosen updates (by key hash): n times, None always."""

    def __init__(self, real: Any, plan: dict[str, int | None]) -> None:
        self._real = real
        self._plan = dict(plan)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def update_item(self, **kwargs: Any) -> Any:
        pk, sk = kwargs["Key"]["pk"]["S"], kwargs["Key"].get("sk", {}).get("S", "")
        for fragment, left in self._plan.items():
            if pk.startswith("idempotency#") and fragment in sk and (left is None or left > 0):
                if left is not None:
                    self._plan[fragment] = left - 1
                raise ClientError(
                    {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "UpdateItem"
                )
        return self._real.update_item(**kwargs)


def _alertable(n: int) -> Update:
    return Update(
        update_id=f"u-race-{n}",
        title=f"Hand-made race update {n}",
        url=f"https://example.com/race/{n}",
        source_id="test",
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="high"
        ),
        first_seen=NOW,
    )


def _idempotency_key_fragment(update_id: str) -> str:
    import hashlib

    return hashlib.md5(f'"{update_id}"'.encode()).hexdigest()


def test_given_unclear_publish_outcomes_then_duplicates_happen_only_for_lost_answers_and_nothing_is_lost(
    local_stack: Any,
) -> None:
    settings = Settings.from_env()
    metrics = CountingMetrics()
    ids = [f"u-race-{n}" for n in range(4)]
    sns = LostAnswerSns(client("sns", settings), {ids[0]})
    ddb = ThrottledSaves(
        client("dynamodb", settings),
        {_idempotency_key_fragment(ids[1]): 2, _idempotency_key_fragment(ids[2]): None},
    )
    service = build_alert_service(settings, sns_client=sns, dynamodb_client=ddb, metrics=metrics)
    service._publisher.persistence._sleep = lambda _s: None  # type: ignore[attr-defined]
    pump = StreamPump(
        settings.table_name,
        partial(alert_handler.handler, service=service),
        function_name="alert",
        filters=[{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["update"]}}}}],
    )
    inbox = add_shadow_subscriber(settings.topic_arn, "all", None)
    store = pollkit.store()
    for n in range(4):
        store.put_update(_alertable(n))

    pump.pump()

    copies = Counter(m["MessageAttributes"]["update_id"]["Value"] for m in inbox.received())
    # The README's guarantee, as measured: every update delivered (at least once); a second copy only where
    # SNS's answer was lost, and it carries the same dedupe key; a save that failed for good costs nothing.
    assert copies == {ids[0]: 2, ids[1]: 1, ids[2]: 1, ids[3]: 1}
    assert [r["dynamodb"]["NewImage"]["update_id"]["S"] for r in pump.dropped] == []
    assert metrics.total("PublishOutcomeUnknown") == 1
    assert metrics.total("IdempotencySaveFailed") == 1
    duplicates = sum(c - 1 for c in copies.values())
    assert duplicates == metrics.total("PublishOutcomeUnknown")


# -- digests: overlap and a mode switch ---------------------------------------------------------------------


class OverlappingDigestSns:
    """While the first digest publish is under way, another digest run starts (an overlapping schedule)."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.overlap: Any = None
        self.inner: list[Any] = []

    def publish(self, **kwargs: Any) -> Any:
        if self.overlap is not None and not self.inner:
            run, self.overlap = self.overlap, None
            try:
                self.inner.append(run())
            except Exception as exc:  # what the overlapping run raised, for the test to see
                self.inner.append(exc)
        return self._real.publish(**kwargs)


def test_given_overlapping_digest_runs_then_one_sends_and_the_other_skips_cleanly(local_stack: Any) -> None:
    settings = Settings.from_env()
    subs = build_subscription_service(settings)
    subs._clock = lambda: NOW - timedelta(hours=2)
    reader = subs.subscribe({"endpoint": "reader@example.com", "preferences": {"mode": "digest"}})
    inbox = add_shadow_subscriber(settings.topic_arn, "reader", reader.as_output()["filter_policy"])
    pollkit.store().put_update(replace(_alertable(1), first_seen=NOW - timedelta(hours=1)))
    sns = OverlappingDigestSns(client("sns", settings))
    service = build_digest_service(settings, sns_client=sns)
    service.start_invocation(LambdaContext("digest"))
    sns.overlap = lambda: service.run(NOW)

    outer = service.run(NOW)

    (inner,) = sns.inner
    assert not isinstance(inner, Exception), inner
    assert inner.in_progress == [reader.subscription_id] and inner.sent == []
    assert [s["subscription_id"] for s in outer.sent] == [reader.subscription_id]
    assert len(inbox.received()) == 1


def test_given_a_switch_from_instant_to_digest_then_the_first_digest_skips_what_was_already_alerted(
    local_stack: Any,
) -> None:
    settings = Settings.from_env()
    subs = build_subscription_service(settings)
    subs._clock = lambda: NOW - timedelta(hours=5)
    subs.subscribe({"endpoint": "switcher@example.com"})  # instant: alerted as updates arrive
    store = pollkit.store()
    store.put_update(replace(_alertable(1), first_seen=NOW - timedelta(hours=4)))
    subs._clock = lambda: NOW - timedelta(hours=3)
    record = subs.subscribe({"endpoint": "switcher@example.com", "preferences": {"mode": "digest"}})
    store.put_update(replace(_alertable(2), first_seen=NOW - timedelta(hours=1)))
    inbox = add_shadow_subscriber(settings.topic_arn, "switcher", record.as_output()["filter_policy"])
    service = build_digest_service(settings)
    service.start_invocation(LambdaContext("digest"))

    report = service.run(NOW)

    assert [s["updates"] for s in report.sent] == [1]
    (message,) = inbox.received()
    assert "race update 2" in message["Message"] and "race update 1" not in message["Message"]

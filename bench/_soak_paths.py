"""The soak's other paths (issue 27): digests (e-mail over SNS and a Slack digest), chat channels and
webhooks (Slack, Teams and a webhook that answer, plus a slow-drip and a hostile receiver on 127.0.0.1) and
the daily calendar check, run in a thread of their own while the polls run. Counted per path: what each
destination should have had (the stories alerted, or stored for a digest) against what it received.

A story is recognised in any body by its `ref` (every generated title carries one). Healthy destinations
must receive each alerted story once; every digest subscriber each stored story once over its digests.
The slow-drip and hostile receivers are expected to get nothing through: what is measured is that they
delay no other destination (their jobs fail on their own budgets, then the queue's DLQ).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from pipewatch_local.webhook_receiver import Answer, WebhookReceiver

HEALTHY = ("/slack", "/teams", "/webhook")
DRIP, HOSTILE, SLACK_DIGEST = "/drip", "/hostile", "/slack-digest"
# (timezone, local digest hour): due at the soak's cycles 0 (06:00 UTC), 1 (06:15), 2 (06:30) and 4 (07:00),
# each run while that cycle's polls write; a last run the next day sends the rest.
DIGEST_TIMES = (("UTC", 6), ("Asia/Kathmandu", 12), ("Asia/Kolkata", 12), ("UTC", 7))
REF = re.compile(rb"\bref\d+x\d+\b")
# The hostile receiver cycles through what a hostile endpoint answers (the last repeats).
HOSTILE_SCRIPT = [
    Answer(429, {"Retry-After": "9" * 5000}),
    Answer(302, {"Location": "http://169.254.169.254/latest/meta-data/"}),
    Answer(500),
    Answer(200, {"Content-Type": "text/html"}, delay=5.0),
    Answer(503, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
]


@dataclass
class PathCounts:
    expected: int = 0
    received: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: int = 0
    # of which the same message sent again (the same body, the same webhook-id): the documented window of
    # a POST whose answer pipewatch never got (a timeout after the receiver had it)
    resent: int = 0

    def line(self) -> str:
        lost = f" {self.lost[:5]}" if self.lost else ""
        resent = f" ({self.resent} resent after an unknown outcome)" if self.resent else ""
        return f"{self.received}/{self.expected} lost {len(self.lost)}{lost} dup {self.duplicates}{resent}"


@dataclass
class PathsResult:
    counts: dict[str, PathCounts] = field(default_factory=dict)
    drip_posts: int = 0
    hostile_posts: int = 0
    deliveries: int = 0  # queue messages handled (retries included)
    dlq: int = 0
    digests_sent: int = 0
    digest_runs: int = 0
    calendar_checks: int = 0
    calendar_updates: int = 0
    side_errors: Counter[str] = field(default_factory=Counter)
    side_seconds: list[float] = field(default_factory=list)

    def lines(self) -> list[str]:
        paths = "; ".join(f"{name} {c.line()}" for name, c in self.counts.items())
        return [
            f"        paths: {paths}",
            f"        slow-drip posts {self.drip_posts}, hostile posts {self.hostile_posts}, "
            f"delivery messages {self.deliveries}, DLQ {self.dlq}; "
            f"digests sent {self.digests_sent} in {self.digest_runs} runs; "
            f"calendar checks {self.calendar_checks} ({self.calendar_updates} updates); "
            f"side-thread errors {dict(self.side_errors) or 0}; "
            f"side round max {max(self.side_seconds, default=0):.2f} s",
        ]


class SidePaths:
    """Set up inside the soak's moto stack; `round(now)` runs once a cycle beside the polls."""

    def __init__(self, settings: Any, stack: Any, receiver: WebhookReceiver, ddb: Any, now: datetime) -> None:
        from pipewatch.adapters.aws import client
        from pipewatch.adapters.webhook_http import HttpsPoster
        from pipewatch.composition import (
            build_calendar_service,
            build_delivery_service,
            build_digest_service,
            build_subscription_service,
        )
        from pipewatch.domain.subscribers.channels import AddressPolicy
        from pipewatch.handlers import deliver
        from pipewatch_local.local_stack import QueuePump, add_shadow_subscriber, queue_depth

        self._receiver = receiver
        self._stack = stack
        self._queue_depth = queue_depth
        self.clock = {"now": now}
        loopback = AddressPolicy.loopback_for_tests()
        subscriptions = build_subscription_service(
            settings, dynamodb_client=ddb, destination_check=HttpsPoster(policy=loopback).check
        )
        subscriptions._clock = lambda: now - timedelta(hours=1)  # type: ignore[method-assign]
        receiver.scripts[DRIP] = [Answer(drip=0.05, drip_for=4.0)]
        receiver.scripts[HOSTILE] = list(HOSTILE_SCRIPT)
        for path in (*HEALTHY, DRIP, HOSTILE):
            kind = path.strip("/") if path in HEALTHY else "webhook"
            subscriptions.subscribe_channel(kind, receiver.url(path), {}, owner="owner@example.com")
        slack_digest, _ = subscriptions.subscribe_channel(
            "slack", receiver.url(SLACK_DIGEST), {"mode": "digest", "digest_hour": 6}
        )
        self.digest_ids = {SLACK_DIGEST: slack_digest.subscription_id}
        for n, (zone, hour) in enumerate(DIGEST_TIMES):
            prefs = {"mode": "digest", "digest_hour": hour, "timezone": zone}
            record = subscriptions.subscribe({"endpoint": f"digest{n}@example.com", "preferences": prefs})
            self.digest_ids[f"digest{n} ({zone} {hour:02d}h)"] = record.subscription_id
        self.digests = add_shadow_subscriber(settings.topic_arn, "digests", {"delivery": ["digest"]})
        self.digest_messages: list[dict[str, Any]] = []
        # shorter than production's 8 s deadline so the slow drip costs the bench little
        poster = HttpsPoster(policy=loopback, connect_timeout=1.0, read_timeout=1.0, total_timeout=1.5)
        self._delivery = build_delivery_service(
            settings, dynamodb_client=ddb, poster=poster, clock=lambda: self.clock["now"]
        )
        self._digest = build_digest_service(settings, dynamodb_client=ddb)
        self._calendar = build_calendar_service(settings, dynamodb_client=ddb)

        class Visible:
            """The pump makes a deferred message visible again at once (time travel)."""

            def delay(self, receipt_handle: str, seconds: float) -> None:
                return None

        deliver_batch = partial(deliver.handler, service=self._delivery, queue=Visible())

        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            # a deferred message comes back at once: the delivery clock moves as if its wait had passed
            self.clock["now"] += timedelta(seconds=15)
            answer: dict[str, Any] = deliver_batch(event, context)
            return answer

        self._pump = QueuePump(
            stack.output("DeliveryQueueUrl"), handler, function_name="deliver", batch_size=10
        )
        self.result = PathsResult()
        self._sqs = client("sqs", settings)

    def round(self, now: datetime) -> None:
        """One cycle's side work: the digests due now (mid-cycle, while the polls write), the daily
        calendar check, and the delivery queue (alerts the previous cycle published)."""
        import time

        started = time.perf_counter()
        self.clock["now"] = now
        for name, work in (
            ("digest", lambda: self._run_digest(now + timedelta(minutes=5))),
            ("calendar", lambda: self._check(now)),
            ("delivery", lambda: self._deliver(200)),
        ):
            try:
                work()
            except Exception as exc:  # a bench counts what fails (by kind) and goes on
                self.result.side_errors[f"{name}: {type(exc).__name__}"] += 1
        self.result.side_seconds.append(time.perf_counter() - started)

    def _run_digest(self, now: datetime) -> None:
        report = self._digest.run(now, raise_on_failure=False)
        self.result.digest_runs += 1
        self.result.digests_sent += len(report.sent)

    def _check(self, now: datetime) -> None:
        report = self._calendar.check(now)
        self.result.calendar_checks += 1
        self.result.calendar_updates += len(report.updates)

    def _deliver(self, batches: int) -> None:
        self.result.deliveries += self._pump.pump(batches)

    def drain(self, now: datetime) -> None:
        """After the cycles: deliver what is queued, then the next day's digests, and deliver those."""
        self._deliver(2000)
        self._run_digest(now + timedelta(days=1, hours=2))
        self.clock["now"] = now + timedelta(days=1, hours=2)
        self._deliver(2000)
        self.digest_messages += self.digests.received()
        self.result.dlq = int(self._queue_depth(self._stack.output("DeliveryDeadLetterQueueUrl")))

    def tally(self, alerted: set[str], stored: set[str]) -> PathsResult:
        """`alerted`: the story refs published as instant alerts; `stored`: the story refs stored."""
        r = self.result
        for path in HEALTHY:
            r.counts[path.strip("/")] = _count(alerted, [_message(p) for p in self._receiver.at(path)])
        by_subscriber: dict[str, list[tuple[set[str], str]]] = {name: [] for name in self.digest_ids}
        names = {sid: name for name, sid in self.digest_ids.items()}
        for message in self.digest_messages:
            sid = message["MessageAttributes"]["subscription_id"]["Value"]
            if sid in names:
                key = message["MessageAttributes"]["digest_key"]["Value"]
                by_subscriber[names[sid]].append((_refs(message["Message"].encode()), key))
        by_subscriber[SLACK_DIGEST] = [_message(p) for p in self._receiver.at(SLACK_DIGEST)]
        for name, bodies in by_subscriber.items():
            r.counts[name.strip("/")] = _count(stored, bodies)
        r.drip_posts = len(self._receiver.at(DRIP))
        r.hostile_posts = len(self._receiver.at(HOSTILE))
        return r


def _refs(body: bytes) -> set[str]:
    """The story refs a body names (a ref has no character JSON or Slack would escape)."""
    return {m.decode() for m in REF.findall(body)}


def _message(post: Any) -> tuple[set[str], str]:
    """A received POST: the refs it names and what identifies the message (webhook-id, else the body)."""
    return _refs(post.body), post.headers.get("webhook-id") or post.body.decode("utf-8", "replace")


def _count(expected: set[str], messages: list[tuple[set[str], str]]) -> PathCounts:
    seen = Counter(ref for refs, _ in messages for ref in refs)
    distinct = Counter(ref for refs, _ in {(frozenset(r), key) for r, key in messages} for ref in refs)
    duplicates = sum(n - 1 for n in seen.values() if n > 1)
    return PathCounts(
        expected=len(expected),
        received=len(set(seen) & expected),
        lost=sorted(expected - set(seen)),
        duplicates=duplicates,
        resent=duplicates - sum(n - 1 for n in distinct.values() if n > 1),
    )

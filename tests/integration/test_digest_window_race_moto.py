"""Issue 27 finding 1 on moto with the project's own adapters (DynamoDB store and digest state, Powertools
idempotency, SNS): a poll writes an update stamped before the digest's clock while the digest runs (after
its query: threading.Barrier); the next day's digest sends it, and sends nothing twice. Hand-made updates."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pollkit
from pollkit import NOW

from pipewatch.adapters.store import Store
from pipewatch.composition import build_digest_service, build_subscription_service
from pipewatch.domain.models import Classification, Update
from pipewatch.settings import Settings
from pipewatch_local.local_stack import LambdaContext, add_shadow_subscriber


def _update(n: int, minutes_before: int) -> Update:
    return Update(
        update_id=f"u-window-{n}",
        title=f"Hand-made digest window update {n}",
        url=f"https://example.com/window/{n}",
        source_id="test",
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="high"
        ),
        first_seen=NOW - timedelta(minutes=minutes_before),
    )


def test_given_a_poll_writing_during_a_digest_then_the_update_reaches_the_next_digest_once(
    local_stack: Any, monkeypatch: Any
) -> None:
    settings = Settings.from_env()
    subs = build_subscription_service(settings)
    subs._clock = lambda: NOW - timedelta(days=2)
    record = subs.subscribe(
        {"endpoint": "window@example.com", "preferences": {"mode": "digest", "digest_hour": 8}}
    )
    inbox = add_shadow_subscriber(settings.topic_arn, "window", record.as_output()["filter_policy"])
    store = pollkit.store()
    store.put_update(_update(1, 10))
    late = _update(2, 2)  # its poll started 2 minutes before the digest and writes during it
    read_done, write_done = threading.Barrier(2), threading.Barrier(2)
    real_query = Store.updates_between
    racing = [True]

    def query_then_let_the_poll_write(self: Store, start: Any, end: Any) -> list[Update]:
        found = real_query(self, start, end)
        if racing and racing.pop():
            read_done.wait(timeout=30)
            write_done.wait(timeout=30)
        return found

    def poll() -> None:
        read_done.wait(timeout=30)
        pollkit.store().put_update(late)
        write_done.wait(timeout=30)

    monkeypatch.setattr(Store, "updates_between", query_then_let_the_poll_write)
    service = build_digest_service(settings)
    service.start_invocation(LambdaContext("digest"))
    poller = threading.Thread(target=poll)
    poller.start()
    first = service.run(NOW)
    poller.join(timeout=30)
    second = service.run(NOW + timedelta(days=1))
    third = service.run(NOW + timedelta(days=2))

    assert [s["updates"] for s in first.sent] == [1]
    assert [s["updates"] for s in second.sent] == [1]
    assert third.sent == []
    bodies = [m["Message"] for m in inbox.received()]
    assert len(bodies) == 2
    assert "window update 1" in bodies[0] and "window update 2" not in bodies[0]
    assert "window update 2" in bodies[1] and "window update 1" not in bodies[1]

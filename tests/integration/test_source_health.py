"""Per-source health: consecutive failures, since when, items seen; the operator metric after N failures and
a recovery; digests that say "<source> failing since ..." and, later, that it recovered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pollkit
import pytest
from pollkit import HEADLINES, NOW, rfc822, rss

from pipewatch.composition import build_digest_service, build_subscription_service
from pipewatch.domain.models import Classification, Update
from pipewatch.settings import Settings
from pipewatch_local.local_stack import LambdaContext, add_shadow_subscriber
from pipewatch_local.replay_server import ReplayServer, Route


class RecordingMetrics:
    def __init__(self) -> None:
        self.points: list[tuple[str, float, dict[str, str]]] = []

    def count(self, name: str, value: float = 1, **dimensions: str) -> None:
        self.points.append((name, value, dimensions))

    def values(self, name: str) -> list[float]:
        return [v for n, v, _ in self.points if n == name]


@pytest.fixture
def server(local_stack: Any) -> Any:
    with ReplayServer() as replay:
        yield replay


def test_given_a_source_failing_then_recovering_then_health_alarm_metric_and_digests_follow(
    server: Any,
) -> None:
    clock = {"now": NOW}
    metrics = RecordingMetrics()
    service = pollkit.build(
        [pollkit.feed_source(server.base_url, "edgar-argenx")], metrics=metrics, clock=lambda: clock["now"]
    )
    settings = Settings.from_env()
    subs = build_subscription_service(settings)
    subs._clock = lambda: NOW - timedelta(days=1)
    reader = subs.subscribe({"endpoint": "reader@example.com", "preferences": {"mode": "digest"}})
    inbox = add_shadow_subscriber(settings.topic_arn, "reader", reader.as_output()["filter_policy"])
    digests = build_digest_service(settings)
    digests.start_invocation(LambdaContext("digest"))

    server.routes["/feed.xml"] = Route(b"Service Unavailable", "text/plain", status=503)
    for hour in range(4):
        clock["now"] = NOW + timedelta(hours=hour)
        service.poll()
    failing = pollkit.store().get_source_state("edgar-argenx")
    assert failing.consecutive_failures == 4 and failing.failing_since == NOW
    assert metrics.values("SourceUnhealthy") == [0, 0, 1, 1]  # the alarm's metric from the 3rd failure

    # A digest while it fails says so.
    pollkit.store().put_update(
        Update(
            update_id="u-health-1",
            title="argenx wins FDA approval for efgartigimod",
            source_id="other-wire",
            classification=Classification(
                relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="high"
            ),
            first_seen=NOW + timedelta(hours=3),
        )
    )
    report = digests.run(NOW + timedelta(hours=5))
    assert report.sent, report
    first = inbox.received()[-1]["Message"]
    assert "Source edgar-argenx failing since 2026-11-25 09:00 UTC (4 polls in a row" in first

    when = rfc822(NOW + timedelta(hours=20))
    server.routes["/feed.xml"] = Route(
        rss([{"title": HEADLINES[1], "link": "https://example.com/b", "pubDate": when}]),
        "application/rss+xml",
    )
    clock["now"] = NOW + timedelta(hours=21)
    service.poll()
    healthy = pollkit.store().get_source_state("edgar-argenx")
    assert healthy.consecutive_failures == 0 and healthy.failing_since is None
    assert healthy.items_seen == 1 and healthy.last_outage == (NOW, NOW + timedelta(hours=21))
    assert metrics.values("SourceUnhealthy")[-1] == 0
    assert metrics.values("SourceRecovered") == [1]

    assert digests.run(NOW + timedelta(days=1, hours=1)).sent
    second = inbox.received()[-1]["Message"]
    assert "polls in a row" not in second  # no longer failing
    assert (
        "Source edgar-argenx recovered at 2026-11-26 06:00 UTC (failing since 2026-11-25 09:00 UTC)" in second
    )

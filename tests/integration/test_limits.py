"""Every write and message sized against the limits AWS enforces (moto enforces these two as AWS does: the
400 KB item and the 256 KiB message), oversized records truncated visibly or skipped, counted and logged,
never blocking their neighbours."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pollkit
import pytest
from pollkit import HEADLINES, NOW, rfc822, rss

from pipewatch.adapters.aws import client
from pipewatch.adapters.notifier import SnsNotifier
from pipewatch.domain.limits import SNS_MESSAGE_MAX_BYTES, TRUNCATION_MARK
from pipewatch.domain.models import Alert
from pipewatch.domain.trials.model import TrialSnapshot
from pipewatch.observability import CountingMetrics
from pipewatch.settings import Settings
from pipewatch_local.local_stack import add_shadow_subscriber
from pipewatch_local.replay_server import ReplayServer, Route


@pytest.fixture
def server(local_stack: Any) -> Any:
    with ReplayServer() as replay:
        yield replay


def _published(inbox: Any) -> list[dict[str, Any]]:
    return [json.loads(m["Message"]) if m.get("Type") == "Notification" else m for m in inbox.received()]


def test_given_a_250_kib_link_then_the_item_is_stored_without_it_and_the_next_item_is_stored(
    server: Any,
) -> None:
    when = rfc822(NOW - timedelta(hours=2))
    huge = "https://example.com/news?" + "x" * (250 * 1024)
    server.routes["/feed.xml"] = Route(
        rss(
            [
                {"title": HEADLINES[0], "link": huge, "guid": "g-1", "pubDate": when},
                {"title": HEADLINES[1], "link": "https://example.com/b", "guid": "g-2", "pubDate": when},
            ]
        ),
        "application/rss+xml",
    )
    metrics = CountingMetrics()
    report = pollkit.build([pollkit.feed_source(server.base_url)], metrics=metrics).poll()

    assert not report.failed
    titles = {u.title: u for u in pollkit.store().scan_updates()}
    assert set(titles) == {HEADLINES[0], HEADLINES[1]}
    assert titles[HEADLINES[0]].url == ""  # a link over 2,048 characters is dropped, not cut
    assert metrics.total("RecordsTrimmed", source="feed") == 1


def test_given_a_stored_update_then_its_url_is_stored_once(server: Any) -> None:
    server.routes["/feed.xml"] = Route(
        rss([{"title": HEADLINES[0], "link": "https://example.com/a", "pubDate": rfc822(NOW)}]),
        "application/rss+xml",
    )
    pollkit.build([pollkit.feed_source(server.base_url)]).poll()

    settings = Settings.from_env()
    items = client("dynamodb", settings).scan(TableName=settings.table_name)["Items"]
    update = next(i for i in items if i.get("kind", {}).get("S") == "update")
    assert json.dumps(update).count("https://example.com/a") == 1


def test_given_a_300_kib_alert_then_it_is_published_truncated_visibly_under_the_sns_limit(
    local_stack: Any,
) -> None:
    settings = Settings.from_env()
    inbox = add_shadow_subscriber(settings.topic_arn, "all", None)
    notifier = SnsNotifier(client("sns", settings), settings.topic_arn)
    alert = Alert(
        update_id="u-big",
        subject="efgartigimod regulatory (HIGH)",
        message="ü" * (300 * 1024),
        sms="short",
        agents=("efgartigimod",),
        indications=(),
        event_type="regulatory",
        severity="high",
    )

    notifier.publish(alert)

    (message,) = inbox.received()
    assert len(message["Message"].encode()) < SNS_MESSAGE_MAX_BYTES
    assert TRUNCATION_MARK.split("{n}")[0] in message["Message"]
    assert notifier.truncated == 1


def test_given_a_publish_then_the_long_text_is_sent_once_not_under_three_keys(local_stack: Any) -> None:
    from moto.sns.models import sns_backends

    settings = Settings.from_env()
    notifier = SnsNotifier(client("sns", settings), settings.topic_arn)
    notifier.publish_digest(subscription_id="sub-1", digest_key="k", subject="s", email="E" * 1000, sms="S")

    topic = sns_backends["123456789012"]["us-east-1"].topics[settings.topic_arn]
    body = json.loads(topic.sent_notifications[-1][1])
    assert set(body) == {"default", "sms"}


def _big_study(nct_id: str) -> dict[str, Any]:
    outcomes = [
        {
            "measure": f"Outcome {n}: " + "change from baseline in a long composite score " * 17,
            "timeFrame": "52w",
        }
        for n in range(520)
    ]
    document = pollkit.study(nct_id)
    document["protocolSection"]["outcomesModule"] = {"secondaryOutcomes": outcomes}
    return document


def test_given_a_457_kib_registry_record_then_it_is_trimmed_and_the_next_study_is_still_snapshotted(
    server: Any,
) -> None:
    big = _big_study("NCT09000001")
    assert len(json.dumps(big)) > 450 * 1024
    pollkit.ctgov_routes(server, [big, pollkit.study("NCT09000002")], "2026-11-24T10:00:00")
    metrics = CountingMetrics()
    service = pollkit.build([pollkit.ctgov_source(server.base_url)], metrics=metrics)
    assert not service.poll().failed  # first poll: the baseline

    store = pollkit.store()
    stored = store.get_snapshot("NCT09000001")
    assert stored is not None
    assert TrialSnapshot.model_validate_json(stored[0]).trimmed == ("secondary_outcomes",)
    assert store.get_snapshot("NCT09000002") is not None
    assert metrics.total("RecordsTrimmed", source="ctgov") == 1

    # The next study's later change is seen.
    pollkit.ctgov_routes(
        server, [big, pollkit.study("NCT09000002", status="TERMINATED")], "2026-11-25T10:00:00"
    )
    report = service.poll()
    assert [u.change.field for u in report.new_updates if u.change] == ["overall_status"]
    assert "Terminated" in report.new_updates[0].title

"""Floods and stalls: a first poll is a baseline, old news never alerts (also when an agent is added), a
poll stops at its caps and the next one goes on where it stopped: nothing is lost, nothing floods."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pollkit
import pytest
from pollkit import HEADLINES, NOW, rfc822, rss

from pipewatch.observability import CountingMetrics
from pipewatch_local.replay_server import ReplayServer, Route


@pytest.fixture
def server(local_stack: Any) -> Any:
    with ReplayServer() as replay:
        yield replay


def _feed(server: Any, items: list[dict[str, str]]) -> None:
    server.routes["/feed.xml"] = Route(rss(items), "application/rss+xml")


def test_given_a_first_poll_then_old_and_undated_items_are_remembered_without_an_alert(server: Any) -> None:
    items = [
        {
            "title": HEADLINES[0],
            "link": "https://example.com/2025",
            "pubDate": "Mon, 15 Dec 2025 12:00:00 +0000",
        },
        {"title": HEADLINES[1], "link": "https://example.com/undated"},
        {
            "title": HEADLINES[2],
            "link": "https://example.com/new",
            "pubDate": rfc822(NOW - timedelta(hours=3)),
        },
    ]
    _feed(server, items)
    metrics = CountingMetrics()
    service = pollkit.build([pollkit.feed_source(server.base_url)], metrics=metrics)

    first = service.poll()
    _feed(server, [*items, {"title": HEADLINES[3], "link": "https://example.com/later-undated"}])
    second = service.poll()

    assert [u.title for u in first.new_updates] == [HEADLINES[2]]
    assert first.outcomes[0].baselined == 2 and metrics.total("ItemsBaselined", source="feed") == 2
    assert [u.title for u in second.new_updates] == [HEADLINES[3]]  # undated, but new since the baseline
    assert {u.title for u in pollkit.store().scan_updates()} == {HEADLINES[2], HEADLINES[3]}


def test_given_an_agent_added_then_its_back_catalogue_does_not_alert(server: Any) -> None:
    _feed(server, [{"title": HEADLINES[0], "link": "https://example.com/a", "pubDate": rfc822(NOW)}])
    service = pollkit.build([pollkit.feed_source(server.base_url)])
    service.poll()  # the source is known now: later polls are not baselines
    month_old = rfc822(NOW - timedelta(days=30))
    _feed(
        server,
        [
            {"title": HEADLINES[0], "link": "https://example.com/a", "pubDate": rfc822(NOW)},
            {
                "title": HEADLINES[1],
                "link": "https://example.com/b",
                "pubDate": month_old,
            },  # PubMed's 60 days
        ],
    )
    assert service.poll().new_updates == []


def test_given_an_agent_added_then_its_old_studies_are_a_baseline_and_a_fresh_one_alerts(server: Any) -> None:
    pollkit.ctgov_routes(server, [pollkit.study("NCT09000010")], "2026-11-20T10:00:00")
    service = pollkit.build([pollkit.ctgov_source(server.base_url)])
    service.poll()  # first poll: baseline
    old = pollkit.study("NCT09000011")
    fresh = pollkit.study("NCT09000012")
    fresh["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-11-24"}
    old["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2024-03-01"}
    pollkit.ctgov_routes(server, [pollkit.study("NCT09000010"), old, fresh], "2026-11-25T10:00:00")

    report = service.poll()

    assert [(u.change.nct_id, u.change.field) for u in report.new_updates if u.change] == [
        ("NCT09000012", "study")
    ]
    assert pollkit.store().get_snapshot("NCT09000011") is not None  # remembered: its changes alert later


def _distinct(n: int) -> dict[str, str]:
    # Distinct events, not only distinct words: each names its own trial (one FDA approval of one drug
    # told 60 ways would be one event, one story).
    words = " ".join(f"zq{n}x{k}" for k in range(6))
    return {
        "title": f"argenx efgartigimod ZQ{n}X trial results {words}",
        "link": f"https://example.com/story/{n}",
        "guid": f"g-{n}",
        "pubDate": rfc822(NOW - timedelta(minutes=n)),
    }


def test_given_a_flood_then_each_poll_stops_at_its_cap_and_the_next_goes_on_until_nothing_is_left(
    server: Any,
) -> None:
    _feed(server, [_distinct(n) for n in range(60)])
    metrics = CountingMetrics()
    service = pollkit.build(
        [pollkit.feed_source(server.base_url)], metrics=metrics, poll={"max_alerts_per_poll": 25}
    )
    reports = [service.poll() for _ in range(4)]

    assert [len(r.new_updates) for r in reports] == [25, 25, 10, 0]
    assert [r.outcomes[0].deferred for r in reports] == [35, 10, 0, 0]
    assert reports[3].outcomes[0].not_modified  # validators saved only once every item was handled
    assert len({u.title for u in pollkit.store().scan_updates()}) == 60
    assert metrics.total("ItemsDeferred", source="feed") == 45

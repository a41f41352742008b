"""Races on the moto stack: two pollers holding copies of one story, publishes whose outcome is unclear,
overlapping digest runs, a mode switch. Interleavings are forced deterministically by hooks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pollkit
import pytest
from pollkit import NOW, rfc822, rss

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

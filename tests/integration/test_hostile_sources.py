"""Hostile or broken sources on the moto stack through the real fetcher: feeds whose items share one link,
truncated feeds, garbage JSON, a throttled store. One bad source never fails a poll; nothing is lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pollkit
import pytest
from botocore.exceptions import ClientError
from pollkit import HEADLINES, NOW, rfc822, rss

from pipewatch.adapters.aws import client
from pipewatch.observability import CountingMetrics
from pipewatch.settings import Settings
from pipewatch_local.replay_server import ReplayServer, Route


@pytest.fixture
def server(local_stack: Any) -> Any:
    with ReplayServer() as replay:
        yield replay


class StaleEtagRoute(Route):
    """A body served with the ETag of another body (a truncated transfer carries the full one's ETag)."""

    def __init__(self, body: bytes, content_type: str, etag_of: bytes) -> None:
        super().__init__(body, content_type)
        object.__setattr__(self, "_etag_of", etag_of)

    @property
    def etag(self) -> str:
        return Route(self._etag_of, self.content_type).etag  # type: ignore[attr-defined]


# -- update identity ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("link", ["https://company.example/news", "https://company.example/ir/story-page"])
def test_given_a_feed_whose_items_all_link_to_one_page_then_each_story_is_kept(
    server: Any, link: str
) -> None:
    when = rfc822(NOW - timedelta(hours=1))
    items = [
        {"title": h, "link": link, "guid": f"press-{n}", "pubDate": when} for n, h in enumerate(HEADLINES)
    ]
    server.routes["/feed.xml"] = Route(rss(items), "application/rss+xml")
    service = pollkit.build([pollkit.feed_source(server.base_url)])

    report = service.poll()

    assert sorted(u.title for u in report.new_updates) == sorted(HEADLINES)
    assert all(u.url_shared for u in report.new_updates)
    assert service.poll().new_updates == []  # the next poll: the same ids, nothing new


def test_given_two_outlets_linking_one_article_page_then_they_are_still_one_story(server: Any) -> None:
    when = rfc822(NOW - timedelta(hours=1))
    article = "https://news.example/2026/11/argenx-wins-approval"
    server.routes["/a.xml"] = Route(
        rss([{"title": HEADLINES[0], "link": article, "pubDate": when}]), "text/xml"
    )
    server.routes["/b.xml"] = Route(
        rss([{"title": "Efgartigimod approved", "link": article + "?utm_source=x", "pubDate": when}]),
        "text/xml",
    )
    sources = [
        pollkit.feed_source(server.base_url, "wire-a", "/a.xml"),
        pollkit.feed_source(server.base_url, "wire-b", "/b.xml"),
    ]
    report = pollkit.build(sources).poll()

    assert len(report.new_updates) == 1  # the canonical article URL still identifies the story


# -- truncated feeds ----------------------------------------------------------------------------------------


def test_given_a_truncated_feed_then_the_poll_fails_keeps_its_validators_and_the_next_poll_gets_every_item(
    server: Any,
) -> None:
    when = rfc822(NOW - timedelta(hours=1))
    items = [{"title": f"Item {n} of the wire", "guid": f"g-{n}", "pubDate": when} for n in range(25)]
    whole = rss(items)
    cut = whole[: whole.index(b"<item><title>Item 12 ")] + b"<item><title>Item 12 of"
    server.routes["/feed.xml"] = StaleEtagRoute(cut, "application/rss+xml", etag_of=whole)
    metrics = CountingMetrics()
    service = pollkit.build([pollkit.feed_source(server.base_url)], metrics=metrics)

    first = service.poll()
    state = pollkit.store().get_source_state("feed")
    server.routes["/feed.xml"] = Route(whole, "application/rss+xml")
    second = service.poll()

    assert first.failed and "truncated feed" in first.failed[0].error
    assert metrics.total("SourceFailures", source="feed") == 1
    assert state.etag == "" and state.consecutive_failures == 1
    assert second.outcomes[0].ok and second.outcomes[0].fetched == 25  # not a 304: the validators stayed


# -- garbage and throttling ---------------------------------------------------------------------------------


def _pubmed(base: str) -> dict[str, Any]:
    return {
        "id": "pubmed",
        "kind": "pubmed",
        "doc_type": "publication",
        "source_class": "registry",
        "pubmed": {"base_url": f"{base}/pubmed", "email": "tests@example.com"},
    }


def test_given_deeply_nested_json_from_one_source_then_it_is_counted_and_the_other_sources_are_polled(
    server: Any,
) -> None:
    server.routes["/pubmed/esearch.fcgi"] = Route(b"[" * 200_000, "application/json")
    pollkit.ctgov_routes(server, [], "2026-11-24T10:00:00")
    server.routes["/ctgov/api/v2/version"] = Route(b'{"a":' * 100_000, "application/json")
    server.routes["/feed.xml"] = Route(
        rss([{"title": HEADLINES[0], "link": "https://example.com/a", "pubDate": rfc822(NOW)}]), "text/xml"
    )
    metrics = CountingMetrics()
    sources = [
        _pubmed(server.base_url),
        pollkit.ctgov_source(server.base_url),
        pollkit.feed_source(server.base_url),
    ]
    service = pollkit.build(sources, metrics=metrics)

    report = service.poll()
    service.poll()

    assert {o.source_id for o in report.failed} == {"pubmed", "ctgov"}
    assert all("nested" in o.error for o in report.failed)
    assert [u.title for u in report.new_updates] == [HEADLINES[0]]
    for source in ("pubmed", "ctgov"):
        assert metrics.total("SourceFailures", source=source) == 2
        assert pollkit.store().get_source_state(source).consecutive_failures == 2


class ThrottledDynamoDB:
    """The real (moto) client, except that reads of stored updates are throttled past the SDK's retries."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def batch_get_item(self, **kwargs: Any) -> Any:
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "throttled"}},
            "BatchGetItem",
        )


def test_given_a_store_throttled_for_good_then_the_source_fails_counted_with_its_streak(server: Any) -> None:
    server.routes["/feed.xml"] = Route(
        rss([{"title": HEADLINES[0], "link": "https://example.com/a", "pubDate": rfc822(NOW)}]), "text/xml"
    )
    metrics = CountingMetrics()
    ddb = ThrottledDynamoDB(client("dynamodb", Settings.from_env()))
    service = pollkit.build([pollkit.feed_source(server.base_url)], metrics=metrics, dynamodb_client=ddb)

    for _ in range(3):
        report = service.poll()
        assert report.failed and "ProvisionedThroughputExceeded" in report.failed[0].error

    state = pollkit.store().get_source_state("feed")
    assert state.consecutive_failures == 3 and state.etag == ""
    assert metrics.total("SourceFailures", source="feed") == 3

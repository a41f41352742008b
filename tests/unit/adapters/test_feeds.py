from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipewatch.adapters.feeds import parse_feed
from pipewatch.errors import PayloadError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def read(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def test_drupal_press_release_feed_like_fda() -> None:
    items = parse_feed(
        read("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml"),
        source_id="fda-press",
        source_name="FDA press releases",
        doc_type="regulator",
    )
    assert len(items) == 25
    first = items[0]
    assert (
        first.title == "Acting Chairman Mark T. Uyeda Names Acting Senior Staff"
    )  # leading spaces/newline gone
    assert first.url == "https://www.sec.gov/newsroom/press-releases/2025-31"
    assert first.guid == "ec1b9af9-5a0f-44b3-83c6-adc75a33096d"
    assert first.published == datetime(2025, 1, 24, 16, 0, tzinfo=UTC)
    assert first.doc_type == "regulator" and first.source_name == "FDA press releases"
    for item in items:
        assert item.title == item.title.strip() and "\n" not in item.title
        assert item.published is not None and item.published.tzinfo is UTC
        assert "<" not in item.summary


def test_google_news_search_feed() -> None:
    items = parse_feed(
        read("google_news/search_rss_q-bears-ears-monument_en-US_2026-07-14_monument-watch.xml"),
        source_id="google-news",
    )
    assert len(items) == 92
    assert items[0].extra["publisher"] == "The Washington Post"
    assert items[0].url.startswith("https://news.google.com/rss/articles/")
    assert all(
        "<" not in i.summary and "<" not in i.title for i in items
    )  # clustered <ol> descriptions flattened


def test_bozo_feed_with_entries_still_yields_them() -> None:
    # The Korean excerpt is cut with a literal "..." and is not well-formed XML: feedparser flags it bozo.
    items = parse_feed(
        read("google_news/topic_business_ko_2026-02-11_EXCERPT_entity_decoded.xml"), source_id="gn"
    )
    assert len(items) == 2
    assert items[0].title.startswith("쿠팡")


def test_given_a_truncated_feed_then_it_is_an_error_not_the_items_before_the_cut() -> None:
    # A cut connection or a proxy's size limit: 12 of 25 items would be taken for the whole feed and, with
    # the validators moved on, the other 13 never fetched again.
    whole = (
        b"<rss version='2.0'><channel>"
        + b"".join(b"<item><title>story %d</title><guid>g%d</guid></item>" % (n, n) for n in range(25))
        + b"</channel></rss>"
    )
    assert len(parse_feed(whole, source_id="s")) == 25
    cut = whole[: whole.index(b"<item><title>story 12<")] + b"<item><title>story 12</ti"
    with pytest.raises(PayloadError, match=r"truncated feed: .* after 13 entries"):
        parse_feed(cut, source_id="s")
    with pytest.raises(PayloadError, match="truncated feed"):
        parse_feed(b"<rss version='2.0'><channel><item><title>cut off</title>", source_id="s")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (
            b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>challenge</body></html>",
            "HTML",
        ),
        (b"<html><body>Access denied</body></html>", "HTML"),
        (b'{"studies": []}', "not a well-formed feed"),
        (b"<rss version='2.0'><channel><title>cut", "not a well-formed feed"),
        (b"<?xml version='1.0'?><note>hello</note>", "not an RSS/Atom"),
    ],
)
def test_broken_feeds_are_payload_errors_with_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as err:
        parse_feed(data, source_id="s")
    assert "\n" not in str(err.value)


def test_valid_feed_with_no_entries_is_empty_not_an_error() -> None:
    data = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"
    assert parse_feed(data, source_id="s") == []


def test_feedparser_is_never_given_a_url_or_path(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    target.write_bytes(read("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml"))
    for not_a_feed in (str(target).encode(), b"http://127.0.0.1:9/feed.xml", b"file:///etc/passwd"):
        with pytest.raises(PayloadError):
            parse_feed(not_a_feed, source_id="s")


def test_items_are_sanitised_and_urls_canonical() -> None:
    data = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>argenx &amp;amp; &lt;b&gt;VYVGART&lt;/b&gt;</title>
    <link>https://www.globenewswire.com/news-release/1/x.html?utm_source=rss&amp;utm_medium=feed#top</link>
    <description>&lt;p onclick="x()"&gt;Efgartigimod&lt;script&gt;alert(1)&lt;/script&gt; data&lt;/p&gt;
    </description>
    <pubDate>Tue, 05 Dec 2023 16:59:37 EST</pubDate><guid>g-1</guid></item></channel></rss>"""
    [item] = parse_feed(data, source_id="gnw", doc_type="press_release")
    assert item.title == "argenx & VYVGART"
    assert item.summary == "Efgartigimod data"
    assert item.url == "https://www.globenewswire.com/news-release/1/x.html"
    assert item.published == datetime(2023, 12, 5, 21, 59, 37, tzinfo=UTC)
    assert item.guid == "g-1" and item.doc_type == "press_release"

"""RSS / Atom bytes -> FetchedItems, with feedparser. feedparser is only ever given bytes (wrapped in a
BytesIO), never a URL or a path, so it cannot fetch or open anything.

A broken feed (not XML, an HTML page, ill-formed with no entries) is a PayloadError with a one-line reason;
an ill-formed ("bozo") feed that still yields entries gives those entries, unless it is truncated (it ends
before the closing tag of its root element: a cut connection, a proxy's size limit), which is a PayloadError
too, so the poll counts a failure and keeps the old validators: the whole feed is fetched again next time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from pipewatch.domain.limits import MAX_URL_CHARS
from pipewatch.domain.models import DocType, FetchedItem
from pipewatch.domain.text import canonical_url, clean_text, to_utc
from pipewatch.errors import PayloadError

MAX_TITLE = 500
MAX_SUMMARY = 2000
_HTML_STARTS = (b"<!doctype html", b"<html")
# The closing tag of an RSS, Atom or RSS 1.0 (RDF) root element, optionally prefixed, at the very end.
_ROOT_CLOSED = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>\s*$", re.IGNORECASE)


def is_truncated(data: bytes) -> bool:
    """True when an XML feed stops before the closing tag of its root element."""
    tail = data[-512:].rstrip(b" \t\r\n\x00")
    return _ROOT_CLOSED.search(tail) is None


def _first_line(exc: object) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _sniff_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_STARTS)


def parse_document(data: bytes, *, content_type: str = "") -> Any:
    """feedparser's result for ``data``; PayloadError when it is not a usable feed.

    Returns feedparser's FeedParserDict (typed Any: feedparser ships no type information).
    """
    if not data or not data.strip(b" \t\r\n\x00"):
        raise PayloadError("empty document, not a feed")
    if _sniff_html(data):
        raise PayloadError("an HTML page, not an RSS/Atom feed (a challenge or error page?)")
    headers = {"content-type": content_type} if content_type else None
    import feedparser  # ~40 ms: loaded by the first feed, not by containers that poll only registries

    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and not entries:
        reason = _first_line(parsed.get("bozo_exception", "ill-formed"))
        raise PayloadError(f"not a well-formed feed: {reason}")
    if parsed.get("bozo") and is_truncated(data):
        reason = _first_line(parsed.get("bozo_exception", "ill-formed"))
        raise PayloadError(
            f"truncated feed: it ends before its closing root tag after {len(entries)} entries ({reason})"
        )
    if not entries and not parsed.get("version"):
        raise PayloadError("not an RSS/Atom document (no feed element found)")
    return parsed


def _entry_summary(entry: Mapping[str, Any]) -> str:
    summary = entry.get("summary") or ""
    if not summary:
        contents = entry.get("content") or []
        summary = " ".join(str(c.get("value", "")) for c in contents if isinstance(c, Mapping))
    return str(summary)


def entry_to_item(
    entry: Mapping[str, Any],
    *,
    source_id: str,
    source_name: str = "",
    doc_type: DocType = "news",
    extra: Mapping[str, str] | None = None,
) -> FetchedItem | None:
    """One feed entry as a FetchedItem; None for an entry with no title, text or link."""
    title = clean_text(entry.get("title"), max_length=MAX_TITLE)
    summary = clean_text(_entry_summary(entry), max_length=MAX_SUMMARY)
    link = str(entry.get("link") or "")
    url = canonical_url(link)
    if not (title or summary or url):
        return None
    item_extra = dict(extra or {})
    if len(link) > MAX_URL_CHARS:  # dropped, not cut (a cut link is a broken one): counted by the poll
        item_extra["url_dropped"] = f"link of {len(link)} characters (limit {MAX_URL_CHARS})"
    guid = str(entry.get("id") or "").strip() or url or title
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        published = to_utc(entry.get(key))
        if published is not None:
            break
    source = entry.get("source")
    if isinstance(source, Mapping) and source.get("title"):  # Google News: the original publisher
        item_extra["publisher"] = clean_text(source.get("title"), max_length=200)
    return FetchedItem(
        source_id=source_id,
        title=title,
        summary=summary,
        url=url,
        guid=guid[:500],
        published=published,
        doc_type=doc_type,
        source_name=source_name,
        extra=item_extra,
    )


def parse_feed(
    data: bytes,
    *,
    source_id: str,
    source_name: str = "",
    doc_type: DocType = "news",
    content_type: str = "",
) -> list[FetchedItem]:
    """Every usable entry of an RSS/Atom document. PayloadError when the document is not a feed."""
    parsed = parse_document(data, content_type=content_type)
    items = []
    for entry in parsed.get("entries") or []:
        item = entry_to_item(entry, source_id=source_id, source_name=source_name, doc_type=doc_type)
        if item is not None:
            items.append(item)
    return items

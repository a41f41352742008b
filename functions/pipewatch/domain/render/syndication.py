"""A subscription's updates as an Atom feed (RFC 4287) and a JSON Feed (version 1.1).

Both are built from the same entries: each update's page (a signed link for this subscriber) is the entry
link, so a feed reader opens the same page an e-mail does. Text is stripped of control and invisible
characters (XML 1.0 forbids most control characters) and escaped by the serialiser. Pure: time passed in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from pipewatch.domain.models import Update
from pipewatch.domain.render.messages import event_word
from pipewatch.domain.render.page import page_headline, safe_href
from pipewatch.domain.text import plain_text

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
FEED_LIMIT = 50
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _entry_text(update: Update) -> str:
    c = update.classification
    parts = [
        f"{', '.join(c.agents) or 'watchlist'} - {event_word(c.event_type)} (severity {c.severity or 'low'})",
        plain_text(update.summary),
    ]
    if update.change:
        ch = update.change
        parts.append(f"{ch.field}: {plain_text(ch.old) or '-'} -> {plain_text(ch.new) or '-'}")
    return "\n".join(p for p in parts if p)


def _ordered(updates: Sequence[Update]) -> list[Update]:
    return sorted(updates, key=lambda u: (u.first_seen, u.update_id), reverse=True)[:FEED_LIMIT]


def atom_feed(
    *,
    title: str,
    feed_url: str,
    updates: Sequence[Update],
    page_url: Callable[[str], str],
    now: datetime,
) -> str:
    """The Atom document; `feed_url` is its own (signed) address, `page_url(update_id)` an entry's page."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text:
            element.text = text
        return element

    ordered = _ordered(updates)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_url)
    sub(feed, "title", plain_text(title))
    sub(feed, "updated", _stamp(ordered[0].first_seen if ordered else now))
    author = sub(feed, "author")
    sub(author, "name", "pipewatch")
    sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    sub(feed, "generator", "pipewatch")
    for update in ordered:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:pipewatch:update:{update.update_id}")
        sub(entry, "title", plain_text(page_headline(update)))
        sub(entry, "updated", _stamp(update.first_seen))
        if update.published:
            sub(entry, "published", _stamp(update.published))
        sub(entry, "link", rel="alternate", href=page_url(update.update_id), type="text/html")
        if safe_href(update.url):
            sub(entry, "link", rel="related", href=update.url)
        for agent in update.classification.agents:
            sub(entry, "category", term=agent)
        if update.classification.event_type:
            sub(entry, "category", term=update.classification.event_type)
        sub(entry, "summary", _entry_text(update), type="text")
    body: str = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def json_feed(
    *,
    title: str,
    feed_url: str,
    updates: Sequence[Update],
    page_url: Callable[[str], str],
) -> str:
    """The JSON Feed 1.1 document."""
    items: list[dict[str, Any]] = []
    for update in _ordered(updates):
        item: dict[str, Any] = {
            "id": f"urn:pipewatch:update:{update.update_id}",
            "url": page_url(update.update_id),
            "title": plain_text(page_headline(update)),
            "content_text": _entry_text(update),
            "date_modified": _stamp(update.first_seen),
            "tags": [*update.classification.agents, update.classification.event_type or "update"],
        }
        if safe_href(update.url):
            item["external_url"] = update.url
        if update.published:
            item["date_published"] = _stamp(update.published)
        items.append(item)
    document = {
        "version": JSON_FEED_VERSION,
        "title": plain_text(title),
        "feed_url": feed_url,
        "description": "pipewatch updates selected by one subscription",
        "authors": [{"name": "pipewatch"}],
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"

"""Stable ids: the same item is the same update on every poll, whichever outlet or poll brought it."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from pipewatch.domain.models import FetchedItem, TrialChange

_SPACE = re.compile(r"\s+")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


# Path segments of pages that list stories rather than being one (a newsroom, an investor-relations page).
_LISTING_SEGMENTS = frozenset(
    {
        "", "news", "newsroom", "news-room", "press", "press-releases", "pressreleases", "press-release",
        "news-releases", "newsreleases", "releases", "media", "media-center", "mediacenter", "investors",
        "investor-relations", "investor", "ir", "events", "blog", "updates", "announcements", "latest",
        "home", "index", "index.html", "index.htm", "index.php", "default.aspx", "en", "en-us", "us", "all",
    }
)  # fmt: skip


def is_listing_url(url: str) -> bool:
    """A URL that names a listing page (`/`, `/news`, `/investors/press-releases`), never one story: it
    cannot identify an update, nor make two updates the same story."""
    if not url:
        return False
    parts = urlsplit(url)
    if parts.query:
        return False
    return all(segment.lower() in _LISTING_SEGMENTS for segment in parts.path.split("/"))


def url_identifies(item: FetchedItem, shared: bool = False) -> bool:
    """Whether the item's URL is its identity: it has one, it is not a listing page, and no other item of the
    same fetch with another guid or title links to it (`shared`, decided by the caller over the fetch)."""
    return bool(item.url) and not shared and not is_listing_url(item.url)


def update_id(item: FetchedItem, *, shared_url: bool = False) -> str:
    """Keyed on the canonical URL when it identifies the item (the same article from two feeds is one
    update), else on the source's guid, else on the normalised title and date. A URL that every item of a
    feed links to (`/news`), or that several distinct items of one fetch share, is not an identity."""
    if url_identifies(item, shared_url):
        return "u-" + _digest("url", item.url)
    if item.guid and item.guid != item.url:
        return "u-" + _digest("guid", item.source_id, item.guid)
    title = _SPACE.sub(" ", item.title).strip().lower()
    day = item.published.date().isoformat() if item.published else ""
    return "u-" + _digest("title", title, day)


def shared_urls(items: list[FetchedItem]) -> set[str]:
    """URLs that two or more items of one fetch link to while being different items (other guid or title)."""
    seen: dict[str, tuple[str, str]] = {}
    shared: set[str] = set()
    for item in items:
        if not item.url:
            continue
        key = (item.guid if item.guid != item.url else "", item.title.strip().lower())
        if seen.setdefault(item.url, key) != key:
            shared.add(item.url)
    return shared


def trial_change_id(change: TrialChange, version_marker: str) -> str:
    """A registry change is identified by the study, the field, the new value and the record version, so a
    re-poll of the same version never makes a second update but a later flip back and forth does."""
    return "t-" + _digest(change.nct_id, change.field, change.new or "", version_marker)


def catalyst_id(agent: str, kind: str, subject: str) -> str:
    """One calendar entry per watched agent, catalyst kind and trial (or drug when no trial is named)."""
    return "c-" + _digest(agent, kind, _SPACE.sub(" ", subject).strip().upper())


def catalyst_update_id(event: str, catalyst: str, *parts: str) -> str:
    """A calendar update (slip, overdue) is identified by what it says, so it is written once however often
    the same statement is seen or the daily check runs."""
    return "k-" + _digest(event, catalyst, *parts)

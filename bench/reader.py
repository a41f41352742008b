"""Reader-path bench (pure domain, one core): signing and verifying link tokens, rendering the update page,
building a 50-entry Atom feed and JSON Feed. Prints operations per second and each as a ratio of one bare
HMAC-SHA256 over the same payload (the floor of any signed link), so a slower change shows as a ratio.
Run: .venv/bin/python bench/reader.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.page import PageLinks, render_update_page
from pipewatch.domain.render.syndication import atom_feed, json_feed
from pipewatch.domain.subscribers.links import LinkKeys, SignedLinks

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
SUB = "sub-0123456789abcdef"


def _rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of process CPU time."""
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for _ in range(100):
            work()
        done += 100
    return done / (time.process_time() - start)


def _update(n: int) -> Update:
    return Update(
        update_id=f"u-{n:024x}",
        title=f"Argenx reports phase 3 ADAPT SERON results for efgartigimod in seronegative gMG ({n})",
        summary="The study met its primary endpoint; argenx plans regulatory filings in 2027. " * 3,
        url=f"https://news.example/story/{n}",
        source_id="press-wire",
        source_name="Press wire",
        first_seen=NOW - timedelta(hours=n),
        sources=("Press wire", "Other outlet"),
        story_urls=(f"https://news.example/story/{n}", f"https://other.example/{n}"),
        classification=Classification(
            relevant=True, agents=("efgartigimod",), indications=("myasthenia_gravis",),
            event_type="results", severity="high", reasons=("agent efgartigimod: 'efgartigimod' in title",),
        ),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="CPU seconds per measurement")
    seconds = parser.parse_args().seconds
    key = bytes(range(32))
    links = SignedLinks(LinkKeys(1, {1: key}), "https://pw.example/dev", clock=lambda: NOW)
    token = links.sign("page", SUB, update_id="u-" + "a" * 24)
    payload = b"\x11" + b"\x00" * 25
    updates = [_update(n) for n in range(50)]
    page_links = PageLinks(feedback="F", page_for=lambda uid: uid, feeds={"atom": "A"}, unsubscribe="U")

    base = _rate(lambda: hmac.new(key, payload, hashlib.sha256).digest(), seconds)
    results = {
        "sign a page link": _rate(lambda: links.sign("page", SUB, update_id="u-" + "a" * 24), seconds),
        "verify a page link": _rate(lambda: links.verify(token, "page"), seconds),
        "render the update page": _rate(
            lambda: render_update_page(updates[0], links=page_links, recent=updates[1:6]), seconds / 2
        ),
        "Atom feed, 50 entries": _rate(
            lambda: atom_feed(title="t", feed_url="https://f", updates=updates, page_url=str, now=NOW),
            seconds / 2,
        ),
        "JSON Feed, 50 entries": _rate(
            lambda: json_feed(title="t", feed_url="https://f", updates=updates, page_url=str), seconds / 2
        ),
    }
    print(f"bare HMAC-SHA256: {base:,.0f}/s (1.0x)")
    for name, rate in results.items():
        print(f"{name}: {rate:,.0f}/s ({base / rate:.1f}x the time of one bare HMAC)")


if __name__ == "__main__":
    main()

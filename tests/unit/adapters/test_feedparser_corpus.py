"""Every file of the feedparser test corpus goes through the RSS/Atom path: no crash, a clear one-line
PayloadError or items, and nothing executable or styling from wellformed/sanitize/ in any item text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from pipewatch.adapters.feeds import parse_feed
from pipewatch.domain.text import clean_text
from pipewatch.errors import PayloadError

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "feedparser-corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix == ".xml")
SANITIZE = CORPUS / "wellformed" / "sanitize"
DANGEROUS = re.compile(
    r"<\s*/?\s*(script|iframe|style|embed|object|applet|frame|frameset|meta|link|blink)\b"
    r"|\bon[a-z]{3,}\s*=|javascript\s*:|expression\s*\(",
    re.IGNORECASE,
)


def test_corpus_is_complete() -> None:
    assert len(FILES) >= 200
    assert len(list(SANITIZE.glob("*.xml"))) >= 100
    assert (CORPUS / "LICENSE").is_file()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_file(path: Path) -> None:
    try:
        items = parse_feed(path.read_bytes(), source_id="corpus")
    except PayloadError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 300
        assert path.parent.name != "sanitize", f"well-formed sanitize feed rejected: {message}"
        return
    for item in items:
        for text in (item.title, item.summary, item.url, item.guid if item.guid.startswith("http") else ""):
            assert not DANGEROUS.search(text), f"{path.name}: {text!r}"
        assert item.url == "" or item.url.startswith(("http://", "https://"))


@pytest.mark.parametrize("path", sorted(SANITIZE.glob("*.xml")), ids=lambda p: p.name)
def test_raw_sanitize_payloads_are_clean_even_without_feedparser_sanitising(path: Path) -> None:
    """Defence in depth: the raw element text of each sanitize case, unescaped, goes through clean_text."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    for body in re.findall(r"<(?:title|summary|content|description)[^>]*>(.*?)</", raw, flags=re.DOTALL):
        unwrapped = body.replace("<![CDATA[", "").replace("]]>", "")
        cleaned = clean_text(html.unescape(unwrapped))
        assert not DANGEROUS.search(cleaned), f"{path.name}: {cleaned!r}"

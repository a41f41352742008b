"""The update page, the feeds and the feedback rows (pure domain)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import feedparser
import pytest

from pipewatch.domain.models import Update
from pipewatch.domain.render.page import (
    CONTENT_SECURITY_POLICY,
    STYLE_HASH,
    STYLESHEET,
    Catalyst,
    PageLinks,
    outlets,
    render_update_page,
    safe_href,
)
from pipewatch.domain.render.syndication import atom_feed, json_feed
from pipewatch.domain.subscribers.feedback import FeedbackError, dev_row, feedback_for, report_text, summarise

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
HOSTILE = 'Efgartigimod <script>alert(1)</script> <a href="javascript:alert(2)">x</a> \u202eevil \u200bzw'


def _update(
    uid: str = "u-" + "a" * 24, title: str = "argenx wins approval for Vyvgart", **kw: object
) -> Update:
    return Update.from_json_dict(
        {
            "update_id": uid,
            "title": title,
            "url": "https://mednous.com/news/argenx",
            "source_id": "press",
            "source_name": "MedNous",
            "first_seen": NOW,
            "sources": ["MedNous", "SEC EDGAR"],
            "story_urls": ["https://mednous.com/news/argenx", "https://sec.gov/x"],
            "classification": {
                "relevant": True,
                "agents": ["efgartigimod"],
                "indications": ["myasthenia_gravis"],
                "event_type": "regulatory",
                "severity": "high",
                "reasons": ["agent efgartigimod: 'Vyvgart' in the title"],
            },
            **kw,
        }
    )


LINKS = PageLinks(
    feedback="FB", page_for=lambda uid: f"P-{uid}", feeds={"atom": "FA"}, unsubscribe="UN", calendar="CA"
)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    return parser


def test_given_a_hostile_headline_then_no_script_no_script_link_and_no_bidi_override_survive() -> None:
    html = render_update_page(_update(title=HOSTILE), links=LINKS)
    parsed = _parse(html)
    assert [t for t, _ in parsed.tags if t == "script"] == []
    hrefs = [a.get("href") or "" for t, a in parsed.tags if t == "a"]
    assert not any(h.lower().startswith("javascript") for h in hrefs)
    assert "\u202e" not in html and "\u200b" not in html
    assert 'Efgartigimod <script>alert(1)</script> <a href="javascript:alert(2)">x</a> evil zw' in "".join(
        parsed.text
    )


def test_given_the_page_then_it_has_outlets_reasons_feedback_form_and_own_links() -> None:
    html = render_update_page(
        _update(),
        links=LINKS,
        recent=[_update("u-" + "b" * 24, "Earlier efgartigimod news")],
        catalysts=[Catalyst(date(2027, 3, 1), "efgartigimod", "ADAPT-SERON readout")],
        feedback_given=["wrong_event_type"],
    )
    parsed = _parse(html)
    links = {a.get("href") for t, a in parsed.tags if t == "a"}
    assert {"https://mednous.com/news/argenx", "https://sec.gov/x", "P-u-" + "b" * 24} <= links
    assert {"../feed/FA", "../unsub/UN", "../cal/CA"} <= links
    assert "Your subscription: Atom feed · Catalyst calendar (iCalendar) · Unsubscribe" in "".join(
        parsed.text
    )
    forms = [a for t, a in parsed.tags if t == "form"]
    assert forms == [{"method": "post", "action": "../fb/FB"}]
    buttons = [a.get("value") for t, a in parsed.tags if t == "button"]
    assert buttons == ["not_about_drug", "wrong_event_type", "severity_too_high"]  # not "too low" for high
    text = "".join(parsed.text)
    assert "myasthenia gravis" in text and "'Vyvgart' in the title" in text
    assert "2027-03-01 (expected) efgartigimod: ADAPT-SERON readout" in text
    assert 'you told us "wrong event type"' in text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_given_the_stylesheet_then_the_csp_allows_exactly_its_hash_and_nothing_else() -> None:
    import base64
    import hashlib

    html = render_update_page(_update(), links=LINKS)
    assert f"<style>{STYLESHEET}</style>" in html
    digest = base64.b64encode(hashlib.sha256(STYLESHEET.encode()).digest()).decode()
    assert f"sha256-{digest}" == STYLE_HASH and f"style-src '{STYLE_HASH}'" in CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    assert "http" not in STYLESHEET  # no external fonts or images


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.example/x?y=1", True),
        ("http://a.example", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,x", False),
        ("//a.example/x", False),
        ("https://a.example/\u202ex", False),
        ("", False),
    ],
)
def test_given_a_url_then_only_absolute_http_links_are_kept(url: str, ok: bool) -> None:
    assert (safe_href(url) is not None) is ok


def test_given_merged_copies_then_each_outlet_keeps_its_own_url() -> None:
    assert outlets(_update()) == [
        ("MedNous", "https://mednous.com/news/argenx"),
        ("SEC EDGAR", "https://sec.gov/x"),
    ]
    no_url_first = _update(url="", sources=["Wire", "Copy"], story_urls=["https://copy.example"])
    assert outlets(no_url_first) == [("Wire", ""), ("Copy", "https://copy.example")]


def test_given_updates_then_the_atom_feed_is_valid_atom_with_required_elements() -> None:
    body = atom_feed(
        title="pipewatch: efgartigimod",
        feed_url="https://pw.example/dev/feed/T",
        updates=[_update(), _update("u-" + "c" * 24, HOSTILE)],
        page_url=lambda uid: f"https://pw.example/dev/u/{uid}",
        now=NOW,
    )
    parsed = feedparser.parse(body)
    assert not parsed.bozo and parsed.version == "atom10"
    assert parsed.feed.id == "https://pw.example/dev/feed/T" and parsed.feed.updated and parsed.feed.title
    assert parsed.feed.author == "pipewatch"
    assert [e.id for e in parsed.entries] == [
        "urn:pipewatch:update:u-" + "c" * 24,
        "urn:pipewatch:update:u-" + "a" * 24,
    ]
    for entry in parsed.entries:
        assert entry.title and entry.updated and entry.link.startswith("https://pw.example/dev/u/")
    assert "\u202e" not in body and "<script>" not in body  # escaped by the serialiser


def test_given_updates_then_the_json_feed_has_the_required_fields_of_version_1_1() -> None:
    feed = json.loads(
        json_feed(
            title="t",
            feed_url="https://pw.example/feed/J",
            updates=[_update()],
            page_url=lambda u: f"https://pw.example/u/{u}",
        )
    )
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"] == "t"
    (item,) = feed["items"]
    assert item["id"] and item["content_text"] and item["url"] == "https://pw.example/u/u-" + "a" * 24
    assert item["external_url"] == "https://mednous.com/news/argenx"
    assert datetime.fromisoformat(item["date_modified"].replace("Z", "+00:00")) == NOW


def test_given_each_answer_then_the_dev_row_label_says_what_the_reader_established() -> None:
    update = _update()
    rows = {label: dev_row(feedback_for(update, "sub-" + "0" * 16, label, NOW)) for label in
            ("not_about_drug", "wrong_event_type", "severity_too_high")}  # fmt: skip
    assert rows["not_about_drug"]["label"] == {"relevant": False, "agents": []}
    assert "regulatory" not in rows["wrong_event_type"]["label"]["event_type"]
    assert len(rows["wrong_event_type"]["label"]["event_type"]) == 9
    assert rows["severity_too_high"]["label"]["severity"] == ["medium", "low"]
    assert (
        rows["severity_too_high"]["title"] == update.title
        and rows["severity_too_high"]["source"] == "MedNous"
    )
    with pytest.raises(FeedbackError, match="already high"):
        feedback_for(update, "", "severity_too_low", NOW)
    with pytest.raises(FeedbackError, match="expected one of"):
        feedback_for(update, "", "<script>", NOW)


def test_given_answers_then_the_report_counts_by_agent_event_and_source() -> None:
    answers = [
        feedback_for(_update(), "sub-" + "0" * 16, "wrong_event_type", NOW),
        feedback_for(_update(), "sub-" + "1" * 16, "wrong_event_type", NOW),
        feedback_for(_update("u-" + "d" * 24), "", "not_about_drug", NOW),
    ]
    summary = summarise(answers)
    assert summary["answers"] == 3 and summary["updates"] == 2
    assert summary["by_agent"] == {"efgartigimod": {"wrong_event_type": 2, "not_about_drug": 1}}
    assert summary["by_source"] == {"MedNous": {"wrong_event_type": 2, "not_about_drug": 1}}
    assert "efgartigimod" in report_text(summary) and "wrong event type: 2" in report_text(summary)

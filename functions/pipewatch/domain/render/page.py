"""The update page: one update as a small HTML document a reader opens from an e-mail or an SMS.

Readable on a phone and without JavaScript (there is none): one stylesheet inlined and allowed by its hash
in the Content-Security-Policy, which forbids everything else (scripts, fonts, images, frames, other
origins). Every text is escaped; bidirectional overrides and other invisible characters are removed, so a
hostile headline (`<script>`, `javascript:` links, U+202E) stays inert, readable text; only http(s) links
become links, and they carry no referrer (the signed token stays on this page).

Links between pages are relative (`<token>`, `../fb/<token>`, `../feed/<token>`, `../cal/<token>`), so the
page works on the API stage URL, on a custom domain and on a local test server alike.

Pure: the caller passes the update, the recent updates, the catalysts and the signed tokens.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from pipewatch.domain.models import Update
from pipewatch.domain.render.messages import event_word, when_published
from pipewatch.domain.render.security import security_headers, style_hash
from pipewatch.domain.subscribers.feedback import FEEDBACK_LABELS
from pipewatch.domain.text import plain_text

STYLESHEET = """\
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--accent:#0b5cad}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#30363d;\
--accent:#6cb6ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",\
Roboto,sans-serif;overflow-wrap:anywhere}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;line-height:1.3;margin:.4rem 0 .6rem}
h2{font-size:1rem;margin:1.4rem 0 .4rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
a{color:var(--accent)}
ul{padding-left:1.2rem;margin:.3rem 0}
li{margin:.2rem 0}
.tags{display:flex;flex-wrap:wrap;gap:.3rem;margin:0;padding:0;list-style:none}
.tag{border:1px solid var(--line);border-radius:1rem;padding:0 .6rem;font-size:.85rem}
.sev-high{border-color:#cf222e;color:#cf222e}
.meta,.muted{color:var(--muted);font-size:.9rem}
.change{font-family:ui-monospace,monospace;font-size:.9rem}
form{display:flex;flex-wrap:wrap;gap:.5rem;margin:.4rem 0}
button{font:inherit;padding:.5rem .8rem;border:1px solid var(--line);border-radius:.4rem;\
background:transparent;color:var(--fg);min-height:2.75rem}
.notice{border-left:4px solid var(--accent);padding:.3rem .8rem}
footer{margin-top:2rem;border-top:1px solid var(--line);padding-top:.6rem}
"""
STYLE_HASH = style_hash(STYLESHEET)
# Every HTML answer carries these (domain/render/security.py says which and why).
SECURITY_HEADERS: Mapping[str, str] = security_headers(STYLESHEET)
CONTENT_SECURITY_POLICY = SECURITY_HEADERS["Content-Security-Policy"]


_FEED_NAMES = {"atom": "Atom feed", "json": "JSON Feed"}


@dataclass(frozen=True, slots=True)
class Catalyst:
    """A coming event of an agent (from the catalyst calendar, when one is configured)."""

    when: date
    agent: str
    title: str
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class PageLinks:
    """The signed tokens one page needs (relative URLs are built from them)."""

    feedback: str
    page_for: Callable[[str], str]  # update id -> page token (recent updates link to their own pages)
    feeds: Mapping[str, str] = field(default_factory=dict)  # "atom"/"json" -> token; empty for topic links
    unsubscribe: str = ""
    calendar: str = ""  # the subscriber's catalyst calendar (iCalendar) token; empty for topic links


def safe_text(text: str | None) -> str:
    """`plain_text`, escaped for HTML text and attributes."""
    return html.escape(plain_text(text), quote=True)


def safe_href(url: str | None) -> str | None:
    """The URL, escaped for an attribute, when it is an absolute http(s) URL; None otherwise."""
    if not url or any(unicodedata.category(ch) in {"Cc", "Cf", "Zs"} for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return html.escape(url, quote=True)


def _link(url: str | None, label: str) -> str:
    href = safe_href(url)
    text = safe_text(label) or safe_text(url)
    if href is None:
        return text
    return f'<a href="{href}" rel="noopener noreferrer nofollow">{text}</a>'


def _words(ids: Sequence[str]) -> str:
    return ", ".join(safe_text(i.replace("_", " ")) for i in ids)


def page_headline(update: Update) -> str:
    return update.change.summary if update.change else update.title


def outlets(update: Update) -> list[tuple[str, str]]:
    """(outlet, url) for every outlet that reported the update; the url is empty when unknown. Merged
    copies append to `sources` and `story_urls` together, so the two lists align from their ends."""
    labels = list(update.sources) or [update.source_name or update.source_id]
    urls = list(update.story_urls) or ([update.url] if update.url else [])
    offset = len(labels) - len(urls)
    if offset < 0:  # more URLs than labels: name the extra ones by the primary outlet
        labels = [labels[0]] * -offset + labels
        offset = 0
    head = [
        (label, update.url if n == 0 and update.url not in urls else "")
        for n, label in enumerate(labels[:offset])
    ]
    pairs = head + list(zip(labels[offset:], urls, strict=True))
    return [(label, "" if url.startswith("id:") else url) for label, url in pairs]


def outlet_days(update: Update) -> list[str]:
    """The publication day of each outlet `outlets` lists ("" when unknown): the story's own for its first
    outlet, then each merged copy's (stories stored before copies kept their day have fewer: aligned from
    the end, like the URLs)."""
    rows = outlets(update)
    days = list(update.story_dates)[-max(len(rows) - 1, 0) :] if len(rows) > 1 else []
    first = update.published.date().isoformat() if update.published else ""
    return [first] + [""] * (len(rows) - 1 - len(days)) + days if rows else []


def _reported_by(update: Update) -> str:
    items = []
    for (label, url), day in zip(outlets(update), outlet_days(update), strict=True):
        when = f' <span class="muted">{day}</span>' if day else ""
        items.append(f"<li>{_link(url, label)}{when}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _section(title: str, body: str) -> str:
    return f"<section><h2>{safe_text(title)}</h2>{body}</section>" if body else ""


def _recent(updates: Sequence[Update], page_for: Callable[[str], str]) -> str:
    items = []
    for u in updates:
        day = (u.published or u.first_seen).date().isoformat()
        c = u.classification
        href = html.escape(page_for(u.update_id), quote=True)
        items.append(
            f'<li><span class="muted">{day} · {safe_text(event_word(c.event_type))}</span> '
            f'<a href="{href}">{safe_text(page_headline(u))}</a></li>'
        )
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _catalysts(catalysts: Sequence[Catalyst]) -> str:
    items = [
        f'<li><span class="muted">{c.when.isoformat()}{"" if c.confirmed else " (expected)"}</span> '
        f"{safe_text(c.agent)}: {safe_text(c.title)}</li>"
        for c in catalysts
    ]
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _feedback(update: Update, links: PageLinks, given: Sequence[str]) -> str:
    severity = update.classification.severity or "low"
    offered = [
        label
        for label in FEEDBACK_LABELS
        if not (label == "severity_too_high" and severity == "low")
        and not (label == "severity_too_low" and severity == "high")
    ]
    buttons = "".join(
        f'<button type="submit" name="label" value="{label}">{FEEDBACK_LABELS[label]}</button>'
        for label in offered
    )
    thanks = ""
    if given:
        said = ", ".join(FEEDBACK_LABELS.get(g, g).lower() for g in given)  # type: ignore[call-overload]
        thanks = f'<p class="notice">Thank you: you told us "{safe_text(said)}".</p>'
    action = html.escape(f"../fb/{links.feedback}", quote=True)
    return (
        f'{thanks}<p class="muted">Was this alert wrong? One click tells us, and teaches the classifier.'
        f'</p><form method="post" action="{action}">{buttons}</form>'
    )


def render_update_page(
    update: Update,
    *,
    links: PageLinks,
    recent: Sequence[Update] = (),
    catalysts: Sequence[Catalyst] = (),
    feedback_given: Sequence[str] = (),
) -> str:
    """The whole HTML document for one update."""
    c = update.classification
    severity = c.severity or "low"
    tags = [f'<li class="tag">{safe_text(a)}</li>' for a in c.agents]
    tags.append(f'<li class="tag">{safe_text(event_word(c.event_type))}</li>')
    tags.append(f'<li class="tag sev-{severity}">severity {severity}</li>')
    parts = [
        f'<ul class="tags">{"".join(tags)}</ul>',
        f"<h1>{safe_text(page_headline(update))}</h1>",
        f'<p class="meta">{safe_text(update.source_name or update.source_id)} · '
        f"{safe_text(when_published(update))}</p>",
    ]
    if update.change:
        ch = update.change
        parts.append(
            _section(
                "What changed",
                f'<p class="change">{safe_text(ch.acronym or ch.nct_id)} {safe_text(ch.field)}: '
                f"{safe_text(ch.old) or '-'} &rarr; {safe_text(ch.new) or '-'}</p>",
            )
        )
    if update.summary and update.summary != page_headline(update):
        parts.append(_section("Summary", f"<p>{safe_text(update.summary)}</p>"))
    parts.append(
        _section(
            "Reported by",
            _reported_by(update),
        )
    )
    if c.indications:
        parts.append(_section("Indications", f"<p>{_words(c.indications)}</p>"))
    reasons = "".join(f"<li>{safe_text(r)}</li>" for r in c.reasons if safe_text(r))
    parts.append(_section("Why you got this", f"<ul>{reasons}</ul>" if reasons else ""))
    parts.append(_section("Tell us if it was wrong", _feedback(update, links, feedback_given)))
    agents = ", ".join(c.agents) or "this agent"
    parts.append(_section(f"Recent updates on {agents}", _recent(recent, links.page_for)))
    parts.append(_section(f"Coming catalysts for {agents}", _catalysts(catalysts)))
    return document(safe_text(page_headline(update))[:120], "".join(parts) + _subscription_footer(links))


def _subscription_footer(links: PageLinks) -> str:
    """The subscriber's own links (feeds, catalyst calendar, unsubscribe); none on a topic-wide page."""
    own = [(f"../feed/{token}", _FEED_NAMES.get(fmt, fmt)) for fmt, token in sorted(links.feeds.items())]
    if links.calendar:
        own.append((f"../cal/{links.calendar}", "Catalyst calendar (iCalendar)"))
    if links.unsubscribe:
        own.append((f"../unsub/{links.unsubscribe}", "Unsubscribe"))
    if not own:
        return ""
    anchors = " · ".join(f'<a href="{html.escape(href, quote=True)}">{label}</a>' for href, label in own)
    return f'<footer class="muted">Your subscription: {anchors}</footer>'


def document(title: str, body: str) -> str:
    """A complete page around `body` (already escaped HTML); `title` is escaped text."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{title} - pipewatch</title><style>{STYLESHEET}</style></head>"
        f'<body><main dir="auto">{body}</main></body></html>\n'
    )


def message_page(title: str, message: str, *, form_action: str = "", button: str = "") -> str:
    """A short page: a refusal, a confirmation, or a question with one button (a POST form)."""
    form = (
        f'<form method="post" action="{html.escape(form_action, quote=True)}">'
        f'<button type="submit">{safe_text(button)}</button></form>'
        if form_action
        else ""
    )
    return document(safe_text(title), f"<h1>{safe_text(title)}</h1><p>{safe_text(message)}</p>{form}")

"""Slack Block Kit and Microsoft Teams Adaptive Card renderings of an update (and of a digest).

Both carry the same content as the e-mail: the headline as a link, agents, event and severity, the outlets
that reported it, what changed (registry updates), and why the subscriber got it. Teams Workflows webhooks
take a message envelope whose one attachment is the Adaptive Card (Office 365 connectors are retired).

Text is cleaned (text.clean_line) and escaped for each format: Slack mrkdwn treats `&`, `<` and `>` as
control characters; Adaptive Card TextBlocks render a Markdown subset, so `[`, `]`, `*`, `_` are escaped.

Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pipewatch.domain.models import Update
from pipewatch.domain.render.messages import event_word, fit_words, headline, subject_label, when_published
from pipewatch.domain.text import clean_line

SLACK_TEXT_LIMIT = 3000  # a section block's text
SLACK_HEADER_LIMIT = 150
SLACK_MAX_BLOCKS = 50  # blocks per message
# Teams' documented card limit is about 28 KB for the whole message: 26,000 bytes leaves room for the
# envelope Power Automate adds.
TEAMS_CARD_BYTES = 26_000
# The digest's text per chat message (service side: a digest for these channels is packed in parts this
# size, each with its head and footer, so the renderers above rarely need to cut).
CHAT_DIGEST_PART_BYTES = {"slack": 24_000, "teams": 9_000}
# The line a digest's footer starts with (the e-mail signature separator): chat renderers keep what follows.
FOOTER_MARK = "-- "
_URL = re.compile(r"https://\S+")
ADAPTIVE_CARD_VERSION = "1.4"
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
_SEVERITY_MARK = {"high": ":red_circle:", "medium": ":large_orange_circle:", "low": ":white_circle:"}
_SEVERITY_COLOUR = {"high": "Attention", "medium": "Warning", "low": "Default"}
_MARKDOWN = re.compile(r"([\\\[\]*_`~>#])")


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _words(ids: tuple[str, ...]) -> str:
    return ", ".join(i.replace("_", " ") for i in ids) or "-"


def _url(update: Update) -> str:
    url = clean_line(update.url)
    return url if url.startswith(("https://", "http://")) and " " not in url else ""


def _outlets(update: Update) -> list[str]:
    outlets = [clean_line(s) for s in update.sources if clean_line(s)]
    return outlets or [clean_line(update.source_name or update.source_id)]


def _why(update: Update) -> list[str]:
    return [clean_line(r) for r in update.classification.reasons if clean_line(r)] or [
        "it matches your subscription"
    ]


def _change_line(update: Update) -> str:
    change = update.change
    if change is None:
        return ""
    return f"{clean_line(change.field)}: {clean_line(change.old) or '-'} -> {clean_line(change.new) or '-'}"


def slack_message(update: Update) -> dict[str, Any]:
    """A Slack incoming-webhook body: `text` (notification fallback) plus Block Kit blocks."""
    c = update.classification
    severity = c.severity or "low"
    title = fit_words(headline(update), SLACK_TEXT_LIMIT - 200)
    url = _url(update)
    linked = f"<{slack_escape(url)}|{slack_escape(title)}>" if url else slack_escape(title)
    facts = (
        f"*Agents:* {slack_escape(_agents(update))}\n"
        f"*Event:* {event_word(c.event_type)}   *Severity:* {_SEVERITY_MARK[severity]} {severity}\n"
        f"*Indications:* {slack_escape(_words(c.indications))}\n"
        f"*Outlets:* {slack_escape(', '.join(_outlets(update)))}\n"
        f"*When:* {when_published(update)}"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{linked}*"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": facts}},
    ]
    change = _change_line(update)
    if change:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*What changed:* {slack_escape(change)}"}}
        )
    why = "\n".join(f"• {slack_escape(r)}" for r in _why(update))
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": fit_words(f"Why: {why}", 3000)}]}
    )
    fallback = f"[{severity.upper()}] {subject_label(c)} {event_word(c.event_type)}: {title}"
    return {"text": slack_escape(fallback), "blocks": blocks, "unfurl_links": False}


def _teams_envelope(card_body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "version": ADAPTIVE_CARD_VERSION,
        "body": card_body,
    }
    if actions:
        card["actions"] = actions
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }


def _agents(update: Update) -> str:
    """The agents, or for a landscape update the competitor and the agents it competes with."""
    c = update.classification
    if c.tier == "landscape":
        return f"landscape: {c.competitor}, a competitor of {_words(c.competes_with)}"
    return _words(c.agents)


def teams_message(update: Update) -> dict[str, Any]:
    """A Teams Workflows webhook body: the message envelope with one Adaptive Card attachment."""
    c = update.classification
    severity = c.severity or "low"
    title = headline(update)
    url = _url(update)
    heading = f"[{markdown_escape(title)}]({url})" if url else markdown_escape(title)
    facts = [
        {"title": "Agents", "value": _agents(update)},
        {"title": "Event", "value": event_word(c.event_type)},
        {"title": "Severity", "value": severity},
        {"title": "Indications", "value": _words(c.indications)},
        {"title": "Outlets", "value": ", ".join(_outlets(update))},
        {"title": "When", "value": when_published(update)},
    ]
    change = _change_line(update)
    if change:
        facts.append({"title": "What changed", "value": change})
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": heading,
            "wrap": True,
            "weight": "Bolder",
            "size": "Medium",
            "color": _SEVERITY_COLOUR[severity],
        },
        {"type": "FactSet", "facts": facts},
        {
            "type": "TextBlock",
            "text": "Why: " + "; ".join(markdown_escape(r) for r in _why(update)),
            "wrap": True,
            "isSubtle": True,
            "size": "Small",
        },
    ]
    actions = [{"type": "Action.OpenUrl", "title": "Open", "url": url}] if url else []
    return _teams_envelope(body, actions)


def _split_footer(text: str) -> tuple[list[str], list[str]]:
    """(body lines, footer lines): the footer starts at the digest's signature line (FOOTER_MARK)."""
    lines = text.split("\n")
    marks = [n for n, line in enumerate(lines) if line == FOOTER_MARK]
    cut = marks[-1] if marks else len(lines)
    return lines[:cut], lines[cut:]


def _more_line(body: list[str], kept: int, footer: list[str]) -> str:
    """What stands for the body lines past `kept`: how many updates, and where the full list is."""
    dropped = body[kept:]
    updates = sum(1 for line in dropped if line.startswith("- ["))
    what = f"{updates} more updates" if updates else f"{len(dropped)} more lines"
    link = next((m.group() for line in footer for m in [_URL.search(line)] if m), "")
    where = f"the full list: {link}" if link else "the full list is in the e-mail digest and your feeds"
    return f"... and {what} not shown here (over this channel's message size); {where}"


def fit_digest(text: str, fits: Callable[[list[str]], bool]) -> list[str]:
    """The digest's lines, as many body lines as `fits` allows, then an "N more" line with the link to the
    full list, then the footer (unsubscribe), which is never cut."""
    body, footer = _split_footer(text)
    if fits(body + footer):
        return body + footer
    low, high = 0, len(body)  # the most body lines that fit with the "more" line: a binary search
    while low < high:
        mid = (low + high + 1) // 2
        if fits([*body[:mid], _more_line(body, mid, footer), *footer]):
            low = mid
        else:
            high = mid - 1
    return [*body[:low], _more_line(body, low, footer), *footer]


def _slack_sections(lines: list[str]) -> list[str]:
    """Lines packed into preformatted section texts of at most SLACK_TEXT_LIMIT characters (a longer line is
    cut to fit)."""
    room = SLACK_TEXT_LIMIT - 8  # the ``` fences
    sections: list[list[str]] = [[]]
    used = 0
    for raw in lines:
        line = fit_words(slack_escape(raw), room) or " "
        if sections[-1] and used + len(line) + 1 > room:
            sections.append([])
            used = 0
        sections[-1].append(line)
        used += len(line) + 1
    return ["```" + "\n".join(section) + "```" for section in sections]


def slack_digest(subject: str, text: str) -> dict[str, Any]:
    """A digest for Slack: the subject as the heading, the digest's text as preformatted sections of at
    most 3,000 characters, at most SLACK_MAX_BLOCKS blocks: what does not fit becomes "N more" with the link
    to the full list, above the footer (unsubscribe), which every message keeps."""
    fitted = fit_digest(text, lambda lines: len(_slack_sections(lines)) <= SLACK_MAX_BLOCKS - 1)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": fit_words(subject, SLACK_HEADER_LIMIT)}},
        *({"type": "section", "text": {"type": "mrkdwn", "text": t}} for t in _slack_sections(fitted)),
    ]
    return {"text": slack_escape(subject), "blocks": blocks, "unfurl_links": False}


def _teams_body(subject: str, lines: list[str]) -> list[dict[str, Any]]:
    return [
        {"type": "TextBlock", "text": markdown_escape(subject), "wrap": True, "weight": "Bolder"},
        {
            "type": "TextBlock",
            "text": markdown_escape("\n".join(lines)),
            "wrap": True,
            "fontType": "Monospace",
        },
    ]


def teams_card_bytes(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def teams_digest(subject: str, text: str) -> dict[str, Any]:
    """A digest for Teams: one Adaptive Card of at most TEAMS_CARD_BYTES (encoded), cut like Slack's."""
    fitted = fit_digest(
        text,
        lambda lines: teams_card_bytes(_teams_envelope(_teams_body(subject, lines), [])) <= TEAMS_CARD_BYTES,
    )
    return _teams_envelope(_teams_body(subject, fitted), [])

"""Slack Block Kit and Microsoft Teams Adaptive Card renderings of an update (and of a digest).

Both carry the same content as the e-mail: the headline as a link, agents, event and severity, the outlets
that reported it, what changed (registry updates), and why the subscriber got it. Teams Workflows webhooks
take a message envelope whose one attachment is the Adaptive Card (Office 365 connectors are retired).

Text is cleaned (text.clean_line) and escaped for each format: Slack mrkdwn treats `&`, `<` and `>` as
control characters; Adaptive Card TextBlocks render a Markdown subset, so `[`, `]`, `*`, `_` are escaped.

Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

from pipewatch.domain.models import Update
from pipewatch.domain.render.messages import event_word, fit_words, headline, when_published
from pipewatch.domain.text import clean_line

SLACK_TEXT_LIMIT = 3000  # a section block's text
SLACK_HEADER_LIMIT = 150
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
        f"*Agents:* {slack_escape(_words(c.agents))}\n"
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
    fallback = f"[{severity.upper()}] {'/'.join(c.agents) or 'watchlist'} {event_word(c.event_type)}: {title}"
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


def teams_message(update: Update) -> dict[str, Any]:
    """A Teams Workflows webhook body: the message envelope with one Adaptive Card attachment."""
    c = update.classification
    severity = c.severity or "low"
    title = headline(update)
    url = _url(update)
    heading = f"[{markdown_escape(title)}]({url})" if url else markdown_escape(title)
    facts = [
        {"title": "Agents", "value": _words(c.agents)},
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


def slack_digest(subject: str, text: str) -> dict[str, Any]:
    """A digest for Slack: the subject as the heading, the digest e-mail's text as a preformatted block."""
    body = fit_words(slack_escape(text), SLACK_TEXT_LIMIT - 10)
    return {
        "text": slack_escape(subject),
        "blocks": [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": fit_words(subject, SLACK_HEADER_LIMIT)},
            },
            {"type": "section", "text": {"type": "mrkdwn", "text": f"```{body}```"}},
        ],
        "unfurl_links": False,
    }


def teams_digest(subject: str, text: str) -> dict[str, Any]:
    body = [
        {"type": "TextBlock", "text": markdown_escape(subject), "wrap": True, "weight": "Bolder"},
        {"type": "TextBlock", "text": markdown_escape(text), "wrap": True, "fontType": "Monospace"},
    ]
    return _teams_envelope(body, [])

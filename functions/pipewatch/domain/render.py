"""Turning an update into alert text: an SMS line, an email subject and a plain-text email body.

First version; the delivery work refines formats (GSM-7, 160 characters, unsubscribe text).
"""

from __future__ import annotations

import unicodedata

from pipewatch.domain.models import Alert, Update

_EVENT_WORDS = {
    "trial_start": "trial start",
    "trial_status": "trial status",
    "trial_update": "trial update",
    "results": "results",
    "regulatory": "regulatory",
    "safety": "safety",
    "pipeline": "pipeline",
    "corporate": "corporate",
    "publication": "publication",
    "commentary": "commentary",
}


def ascii_subject(text: str, limit: int = 100) -> str:
    """SNS subjects must be ASCII, single-line and at most 100 characters."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = " ".join(folded.split())
    return folded if len(folded) <= limit else folded[: limit - 3].rstrip() + "..."


def _agent_label(update: Update) -> str:
    return "/".join(update.classification.agents) or "watchlist"


def render_alert(update: Update) -> Alert:
    c = update.classification
    event_type = c.event_type or "commentary"
    severity = c.severity or "low"
    agent = _agent_label(update)
    event = _EVENT_WORDS[event_type]
    headline = update.change.summary if update.change else update.title
    subject = ascii_subject(f"[{severity.upper()}] {agent}: {event} - {headline}")
    sms = f"{agent} {event}: {headline}"
    if update.url:
        sms = f"{sms} {update.url}"
    lines = [
        headline,
        "",
        f"Source: {update.source_name or update.source_id}"
        + (f", {update.published.date().isoformat()}" if update.published else ""),
        f"Agents: {', '.join(c.agents)}",
        f"Indications: {', '.join(c.indications) or '-'}",
        f"Event: {event} ({severity})",
    ]
    if update.change:
        lines.append(f"What changed: {update.change.field}: {update.change.old} -> {update.change.new}")
    if update.url:
        lines.append(f"Link: {update.url}")
    lines += ["", "Why you got this:"] + [f"- {r}" for r in c.reasons]
    return Alert(
        update_id=update.update_id,
        subject=subject,
        message="\n".join(lines),
        sms=sms,
        agents=c.agents,
        indications=c.indications,
        event_type=event_type,
        severity=severity,
    )

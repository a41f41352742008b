"""The SES e-mail: an HTML part and the plain-text part (render.render_email_body), the subject as SNS
e-mail has it, and RFC 8058 one-click unsubscribe headers pointing at the signed unsubscribe URL.

Every value placed in the HTML is cleaned (render.clean_line) and then HTML-escaped; links are only
http(s). Pure: the MIME message is built in memory (stdlib `email`), nothing is sent here.
"""

from __future__ import annotations

import email.policy
from email.message import EmailMessage
from email.utils import formataddr
from html import escape

from pipewatch.domain.models import Update
from pipewatch.domain.render.messages import event_word, headline, when_published
from pipewatch.domain.text import clean_line

_SEVERITY_COLOUR = {"high": "#b42318", "medium": "#b54708", "low": "#475467"}


def _safe_url(url: str) -> str:
    url = clean_line(url)
    return url if url.startswith(("https://", "http://")) and " " not in url else ""


def _row(label: str, value: str) -> str:
    return (
        f'<tr><td style="padding:2px 12px 2px 0;color:#475467">{escape(label)}</td>'
        f"<td>{escape(value)}</td></tr>"
    )


def render_email_html(update: Update, *, unsubscribe_url: str = "") -> str:
    c = update.classification
    severity = c.severity or "low"
    title = escape(headline(update))
    url = _safe_url(update.url)
    heading = f'<a href="{escape(url, quote=True)}">{title}</a>' if url else title
    outlets = [clean_line(s) for s in update.sources if clean_line(s)] or [
        clean_line(update.source_name or update.source_id)
    ]
    rows = [
        _row("Agents", ", ".join(a.replace("_", " ") for a in c.agents) or "-"),
        _row("Event", event_word(c.event_type)),
        _row("Indications", ", ".join(i.replace("_", " ") for i in c.indications) or "-"),
        _row("Outlets", ", ".join(outlets)),
    ]
    rows.append(_row("When", when_published(update)))
    if update.change:
        change = update.change
        old, new = clean_line(change.old) or "-", clean_line(change.new) or "-"
        rows.append(_row("What changed", f"{clean_line(change.field)}: {old} -> {new}"))
    why = "".join(f"<li>{escape(clean_line(r))}</li>" for r in c.reasons if clean_line(r)) or (
        "<li>it matches your subscription</li>"
    )
    summary = clean_line(update.summary)
    summary_html = f"<p>{escape(summary)}</p>" if summary and summary != headline(update) else ""
    footer = (
        f'<p style="color:#667085;font-size:12px"><a href="{escape(unsubscribe_url, quote=True)}">'
        "Unsubscribe</a> (one click, takes effect at once)</p>"
        if unsubscribe_url
        else ""
    )
    return (
        '<!DOCTYPE html><html><body style="font-family:Arial,sans-serif;font-size:14px;color:#101828">'
        f'<p style="color:{_SEVERITY_COLOUR[severity]};font-weight:bold">{escape(severity.upper())}</p>'
        f'<h2 style="font-size:18px">{heading}</h2>'
        f"<table>{''.join(rows)}</table>{summary_html}"
        f"<p>Why you got this:</p><ul>{why}</ul>{footer}</body></html>"
    )


def text_to_html(text: str) -> str:
    """A digest's HTML part: its text, escaped and preformatted (the text part stays the reference)."""
    return (
        '<!DOCTYPE html><html><body><pre style="font-family:Menlo,Consolas,monospace;font-size:13px">'
        f"{escape(text)}</pre></body></html>"
    )


def build_email(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    unsubscribe_url: str = "",
    message_key: str = "",
    sender_name: str = "pipewatch",
) -> bytes:
    """The raw MIME message (multipart/alternative: text then HTML). With an unsubscribe URL it carries
    `List-Unsubscribe: <url>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058)."""
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender))
    message["To"] = recipient
    message["Subject"] = subject
    if message_key:
        message["X-Pipewatch-Message"] = message_key
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    footer = f"\n\nUnsubscribe (one click): {unsubscribe_url}" if unsubscribe_url else ""
    message.set_content(text + footer)
    message.add_alternative(html, subtype="html")
    # No folding below RFC 5322's 998: a folded List-Unsubscribe URL gets RFC 2047-encoded, which mail
    # clients do not read as a URL.
    return message.as_bytes(policy=email.policy.SMTP.clone(max_line_length=998))

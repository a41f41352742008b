"""`pipewatch render --channel KIND` (every kind of domain/subscribers/channels.py): classified updates
(JSON lines) -> messages (JSON lines)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from pipewatch.commands.jsonlines import (
    RawDescriptionAndDefaults,
    optional_text,
    parse_object_line,
    run_json_lines,
)

# Not a credential: a fixed, documented example so `render` output is reproducible.
EXAMPLE_SECRET = "whsec_cGlwZXdhdGNoLXJlbmRlci1leGFtcGxlLXNlY3JldCE="  # noqa: S105

DESCRIPTION = """\
Read JSON lines on stdin: the output of `pipewatch classify` (relevant, agents, indications, event_type,
severity, reasons) plus "title" (required), "url", "source", "published" (ISO date or time) and optionally
"summary". Write one JSON line per input line, in input order: {"subject": ..., "body": ...} for email,
{"body": ...} for SMS (GSM-7, at most 160 characters), the Slack Block Kit body ({"text", "blocks"}), the
Teams Workflows body (an Adaptive Card in a message envelope), or for webhook {"headers": {webhook-id,
webhook-timestamp, webhook-signature}, "body": ...} signed with --secret (docs/webhook-schema.md). Lines
with relevant=false or no event_type are rendered as commentary so every format can be inspected. Links lose
their tracking parameters (utm_*, gclid, fbclid, mc_cid, ...), as stored updates do. A bad line gets
{"line": N, "error": "..."} and a message on stderr; exit status 1 if any line failed, else 0. Blank lines
are skipped.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = RawDescriptionAndDefaults
    from pipewatch.domain.subscribers.channels import CHANNELS

    parser.add_argument("--channel", choices=tuple(CHANNELS), required=True, help="which message to render")
    parser.add_argument(
        "--secret",
        default=EXAMPLE_SECRET,
        help="webhook signing secret (whsec_...) for --channel webhook (default: a fixed example secret)",
    )
    parser.add_argument(
        "--subscription-id", default="sub-0000000000000000", help="subscription id for --channel webhook"
    )
    parser.add_argument(
        "--link-base",
        default=None,
        help="base of the SMS short link <base>/<update id> (None: $PIPEWATCH_LINK_BASE, else https://pipewatch.example/u)",
    )


def _strings(record: dict[str, Any], key: str) -> tuple[str, ...]:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'"{key}" must be a list of strings')
    return tuple(value)


def _render_line(text: str, args: argparse.Namespace, link_base: str, now: datetime) -> dict[str, Any]:
    from pipewatch.domain.ingest.ids import update_id
    from pipewatch.domain.models import Classification, FetchedItem, Update
    from pipewatch.domain.text import canonical_url, to_utc

    record = parse_object_line(text)
    title = record["title"]
    if not isinstance(title, str):
        raise ValueError('"title" must be a string')
    published = to_utc(optional_text(record, "published")) if record.get("published") else None
    source = optional_text(record, "source")
    # The event and severity come from the line: checked against the taxonomy's sets (RecordFieldError, a
    # ValueError naming the field, is the line's error).
    classification = Classification.from_json_dict(
        {
            "relevant": bool(record.get("relevant", True)),
            "agents": _strings(record, "agents"),
            "indications": _strings(record, "indications"),
            "event_type": record.get("event_type") or "commentary",
            "severity": record.get("severity") or "low",
            "reasons": _strings(record, "reasons"),
            "tier": "landscape" if record.get("tier") == "landscape" else "own",
            "competitor": optional_text(record, "competitor") or None,
            "competes_with": _strings(record, "competes_with"),
        }
    )
    item = FetchedItem(
        source_id=source or "stdin",
        title=title,
        url=canonical_url(optional_text(record, "url")),
        published=published,
    )
    update = Update(
        update_id=update_id(item),
        title=title,
        summary=optional_text(record, "summary"),
        url=item.url,
        source_id=item.source_id,
        source_name=source,
        published=published,
        classification=classification,
        sources=(source,) if source else (),
        first_seen=now,
    )
    return _format(update, args, link_base, now)


def _format(update: Any, args: argparse.Namespace, link_base: str, now: datetime) -> dict[str, Any]:
    from pipewatch.domain.render.channel_payloads import CHANNEL_PAYLOADS, Message
    from pipewatch.domain.render.messages import render_email_body, render_email_subject, render_sms
    from pipewatch.domain.render.webhooks import encode_body, signed_headers, webhook_id

    channel = args.channel
    if channel == "sms":
        return {"body": render_sms(update, link_base)}
    if channel == "email":
        return {"subject": render_email_subject(update), "body": render_email_body(update)}
    message_id = webhook_id(args.subscription_id, update.update_id)
    payload = CHANNEL_PAYLOADS[channel]
    body = payload.body(Message(subscription_id=args.subscription_id, message_id=message_id, update=update))
    if not payload.receiver_verifies_signature:
        return body
    try:
        headers = signed_headers(args.secret, message_id, int(now.timestamp()), encode_body(body))
    except ValueError as exc:
        raise ValueError(f"--secret: {exc}") from exc
    return {"headers": headers, "body": body}


def run(args: argparse.Namespace) -> int:
    from pipewatch.settings import Settings

    base = args.link_base or Settings.from_env().link_base
    now = datetime.now(UTC)
    return run_json_lines("pipewatch render", lambda text: _render_line(text, args, base, now))

"""Per-message CPU cost of the delivery formats, against the plain-text e-mail body the alert function
already renders for every update (ratios, process CPU time, one core):

  slack (Block Kit), teams (Adaptive Card), webhook (JSON + Standard Webhooks HMAC-SHA256 signature),
  SES e-mail (HTML part + MIME message with both parts and the RFC 8058 headers).

    .venv/bin/python bench/channel_render.py [--n 20000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime

from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.chat import slack_message, teams_message
from pipewatch.domain.render.email_html import build_email, render_email_html
from pipewatch.domain.render.messages import render_email_body
from pipewatch.domain.render.webhooks import encode_body, signed_headers, webhook_body, webhook_id

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the public Standard Webhooks test vector secret


def _updates(n: int) -> list[Update]:
    return [
        Update(
            update_id=f"u-{i}",
            title=f"argenx announces topline phase 3 results for efgartigimod in myositis ({i})",
            summary="ALKIVIA met its primary endpoint (TIS) at week 24; safety consistent with prior trials.",
            url=f"https://example.com/news/{i}",
            source_id="press",
            source_name="Press Wire",
            sources=("Press Wire", "Endpoints", "Fierce Biotech"),
            first_seen=datetime(2026, 12, 1, 9, tzinfo=UTC),
            classification=Classification(
                relevant=True,
                agents=("efgartigimod",),
                indications=("dermatomyositis", "polymyositis"),
                event_type="results",
                severity="high",
                reasons=("agent efgartigimod (alias efgartigimod)", "event results: 'topline'"),
            ),
        )
        for i in range(n)
    ]


def _webhook(update: Update) -> object:
    message_id = webhook_id("sub-0123456789abcdef", update.update_id)
    body = encode_body(webhook_body(update, subscription_id="sub-0123456789abcdef", message_id=message_id))
    return signed_headers(SECRET, message_id, 1_800_000_000, body)


def _ses(update: Update) -> object:
    html = render_email_html(update, unsubscribe_url="https://pipewatch.example/unsubscribe/t")
    return build_email(
        sender="alerts@pipewatch.example", recipient="a@example.com", subject="s",
        text=render_email_body(update), html=html, unsubscribe_url="https://pipewatch.example/unsubscribe/t",
    )  # fmt: skip


def _cpu(fn: Callable[[Update], object], updates: list[Update]) -> float:
    start = time.process_time()
    for update in updates:
        fn(update)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    updates = _updates(parser.parse_args().n)
    base = _cpu(render_email_body, updates)
    print(f"{len(updates)} updates; plain-text e-mail body: {base / len(updates) * 1e6:.1f} us each (1.0x)")
    for name, fn in (
        ("slack", slack_message),
        ("teams", teams_message),
        ("webhook+sign", _webhook),
        ("ses", _ses),
    ):
        spent = _cpu(fn, updates)
        print(f"{name:>13}: {spent / len(updates) * 1e6:.1f} us each ({spent / base:.1f}x the e-mail body)")


if __name__ == "__main__":
    main()

"""Signed webhooks, the Standard Webhooks way (https://www.standardwebhooks.com/), and the generic webhook
body (schema `pipewatch.alert/v1`, documented in docs/webhook-schema.md and docs/webhook-schema.json).

Headers of every POST:
  webhook-id:        stable id of (subscription, update): the same on every retry and redelivery, so a
                     receiver dedupes on it;
  webhook-timestamp: Unix seconds of this attempt (fresh on each retry, as the spec wants, so a receiver's
                     replay tolerance keeps working);
  webhook-signature: `v1,` + base64(HMAC-SHA256(secret, f"{id}.{timestamp}.{body}")), where the secret is
                     the base64 part of the subscription's `whsec_...` secret, decoded.

Pure: the secret and the time are passed in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pipewatch.domain.models import Update
from pipewatch.domain.render.messages import event_word, headline, published_late, when_published
from pipewatch.domain.text import clean_line

SCHEMA_VERSION = "pipewatch.alert/v1"
DIGEST_SCHEMA_VERSION = "pipewatch.digest/v1"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
SECRET_BYTES = 32
# Receivers should refuse timestamps further than this from their clock (the spec's suggestion).
TIMESTAMP_TOLERANCE_SECONDS = 5 * 60


class SignatureError(ValueError):
    """A webhook does not verify: wrong secret, altered body, or a timestamp out of tolerance."""


def secret_from_bytes(raw: bytes) -> str:
    """A `whsec_` secret from random bytes (the service draws them; the domain never does)."""
    if len(raw) < 24:
        raise ValueError("a webhook secret needs at least 24 random bytes")
    return SECRET_PREFIX + base64.b64encode(raw).decode("ascii")


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)


def webhook_id(subscription_id: str, message_key: str) -> str:
    """The stable id of one message (an update or a digest) for one subscription."""
    digest = hashlib.sha256(f"{subscription_id}\n{message_key}".encode()).hexdigest()[:32]
    return f"msg_{digest}"


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    mac = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: int) -> None:
    """What a receiver does (and what the tests do with what the local receivers got). Raises
    SignatureError unless one `v1,` signature matches and the timestamp is within tolerance."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        message_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        signatures = lowered["webhook-signature"].split()
    except (KeyError, ValueError) as exc:
        raise SignatureError("missing or malformed webhook-* headers") from exc
    if abs(now - timestamp) > TIMESTAMP_TOLERANCE_SECONDS:
        raise SignatureError(f"timestamp {timestamp} is more than {TIMESTAMP_TOLERANCE_SECONDS}s from now")
    expected = sign(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("no signature matches")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def webhook_body(update: Update, *, subscription_id: str, message_id: str) -> dict[str, Any]:
    """The generic webhook JSON (schema pipewatch.alert/v1). Text fields are cleaned like every message."""
    c = update.classification
    change = update.change
    return {
        "schema": SCHEMA_VERSION,
        "type": "alert",
        "id": message_id,
        "subscription_id": subscription_id,
        "update": {
            "update_id": update.update_id,
            "headline": headline(update),
            "title": clean_line(update.title),
            "url": clean_line(update.url) or None,
            "source": clean_line(update.source_name or update.source_id),
            "outlets": [clean_line(s) for s in update.sources if clean_line(s)],
            "published": _iso(update.published),
            "first_seen": _iso(update.first_seen),
            "when": when_published(update),
            "published_late": published_late(update),
            "agents": list(c.agents),
            "indications": list(c.indications),
            "event_type": c.event_type or "commentary",
            "event": event_word(c.event_type),
            "severity": c.severity or "low",
            "why": [clean_line(r) for r in c.reasons if clean_line(r)],
            "change": (
                {
                    "nct_id": change.nct_id,
                    "field": clean_line(change.field),
                    "old": clean_line(change.old) or None,
                    "new": clean_line(change.new) or None,
                    "summary": clean_line(change.summary),
                }
                if change
                else None
            ),
        },
    }


def digest_webhook_body(
    *, subscription_id: str, message_id: str, digest_key: str, subject: str, text: str
) -> dict[str, Any]:
    """A daily digest for a webhook subscriber (schema pipewatch.digest/v1): the digest e-mail's text."""
    return {
        "schema": DIGEST_SCHEMA_VERSION,
        "type": "digest",
        "id": message_id,
        "subscription_id": subscription_id,
        "digest_key": digest_key,
        "subject": subject,
        "text": text,
    }


def encode_body(body: Mapping[str, Any]) -> bytes:
    """The exact bytes sent and signed (compact, UTF-8, stable key order)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")

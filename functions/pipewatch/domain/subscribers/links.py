"""Signed links: the page behind an alert, a subscriber's feeds and catalyst calendar, one-click unsubscribe
and feedback.

A link is its own authorisation (it is opened from an e-mail or an SMS, with no login), so it carries a
compact payload and an HMAC-SHA256 over it:

    token = base64url(payload || mac[:16])
    payload = purpose<<4 | key id (1 byte) · expiry (4 bytes, epoch seconds) · purpose fields

Purpose fields: `page`/`feedback`: subscription id (8 bytes, or none for a link shared by every reader of a
topic-wide alert) and the update id; `feed`: subscription id and the format; `unsub` and `calendar` (the
catalyst calendar as an iCalendar feed): the subscription id.
A token is refused when it is malformed, signed with a key that is neither the current nor the previous one
(rotating twice revokes every link), altered (constant-time compare), expired, or meant for another purpose.
The MAC is truncated to 128 bits to keep SMS links short (NIST SP 800-107 allows truncation to >= 64 bits).

Pure: the keys are passed in (adapters/link_keys.py reads them, KMS-encrypted, from the table) and so is
the clock (a callable, so a long-lived SignedLinks signs with the current time).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pipewatch.domain.subscribers.short_links import ShortLink, short_code, short_url

Purpose = Literal["page", "feed", "unsub", "feedback", "calendar"]
FeedFormat = Literal["atom", "json"]

PURPOSE_CODES: dict[Purpose, int] = {"page": 1, "feed": 2, "unsub": 3, "feedback": 4, "calendar": 5}
_PURPOSES = {code: purpose for purpose, code in PURPOSE_CODES.items()}
FEED_FORMATS: dict[FeedFormat, int] = {"atom": 1, "json": 2}
_FORMATS = {code: fmt for fmt, code in FEED_FORMATS.items()}
# Where each purpose is served, relative to the site base.
ROUTES: dict[Purpose, str] = {
    "page": "u",
    "feed": "feed",
    "unsub": "unsub",
    "feedback": "fb",
    "calendar": "cal",
}
DEFAULT_TTL: dict[Purpose, timedelta] = {
    "page": timedelta(days=90),
    "feedback": timedelta(days=90),
    "feed": timedelta(days=366),
    "unsub": timedelta(days=366),
    "calendar": timedelta(days=366),
}
# How a refusal names a purpose (a log reader's words).
_NAMES: dict[Purpose, str] = {"unsub": "unsubscribe"}
# The subscription id of a link every reader of a topic-wide alert shares (SNS fans one message out).
ANY_READER = ""

MAC_BYTES = 16
MIN_KEY_BYTES = 32
_SUB_ID = re.compile(r"^sub-([0-9a-f]{16})$")
_HEX_UPDATE_ID = re.compile(r"^([utk])-([0-9a-f]{24})$")
_ID_KINDS = {"u": 1, "t": 2, "k": 3}  # update, trial change, calendar update
_KIND_PREFIX = {code: prefix for prefix, code in _ID_KINDS.items()}
_RAW_ID = 0
_MAX_RAW_ID = 120


class LinkError(ValueError):
    """A token is refused; the message says why in words a log reader understands (never echoed in full)."""


class LinkExpired(LinkError):
    """A genuine token past its expiry (the reader can be told so, and asked for a fresh link)."""


@dataclass(frozen=True, slots=True)
class LinkKeys:
    """The signing keys: the current one signs and verifies, the previous one only verifies."""

    current_id: int
    keys: Mapping[int, bytes]

    def __post_init__(self) -> None:
        if self.current_id not in self.keys:
            raise ValueError(f"current key id {self.current_id} has no key")
        for kid, key in self.keys.items():
            if not 0 <= kid <= 15:
                raise ValueError(f"key id {kid}: must be 0..15 (one nibble of the token)")
            if len(key) < MIN_KEY_BYTES:
                raise ValueError(f"key {kid}: at least {MIN_KEY_BYTES} bytes, got {len(key)}")

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


@dataclass(frozen=True, slots=True)
class LinkClaims:
    """What a verified token says."""

    purpose: Purpose
    subscription_id: str
    update_id: str
    fmt: FeedFormat | None
    expires: datetime
    key_id: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or len(text) > 400 or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise LinkError("not a link token")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise LinkError("not a link token") from exc


def _sub_bytes(subscription_id: str) -> bytes:
    if subscription_id == ANY_READER:
        return b"\x00"
    match = _SUB_ID.match(subscription_id)
    if not match:
        raise ValueError(f"subscription id {subscription_id!r}: expected sub- and 16 hex digits")
    return b"\x08" + bytes.fromhex(match.group(1))


def _update_bytes(update_id: str) -> bytes:
    match = _HEX_UPDATE_ID.match(update_id)
    if match:
        return bytes([_ID_KINDS[match.group(1)]]) + bytes.fromhex(match.group(2))
    raw = update_id.encode("utf-8")
    if not raw or len(raw) > _MAX_RAW_ID:
        raise ValueError(f"update id {update_id!r}: empty or longer than {_MAX_RAW_ID} bytes")
    return bytes([_RAW_ID]) + raw


def _read_sub(body: bytes) -> tuple[str, bytes]:
    if not body or body[0] not in (0, 8) or len(body) < 1 + body[0]:
        raise LinkError("malformed subscription field")
    size = body[0]
    return ("sub-" + body[1 : 1 + size].hex() if size else ANY_READER), body[1 + size :]


def _read_update(body: bytes) -> str:
    if not body:
        raise LinkError("missing update id")
    kind, rest = body[0], body[1:]
    if kind in _KIND_PREFIX and len(rest) == 12:
        return f"{_KIND_PREFIX[kind]}-{rest.hex()}"
    if kind == _RAW_ID and 0 < len(rest) <= _MAX_RAW_ID:
        try:
            return rest.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LinkError("malformed update id") from exc
    raise LinkError("malformed update id")


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:MAC_BYTES]


class SignedLinks:
    """Signs and verifies link tokens and builds the URLs the channels put in messages.

    `base_url` is the site the stack serves (the API stage URL, or a custom domain): the page is at
    `<base>/u/<token>`, feeds at `<base>/feed/<token>`, the catalyst calendar at `<base>/cal/<token>`,
    unsubscribe at `<base>/unsub/<token>`, feedback is posted to `<base>/fb/<token>`.
    """

    def __init__(
        self,
        keys: LinkKeys,
        base_url: str,
        *,
        clock: Callable[[], datetime],
        ttl: Mapping[Purpose, timedelta] | None = None,
    ) -> None:
        self._keys = keys
        self.base_url = base_url.rstrip("/")
        self._clock = clock
        self._ttl = {**DEFAULT_TTL, **(ttl or {})}

    # -- tokens ------------------------------------------------------------------------------------------
    def sign(
        self,
        purpose: Purpose,
        subscription_id: str,
        *,
        update_id: str = "",
        fmt: FeedFormat | None = None,
        expires: datetime | None = None,
    ) -> str:
        until = expires or self._clock() + self._ttl[purpose]
        head = bytes([PURPOSE_CODES[purpose] << 4 | self._keys.current_id]) + struct.pack(
            ">I", int(until.timestamp())
        )
        if purpose in ("page", "feedback"):
            body = _sub_bytes(subscription_id) + _update_bytes(update_id)
        elif purpose == "feed":
            if subscription_id == ANY_READER:
                raise ValueError("a feed belongs to one subscription")
            if fmt not in FEED_FORMATS:
                raise ValueError(f"feed format {fmt!r}: expected one of {sorted(FEED_FORMATS)}")
            body = _sub_bytes(subscription_id) + bytes([FEED_FORMATS[fmt]])
        else:
            if subscription_id == ANY_READER:
                raise ValueError(f"{_NAMES.get(purpose, purpose)} links belong to one subscription")
            body = _sub_bytes(subscription_id)
        payload = head + body
        return _b64(payload + _mac(self._keys.current, payload))

    def verify(self, token: str, purpose: Purpose) -> LinkClaims:
        """The claims of a valid token for `purpose`; LinkError otherwise."""
        raw = _unb64(token)
        if len(raw) < 5 + 1 + MAC_BYTES:
            raise LinkError("token too short")
        payload, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        kid = payload[0] & 0x0F
        key = self._keys.keys.get(kid)
        if key is None:
            raise LinkError(f"signed with key {kid}, which is no longer accepted (rotated)")
        if not hmac.compare_digest(mac, _mac(key, payload)):
            raise LinkError("bad signature (altered or not ours)")
        found = _PURPOSES.get(payload[0] >> 4)
        if found != purpose:
            raise LinkError(f"a {found or 'unknown'} link, not a {purpose} link")
        expires = datetime.fromtimestamp(struct.unpack(">I", payload[1:5])[0], UTC)
        if expires <= self._clock():
            raise LinkExpired(f"expired at {expires.isoformat()}")
        subscription_id, rest = _read_sub(payload[5:])
        update_id, fmt = "", None
        if purpose in ("page", "feedback"):
            update_id = _read_update(rest)
        elif purpose == "feed":
            if len(rest) != 1 or rest[0] not in _FORMATS or not subscription_id:
                raise LinkError("malformed feed link")
            fmt = _FORMATS[rest[0]]
        elif rest or not subscription_id:
            raise LinkError(f"malformed {_NAMES.get(purpose, purpose)} link")
        return LinkClaims(purpose, subscription_id, update_id, fmt, expires, kid)

    # -- URLs (the port the channels call) ---------------------------------------------------------------
    def url(self, purpose: Purpose, token: str) -> str:
        return f"{self.base_url}/{ROUTES[purpose]}/{token}"

    def update_url(self, subscription_id: str, update_id: str) -> str:
        """The page of one update; `ANY_READER` for a message every subscriber of a topic receives."""
        return self.url("page", self.sign("page", subscription_id, update_id=update_id))

    def short_link(self, update_id: str) -> ShortLink:
        """The SMS short code of an update's topic-wide page, resolving as long as a page link would live."""
        code = short_code(self._keys.current, update_id)
        return ShortLink(code, update_id, self._clock() + self._ttl["page"], self._keys.current_id)

    def accepts_key(self, key_id: int) -> bool:
        """Whether links signed with `key_id` still verify (the current or the previous key)."""
        return key_id in self._keys.keys

    def short_url(self, code: str) -> str:
        return short_url(self.base_url, code)

    def feedback_token(self, subscription_id: str, update_id: str) -> str:
        return self.sign("feedback", subscription_id, update_id=update_id)

    def feed_url(self, subscription_id: str, fmt: FeedFormat) -> str:
        return self.url("feed", self.sign("feed", subscription_id, fmt=fmt))

    def calendar_url(self, subscription_id: str) -> str:
        """The catalyst calendar (iCalendar) of what the subscription's filter covers, for calendar apps."""
        return self.url("calendar", self.sign("calendar", subscription_id))

    def unsubscribe_url(self, subscription_id: str) -> str:
        """One-click unsubscribe (for List-Unsubscribe headers and e-mail footers)."""
        return self.url("unsub", self.sign("unsub", subscription_id))

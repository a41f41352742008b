"""Short links for SMS: `<site>/s/<code>` stands for the topic-wide signed page of one update.

A signed page link is about 107 characters, which leaves an SMS of 160 a few words of headline. The short
code is the first CODE_LENGTH base62 characters of HMAC-SHA256(link-signing key, update id):

- unguessable without the key (about 59 bits; the API is throttled, and a code resolves only while its
  item lives), so a code reveals nothing and cannot be enumerated from update ids;
- deterministic, so a retried alert writes (and sends) the same code: the write is an idempotent
  conditional put, made before the alert is published.

The code is not itself the authorisation of the page: it names a stored item (`SHORT#<code>`) holding the
update id and an expiry (the page link's own lifetime); the reader route answers a redirect to a freshly
signed topic-wide page link, or 404 for a code it does not hold.

Pure: the key and the clock's reading are passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

CODE_LENGTH = 10
SHORT_ROUTE = "s"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CODE = re.compile(rf"[0-9A-Za-z]{{{CODE_LENGTH}}}")
# Domain separation: a short code's MAC can never equal a signed token's MAC over the same bytes.
_CONTEXT = b"pipewatch short link\x00"


@dataclass(frozen=True, slots=True)
class ShortLink:
    """A stored short code: which update page it stands for, and until when it resolves."""

    code: str
    update_id: str
    expires: datetime
    # The signing key the code was made with: once that key is no longer accepted (rotated twice, or
    # revoked), the code stops resolving, like every link signed with it.
    key_id: int = 0

    def expired(self, now: datetime) -> bool:
        return self.expires <= now


def _base62(number: int, length: int) -> str:
    digits = []
    for _ in range(length):
        number, digit = divmod(number, len(_ALPHABET))
        digits.append(_ALPHABET[digit])
    return "".join(digits)


def short_code(key: bytes, update_id: str) -> str:
    """The update's code under `key`: CODE_LENGTH base62 characters (62^10 is about 2^59.5)."""
    if not update_id:
        raise ValueError("a short link names an update")
    mac = hmac.new(key, _CONTEXT + update_id.encode("utf-8"), hashlib.sha256).digest()
    return _base62(int.from_bytes(mac[:8], "big"), CODE_LENGTH)


def is_short_code(text: str) -> bool:
    """Whether `text` has the shape of a code (checked before any table read)."""
    return bool(_CODE.fullmatch(text))


def short_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/{SHORT_ROUTE}/{code}"

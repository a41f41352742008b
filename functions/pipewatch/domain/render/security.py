"""The headers every HTML answer carries, the reader pages' and the console's alike: a Content-Security-Policy
that allows one inlined stylesheet by its hash and forbids everything else (scripts, fonts, images, frames,
other origins, form posts elsewhere), no sniffing, no referrer (a signed token never leaves the page), and no
caching by shared caches (a page is one reader's)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping


def style_hash(stylesheet: str) -> str:
    """The CSP source allowing exactly this inlined stylesheet (its bytes as the page carries them)."""
    return "sha256-" + base64.b64encode(hashlib.sha256(stylesheet.encode()).digest()).decode()


def content_security_policy(stylesheet: str) -> str:
    return (
        f"default-src 'none'; style-src '{style_hash(stylesheet)}'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'; img-src 'none'; font-src 'none'; script-src 'none'; connect-src 'none'"
    )


def security_headers(stylesheet: str) -> Mapping[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(stylesheet),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "private, no-store",
        "X-Frame-Options": "DENY",
    }

"""The reader pages and the console build their security headers with one function: the policy's bytes
are pinned here (a policy change is a deliberate edit of this file), and each stylesheet gets its own hash."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping

import pytest

from pipewatch.domain.render import page
from pipewatch.domain.render.security import security_headers
from pipewatch.services import console_http

POLICY = (
    "default-src 'none'; style-src '{hash}'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'; img-src 'none'; font-src 'none'; script-src 'none'; connect-src 'none'"
)
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
    "X-Frame-Options": "DENY",
}


def _hash(stylesheet: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(stylesheet.encode()).digest()).decode()


@pytest.mark.parametrize(
    ("headers", "stylesheet"),
    [
        (page.SECURITY_HEADERS, page.STYLESHEET),
        (console_http.SECURITY_HEADERS, console_http.STYLESHEET),
    ],
    ids=["reader-page", "console"],
)
def test_given_each_html_surface_then_its_headers_are_the_pinned_policy_with_its_stylesheets_hash(
    headers: Mapping[str, str], stylesheet: str
) -> None:
    policy = POLICY.format(hash=_hash(stylesheet))
    assert dict(headers) == {"Content-Security-Policy": policy, **OTHER_HEADERS}
    assert list(headers) == ["Content-Security-Policy", *OTHER_HEADERS]


def test_given_two_stylesheets_then_only_the_style_source_differs() -> None:
    one = security_headers("a{}")["Content-Security-Policy"]
    two = security_headers("b{}")["Content-Security-Policy"]

    assert one != two and one.replace(_hash("a{}"), _hash("b{}")) == two
    assert page.CONTENT_SECURITY_POLICY != console_http.CONTENT_SECURITY_POLICY

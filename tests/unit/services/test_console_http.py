"""services/console_http.signin_redirect: the one console answer given before any service is built (the
handler gives it first; ConsoleService.handle gives the same through the same function)."""

from __future__ import annotations

import pytest

from pipewatch.services.console_http import SESSION_COOKIE, ConsoleRequest, signin_redirect


def _request(method: str, path: str, cookies: dict[str, str] | None = None) -> ConsoleRequest:
    return ConsoleRequest(method=method, path=path, base="/dev/console", cookies=cookies or {})


@pytest.mark.parametrize("path", ["/updates", "/", "", "/story/abc", "/subscriptions/x/"])
def test_given_a_page_without_a_session_cookie_then_it_goes_to_sign_in(path: str) -> None:
    answer = signin_redirect(_request("GET", path))
    assert answer is not None
    assert (answer.status, answer.headers["Location"]) == (303, "/dev/console/signin")
    assert "Content-Security-Policy" in answer.headers and answer.body == ""


@pytest.mark.parametrize(
    ("method", "path", "cookies"),
    [
        ("GET", "/signin", {}),  # public routes answer themselves
        ("GET", "/callback", {}),
        ("GET", "//feed.xsl", {}),
        ("POST", "/updates", {}),  # a form without a session is refused by the service (401)
        ("GET", "/updates", {SESSION_COOKIE: "a-token"}),  # a session: the service verifies it
        ("GET", "/updates", {SESSION_COOKIE: ""}),  # an emptied cookie: the service answers 401
    ],
)
def test_given_a_public_route_a_post_or_a_session_cookie_then_the_service_answers(
    method: str, path: str, cookies: dict[str, str]
) -> None:
    assert signin_redirect(_request(method, path, cookies)) is None

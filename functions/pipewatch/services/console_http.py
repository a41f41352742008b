"""The console's HTTP shapes, light enough for a request that needs nothing else (issue 28): the request and
the answer `ConsoleService.handle` takes and gives, the stylesheet's security headers, and the one answer
given without any service - a page asked for without a session cookie goes to sign-in. The handler
imports only this module before it knows a service is needed; the rest of the console (pydantic models,
stores, templates) loads with the first request that uses it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

from pipewatch.domain.render.security import security_headers, style_hash

HTML = "text/html; charset=utf-8"
CSV = "text/csv; charset=utf-8"
SESSION_COOKIE = "pw_session"
TEMPLATES = "templates/console"
STYLESHEET = resources.files("pipewatch").joinpath(TEMPLATES, "console.css").read_text("utf-8")
STYLE_HASH = style_hash(STYLESHEET)
SECURITY_HEADERS: Mapping[str, str] = security_headers(STYLESHEET)
CONTENT_SECURITY_POLICY = SECURITY_HEADERS["Content-Security-Policy"]
# Answered without a session: the feed's stylesheet, sign-in and the Hosted UI's callback.
PUBLIC_ROUTES = frozenset({"/feed.xsl", "/signin", "/callback"})


@dataclass(frozen=True)
class ConsoleRequest:
    method: str
    path: str  # below the console's base, e.g. "/updates"
    base: str  # the console's base path as the browser sees it, e.g. "/dev/console"
    site: str = ""  # scheme://host (the Hosted UI's redirect URI is built from it)
    params: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsoleResponse:
    status: int
    content_type: str
    body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Sequence[str] = ()
    chunks: Iterator[str] | None = None  # a streamed body (the CSV exports)

    def text(self) -> str:
        return self.body if self.chunks is None else self.body + "".join(self.chunks)


def route_of(request: ConsoleRequest) -> str:
    return "/" + "/".join(p for p in request.path.split("/") if p)


def redirect(location: str, cookies: Sequence[str] = ()) -> ConsoleResponse:
    return ConsoleResponse(303, HTML, "", {**SECURITY_HEADERS, "Location": location}, cookies)


def signin_redirect(request: ConsoleRequest) -> ConsoleResponse | None:
    """The answer to a page asked for without a session cookie: sign in first. It needs no service (no
    session to verify, nothing to read), so the handler gives it before building one: a cold start that
    lands on it pays neither the configuration, the clients nor the console's other modules."""
    if (
        request.method == "GET"
        and SESSION_COOKIE not in request.cookies
        and route_of(request) not in PUBLIC_ROUTES
    ):
        return redirect(f"{request.base}/signin")
    return None

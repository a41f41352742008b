"""Reader routes (API Gateway REST, no IAM auth: the signed token in the path is the authorisation).

GET /u/{token} the update page · POST /fb/{token} feedback · GET /feed/{token} Atom or JSON Feed ·
GET /cal/{token} the catalyst calendar (iCalendar) · GET and POST /unsub/{token} unsubscribe (GET asks,
POST does) · GET /s/{code} an SMS short link (302 to the update's page). The work is in services/reader.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs

from pipewatch.handlers import _defaults
from pipewatch.handlers._rest import Response, Router
from pipewatch.observability import logger, metrics, traced_handler

if TYPE_CHECKING:
    from pipewatch.services.reader import ReaderService, WebResponse

app = Router(on_unhandled=logger.exception)
MAX_FORM_BYTES = 2048


def _reader() -> ReaderService:
    """The service this invocation's handler was given (the router's context lasts one request)."""
    return cast("ReaderService", app.context["service"])


def _answer(result: WebResponse) -> Response:
    return Response(result.status, result.content_type, result.body, headers=dict(result.headers))


def site_base(event: Mapping[str, Any]) -> str:
    """The public base URL this request came through: scheme and host from the headers API Gateway sets,
    plus the stage prefix (the part of the request path before the resource path)."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    context = event.get("requestContext") or {}
    host = headers.get("host") or context.get("domainName") or "localhost"
    scheme = headers.get("x-forwarded-proto", "https").split(",")[0].strip()
    full, path = str(context.get("path") or ""), str(event.get("path") or "")
    prefix = full[: -len(path)] if path and full.endswith(path) else ""
    return f"{scheme}://{host}{prefix}"


@app.get("/u/<token>")
def page(token: str) -> Response:
    return _answer(_reader().page(token))


@app.get("/s/<code>")
def short_link(code: str) -> Response:
    return _answer(_reader().short(code, site_base(app.current_event.raw_event)))


@app.post("/fb/<token>")
def feedback(token: str) -> Response:
    body = app.current_event.decoded_body or ""
    if len(body) > MAX_FORM_BYTES:
        return Response(413, "text/plain; charset=utf-8", "form too large")
    label = (parse_qs(body).get("label") or [""])[0]
    return _answer(_reader().answer(token, label))


@app.get("/feed/<token>")
def feed(token: str) -> Response:
    return _answer(_reader().feed(token, site_base(app.current_event.raw_event)))


@app.get("/cal/<token>")
def calendar(token: str) -> Response:
    return _answer(_reader().calendar(token, site_base(app.current_event.raw_event)))


@app.get("/unsub/<token>")
def unsubscribe_form(token: str) -> Response:
    return _answer(_reader().unsubscribe_form(token))


@app.post("/unsub/<token>")
def unsubscribe(token: str) -> Response:
    return _answer(_reader().unsubscribe(token))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any], context: Any, *, service: ReaderService | None = None) -> dict[str, Any]:
    app.append_context(service=service or _defaults.reader_service())
    return app.resolve(event, context)

"""The analyst's console (API Gateway REST, `/console` and `/console/{proxy+}`, no API Gateway authoriser:
the console verifies the Cognito session itself on every request). The work is in services/console.py;
this turns the proxy event into a ConsoleRequest and the answer back (cookies as multi-value headers).

API Gateway's Lambda proxy answers in one piece, so a CSV export is gathered here under MAX_BODY_BYTES
(the row cap keeps it well inside); the local console streams the same chunks."""

from __future__ import annotations

import base64
import binascii
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from pipewatch.handlers import _defaults
from pipewatch.handlers.page import site_base
from pipewatch.observability import logger, metrics, traced_handler

if TYPE_CHECKING:
    from pipewatch.services.console import ConsoleService
    from pipewatch.services.console_http import ConsoleRequest, ConsoleResponse

PREFIX = "/console"
MAX_FORM_BYTES = 8192
MAX_BODY_BYTES = 5_500_000  # under Lambda's 6 MB response limit


def cookies_of(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def request_of(event: dict[str, Any]) -> ConsoleRequest:
    from pipewatch.services.console_http import ConsoleRequest

    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    path = str(event.get("path") or "")
    below = path[len(PREFIX) :] if path.startswith(PREFIX) else path
    site = site_base(event)  # scheme://host/stage
    scheme_host = "/".join(site.split("/", 3)[:3])
    stage_prefix = site[len(scheme_host) :]
    body = event.get("body") or ""
    if event.get("isBase64Encoded") and body:
        try:
            body = base64.b64decode(body).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            body = ""
    form = dict(parse_qsl(body[:MAX_FORM_BYTES])) if event.get("httpMethod") == "POST" else {}
    return ConsoleRequest(
        method=str(event.get("httpMethod") or "GET"),
        path=below,
        base=f"{stage_prefix}{PREFIX}",
        site=scheme_host,
        params={k: str(v) for k, v in (event.get("queryStringParameters") or {}).items()},
        form=form,
        cookies=cookies_of(headers.get("cookie", "")),
    )


def proxy_answer(response: ConsoleResponse) -> dict[str, Any]:
    body = response.text()
    if len(body) > MAX_BODY_BYTES:
        body = body[:MAX_BODY_BYTES] + "\r\n# cut: the answer passed the size API Gateway can return\r\n"
    multi: dict[str, list[str]] = {"Set-Cookie": list(response.cookies)} if response.cookies else {}
    return {
        "statusCode": response.status,
        "headers": {"Content-Type": response.content_type, **response.headers},
        "multiValueHeaders": multi,
        "body": body,
        "isBase64Encoded": False,
    }


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(event: dict[str, Any], context: Any, *, service: ConsoleService | None = None) -> dict[str, Any]:
    from pipewatch.services.console_http import signin_redirect

    request = request_of(event)
    # Without a session a page only redirects to sign-in: the service (configuration, clients) is built
    # by the first request that uses it.
    answer = signin_redirect(request) or (service or _defaults.console_service()).handle(request)
    return proxy_answer(answer)

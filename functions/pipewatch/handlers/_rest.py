"""A small router for API Gateway REST (Lambda proxy, payload 1.0) events: method + path template with
`<params>` -> function, answering the proxy response API Gateway expects.

It replaces Powertools' APIGatewayRestResolver on the user-facing HTTP functions (api and page; console,
which imports page's `site_base`, no longer loads it either): importing `aws_lambda_powertools.event_handler`
cost up to ~150 ms of every cold start (ADR 0012). The answers
keep the resolver's shape byte for byte where clients can see it: `multiValueHeaders` only, the same
404 body, the same `{"statusCode": ..., "detail": [...]}` shape for rejected requests. Unlike the resolver,
an unhandled exception is logged and answered 500 (the resolver let it fail the invocation: API Gateway
then said 502), and a known path with another method is answered 405.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

Handler = Callable[..., "Response"]
H = TypeVar("H", bound=Handler)
E = TypeVar("E", bound=BaseException)

# The characters a path parameter may hold (Powertools' set, no slash): the same URLs match as before.
_PARAM_VALUE = r"[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+"
_PARAM_NAME = re.compile(r"<(\w+)>")
_COMPACT = (",", ":")


@dataclass(frozen=True)
class Response:
    """An HTTP answer. A `bytes` body goes out base64-encoded (API Gateway decodes it for binary types)."""

    status_code: int
    content_type: str | None = None
    body: str | bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Sequence[str] = ()

    def proxy_answer(self) -> dict[str, Any]:
        """The Lambda proxy response: every header as a multi-value header (cookies as several Set-Cookie),
        in the key order the resolver used."""
        headers = {name: [value] for name, value in self.headers.items()}
        if self.content_type:
            headers.setdefault("Content-Type", [self.content_type])
        if self.cookies:
            headers["Set-Cookie"] = list(self.cookies)
        body, encoded = self.body, False
        if isinstance(body, bytes):
            body, encoded = base64.b64encode(body).decode("ascii"), True
        return {
            "statusCode": self.status_code,
            "body": body,
            "isBase64Encoded": encoded,
            "multiValueHeaders": headers,
        }


def json_response(status_code: int, body: Any) -> Response:
    """A compact JSON answer (the resolver's serialisation: no spaces, non-ASCII escaped)."""
    return Response(status_code, "application/json", json.dumps(body, separators=_COMPACT))


class RequestRejected(Exception):
    """A request the route refuses before doing anything: answered `status` with `detail` (a list of
    {"loc": [...], "type": ...}, no messages: they could echo internals)."""

    def __init__(self, status_code: int, detail: list[dict[str, Any]]) -> None:
        super().__init__(f"{status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


@dataclass(frozen=True)
class Request:
    """The current request: the raw event and what routes read from it."""

    raw_event: Mapping[str, Any]

    @property
    def method(self) -> str:
        return str(self.raw_event.get("httpMethod") or "GET").upper()

    @property
    def path(self) -> str:
        path = str(self.raw_event.get("path") or "/")
        return path.rstrip("/") or "/"

    @property
    def headers(self) -> dict[str, str]:
        """Header names lower-cased (HTTP header names are case-insensitive)."""
        return {str(k).lower(): str(v) for k, v in (self.raw_event.get("headers") or {}).items()}

    @property
    def decoded_body(self) -> str | None:
        """The body as text, base64-decoded when API Gateway encoded it; None when there is none."""
        body = self.raw_event.get("body")
        if not body:
            return None
        if self.raw_event.get("isBase64Encoded"):
            try:
                return base64.b64decode(body).decode("utf-8")
            except (binascii.Error, ValueError) as exc:
                raise RequestRejected(400, [{"loc": ["body"], "type": "base64_invalid"}]) from exc
        return str(body)

    def query_values(self, name: str) -> list[str]:
        """Every value of a query parameter: the multi-value form when API Gateway sent it, else the single
        value split at commas (as the resolver read them)."""
        multi = self.raw_event.get("multiValueQueryStringParameters") or {}
        if name in multi:
            return [str(v) for v in multi[name]]
        single = (self.raw_event.get("queryStringParameters") or {}).get(name)
        return [] if single is None else str(single).split(",")


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Routes one request at a time (a Lambda container serves one at a time). `context` and
    `current_event` last one `resolve` call."""

    def __init__(self, on_unhandled: Callable[[str], object] | None = None) -> None:
        self._routes: list[_Route] = []
        self._exception_handlers: dict[type[BaseException], Callable[[Any], Response]] = {}
        self._on_unhandled = on_unhandled or logging.getLogger(__name__).exception
        self._current: Request | None = None
        self.context: dict[str, Any] = {}

    # -- registration ---------------------------------------------------------------------------------

    def route(self, method: str, template: str) -> Callable[[H], H]:
        """Register `handler(**path_params) -> Response` for `method` and a template like "/u/<token>"."""
        parts = _PARAM_NAME.split(template)  # literal, name, literal, name, ..., literal
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_PARAM_VALUE})" for i, part in enumerate(parts)
        )
        pattern = re.compile(f"^{regex}$")

        def register(handler: H) -> H:
            self._routes.append(_Route(method.upper(), template, pattern, handler))
            return handler

        return register

    def get(self, template: str) -> Callable[[H], H]:
        return self.route("GET", template)

    def post(self, template: str) -> Callable[[H], H]:
        return self.route("POST", template)

    def delete(self, template: str) -> Callable[[H], H]:
        return self.route("DELETE", template)

    def exception_handler(
        self, exc_type: type[E]
    ) -> Callable[[Callable[[E], Response]], Callable[[E], Response]]:
        """Answer `exc_type` (and its subclasses without a handler of their own) with the handler's answer."""

        def register(handler: Callable[[E], Response]) -> Callable[[E], Response]:
            self._exception_handlers[exc_type] = handler
            return handler

        return register

    @property
    def routes(self) -> list[tuple[str, str]]:
        return [(r.method, r.template) for r in self._routes]

    # -- one request -----------------------------------------------------------------------------------

    @property
    def current_event(self) -> Request:
        if self._current is None:
            raise RuntimeError("no request is being resolved")
        return self._current

    def append_context(self, **values: Any) -> None:
        self.context.update(values)

    def resolve(self, event: Mapping[str, Any], lambda_context: Any = None) -> dict[str, Any]:
        """Route `event` and answer it; the context is cleared afterwards whatever happened."""
        self._current = request = Request(event)
        try:
            return self._answer(request).proxy_answer()
        finally:
            self._current = None
            self.context.clear()

    def _answer(self, request: Request) -> Response:
        allowed: list[str] = []
        for route in self._routes:
            match = route.pattern.match(request.path)
            if match is None:
                continue
            if route.method != request.method:
                allowed.append(route.method)
                continue
            return self._call(route, match.groupdict())
        if allowed:
            body = {"statusCode": 405, "message": "Method not allowed"}
            return Response(
                405, "application/json", json.dumps(body, separators=_COMPACT), {"Allow": ", ".join(allowed)}
            )
        return json_response(404, {"statusCode": 404, "message": "Not found"})

    def _call(self, route: _Route, params: dict[str, str]) -> Response:
        try:
            return route.handler(**params)
        except RequestRejected as exc:
            return json_response(exc.status_code, {"statusCode": exc.status_code, "detail": exc.detail})
        except Exception as exc:  # noqa: BLE001 - the HTTP boundary: any error becomes an answer
            handler = self._handler_for(exc)
            if handler is not None:
                return handler(exc)
            self._on_unhandled(f"unhandled error on {route.method} {route.template}")
            return json_response(500, {"statusCode": 500, "message": "Internal server error"})

    def _handler_for(self, exc: BaseException) -> Callable[[Any], Response] | None:
        for kind in type(exc).__mro__:
            if kind in self._exception_handlers:
                return self._exception_handlers[kind]
        return None

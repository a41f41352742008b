"""The reader pages on 127.0.0.1: HTTP requests become the API Gateway REST events API Gateway would send
the page function, and its answers become HTTP responses. A browser (the headless Chromium test, or a
person running the demo) then opens the very pages a deployed stack serves, with no AWS and no network."""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from pipewatch_local.local_http import LocalServer, read_body, send
from pipewatch_local.local_stack import LambdaContext, api_gateway_event

# Route -> its path parameter (template.yaml's PageFunction events); `s` is the SMS short link.
ROUTES = {"u": "token", "fb": "token", "feed": "token", "cal": "token", "unsub": "token", "s": "code"}


class PageServer(LocalServer):
    """Serves `/<stage>/<route>/<token>` with `handler` (by default the page function wired from the
    environment as it is now: pipewatch.handlers.page.handler with its reader service)."""

    # One request at a time: moto's in-process backends are not meant for concurrent callers.
    threaded = False

    def __init__(
        self, handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None, stage: str = "dev"
    ) -> None:
        if handler is None:
            from pipewatch.settings import Settings
            from pipewatch_local.functions import by_module

            handler = by_module("page").wired(Settings.from_env())
        self.stage = stage
        self.requests: list[tuple[str, str, int]] = []
        self._call = handler
        super().__init__()

    def serve(self, http: BaseHTTPRequestHandler, method: str) -> None:
        parts = http.path.split("?", 1)[0].strip("/").split("/")
        if len(parts) != 3 or parts[0] != self.stage or parts[1] not in ROUTES:
            send(http, 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found")
            return
        form = dict(parse_qsl(read_body(http, 4096))) if method == "POST" else None
        name = ROUTES[parts[1]]
        event = api_gateway_event(
            method,
            f"/{parts[1]}/{{{name}}}",
            path_parameters={name: parts[2]},
            form=form,
            stage=self.stage,
            host=http.headers.get("Host", "127.0.0.1"),
        )
        event["headers"]["X-Forwarded-Proto"] = "http"
        answer = self._call(event, LambdaContext("page"))
        headers = {k: v[-1] for k, v in (answer.get("multiValueHeaders") or {}).items()}
        headers.update(answer.get("headers") or {})
        status = int(answer["statusCode"])
        self.requests.append((method, http.path, status))
        send(http, status, headers, (answer.get("body") or "").encode("utf-8"))

    @property
    def base_url(self) -> str:
        return f"{self.origin}/{self.stage}"

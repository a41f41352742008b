"""The reader pages on 127.0.0.1: HTTP requests become the API Gateway REST events API Gateway would send
the page function, and its answers become HTTP responses. A browser (the headless Chromium test, or a
person running the demo) then opens the very pages a deployed stack serves, with no AWS and no network."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from pipewatch_local.local_stack import LambdaContext, api_gateway_event

# Route -> its path parameter (template.yaml's PageFunction events); `s` is the SMS short link.
ROUTES = {"u": "token", "fb": "token", "feed": "token", "cal": "token", "unsub": "token", "s": "code"}


class PageServer:
    """Serves `/<stage>/<route>/<token>` with `handler` (by default the page function wired from the
    environment as it is now: pipewatch.handlers.page.handler with its reader service)."""

    def __init__(
        self, handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None, stage: str = "dev"
    ) -> None:
        if handler is None:
            from pipewatch.settings import Settings
            from pipewatch_local.functions import by_module

            handler = by_module("page").wired(Settings.from_env())
        self.stage = stage
        self.requests: list[tuple[str, str, int]] = []
        server = self
        call = handler

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                parts = self.path.split("?", 1)[0].strip("/").split("/")
                if len(parts) != 3 or parts[0] != server.stage or parts[1] not in ROUTES:
                    self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found")
                    return
                form = None
                if method == "POST":
                    length = min(int(self.headers.get("Content-Length") or 0), 4096)
                    from urllib.parse import parse_qsl

                    form = dict(parse_qsl(self.rfile.read(length).decode("utf-8", "replace")))
                name = ROUTES[parts[1]]
                event = api_gateway_event(
                    method,
                    f"/{parts[1]}/{{{name}}}",
                    path_parameters={name: parts[2]},
                    form=form,
                    stage=server.stage,
                    host=self.headers.get("Host", "127.0.0.1"),
                )
                event["headers"]["X-Forwarded-Proto"] = "http"
                answer = call(event, LambdaContext("page"))
                headers = {k: v[-1] for k, v in (answer.get("multiValueHeaders") or {}).items()}
                headers.update(answer.get("headers") or {})
                status = int(answer["statusCode"])
                server.requests.append((method, self.path, status))
                self._send(status, headers, (answer.get("body") or "").encode("utf-8"))

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, format: str, *args: object) -> None:
                return

        # One request at a time: moto's in-process backends are not meant for concurrent callers.
        self._httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/{self.stage}"

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

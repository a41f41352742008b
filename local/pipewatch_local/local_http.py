"""The local HTTP servers' shared part (page_server.py's reader pages, console_local.py's console): a server
on 127.0.0.1 in a daemon thread, started and stopped as a context manager, whose GET and POST requests each
go to the subclass's `serve(http, method)`, with request logging off (the tests and the demo print their
own lines)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from typing import ClassVar, Self


def read_body(http: BaseHTTPRequestHandler, limit: int) -> str:
    """The request's body (at most `limit` bytes, as its Content-Length says), as text."""
    length = min(int(http.headers.get("Content-Length") or 0), limit)
    return http.rfile.read(length).decode("utf-8", "replace") if length else ""


def send(
    http: BaseHTTPRequestHandler,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    cookies: Sequence[str] = (),
) -> None:
    """A whole response: status, headers, cookies, Content-Length and body."""
    http.send_response(status)
    for name, value in headers.items():
        http.send_header(name, value)
    for cookie in cookies:
        http.send_header("Set-Cookie", cookie)
    http.send_header("Content-Length", str(len(body)))
    http.end_headers()
    http.wfile.write(body)


class LocalServer:
    """Serves on 127.0.0.1 (`port` 0: any free one) with `serve`; `threaded` answers requests concurrently
    (the subclass then serialises what must be), `protocol_version` "HTTP/1.1" keeps connections open."""

    threaded: ClassVar[bool] = False
    protocol_version: ClassVar[str] = "HTTP/1.0"

    def __init__(self, *, port: int = 0) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = server.protocol_version

            def do_GET(self) -> None:
                server.serve(self, "GET")

            def do_POST(self) -> None:
                server.serve(self, "POST")

            def log_message(self, format: str, *args: object) -> None:
                return

        kind = ThreadingHTTPServer if self.threaded else HTTPServer
        self._httpd = kind(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def serve(self, http: BaseHTTPRequestHandler, method: str) -> None:
        raise NotImplementedError

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        """Block until the server stops (a command serving until interrupted)."""
        self._thread.join()

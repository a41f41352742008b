"""A real HTTP server on 127.0.0.1 (ephemeral port, daemon thread) that replays recorded payloads.

Each route is a path (query string ignored unless the route key has one) mapped to a list of Reply objects
served in order (the last one repeats). Every request is recorded with its path, query and headers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before sending headers (to trigger read timeouts)
    when: Callable[[dict[str, str]], bool] | None = None  # serve only if the request headers match
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass
class Seen:
    path: str
    query: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        return  # a client that timed out or hit the body cap closes early: expected here, not noise


class ReplayServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.handlers: dict[str, Callable[[str, dict[str, str]], Reply]] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
                return

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server._next(parts.path, parts.query, headers)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if not reply.send_length:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    elif "content-length" not in {k.lower() for k in reply.headers}:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.status != 304:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, body cap)
                    return

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.routes[path] = list(replies)

    def handle(self, path: str, responder: Callable[[str, dict[str, str]], Reply]) -> None:
        """Answer ``path`` with ``responder(query, headers)`` (for responses that depend on the query)."""
        with self._lock:
            self.handlers[path] = responder

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def _next(self, path: str, query: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.seen.append(Seen(path, query, headers))
            if path in self.handlers:
                return self.handlers[path](query, headers)
            queue = self.routes.get(path)
            if not queue:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
            for index, reply in enumerate(queue):
                if reply.when is None or reply.when(headers):
                    if len(queue) > 1:
                        queue.pop(index)
                    return reply
            return Reply(500, b"no matching reply", {"Content-Type": "text/plain"})

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

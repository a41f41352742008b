"""The one local HTTP server that replays recorded payloads, so the demo, the harness, the integration tests
and the soak bench drive the real HTTP fetcher and source adapters (conditional GET included) with no network.

A request for a path (the query string is not part of the match) is answered by, in order:
  1. a responder registered with `handle(path, ...)`: `responder(query, headers) -> Reply`;
  2. the replies queued with `route(path, *replies)`: served in order (a reply with `when` only to a request
     whose headers match), the last one repeating;
  3. a static `Route` in `routes[path]`: its body with an ETag, 304 to a matching If-None-Match;
  4. the `fallback` responder, `fallback(path, query, headers) -> Reply` (the soak bench's fault injector);
  5. else 404.
Every request is recorded: `requests` (the raw request target, a live list) and `seen` (path, query,
headers). Listens on 127.0.0.1, ephemeral port, unless told another local address (`make sam-local` uses the
docker bridge's). `LocalHttpServer` is the plumbing it shares with the webhook receiver (which takes POSTs).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before sending headers (to trigger read timeouts)
    when: Callable[[dict[str, str]], bool] | None = None  # serve only if the request headers match
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    drip: float = 0.0  # > 0: the whole answer goes out one byte every `drip` seconds (a slow-drip source)
    drip_for: float = 5.0  # ... for at most this long, then the connection is closed


@dataclass(frozen=True)
class Route:
    """A recorded payload served with a content-derived ETag (so a conditional GET gets its 304)."""

    body: bytes
    content_type: str
    status: int = 200

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    @classmethod
    def file(cls, path: Path, content_type: str) -> Route:
        return cls(path.read_bytes(), content_type)

    def reply(self, headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == self.etag:
            return Reply(304, headers={"ETag": self.etag})
        return Reply(self.status, self.body, {"Content-Type": self.content_type, "ETag": self.etag})


@dataclass
class Seen:
    path: str
    query: str
    headers: dict[str, str]


Responder = Callable[[str, dict[str, str]], Reply]
Fallback = Callable[[str, str, dict[str, str]], Reply]


def _first_matching(queue: list[Reply], headers: dict[str, str]) -> Reply:
    """The first queued reply for these headers, taken off the queue unless it is the last one."""
    for index, reply in enumerate(queue):
        if reply.when is None or reply.when(headers):
            if len(queue) > 1:
                queue.pop(index)
            return reply
    return Reply(500, b"no matching reply", {"Content-Type": "text/plain"})


def drip_out(out: BufferedIOBase, raw: bytes, *, every: float, limit: float) -> None:
    """Write `raw` one byte every `every` seconds, for at most `limit` seconds (a slow-drip peer: each byte
    comes sooner than any read timeout, the answer as a whole far later)."""
    stop = time.monotonic() + limit
    try:
        for index in range(len(raw)):
            if time.monotonic() > stop:
                return
            out.write(raw[index : index + 1])
            time.sleep(every)
    except OSError:  # the client gave up (its deadline): expected
        return


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return  # a client that timed out or hit the body cap closes early: expected here, not noise


class LocalHttpServer:
    """The plumbing every local test server shares: a quiet threading server on an ephemeral port, served
    from a daemon thread while the context is open."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        self._server = _QuietServer((host, 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class ReplayServer(LocalHttpServer):
    def __init__(self, host: str = "127.0.0.1", *, fallback: Fallback | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.queues: dict[str, list[Reply]] = {}
        self.handlers: dict[str, Responder] = {}
        self.fallback = fallback
        self.requests: list[str] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return  # quiet: tests and the demo print their own output

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server._next(self.path, parts.path, parts.query, headers)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drip:
                    self._drip(reply)
                    return
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

            def _drip(self, reply: Reply) -> None:
                head = f"HTTP/1.1 {reply.status} Dripping\r\n" + "".join(
                    f"{name}: {value}\r\n" for name, value in reply.headers.items()
                )
                raw = (head + f"Content-Length: {len(reply.body)}\r\nConnection: close\r\n\r\n").encode()
                raw += reply.body
                self.close_connection = True
                drip_out(self.wfile, raw, every=reply.drip, limit=reply.drip_for)

        super().__init__(Handler, host)

    def route(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.queues[path] = list(replies)

    def handle(self, path: str, responder: Responder) -> None:
        """Answer ``path`` with ``responder(query, headers)`` (for responses that depend on the query)."""
        with self._lock:
            self.handlers[path] = responder

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def _next(self, target: str, path: str, query: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(target)
            self.seen.append(Seen(path, query, headers))
            handler = self.handlers.get(path)
            if handler is None:
                if queue := self.queues.get(path):
                    return _first_matching(queue, headers)
                if route := self.routes.get(path):
                    return route.reply(headers)
                if self.fallback is None:
                    return Reply(404, b"not recorded", {"Content-Type": "text/plain"})
        # Responders run outside the lock: a slow one (a timeout fault) must not hold up other requests.
        if handler is not None:
            return handler(query, headers)
        return self.fallback(path, query, headers) if self.fallback else Reply(404)

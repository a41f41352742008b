"""A local HTTP receiver on 127.0.0.1 for chat and webhook deliveries: records every POST (path, headers,
body) and answers from a per-path script (status, headers, delay), the last answer repeating. Used by the
integration tests and the demo; nothing here talks to the internet."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from pipewatch_local.replay_server import LocalHttpServer, drip_out


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (longer than the sender's read timeout = a timeout)
    # > 0: the whole answer (status line, headers, body) is sent one byte every `drip` seconds, for at most
    # `drip_for` seconds, then the connection is closed (a slow-drip receiver: each byte is quicker than
    # any read timeout, the answer as a whole takes far longer).
    drip: float = 0.0
    drip_for: float = 5.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered


class WebhookReceiver(LocalHttpServer):
    def __init__(self) -> None:
        self.scripts: dict[str, list[Answer]] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                answer = receiver._next(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    receiver.received.append(Received(self.path, headers, body, answer.status))
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.drip:
                    self._drip(answer)
                    return
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    return

            def _drip(self, answer: Answer) -> None:
                head = f"HTTP/1.1 {answer.status} Dripping\r\n" + "".join(
                    f"{name}: {value}\r\n" for name, value in answer.headers.items()
                )
                raw = (head + "Content-Length: 2\r\nConnection: close\r\n\r\nok").encode()
                self.close_connection = True
                drip_out(self.wfile, raw, every=answer.drip, limit=answer.drip_for)

        super().__init__(Handler)

    def _next(self, path: str) -> Answer:
        with self._lock:
            script = self.scripts.get(path) or [Answer()]
            return script.pop(0) if len(script) > 1 else script[0]

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]

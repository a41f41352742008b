"""What every outbound HTTP call shares: a total deadline, and a bounded parse of `Retry-After`.

Total deadline. urllib3's timeouts bound one socket operation each: a peer that answers one byte at a time
restarts the read timeout with every byte, so a response of a few hundred bytes can hold a worker for
minutes. `TotalDeadline` arms a timer for one exchange; every socket the exchange opens (or reuses) is
registered with it (through the connection classes below), and when the timer fires those sockets are shut
down, so the blocked read returns at once, whatever phase it is in (TLS handshake, status line, headers,
body). The caller sees an ordinary connection error and reports a timeout.

Retry-After. A header is what the other side chose to send: a delta of 5,000 digits (Python refuses to turn
more than 4,300 digits into an int), a superscript digit (`str.isdigit` accepts it, `int` does not), a
negative number, a date in year 99999 or garbage must never raise. The parse is bounded in length, ASCII
digits only, clamped to `cap`, and says why it ignored or capped a value.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection

MAX_RETRY_AFTER_DATE_CHARS = 64  # an IMF-fixdate is 29 characters; the obsolete forms are shorter than 64
_DELTA_SECONDS = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() also accepts "²" and "٣"
_SAFE_INT_DIGITS = 9


@dataclass(frozen=True, slots=True)
class RetryAfter:
    seconds: float | None  # None: no header, or one that is not a delay
    problem: str = ""  # why the header was ignored or capped ("" when it was used as sent)


def parse_retry_after(value: str | None, now: datetime, *, cap: float) -> RetryAfter:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), within [0, cap]."""
    if value is None or not value.strip():
        return RetryAfter(None)
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        return _delta(text, cap)
    if len(text) > MAX_RETRY_AFTER_DATE_CHARS:
        return RetryAfter(None, f"Retry-After ignored: {len(text)} characters, not a delay or an HTTP date")
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):  # email.utils' failure modes
        return RetryAfter(None, "Retry-After ignored: not a delay or an HTTP date")
    if seconds > cap:
        return RetryAfter(float(cap), f"Retry-After date capped at {cap:.0f}s")
    return RetryAfter(max(0.0, seconds))


def _delta(digits: str, cap: float) -> RetryAfter:
    # Past 9 digits the delay is beyond any cap; int() of thousands of digits would raise.
    if len(digits) > _SAFE_INT_DIGITS or int(digits) > cap:
        return RetryAfter(float(cap), f"Retry-After of {len(digits)} digits capped at {cap:.0f}s")
    return RetryAfter(float(int(digits)))


# -- total deadline ------------------------------------------------------------------------------------------

_current = threading.local()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed by the other side or by urllib3
        return


class TotalDeadline:
    """`with TotalDeadline(seconds):` every socket opened or reused on this thread by the watched connection
    classes inside the block is shut down `seconds` after entry. `expired` says whether it fired."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = max(seconds, 0.0)
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._watched: dict[int, socket.socket] = {}  # fd of the watched socket -> our duplicate of it
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._outer: TotalDeadline | None = None
        self.expired = False

    def remaining(self) -> float:
        return max(self.seconds - (self._clock() - self._started), 0.0)

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down when the deadline passes. A duplicate descriptor is kept, so the shutdown reaches
        the connection even after urllib3 wraps the socket in TLS (the wrapper detaches the original)."""
        fd = sock.fileno()
        if fd < 0:
            return
        with self._lock:
            if fd in self._watched:
                return
            duplicate = socket.fromfd(fd, sock.family, sock.type, sock.proto)
            self._watched[fd] = duplicate
            if self.expired:
                _shutdown(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for duplicate in self._watched.values():
                _shutdown(duplicate)

    def __enter__(self) -> TotalDeadline:
        self._outer = getattr(_current, "deadline", None)
        _current.deadline = self
        self._started = self._clock()
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._timer.cancel()
        _current.deadline = self._outer
        with self._lock:
            for duplicate in self._watched.values():
                duplicate.close()
            self._watched.clear()


def _watch_current(sock: socket.socket | None) -> None:
    deadline: TotalDeadline | None = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.watch(sock)


class WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch_current(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch_current(self.sock)  # a kept-alive connection reused from the pool
        super().request(*args, **kwargs)


class WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch_current(sock)  # before the TLS handshake, which a slow peer could drip too
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch_current(self.sock)
        super().request(*args, **kwargs)


class WatchedHTTPConnectionPool(urllib3.HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


def watched_pool_manager(**kwargs: Any) -> urllib3.PoolManager:
    """A PoolManager whose connections obey the `TotalDeadline` of the calling thread."""
    manager = urllib3.PoolManager(**kwargs)
    manager.pool_classes_by_scheme = {"http": WatchedHTTPConnectionPool, "https": WatchedHTTPSConnectionPool}
    return manager

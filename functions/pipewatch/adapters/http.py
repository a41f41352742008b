"""HttpFetcher: the one way pipewatch talks HTTP to a source.

What every request gets: connect/read timeouts, a body-size cap enforced while streaming, conditional GET
(ETag / Last-Modified), a real User-Agent with a contact, per-host politeness (one request in flight per host
and a minimum interval between request starts), retries with exponential backoff on 429/5xx and connection
errors honouring ``Retry-After`` (parsed bounded: adapters/http_limits.py), a deadline no request, body read
or retry sleep may pass (a TOTAL deadline, enforced on the socket: a source that drips its answer one byte
at a time is cut off at the deadline, not granted a read timeout per byte), and a check that the body is
what the source promised (an HTML challenge page served with 200 to an RSS or JSON client is an error).

Time is injected (``clock`` for deadlines and intervals, ``sleep``, ``wall_clock`` for HTTP dates) so unit
tests never really sleep. Deadlines are values of ``clock`` (``time.monotonic`` by default).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3HTTPError

from pipewatch.adapters.http_limits import TotalDeadline, parse_retry_after, watched_pool_manager
from pipewatch.errors import SourceError
from pipewatch.services.ports import Expect, HttpResponse

if TYPE_CHECKING:
    from pipewatch.domain.ingest.sources import SourcesConfig
    from pipewatch.settings import Settings

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
DEFAULT_HOST_INTERVALS: dict[str, float] = {
    "www.sec.gov": 0.12,  # SEC fair access: <= 10 requests/second
    "eutils.ncbi.nlm.nih.gov": 0.34,  # NCBI: <= 3/s without an API key, 10/s with one
    "clinicaltrials.gov": 1.0,  # CT.gov API v2: about 1/s
}
_CHUNK = 64 * 1024
_ACCEPT_XML = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
_SNIFF = 2048
RETRY_AFTER_CAP_SECONDS = 24 * 3600.0  # longer than any poll deadline: such a wait is refused anyway


def package_version() -> str:
    try:
        return version("pipewatch")
    except PackageNotFoundError:
        return "0.0.0"


def build_user_agent(project_url: str = "", contact: str = "") -> str:
    """``pipewatch/<version> (+<project url>; <contact>)``: who is asking and how to reach them."""
    details = "; ".join(part for part in (f"+{project_url}" if project_url else "", contact) if part)
    return f"pipewatch/{package_version()}" + (f" ({details})" if details else "")


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")):
        return True
    feed_markers = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")
    html_at = text.find(b"<html")
    return html_at >= 0 and not any(0 <= text.find(m) < html_at for m in feed_markers)


def _looks_like_utf16_or_32(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or b"\x00" in head[:8]


def check_body(body: bytes, expect: Expect, content_type: str) -> str | None:
    """Why ``body`` is not what the source promised (``expect``), or None when it is plausible."""
    head = body[:_SNIFF]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    ctype = content_type.split(";", maxsplit=1)[0].strip().lower()
    if not stripped:
        return "empty body"
    if expect == "any":
        return None
    if _looks_like_html(head):
        return (
            f"an HTML page (content-type {ctype or 'none'}), not {expect.upper()}: challenge or error page?"
        )
    if expect == "json" and not stripped.startswith((b"{", b"[")):
        return f"not JSON (content-type {ctype or 'none'}, starts {stripped[:40]!r})"
    if expect == "xml" and not stripped.startswith(b"<") and not _looks_like_utf16_or_32(head):
        return f"not XML (content-type {ctype or 'none'}, starts {stripped[:40]!r})"
    return None


class HttpFetcher:
    """A polite urllib3 client. Thread-safe: one lock per host serialises requests to that host."""

    def __init__(
        self,
        *,
        project_url: str = "",
        contact: str = "",
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        max_bytes: int = 8_000_000,
        max_retries: int = 3,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        host_intervals: Mapping[str, float] | None = None,
        default_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self.project_url = project_url
        self.contact = contact
        self.user_agent = build_user_agent(project_url, contact)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_bytes = max_bytes
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.host_intervals = {
            **DEFAULT_HOST_INTERVALS,
            **{k.lower(): v for k, v in (host_intervals or {}).items()},
        }
        self.default_interval = default_interval
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._pool = pool or watched_pool_manager(num_pools=16, retries=False)
        self._host_locks: dict[str, threading.Lock] = {}
        self._last_start: dict[str, float] = {}
        self._registry_lock = threading.Lock()
        self.requests = 0  # HTTP requests actually sent (retries included)

    @classmethod
    def from_settings(cls, settings: Settings, sources: SourcesConfig | None = None) -> HttpFetcher:
        """Production fetcher: HTTP defaults and host politeness from sources.yaml; contact from settings."""
        if sources is None:
            from pipewatch.config import load_data_file
            from pipewatch.domain.ingest.sources import SourcesConfig

            sources = load_data_file("sources.yaml", SourcesConfig, settings.sources_override)
        http = sources.http
        return cls(
            project_url=http.project_url,
            contact=settings.edgar_contact,
            connect_timeout=http.connect_timeout_s,
            read_timeout=http.read_timeout_s,
            max_bytes=http.max_body_bytes,
            max_retries=http.max_retries,
            backoff_base=http.backoff_base_s,
            backoff_cap=http.backoff_cap_s,
            host_intervals=sources.host_intervals(),
        )

    # -- politeness -----------------------------------------------------------------------------------------
    def _lock_for(self, host: str) -> threading.Lock:
        with self._registry_lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _wait_turn(self, host: str, interval: float, source_id: str, deadline: float) -> None:
        last = self._last_start.get(host)
        if last is None:
            return
        wait = last + interval - self._clock()
        if wait <= 0:
            return
        if self._clock() + wait > deadline:
            raise SourceError(source_id, f"poll deadline reached waiting for {host} (politeness interval)")
        self._sleep(wait)

    # -- retries --------------------------------------------------------------------------------------------
    def _retry_after(self, value: str) -> float | None:
        return parse_retry_after(value, self._wall_clock(), cap=RETRY_AFTER_CAP_SECONDS).seconds

    def _backoff(self, attempt: int, retry_after: str) -> float:
        explicit = self._retry_after(retry_after)
        if explicit is not None:
            return explicit
        return float(min(self.backoff_cap, self.backoff_base * 2.0**attempt))

    # -- the request -----------------------------------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        source_id: str,
        deadline: float,
        params: Mapping[str, str] | None = None,
        expect: Expect = "any",
        etag: str = "",
        last_modified: str = "",
        headers: Mapping[str, str] | None = None,
        min_interval: float | None = None,
        max_bytes: int | None = None,
        timeout: float | None = None,
    ) -> HttpResponse:
        """GET ``url`` (with ``params``) within ``deadline``; 304 -> ``HttpResponse(not_modified=True)``.

        Raises SourceError: timeouts, connection errors and 429/5xx after the retries (retryable), other 4xx
        (not retryable), a body over the cap, a body that is not what ``expect`` promised, the deadline.
        """
        full_url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}" if params else url
        host = (urlsplit(full_url).hostname or "").lower()
        interval = (
            min_interval if min_interval is not None else self.host_intervals.get(host, self.default_interval)
        )
        request_headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": {
                "xml": _ACCEPT_XML,
                "json": "application/json, */*;q=0.1",
                "any": "*/*",
            }[expect],
        }
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        request_headers.update(headers or {})
        cap = max_bytes or self.max_bytes
        attempt = 0
        while True:
            with self._lock_for(host):
                self._wait_turn(host, interval, source_id, deadline)
                remaining = deadline - self._clock()
                if remaining <= 0:
                    raise SourceError(source_id, f"poll deadline reached before requesting {host}")
                self._last_start[host] = self._clock()
                with TotalDeadline(remaining):
                    outcome = self._attempt(
                        full_url,
                        source_id=source_id,
                        headers=request_headers,
                        cap=cap,
                        remaining=remaining,
                        timeout=timeout,
                        deadline=deadline,
                    )
            if isinstance(outcome, HttpResponse):
                if outcome.not_modified:
                    return outcome
                problem = check_body(outcome.body, expect, outcome.content_type)
                if problem:
                    raise SourceError(source_id, f"{host}: {problem}")
                return outcome
            reason, retry_after = outcome
            if attempt >= self.max_retries:
                raise SourceError(source_id, f"{reason} (gave up after {attempt + 1} attempts)")
            delay = self._backoff(attempt, retry_after)
            if self._clock() + delay >= deadline:
                raise SourceError(source_id, f"{reason}; retry in {delay:.1f}s would pass the poll deadline")
            self._sleep(delay)
            attempt += 1

    def _attempt(  # noqa: PLR0911 - one return per HTTP outcome
        self,
        url: str,
        *,
        source_id: str,
        headers: Mapping[str, str],
        cap: int,
        remaining: float,
        timeout: float | None,
        deadline: float,
    ) -> HttpResponse | tuple[str, str]:
        """One request: a response, or (reason, Retry-After) for a retryable failure. Raises when final."""
        read = min(timeout or self.read_timeout, remaining)
        connect = min(self.connect_timeout, remaining)
        host = urlsplit(url).hostname or ""
        self.requests += 1
        try:
            response = self._pool.request(
                "GET",
                url,
                headers=dict(headers),
                timeout=urllib3.Timeout(connect=connect, read=read),
                retries=False,
                redirect=True,
                preload_content=False,
                decode_content=True,
            )
        except urllib3.exceptions.TimeoutError as exc:
            return (f"{host}: timed out ({type(exc).__name__})", "")
        except Urllib3HTTPError as exc:  # connection refused/reset, DNS, TLS, protocol errors
            return (f"{host}: connection failed ({type(exc).__name__})", "")
        try:
            resp_headers = {k.lower(): v for k, v in response.headers.items()}
            status = response.status
            if status == 304:
                return HttpResponse(url=url, status=304, headers=resp_headers, not_modified=True)
            if status in RETRY_STATUSES:
                response.close()  # do not reuse a connection with an unread error body
                return (f"{host}: HTTP {status}", resp_headers.get("retry-after", ""))
            if status >= 400:
                snippet = self._read_capped(response, source_id, 512, deadline, truncate=True)
                detail = snippet.decode("utf-8", "replace").strip().splitlines()[:1]
                raise SourceError(
                    source_id,
                    f"{host}: HTTP {status}" + (f": {detail[0][:200]}" if detail else ""),
                    retryable=False,
                    status=status,
                )
            declared = resp_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise SourceError(source_id, f"{host}: body larger than {cap} bytes (declared {declared})")
            body = self._read_capped(response, source_id, cap, deadline)
            return HttpResponse(url=url, status=status, body=body, headers=resp_headers)
        except urllib3.exceptions.TimeoutError as exc:
            return (f"{host}: timed out reading the body ({type(exc).__name__})", "")
        except Urllib3HTTPError as exc:  # the connection broke mid-body (incomplete read, decode error)
            return (f"{host}: body read failed ({type(exc).__name__})", "")
        finally:
            response.release_conn()

    def _read_capped(
        self,
        response: urllib3.BaseHTTPResponse,
        source_id: str,
        cap: int,
        deadline: float,
        *,
        truncate: bool = False,
    ) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.stream(_CHUNK):
            size += len(chunk)
            if size > cap:
                response.close()  # never drain an oversized body: drop the connection instead
                if truncate:
                    chunks.append(chunk[: cap - (size - len(chunk))])
                    break
                raise SourceError(source_id, f"body larger than {cap} bytes")
            chunks.append(chunk)
            if self._clock() > deadline:
                response.close()
                raise SourceError(source_id, "poll deadline reached while reading the body")
        return b"".join(chunks)

"""HTTPS POST to a chat or webhook destination, through the SSRF guard of domain/subscribers/channels.py.

The host name is resolved here and every address checked; the request then goes to the checked address
itself (TLS still verifies the certificate for the host name, sent as SNI), so a DNS answer that changes
between the check and the connect (rebinding) cannot redirect the request. Redirects are never followed
(a 3xx could point anywhere); the response body is read up to a small cap (only the status matters).

Time. Every POST has a TOTAL deadline (`total_timeout`, shortened by the caller's `timeout`, the budget the
delivery job has left): adapters/http_limits.py shuts the connection down when it passes, so a destination
that answers one byte at a time costs at most that, not one read timeout per byte. The connect and read
timeouts are clamped to it too. A header the destination sends (Retry-After) never raises.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable
from datetime import UTC, datetime

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error

from pipewatch.adapters.http_limits import (
    TotalDeadline,
    WatchedHTTPConnectionPool,
    WatchedHTTPSConnectionPool,
    parse_retry_after,
)
from pipewatch.domain.subscribers.channels import (
    AddressPolicy,
    Destination,
    check_addresses,
    parse_destination,
)
from pipewatch.domain.subscribers.delivery import PostResult

RESPONSE_CAP = 16 * 1024
MAX_RETRY_AFTER_SECONDS = 12 * 3600  # the longest SQS visibility timeout
TOTAL_TIMEOUT_SECONDS = 8.0  # one POST, everything included (connect, TLS, request, answer)
_READ_CHUNK = 1024


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    return [str(info[4][0]) for info in infos]


class HttpsPoster:
    def __init__(
        self,
        *,
        policy: AddressPolicy | None = None,
        resolver: Callable[[str, int], list[str]] = system_resolver,
        connect_timeout: float = 3.0,
        read_timeout: float = 5.0,
        total_timeout: float = TOTAL_TIMEOUT_SECONDS,
        user_agent: str = "pipewatch-delivery/1",
    ) -> None:
        self._policy = policy or AddressPolicy()
        self._resolver = resolver
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._total_timeout = total_timeout
        self._user_agent = user_agent

    def check(self, url: str) -> Destination:
        """Validate a URL and the addresses its host resolves to now (ChannelUrlError if refused)."""
        destination = parse_destination(url, self._policy)
        check_addresses(destination, self._resolver(destination.host, destination.port), self._policy)
        return destination

    def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout: float | None = None
    ) -> PostResult:
        """POST within min(total_timeout, timeout) seconds, everything included; the outcome, never raises
        for what the destination does (PostResult(0, error=...) when there is no usable answer)."""
        destination = parse_destination(url, self._policy)
        address = check_addresses(
            destination, self._resolver(destination.host, destination.port), self._policy
        )[0]
        default_port = 443 if destination.scheme == "https" else 80
        host_header = destination.host + ("" if destination.port == default_port else f":{destination.port}")
        request_headers = {
            **headers,
            "Host": host_header,
            "Content-Type": "application/json",
            "User-Agent": self._user_agent,
        }
        total = self._total_timeout if timeout is None else min(self._total_timeout, timeout)
        if total <= 0:
            return PostResult(0, error="no time left")
        with TotalDeadline(total) as deadline:
            try:
                status, retry_header = self._exchange(destination, address, request_headers, body, deadline)
            except (Urllib3Error, http.client.HTTPException, OSError) as exc:
                # The exception text may carry the request target (the secret path): keep the class only.
                return PostResult(
                    0, error=f"deadline of {total:.3g}s" if deadline.expired else type(exc).__name__
                )
        retry = parse_retry_after(retry_header, datetime.now(UTC), cap=MAX_RETRY_AFTER_SECONDS)
        return PostResult(status, retry_after=retry.seconds, retry_after_problem=retry.problem)

    def _exchange(
        self,
        destination: Destination,
        address: str,
        request_headers: dict[str, str],
        body: bytes,
        deadline: TotalDeadline,
    ) -> tuple[int, str | None]:
        remaining = deadline.remaining()
        timeout = urllib3.Timeout(
            connect=min(self._connect_timeout, remaining), read=min(self._read_timeout, remaining)
        )
        pool: urllib3.HTTPConnectionPool
        if destination.scheme == "https":
            pool = WatchedHTTPSConnectionPool(
                address,
                destination.port,
                server_hostname=destination.host,
                assert_hostname=destination.host,
                cert_reqs="CERT_REQUIRED",
                timeout=timeout,
                retries=False,
            )
        else:  # only under AddressPolicy.loopback_for_tests()
            pool = WatchedHTTPConnectionPool(address, destination.port, timeout=timeout, retries=False)
        with pool:
            response = pool.urlopen(
                "POST",
                destination.target,
                body=body,
                headers=request_headers,
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            if deadline.expired:
                # Cut off mid-answer: http.client takes a truncated status line ("HTTP/1.1 200 Dri" + EOF)
                # for a whole one, so nothing read before the deadline fired is an answer.
                response.close()
                raise urllib3.exceptions.TimeoutError("total deadline passed before the answer was whole")
            # The status and headers are in: they are the answer. The body is drained in small reads up to
            # a cap, each checked against the deadline (the shutdown ends a blocked one); a body that drips
            # or breaks changes nothing.
            read = 0
            try:
                while read < RESPONSE_CAP and not deadline.expired:
                    chunk = response.read(_READ_CHUNK)
                    if not chunk:
                        break
                    read += len(chunk)
            except (Urllib3Error, http.client.HTTPException, OSError):
                response.close()
            response.release_conn()
        return response.status, response.headers.get("Retry-After")

"""HTTPS POST to a chat or webhook destination, through the SSRF guard of domain/subscribers/channels.py.

The host name is resolved here and every address checked; the request then goes to the checked address
itself (TLS still verifies the certificate for the host name, sent as SNI), so a DNS answer that changes
between the check and the connect (rebinding) cannot redirect the request. Redirects are never followed
(a 3xx could point anywhere); timeouts are short so one slow destination holds its worker for seconds, not
minutes; the response body is read up to a small cap (only the status matters).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error

from pipewatch.domain.subscribers.channels import (
    AddressPolicy,
    Destination,
    check_addresses,
    parse_destination,
)
from pipewatch.domain.subscribers.delivery import PostResult

RESPONSE_CAP = 16 * 1024
MAX_RETRY_AFTER_SECONDS = 12 * 3600  # the longest SQS visibility timeout


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    return [str(info[4][0]) for info in infos]


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), capped; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER_SECONDS))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - now).total_seconds(), MAX_RETRY_AFTER_SECONDS))


class HttpsPoster:
    def __init__(
        self,
        *,
        policy: AddressPolicy | None = None,
        resolver: Callable[[str, int], list[str]] = system_resolver,
        connect_timeout: float = 3.0,
        read_timeout: float = 5.0,
        user_agent: str = "pipewatch-delivery/1",
    ) -> None:
        self._policy = policy or AddressPolicy()
        self._resolver = resolver
        self._timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        self._user_agent = user_agent

    def check(self, url: str) -> Destination:
        """Validate a URL and the addresses its host resolves to now (ChannelUrlError if refused)."""
        destination = parse_destination(url, self._policy)
        check_addresses(destination, self._resolver(destination.host, destination.port), self._policy)
        return destination

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> PostResult:
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
        pool: urllib3.HTTPConnectionPool
        if destination.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address,
                destination.port,
                server_hostname=destination.host,
                assert_hostname=destination.host,
                cert_reqs="CERT_REQUIRED",
                timeout=self._timeout,
                retries=False,
            )
        else:  # only under AddressPolicy.loopback_for_tests()
            pool = urllib3.HTTPConnectionPool(address, destination.port, timeout=self._timeout, retries=False)
        try:
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
                response.read(RESPONSE_CAP)
                response.release_conn()
        except Urllib3Error as exc:
            # The exception text may carry the request target (the secret path): keep the class only.
            return PostResult(0, error=type(exc).__name__)
        retry_after = parse_retry_after(response.headers.get("Retry-After"), datetime.now(UTC))
        return PostResult(response.status, retry_after=retry_after)

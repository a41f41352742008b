"""Chat and webhook destinations: which URLs pipewatch may POST to, and how a URL is shown.

A webhook URL is a credential (anyone holding a Slack incoming-webhook URL can post to the channel), so it is
validated here, stored encrypted by the service, and only ever shown masked. The address check is the SSRF
guard: a subscriber must not be able to point pipewatch at the account's own network. It runs on every
address a host name resolves to, at subscription time and again at send time (against DNS rebinding the
sender then connects to the very address that was checked).

Pure: no DNS, no sockets. Resolution is the adapter's job; it passes the addresses in.

The channel registry is here too: every kind of subscription (e-mail, SMS, and the URL destinations), its
display name and how it is delivered. The API and CLI choices and the subscription model derive from it;
how each URL kind's body is shaped is domain/render/channel_payloads.py.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

# The kinds as types (for pydantic, the OpenAPI document and mypy), in the API's order. CHANNELS below has
# one spec per kind; a unit test fails when the two disagree.
AddressKind = Literal["email", "sms"]
ChannelKind = Literal["slack", "teams", "webhook"]  # URL destinations, subscribed with `channel` and `url`
SubscriptionProtocol = Literal[AddressKind, ChannelKind]
# "sns": an SNS subscription of its own delivers it, the address is its endpoint (e-mail goes through the
# delivery queue and SES instead when SES is configured, see services/delivery.py). "queue": the delivery
# function POSTs it to a URL, stored encrypted.
Route = Literal["sns", "queue"]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    display_name: str
    route: Route

    @property
    def is_url_destination(self) -> bool:
        """Subscribed with a URL (checked by `parse_destination` and `check_addresses`), not an address
        (checked by `subscriptions.parse_endpoint`)."""
        return self.route == "queue"


# In the order `pipewatch render --channel` lists them.
CHANNELS: dict[SubscriptionProtocol, ChannelSpec] = {
    "sms": ChannelSpec("SMS", route="sns"),
    "email": ChannelSpec("e-mail", route="sns"),
    "slack": ChannelSpec("Slack incoming-webhook", route="queue"),
    "teams": ChannelSpec("Teams Workflows", route="queue"),
    "webhook": ChannelSpec("signed-webhook", route="queue"),
}
# The URL destinations (what the API calls `channel`), in registry order.
CHANNEL_KINDS: tuple[str, ...] = tuple(kind for kind, spec in CHANNELS.items() if spec.is_url_destination)
MAX_URL_LENGTH = 2048

# Addresses no subscriber may target, beyond what `ipaddress` flags as private/loopback/link-local/...:
# CGNAT (shared address space, RFC 6598) is not "private" to `ipaddress` before Python 3.13.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class ChannelUrlError(ValueError):
    """A destination URL is refused; the message says why, never the URL's secret path or query."""


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which destinations are allowed. The default is the production rule (HTTPS, public addresses only).
    Tests that run receivers on 127.0.0.1 inject `AddressPolicy.loopback_for_tests()`; nothing builds it
    from configuration, so a deployment cannot be talked into it."""

    allow_loopback: bool = False
    allow_plain_http: bool = False

    @classmethod
    def loopback_for_tests(cls) -> AddressPolicy:
        return cls(allow_loopback=True, allow_plain_http=True)


@dataclass(frozen=True, slots=True)
class Destination:
    """A parsed destination URL: scheme, host, port, and the path with query (the secret part)."""

    url: str
    scheme: str
    host: str
    port: int
    target: str  # path + query, what goes on the request line


def refused_reason(address: str, policy: AddressPolicy = AddressPolicy()) -> str:
    """Why an IP address may not be targeted ("" when it may)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "" if policy.allow_loopback else "a loopback address"
    checks = (
        (ip.is_link_local, "a link-local address (e.g. the instance metadata service)"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "a shared (CGNAT) address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    )
    return next((reason for bad, reason in checks if bad), "")


def parse_destination(url: str, policy: AddressPolicy = AddressPolicy()) -> Destination:
    """Syntax checks: HTTPS (unless the test policy allows HTTP), a host, no credentials, no fragment."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise ChannelUrlError(f"url: expected an https:// URL of at most {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ChannelUrlError("url: no spaces or control characters allowed")
    parts = urlsplit(url)
    allowed = ("https", "http") if policy.allow_plain_http else ("https",)
    if parts.scheme not in allowed:
        raise ChannelUrlError(f"url: only https:// is accepted (got {parts.scheme or 'no'} scheme)")
    if parts.username or parts.password:
        raise ChannelUrlError("url: user names and passwords in the URL are not accepted")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise ChannelUrlError("url: no host name")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ChannelUrlError("url: invalid port") from exc
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(url=url, scheme=parts.scheme, host=host, port=port, target=target)


def check_addresses(
    destination: Destination, addresses: Iterable[str], policy: AddressPolicy = AddressPolicy()
) -> list[str]:
    """The addresses a host resolved to, if every one of them may be targeted; else ChannelUrlError.
    All, not any: a name resolving to one public and one private address is refused."""
    resolved = sorted(set(addresses))
    if not resolved:
        raise ChannelUrlError(f"url: host {destination.host} does not resolve")
    for address in resolved:
        reason = refused_reason(address, policy)
        if reason:
            raise ChannelUrlError(f"url: host {destination.host} resolves to {address}, {reason}")
    return resolved


def mask_url(url: str) -> str:
    """What the API and the CLI show: scheme, host and a short fingerprint, never the path or query."""
    parts = urlsplit(url)
    fingerprint = hashlib.sha256(url.encode()).hexdigest()[:8]
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or '?'}{port}/…#{fingerprint}"


def channel_subscription_id(kind: ChannelKind, url: str) -> str:
    """Stable id of a destination's subscription (the same URL subscribed twice is one subscription)."""
    return "sub-" + hashlib.sha256(f"{kind}:{url}".encode()).hexdigest()[:16]

"""boto3 client construction in one place (endpoint override for moto server, Streams endpoint mode), and the
one declared set of AWS services the functions may call.

The dependency layer ships botocore's models for the declared services only (pipewatch_local.botocore_trim
deletes the other ~440 from the build, 28 MB -> ~2.5 MB: the first client of a cold start lists every model
directory), so the factory refuses any other service: a path calling an unshipped service fails in tests, not
with botocore's UnknownServiceError in production.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from pipewatch.settings import Settings

# Every service a function creates a client for (tests/unit/adapters/test_shipped_services.py scans the
# package for client(...)/lazy_client(...) calls and Powertools idempotency, which uses the dynamodb client).
CALLED_SERVICES = frozenset({"dynamodb", "kms", "s3", "ses", "sns", "sqs"})
# botocore's own credential providers create these clients when the configuration asks for them (assume
# role / web identity: sts; SSO profiles: sso, sso-oidc). In Lambda the credentials come from the environment
# and none is created; kept so a changed credential source cannot fail on a missing model.
CREDENTIAL_SERVICES = frozenset({"sts", "sso", "sso-oidc"})
# What the layer's botocore/data keeps; nothing else in the layer creates a client at run time (Powertools
# batch and metrics call no AWS API, the X-Ray SDK samples locally inside Lambda, see docs/deploy.md).
SHIPPED_SERVICES = CALLED_SERVICES | CREDENTIAL_SERVICES


class UnshippedService(ValueError):
    """A client was asked for a service whose botocore model the build does not ship."""


# botocore >= 1.44.4 routes some calls to account-id endpoints that emulators do not serve; real AWS is
# unaffected by turning that off.
_CONFIG = Config(
    retries={"max_attempts": 5, "mode": "standard"},
    connect_timeout=5,
    read_timeout=20,
    account_id_endpoint_mode="disabled",
)


def client(service: str, settings: Settings) -> Any:
    if service not in SHIPPED_SERVICES:
        raise UnshippedService(
            f"AWS service {service!r} is not in adapters/aws.py SHIPPED_SERVICES "
            f"({', '.join(sorted(SHIPPED_SERVICES))}): the build ships only those botocore models; "
            "declare it in CALLED_SERVICES to call it"
        )
    kwargs: dict[str, Any] = {"region_name": settings.region, "config": _CONFIG}
    if settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
    return boto3.client(service, **kwargs)


class LazyClient:
    """A boto3 client created on its first use, not when the service holding it is built.

    Creating a client loads its service model (tens of ms each, more for the first one of a process); a
    Lambda's service holds clients for every path it has, and one invocation uses some of them (listing
    subscriptions never calls SNS or KMS), so a cold start pays only for the clients it calls.
    """

    __slots__ = ("_client", "_create")

    def __init__(self, create: Callable[[], Any]) -> None:
        self._create = create
        self._client: Any = None

    def _created(self) -> Any:
        if self._client is None:
            self._client = self._create()
        return self._client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._created(), name)

    # Setting an attribute (a test replacing one method) sets it on the client, as it would without the proxy.
    def __setattr__(self, name: str, value: Any) -> None:
        if name in LazyClient.__slots__:
            object.__setattr__(self, name, value)
        else:
            setattr(self._created(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._created(), name)


def lazy_client(service: str, settings: Settings) -> Any:
    """`client(service, settings)`, created when first used (composition builds the deployed services so)."""
    return LazyClient(lambda: client(service, settings))

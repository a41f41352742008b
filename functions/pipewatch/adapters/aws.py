"""boto3 client construction in one place (endpoint override for moto server, Streams endpoint mode)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from pipewatch.settings import Settings

# botocore >= 1.44.4 routes some calls to account-id endpoints that emulators do not serve; real AWS is
# unaffected by turning that off.
_CONFIG = Config(
    retries={"max_attempts": 5, "mode": "standard"},
    connect_timeout=5,
    read_timeout=20,
    account_id_endpoint_mode="disabled",
)


def client(service: str, settings: Settings) -> Any:
    kwargs: dict[str, Any] = {"region_name": settings.region, "config": _CONFIG}
    if settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
    return boto3.client(service, **kwargs)

"""adapters/config_store.py: when S3 does not answer the listing of a file's versions (an S3 error, or no
network), `history` raises ConfigStoreUnavailable naming the store and the error code, from botocore's
error; the console's watchlist page turns that into a 503. The S3 client is a hand-made stand-in raising
errors shaped as botocore's."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from pipewatch.adapters.config_store import S3ConfigStore
from pipewatch.errors import ConfigError, ConfigStoreUnavailable


class RefusingS3:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def get_paginator(self, operation: str) -> RefusingS3:
        assert operation == "list_object_versions"
        return self

    def paginate(self, **params: Any) -> list[dict[str, Any]]:
        raise self.error


@pytest.mark.parametrize(
    ("error", "named"),
    [
        (ClientError({"Error": {"Code": "AccessDenied", "Message": "hand-made"}}, "ListObjectVersions"),
         "(AccessDenied)"),
        (ClientError({"Error": {"Code": "NoSuchBucket", "Message": "hand-made"}}, "ListObjectVersions"),
         "(NoSuchBucket)"),
        (EndpointConnectionError(endpoint_url="https://s3.eu-west-1.amazonaws.com/"),
         "Could not connect to the endpoint URL"),
    ],
)  # fmt: skip
def test_given_s3_refuses_the_listing_then_history_raises_config_store_unavailable(
    error: ClientError | BotoCoreError, named: str
) -> None:
    store = S3ConfigStore(RefusingS3(error), "config-bucket")

    with pytest.raises(ConfigStoreUnavailable) as raised:
        store.history("watchlist.yaml")

    assert str(raised.value).startswith("s3://config-bucket/watchlist.yaml: cannot list versions (")
    assert named in str(raised.value)
    assert raised.value.__cause__ is error and isinstance(raised.value, ConfigError)

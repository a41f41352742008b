"""The admins' watchlist page when the config bucket's version listing fails with a real S3 error (moto
in-process: the bucket the console was given is not there): the page answers 503 saying the watchlist
history is unavailable, and the rest of the console answers as usual (the S3 error used to escape: 500)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from console_kit import console, mint, update
from pipewatch.adapters.config_store import S3ConfigStore
from pipewatch.services.config_admin import ConfigAdmin
from pipewatch.services.console_web import WatchlistStatus

REGION = "us-east-1"
ADMIN = mint("root-sub", groups=("admins",))


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("s3", region_name=REGION)


def test_given_the_config_bucket_listing_fails_then_the_watchlist_page_is_503_and_the_rest_works(
    s3: Any,
) -> None:
    store = S3ConfigStore(s3, "pipewatch-config-gone")  # never created: S3 answers NoSuchBucket
    kit = console([update(1)], watchlist=WatchlistStatus(version="v3", history=ConfigAdmin(store)))

    page = kit.get("/watchlist", ADMIN)

    assert page.status == 503
    assert "The watchlist history is unavailable" in page.body and "<strong>v3</strong>" in page.body
    assert kit.get("/updates", ADMIN).status == 200
    assert kit.get("/subscriptions", ADMIN).status == 200

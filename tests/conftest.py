"""Test set-up for every test: fake AWS credentials and one region, so nothing can reach AWS (moto only)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EVENTS = ROOT / "events"

# Set before any boto3 client exists: fake credentials, one region, Streams endpoint mode moto can route.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)


@pytest.fixture
def local_stack() -> Iterator[object]:
    """template.yaml created as a stack in moto, with the handlers' settings pointed at it."""
    from moto import mock_aws

    from pipewatch_local.local_stack import create_local_stack, use_stack_environment

    saved = dict(os.environ)
    with mock_aws():
        stack = create_local_stack()
        use_stack_environment(stack)
        yield stack
    os.environ.clear()
    os.environ.update(saved)

"""adapters/aws.SHIPPED_SERVICES: every AWS service the functions create a client for is declared (the build
ships botocore models for those only, pipewatch_local.botocore_trim), and the factory refuses any other."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipewatch.adapters.aws import (
    CALLED_SERVICES,
    SHIPPED_SERVICES,
    UnshippedService,
    client,
    lazy_client,
)
from pipewatch.settings import Settings

PACKAGE = Path(__file__).resolve().parents[3] / "functions" / "pipewatch"
# client("sns", settings), lazy_client("kms", settings): the factory with a literal service name.
FACTORY_CALL = re.compile(r"\b(?:lazy_client|client)\(\s*[\"']([a-z0-9-]+)[\"']")
# Anything else that makes a client: boto3/botocore directly (only the factory may), or Powertools
# idempotency's DynamoDB persistence layer (which creates a dynamodb client when it is not given one).
OTHER_CLIENT_MAKERS = re.compile(r"boto3\.client\(|boto3\.session|\.create_client\(|Session\(\)\.client\(")
FACTORY_MODULE = PACKAGE / "adapters" / "aws.py"


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))}


def _called_services() -> set[str]:
    found: set[str] = set()
    for text in _sources().values():
        found.update(FACTORY_CALL.findall(text))
        if "DynamoDBPersistenceLayer" in text:
            found.add("dynamodb")
    return found


def test_given_the_package_then_every_service_it_creates_a_client_for_is_declared() -> None:
    called = _called_services()
    # The scan must see the services composition wires, or it proves nothing.
    assert {"dynamodb", "sns", "sqs", "kms", "ses", "s3"} <= called
    assert called - CALLED_SERVICES == set()


def test_given_the_declared_services_then_each_one_is_called_somewhere() -> None:
    # A service declared but never called ships a model for nothing (and hides a removed call path).
    assert CALLED_SERVICES - _called_services() == set()


def test_given_the_package_then_only_the_factory_creates_boto3_clients() -> None:
    makers = {
        p.relative_to(PACKAGE).as_posix(): OTHER_CLIENT_MAKERS.findall(text)
        for p, text in _sources().items()
        if p != FACTORY_MODULE
    }
    assert {path: found for path, found in makers.items() if found} == {}
    assert "boto3.client(" in FACTORY_MODULE.read_text(encoding="utf-8")


def test_given_the_shipped_set_then_it_adds_only_botocore_credential_providers_to_the_called() -> None:
    assert sorted(SHIPPED_SERVICES - CALLED_SERVICES) == ["sso", "sso-oidc", "sts"]


def test_given_the_shipped_set_then_each_is_a_service_botocore_knows() -> None:
    import botocore.session

    available = set(botocore.session.get_session().get_available_services())
    assert SHIPPED_SERVICES - available == set()


@pytest.mark.parametrize("make", [client, lazy_client])
def test_given_an_undeclared_service_then_the_factory_refuses_it_naming_it(
    make: Callable[[str, Settings], Any],
) -> None:
    settings = Settings(region="us-east-1")
    with pytest.raises(
        UnshippedService, match=r"'cloudformation' is not in adapters/aws.py SHIPPED_SERVICES"
    ):
        created = make("cloudformation", settings)
        created.describe_stacks()  # a lazy client refuses when first used, as it creates the client then


def test_given_a_declared_service_then_the_factory_makes_its_client() -> None:
    made = client("sqs", Settings(region="us-east-1"))
    assert made.meta.service_model.service_name == "sqs"

"""adapters/aws.LazyClient: a service's clients are created on first use, once (cold start, issue 28)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from pipewatch.adapters.aws import LazyClient, lazy_client
from pipewatch.settings import Settings


def test_given_a_lazy_client_when_never_used_then_no_client_is_created() -> None:
    created: list[str] = []
    LazyClient(lambda: created.append("dynamodb"))
    assert created == []


def test_given_a_lazy_client_when_used_twice_then_one_client_serves_both_calls() -> None:
    created: list[Any] = []

    def create() -> Any:
        made = SimpleNamespace(get_item=lambda **kw: {"Item": kw}, number=len(created))
        created.append(made)
        return made

    proxy: Any = LazyClient(create)
    assert proxy.get_item(Key="k") == {"Item": {"Key": "k"}}
    assert proxy.number == 0
    assert len(created) == 1


def test_given_a_lazy_client_when_a_method_is_replaced_then_the_client_has_it_until_restored() -> None:
    client = SimpleNamespace(publish=lambda: "real")
    proxy: Any = LazyClient(lambda: client)
    proxy.publish = lambda: "replaced"
    assert client.publish() == proxy.publish() == "replaced"
    del proxy.publish
    assert not hasattr(client, "publish")


def test_given_a_lazy_client_when_the_client_lacks_an_attribute_then_attribute_error_as_usual() -> None:
    proxy: Any = LazyClient(SimpleNamespace)
    with pytest.raises(AttributeError, match="publish"):
        proxy.publish()


def test_given_settings_when_a_lazy_boto3_client_is_used_then_it_has_the_region_and_endpoint() -> None:
    """Hand-made settings; creating a client makes no AWS call."""
    proxy: Any = lazy_client("sqs", Settings(region="eu-west-1", endpoint_url="http://127.0.0.1:5999"))
    assert proxy.meta.region_name == "eu-west-1"
    assert proxy.meta.endpoint_url == "http://127.0.0.1:5999"


def test_given_the_subscription_service_when_built_then_it_creates_no_client_until_a_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """composition builds deployed services with lazy clients: listing subscriptions creates the DynamoDB
    client only, never the SNS one (hand-made settings; boto3.client replaced by a recorder)."""
    import pipewatch.adapters.aws as aws
    from pipewatch.composition import build_subscription_service
    from pipewatch.services.subscriptions import SubscriptionNotFound

    created: list[str] = []

    def fake_client(service: str, **kwargs: Any) -> Any:
        created.append(service)
        return SimpleNamespace(get_item=lambda **kw: {})

    monkeypatch.setattr(aws.boto3, "client", fake_client)
    settings = Settings(table_name="t", topic_arn="arn:aws:sns:us-east-1:123456789012:t")
    service = build_subscription_service(settings, check_watchlist=False)
    assert created == []
    with pytest.raises(SubscriptionNotFound):
        service.get("sub-0001")
    assert created == ["dynamodb"]

"""Issue 27 finding 7 through the page handler on moto: a subscription whose subscribe call stopped after
its `pending` record (the SNS subscription made, the ARN never recorded) is removed by the one-click
unsubscribe link with a 200, without sns:Subscribe (which the page role lacks: denied here as AWS would),
and its SNS subscription goes too (found by sns:ListSubscriptionsByTopic)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pipewatch.adapters.aws import client
from pipewatch.adapters.subscriptions import SnsSubscriptions, SubscriptionTable
from pipewatch.composition import build_link_keys, build_reader_service, build_subscription_service
from pipewatch.domain.subscribers.links import SignedLinks
from pipewatch.handlers import page
from pipewatch.settings import Settings, get_settings
from pipewatch_local.local_stack import LambdaContext, api_gateway_event


def _denied(*_args: Any, **_kwargs: Any) -> str:
    raise ClientError({"Error": {"Code": "AuthorizationError", "Message": "not authorized"}}, "Subscribe")


def test_given_a_half_created_sms_subscription_then_the_unsubscribe_link_answers_200_and_removes_both(
    local_stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    get_settings.cache_clear()
    settings = Settings.from_env()
    record = build_subscription_service(settings).subscribe({"endpoint": "+15555550199"})
    table = SubscriptionTable(client("dynamodb", settings), settings.table_name)
    # The subscribe call stopped between SNS and its final write: pending, no ARN recorded.
    table.put(record.model_copy(update={"status": "pending", "sns_arn": ""}), expect=record.version)
    links = SignedLinks(
        build_link_keys(settings).get(create=True), settings.site_url, clock=lambda: datetime.now(UTC)
    )
    token = links.unsubscribe_url(record.subscription_id).rsplit("/", 1)[1]
    monkeypatch.setattr(SnsSubscriptions, "subscribe", _denied)  # the page role has no sns:Subscribe
    handler = partial(page.handler, service=build_reader_service(settings))

    event = api_gateway_event("POST", "/unsub/{token}", path_parameters={"token": token})
    answer = handler(event, LambdaContext("page"))

    assert answer["statusCode"] == 200 and "Unsubscribed" in answer["body"]
    assert table.get(record.subscription_id) is None
    left = client("sns", settings).list_subscriptions_by_topic(TopicArn=settings.topic_arn)["Subscriptions"]
    assert "+15555550199" not in [s["Endpoint"] for s in left]
    get_settings.cache_clear()

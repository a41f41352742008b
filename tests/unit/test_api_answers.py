"""The subscription API answers with plain data (handlers/api.subscription_out, issue 28: a GET imports no
pydantic); the documented model (handlers/api_models.SubscriptionOut) must give the same JSON. Hand-made
records."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fakes import subscription_record
from pipewatch.domain.subscribers.records import SubscriptionRecord
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription
from pipewatch.handlers.api import _OUT_FIELDS, subscription_out
from pipewatch.handlers.api_models import SubscriptionList, SubscriptionOut

NOW = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)


def _channel_record() -> SubscriptionRecord:
    """A paused webhook subscription with an owner and a filter policy (hand-made)."""
    return SubscriptionRecord(
        subscription=Subscription(
            subscription_id="sub-0123456789abcdef",
            endpoint="https://hooks.example.com/…",
            protocol="webhook",
            preferences=Preferences(agents=("efgartigimod",), mode="digest", tiers=("own", "landscape")),
            owner="owner@example.com",
        ),
        status="active",
        sns_attributes={"FilterPolicy": json.dumps({"agent": ["efgartigimod"]})},
        created_at=NOW,
        updated_at=NOW,
        paused=True,
    )


RECORDS = {
    "email, defaults": lambda: subscription_record("analyst@example.com", now=NOW),
    "sms, pending, preferences": lambda: subscription_record(
        "+15555550123", now=NOW, status="pending", indications=["dermatomyositis"], min_severity="high"
    ),
    "webhook, paused, owner": _channel_record,
}


def test_the_plain_answer_has_the_documented_fields_in_order() -> None:
    assert tuple(SubscriptionOut.model_fields) == _OUT_FIELDS


@pytest.mark.parametrize("name", sorted(RECORDS))
@pytest.mark.parametrize("secret", [None, "whsec_aGFuZC1tYWRl"])
def test_given_a_record_then_the_plain_answer_is_the_models_json(name: str, secret: str | None) -> None:
    record = RECORDS[name]()
    plain = subscription_out(record, secret)
    modelled = SubscriptionOut.of(record, secret).model_dump(mode="json", by_alias=True)
    assert plain == modelled
    assert json.dumps(plain) == json.dumps(modelled)  # same keys in the same order, same values
    listed = SubscriptionList(subscriptions=[SubscriptionOut.of(record)]).model_dump(mode="json")
    assert {"subscriptions": [subscription_out(record)]} == listed

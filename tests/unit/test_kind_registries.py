"""The lists derived from the kind registries cover every registered kind, so a kind added in one place
cannot be missing in another: the API's types and the subscription model from the channel registry
(domain/subscribers/channels.py), delivery's payload builders from its URL kinds, and the source models
from the source kind registry (adapters/source_kinds.py). CLI choices: tests/unit/cli/test_kind_choices.py."""

from __future__ import annotations

from typing import get_args

import pytest

from pipewatch.adapters.source_kinds import SOURCE_KIND_SPECS
from pipewatch.domain.ingest.sources import SOURCE_KINDS, SOURCE_MODELS
from pipewatch.domain.render.channel_payloads import CHANNEL_PAYLOADS
from pipewatch.domain.subscribers.channels import (
    CHANNEL_KINDS,
    CHANNELS,
    AddressKind,
    ChannelKind,
    SubscriptionProtocol,
)
from pipewatch.domain.subscribers.subscriptions import Subscription


def test_the_channel_types_name_exactly_the_registered_kinds() -> None:
    assert set(get_args(SubscriptionProtocol)) == set(CHANNELS)
    assert get_args(ChannelKind) == CHANNEL_KINDS
    assert set(get_args(AddressKind)) == {kind for kind, spec in CHANNELS.items() if spec.route == "sns"}


def test_the_api_offers_and_reports_exactly_the_registered_kinds() -> None:
    from pipewatch.handlers.api_models import SubscribeRequest, SubscriptionOut

    out = SubscriptionOut.model_json_schema()["properties"]["protocol"]
    assert out["enum"] == ["email", "sms", "slack", "teams", "webhook"]  # the committed OpenAPI order
    assert set(out["enum"]) == set(CHANNELS)
    channel = SubscribeRequest.model_json_schema()["properties"]["channel"]
    assert [option.get("enum") for option in channel["anyOf"] if "enum" in option] == [list(CHANNEL_KINDS)]


def test_delivery_has_a_payload_builder_for_every_url_destination_and_nothing_else() -> None:
    assert list(CHANNEL_PAYLOADS) == list(CHANNEL_KINDS)


@pytest.mark.parametrize("kind", list(CHANNELS))
def test_the_subscription_model_accepts_every_kind_and_routes_it_as_registered(kind: str) -> None:
    endpoints = {"email": "ana@example.com", "sms": "+15555550123"}
    subscription = Subscription.model_validate(
        {"endpoint": endpoints[kind]}
        if kind in endpoints
        else {"subscription_id": "sub-0123456789abcdef", "endpoint": "https://x/…", "protocol": kind}
    )
    assert subscription.protocol == kind
    assert subscription.is_channel is CHANNELS[kind].is_url_destination


def test_every_source_model_kind_has_one_spec_and_every_spec_a_model() -> None:
    assert list(SOURCE_KIND_SPECS) == list(SOURCE_KINDS)
    assert {spec.config for spec in SOURCE_KIND_SPECS.values()} == set(SOURCE_MODELS)

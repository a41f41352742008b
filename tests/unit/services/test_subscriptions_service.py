"""SubscriptionService on in-memory fakes of its table and SNS: subscribe creates the record and the SNS
subscription with the filter policy, a repeat changes it in place, unknown agents and a refused endpoint
write nothing, ownership is enforced, a full topic is refused, unsubscribe removes both, a half-done
subscribe is repaired, and chat/webhook channels get a secret once."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fakes import InMemorySns, InMemorySubscriptionTable
from pipewatch.domain.subscribers.subscriptions import SubscriptionError, subscription_id_for
from pipewatch.errors import SnsSubscriptionError, TopicFull
from pipewatch.services.subscriptions import (
    Caller,
    SubscriptionForbidden,
    SubscriptionNotFound,
    SubscriptionService,
)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ANALYST = "analyst@example.com"
ALICE = Caller(arn="arn:aws:iam::123456789012:user/alice", admin=False)
BOB = Caller(arn="arn:aws:iam::123456789012:user/bob", admin=False)


class RecordingCipher:
    def __init__(self) -> None:
        self.plaintexts: list[bytes] = []

    def encrypt(self, plaintext: bytes, context: dict[str, str]) -> str:
        self.plaintexts.append(plaintext)
        return f"sealed:{context['subscription_id']}:{len(self.plaintexts)}"


def _service(
    table: InMemorySubscriptionTable | None = None, sns: InMemorySns | None = None, **kwargs: object
) -> tuple[SubscriptionService, InMemorySubscriptionTable, InMemorySns]:
    table = table if table is not None else InMemorySubscriptionTable()
    sns = sns if sns is not None else InMemorySns()
    service = SubscriptionService(
        table=table,  # type: ignore[arg-type]
        sns=sns,  # type: ignore[arg-type]
        known_agents={"efgartigimod", "brepocitinib"},
        known_indications={"dermatomyositis"},
        clock=lambda: NOW,
        **kwargs,  # type: ignore[arg-type]
    )
    return service, table, sns


def test_given_a_new_endpoint_then_an_active_record_and_one_sns_subscription_with_its_policy() -> None:
    service, table, sns = _service()

    record = service.subscribe({"endpoint": ANALYST, "preferences": {"agents": ["efgartigimod"]}})

    assert (record.status, record.subscription_id, record.created_at) == (
        "active", subscription_id_for(ANALYST), NOW,
    )  # fmt: skip
    assert table.records[record.subscription_id] == record
    ((protocol, endpoint, attributes),) = sns.subscriptions.values()
    assert (protocol, endpoint) == ("email", ANALYST)
    assert json.loads(attributes["FilterPolicy"]) == record.subscription.filter_policy()
    assert record.sns_arn in sns.subscriptions


def test_given_the_same_endpoint_again_then_its_subscription_is_changed_in_place() -> None:
    service, table, sns = _service()
    first = service.subscribe({"endpoint": ANALYST})
    again = service.subscribe({"endpoint": ANALYST, "preferences": {"min_severity": "high"}})

    assert again.sns_arn == first.sns_arn and len(sns.subscriptions) == 1
    assert again.version > first.version and len(table.records) == 1
    assert (
        json.loads(sns.subscriptions[again.sns_arn][2]["FilterPolicy"]) == again.subscription.filter_policy()
    )


def test_given_unknown_agents_or_a_bad_request_then_nothing_is_written() -> None:
    service, table, sns = _service()
    with pytest.raises(SubscriptionError, match="unknown agents"):
        service.subscribe({"endpoint": ANALYST, "preferences": {"agents": ["aspirin"]}})
    with pytest.raises(SubscriptionError, match="endpoint"):
        service.subscribe({"endpoint": "not an address"})
    assert table.records == {} and sns.subscriptions == {}


def test_given_sns_refuses_the_endpoint_then_the_pending_record_is_undone() -> None:
    service, table, sns = _service(sns=InMemorySns(refuse={ANALYST}))
    with pytest.raises(SnsSubscriptionError):
        service.subscribe({"endpoint": ANALYST})
    assert table.records == {} and sns.subscriptions == {}


def test_given_another_callers_subscription_then_it_is_neither_changed_nor_shown() -> None:
    service, table, _ = _service()
    mine = service.subscribe({"endpoint": ANALYST}, caller=ALICE)
    assert mine.owner == ALICE.arn

    with pytest.raises(SubscriptionForbidden):
        service.subscribe({"endpoint": ANALYST, "preferences": {"min_severity": "high"}}, caller=BOB)
    with pytest.raises(SubscriptionNotFound):
        service.get(ANALYST, caller=BOB)
    with pytest.raises(SubscriptionNotFound):
        service.unsubscribe(ANALYST, caller=BOB)
    assert service.list(caller=BOB) == [] and service.list(caller=ALICE) == [mine]
    assert table.records[mine.subscription_id].subscription.preferences.min_severity != "high"


def test_given_a_full_topic_then_a_new_endpoint_is_refused_but_an_existing_one_may_change() -> None:
    service, table, sns = _service(max_filter_policies=1)
    service.subscribe({"endpoint": ANALYST})
    with pytest.raises(TopicFull, match="filter policies"):
        service.subscribe({"endpoint": "other@example.com"})
    assert (
        service.subscribe({"endpoint": ANALYST, "preferences": {"min_severity": "high"}}).status == "active"
    )
    assert len(table.records) == len(sns.subscriptions) == 1


def test_given_unsubscribe_by_endpoint_or_id_then_the_record_and_the_sns_subscription_are_gone() -> None:
    service, table, sns = _service()
    record = service.subscribe({"endpoint": ANALYST})
    assert service.unsubscribe(ANALYST).subscription_id == record.subscription_id
    assert table.records == {} and sns.subscriptions == {}
    with pytest.raises(SubscriptionNotFound):
        service.unsubscribe(record.subscription_id)
    with pytest.raises(SubscriptionNotFound):
        service.get("not an address")


def test_given_a_subscribe_stopped_after_its_pending_write_then_the_next_call_repairs_it() -> None:
    service, table, sns = _service()
    record = service.subscribe({"endpoint": ANALYST})
    sns.subscriptions.clear()  # as if the call had stopped between the pending record and SNS
    table.records[record.subscription_id] = record.model_copy(update={"status": "pending", "sns_arn": ""})

    repaired = service.subscribe({"endpoint": ANALYST})

    assert repaired.status == "active" and repaired.sns_arn in sns.subscriptions


def test_given_a_webhook_channel_then_the_secret_is_shown_once_and_stored_sealed() -> None:
    cipher = RecordingCipher()
    checked: list[str] = []
    service, table, sns = _service(cipher=cipher, check_destination=checked.append, random_bytes=bytes)
    url = "https://hooks.example.com/pipewatch/T0/B0/secret"

    record, secret = service.subscribe_channel("webhook", url, {"agents": ["efgartigimod"]})
    again, no_secret = service.subscribe_channel("webhook", url, {"min_severity": "high"})

    assert secret and no_secret is None
    assert checked == [url, url]
    assert json.loads(cipher.plaintexts[0]) == {"url": url, "secret": secret}
    assert len(cipher.plaintexts) == 1 and again.credentials == record.credentials
    assert url not in record.subscription.endpoint  # masked
    assert sns.subscriptions == {} and table.records[record.subscription_id].status == "active"


def test_given_no_cipher_then_channels_are_refused() -> None:
    service, table, _ = _service()
    with pytest.raises(SubscriptionError, match="not configured"):
        service.subscribe_channel("slack", "https://hooks.slack.com/services/T/B/X", {})
    assert table.records == {}

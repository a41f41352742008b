"""Pause and resume on in-memory fakes: the record keeps its filter and says paused, the SNS subscription
gets the policy that matches nothing and gets its filter back on resume, an edit while paused stays paused,
only the owner (or an admin) may pause, and the delivery function and the digest skip a paused record."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fakes import InMemorySns, InMemorySubscriptionTable, OnceDigestPublisher, StoredUpdates
from pipewatch.domain.subscribers.subscriptions import PAUSED_FILTER_POLICY
from pipewatch.services.digest import DigestService
from pipewatch.services.subscriptions import (
    Caller,
    SubscriptionConflict,
    SubscriptionNotFound,
    SubscriptionService,
)

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ALICE = Caller(arn="cognito:alice-sub")
BOB = Caller(arn="cognito:bob-sub")
ENDPOINT = "alice@example.com"  # hand-made


def _service() -> tuple[SubscriptionService, InMemorySubscriptionTable, InMemorySns]:
    table, sns = InMemorySubscriptionTable(), InMemorySns()
    service = SubscriptionService(table=table, sns=sns, clock=lambda: NOW)  # type: ignore[arg-type]
    return service, table, sns


def _sns_policy(sns: InMemorySns, arn: str) -> dict[str, object]:
    policy: dict[str, object] = json.loads(sns.subscriptions[arn][2]["FilterPolicy"])
    return policy


def test_given_a_pause_then_sns_gets_the_policy_matching_nothing_and_resume_restores_the_filter() -> None:
    service, table, sns = _service()
    created = service.subscribe(
        {"endpoint": ENDPOINT, "preferences": {"agents": ["efgartigimod"]}}, caller=ALICE
    )
    real = json.loads(created.sns_attributes["FilterPolicy"])

    paused = service.pause(created.subscription_id, caller=ALICE)

    assert (paused.paused, paused.shown_status, paused.as_output()["paused"]) == (True, "paused", True)
    assert json.loads(table.records[created.subscription_id].sns_attributes["FilterPolicy"]) == real
    assert _sns_policy(sns, created.sns_arn) == PAUSED_FILTER_POLICY
    resumed = service.resume(created.subscription_id, caller=ALICE)
    assert (resumed.paused, resumed.shown_status, resumed.sns_arn) == (False, "active", created.sns_arn)
    assert _sns_policy(sns, created.sns_arn) == real


def test_given_an_edit_while_paused_then_it_stays_paused_with_the_new_filter_stored() -> None:
    service, _, sns = _service()
    created = service.subscribe({"endpoint": ENDPOINT}, caller=ALICE)
    service.pause(created.subscription_id, caller=ALICE)

    edited = service.subscribe(
        {"endpoint": ENDPOINT, "preferences": {"event_types": ["safety"]}}, caller=ALICE
    )

    assert edited.paused and _sns_policy(sns, edited.sns_arn) == PAUSED_FILTER_POLICY
    assert json.loads(edited.sns_attributes["FilterPolicy"])["event_type"] == ["safety"]
    service.resume(edited.subscription_id, caller=ALICE)
    assert _sns_policy(sns, edited.sns_arn)["event_type"] == ["safety"]


def test_given_another_callers_subscription_then_pause_answers_not_found_and_changes_nothing() -> None:
    service, table, sns = _service()
    created = service.subscribe({"endpoint": ENDPOINT}, caller=ALICE)

    with pytest.raises(SubscriptionNotFound):
        service.pause(created.subscription_id, caller=BOB)

    assert not table.records[created.subscription_id].paused
    assert _sns_policy(sns, created.sns_arn) != PAUSED_FILTER_POLICY
    assert service.pause(created.subscription_id, caller=Caller("cognito:admin", admin=True)).paused


def test_given_a_pending_subscription_then_pause_is_refused_until_it_is_active() -> None:
    service, table, _ = _service()
    created = service.subscribe({"endpoint": ENDPOINT}, caller=ALICE)
    table.records[created.subscription_id] = created.model_copy(update={"status": "pending"})

    with pytest.raises(SubscriptionConflict, match="pending"):
        service.pause(created.subscription_id, caller=ALICE)


def test_given_resume_of_a_subscription_sns_lost_then_it_is_subscribed_again_with_its_filter() -> None:
    service, _, sns = _service()
    created = service.subscribe(
        {"endpoint": ENDPOINT, "preferences": {"agents": ["efgartigimod"]}}, caller=ALICE
    )
    service.pause(created.subscription_id, caller=ALICE)
    sns.subscriptions.clear()  # SNS dropped it (e.g. the endpoint unsubscribed itself)

    resumed = service.resume(created.subscription_id, caller=ALICE)

    assert resumed.sns_arn in sns.subscriptions
    assert _sns_policy(sns, resumed.sns_arn) == json.loads(created.sns_attributes["FilterPolicy"])


def test_given_a_paused_digest_subscriber_then_no_digest_is_sent_and_its_state_stays() -> None:
    service, table, _ = _service()
    created = service.subscribe({"endpoint": ENDPOINT, "preferences": {"mode": "digest"}}, caller=ALICE)
    service.pause(created.subscription_id, caller=ALICE)
    publisher = OnceDigestPublisher()
    digest = DigestService(table=table, store=StoredUpdates([]), publisher=publisher)  # type: ignore[arg-type]

    report = digest.run(NOW.replace(hour=23))

    assert (report.subscribers, report.sent, publisher.sent, table.digest_states) == (0, [], [], {})

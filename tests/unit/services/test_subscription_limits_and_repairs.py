"""Issue 27 findings 6 and 7, on in-memory fakes: "topic full" counts only subscriptions on the SNS topic,
and unsubscribing a half-created subscription finds its SNS subscription by listing, never by subscribing
(the one-click page's role has no sns:Subscribe)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import InMemorySns, InMemorySubscriptionTable
from pipewatch.errors import TopicFull
from pipewatch.services.subscriptions import SubscriptionService

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class NoSubscribeSns(InMemorySns):
    """The SNS side as the page role sees it: Subscribe is denied (as AWS would, with AccessDenied)."""

    def subscribe(self, protocol: str, endpoint: str, attributes: dict[str, str]) -> str:
        self.calls.append(f"subscribe {endpoint}")
        raise PermissionError("AccessDenied: sns:Subscribe")


def _service(sns: InMemorySns, table: InMemorySubscriptionTable, **kwargs: object) -> SubscriptionService:
    return SubscriptionService(
        table=table,  # type: ignore[arg-type]
        sns=sns,  # type: ignore[arg-type]
        clock=lambda: NOW,
        cipher=_Cipher(),
        check_destination=lambda _url: None,
        random_bytes=bytes,
        **kwargs,  # type: ignore[arg-type]
    )


class _Cipher:
    def encrypt(self, plaintext: bytes, context: dict[str, str]) -> str:
        return f"sealed:{context['subscription_id']}"


def test_given_channel_and_ses_records_then_the_topic_is_not_full_for_sms_and_email() -> None:
    table, sns = InMemorySubscriptionTable(), InMemorySns()
    ses_mail = _service(sns, table, max_filter_policies=2, email_by_delivery_function=True)
    for n, kind in enumerate(("slack", "teams", "webhook")):
        ses_mail.subscribe_channel(kind, f"https://hooks.example.com/{kind}/{n}", {})  # type: ignore[arg-type]
    ses_mail.subscribe({"endpoint": "ses-reader@example.com"})  # delivered by SES: not on the topic
    service = _service(sns, table, max_filter_policies=2)
    assert len(table.records) == 4 and sns.subscriptions == {}

    first = service.subscribe({"endpoint": "+15555550123"})
    second = service.subscribe({"endpoint": "analyst@example.com"})

    assert first.status == second.status == "active" and len(sns.subscriptions) == 2
    with pytest.raises(TopicFull):  # the real limit still holds: two policies on the topic
        service.subscribe({"endpoint": "third@example.com"})


def test_given_a_half_created_subscription_pending_on_the_topic_then_it_counts_toward_the_limit() -> None:
    table, sns = InMemorySubscriptionTable(), InMemorySns()
    service = _service(sns, table, max_filter_policies=1)
    record = service.subscribe({"endpoint": "+15555550123"})
    table.records[record.subscription_id] = record.model_copy(update={"status": "pending", "sns_arn": ""})
    with pytest.raises(TopicFull):
        service.subscribe({"endpoint": "analyst@example.com"})


@pytest.mark.parametrize("in_sns", [True, False], ids=["sns-holds-it", "sns-never-made-it"])
def test_given_a_half_created_subscription_then_unsubscribe_lists_never_subscribes(in_sns: bool) -> None:
    table, sns = InMemorySubscriptionTable(), InMemorySns()
    record = _service(sns, table).subscribe({"endpoint": "+15555550123"})
    arn = record.sns_arn
    if not in_sns:
        sns.subscriptions.clear()  # the call stopped between the pending record and SNS
    table.records[record.subscription_id] = record.model_copy(update={"status": "pending", "sns_arn": ""})
    page_sns = NoSubscribeSns(subscriptions=dict(sns.subscriptions))
    page = _service(page_sns, table)

    removed = page.unsubscribe(record.subscription_id)

    assert removed.subscription_id == record.subscription_id
    assert table.records == {} and page_sns.subscriptions == {}
    assert not any(call.startswith("subscribe") for call in page_sns.calls)
    assert page_sns.calls == ["find +15555550123", *([f"unsubscribe {arn}"] if in_sns else [])]

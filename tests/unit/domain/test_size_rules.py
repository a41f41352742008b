"""The remaining size and country rules, pure: DynamoDB value sizing by type, a trial snapshot trimmed of its
largest lists to fit (or refused), E.164 calling codes to countries for the SMS allowlist, and the one-line
description of a subscription."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pipewatch.domain.limits import item_size
from pipewatch.domain.subscribers.subscriptions import (
    Subscription,
    SubscriptionError,
    check_sms_country,
    describe,
    phone_country,
)
from pipewatch.domain.trials.model import TrialSnapshot, fit_snapshot
from pipewatch.errors import PayloadError


def test_given_each_dynamodb_type_then_its_size_follows_the_documented_rules() -> None:
    assert item_size({"n": None, "b": True}) == 1 + 1  # a None attribute is not stored at all
    assert item_size({"s": "é"}) == 1 + 2
    assert item_size({"x": b"abc"}) == 1 + 3
    assert item_size({"i": 12345}) == 1 + (5 + 1) // 2 + 1
    assert item_size({"d": Decimal("-0.50")}) == item_size({"d": 5})
    assert item_size({"m": {"k": "v"}}) == 1 + 3 + (1 + 1 + 1)
    assert item_size({"l": ["a", "b"]}) == 1 + 3 + 2 * (1 + 1)
    assert item_size({"t": date(2026, 1, 2)}) == 1 + len("2026-01-02")


def _big_record() -> TrialSnapshot:
    return TrialSnapshot.model_validate(
        {
            "nct_id": "NCT00000009",
            "acronym": "BIG",
            "secondary_outcomes": [{"measure": "secondary outcome " + "x" * 200}] * 50,
            "primary_outcomes": [{"measure": "primary outcome"}],
        }
    )


def test_given_a_record_over_the_limit_then_its_largest_list_is_dropped_and_named() -> None:
    record = _big_record()
    assert fit_snapshot(record, 1_000_000) is record
    fitted = fit_snapshot(record, 2_000)
    assert fitted.secondary_outcomes is None and fitted.primary_outcomes
    assert fitted.trimmed == ("secondary_outcomes",)
    assert len(fitted.model_dump_json().encode()) <= 2_000


def test_given_a_record_too_large_even_without_lists_then_it_is_refused() -> None:
    with pytest.raises(PayloadError, match="NCT00000009"):
        fit_snapshot(_big_record(), 50)


@pytest.mark.parametrize(
    ("number", "country"),
    [("+14155550100", "US"), ("+14165550100", "CA"), ("+18765550100", "JM"), ("+447700900123", "GB"),
     ("+33612345678", "FR"), ("+99912345", "")],
)  # fmt: skip
def test_given_an_e164_number_then_its_country_is_known_by_calling_and_area_code(
    number: str, country: str
) -> None:
    assert phone_country(number) == country


def test_given_an_sms_allowlist_then_numbers_outside_it_are_refused_with_the_reason() -> None:
    check_sms_country("+14155550100", ["us", " CA"])
    with pytest.raises(SubscriptionError, match="SMS to GB is not enabled; allowed countries: CA, US"):
        check_sms_country("+447700900123", ["US", "CA"])
    with pytest.raises(SubscriptionError, match="this calling code"):
        check_sms_country("+99912345", [])


def test_given_a_subscription_then_its_description_says_how_and_what() -> None:
    digest = Subscription.model_validate(
        {
            "endpoint": "a@example.com",
            "preferences": {"mode": "digest", "digest_hour": 7, "agents": ["efgartigimod"]},
        }
    )
    text = describe(digest)
    assert text.startswith(f"{digest.subscription_id} email a@example.com: ")
    assert "digest at 07:00 UTC" in text and "efgartigimod" in text
    assert "instant" in describe(Subscription(endpoint="b@example.com"))

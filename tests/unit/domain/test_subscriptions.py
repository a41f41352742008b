"""Subscriptions: strict endpoint validation, preferences -> SNS filter policy, and the policy's semantics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from pipewatch.domain.subscribers.filter_policy import accepts
from pipewatch.domain.subscribers.subscriptions import (
    Preferences,
    Subscription,
    SubscriptionError,
    digest_due,
    local_digest_date,
    matches,
    parse_endpoint,
    subscription_id_for,
)
from policy_cases import GRID_PREFERENCES, GRID_UPDATES, envelope

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ci.analyst@example.com", ("email", "ci.analyst@example.com")),
        ("First.Last+tag@Sub.Example.CO.UK", ("email", "First.Last+tag@sub.example.co.uk")),
        ("+15555550123", ("sms", "+15555550123")),
        ("+32470123456", ("sms", "+32470123456")),
    ],
)
def test_given_a_valid_endpoint_then_it_is_accepted_and_normalised(
    value: str, expected: tuple[str, str]
) -> None:
    assert parse_endpoint(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        "a@b",
        "a@localhost",
        "a@@example.com",
        ".a@example.com",
        "a..b@example.com",
        "a b@example.com",
        " a@example.com",
        "Name <a@example.com>",
        "a@-example.com",
        "a@example.c",
        "j\u00f6rg@example.com",
        "+1 555 555 0123",
        "+1-555-555-0123",
        "15555550123",
        "+05555550123",
        "+1234567",
        "+1234567890123456",
        "tel:+15555550123",
    ],
)
def test_given_an_invalid_endpoint_then_a_clear_error_names_it(value: str) -> None:
    with pytest.raises(SubscriptionError, match=r"expected|invalid|only ASCII|no spaces"):
        parse_endpoint(value)


def test_given_the_same_address_in_another_case_then_the_id_is_the_same() -> None:
    assert subscription_id_for("A.B@Example.com") == subscription_id_for("a.b@example.com")
    assert subscription_id_for("+15555550123") != subscription_id_for("+15555550124")


def test_given_instant_preferences_then_the_policy_requires_instant_delivery_and_each_choice() -> None:
    sub = Subscription.model_validate(
        {
            "endpoint": "+15555550123",
            "preferences": {
                "agents": ["efgartigimod", "brepocitinib"],
                "indications": ["dermatomyositis"],
                "event_types": ["safety", "regulatory"],
                "min_severity": "medium",
            },
        }
    )

    assert sub.protocol == "sms"
    assert sub.filter_policy() == {
        "delivery": ["instant"],
        "agents": ["brepocitinib", "efgartigimod"],
        "indications": ["dermatomyositis"],
        "event_type": ["regulatory", "safety"],
        "severity_rank": [{"numeric": [">=", 1]}],
    }


def test_given_a_digest_subscription_then_its_policy_accepts_only_its_own_digests() -> None:
    sub = Subscription.model_validate({"endpoint": "a@example.com", "preferences": {"mode": "digest"}})

    assert sub.filter_policy() == {"delivery": ["digest"], "subscription_id": [sub.subscription_id]}


def test_given_too_many_combinations_then_sns_limits_are_explained() -> None:
    sub = Subscription.model_validate(
        {
            "endpoint": "a@example.com",
            "preferences": {
                "agents": [f"a{i}" for i in range(6)],
                "indications": [f"i{i}" for i in range(6)],
                "event_types": ["safety", "regulatory", "results", "pipeline", "corporate"],
            },
        }
    )
    with pytest.raises(SubscriptionError, match="180 combinations"):
        sub.filter_policy()


@pytest.mark.parametrize(
    "bad",
    [
        {"timezone": "Mars/Olympus"},
        {"timezone": "localtime"},  # the host's own zone: zoneinfo opens it, it is no IANA name
        {"timezone": "Factory"},  # tzdata's placeholder
        {"timezone": "posixrules"},
        {"timezone": "posix/Europe/Paris"},
        {"timezone": "right/UTC"},
        {"digest_hour": 24},
        {"digest_hour": "7"},  # strict: a string is not coerced
        {"digest_hour": 7.0},
        {"digest_hour": True},
        {"agents": ["Bad Id"]},
        {"event_types": ["rumour"]},
        {"min_severity": "urgent"},
        {"colour": "red"},
    ],
)
def test_given_invalid_preferences_then_validation_fails(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Preferences.model_validate(bad)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Brussels", "America/Argentina/Buenos_Aires", "Etc/GMT+3"])
def test_given_iana_zone_names_then_they_are_accepted(zone: str) -> None:
    assert Preferences.model_validate({"timezone": zone, "digest_hour": 0}).timezone == zone


def test_given_a_stored_record_then_its_digest_hour_still_reads_back() -> None:
    prefs = Preferences(mode="digest", digest_hour=8, timezone="Europe/Brussels")
    assert Preferences.model_validate_json(prefs.model_dump_json()) == prefs


def test_given_unknown_agents_then_check_known_lists_the_known_ones() -> None:
    sub = Subscription.model_validate({"endpoint": "a@example.com", "preferences": {"agents": ["aspirin"]}})
    with pytest.raises(SubscriptionError, match=r"unknown agents \['aspirin'\]; known: \['efgartigimod'\]"):
        sub.check_known({"efgartigimod"}, {"myositis"})


def test_given_any_preferences_and_update_then_matches_agrees_with_the_filter_policy_evaluator() -> None:
    """The same grid against moto's SNS matcher is tests/integration/test_filter_policy_oracle.py."""

    checked = 0
    for options in GRID_PREFERENCES:
        sub = Subscription.model_validate({"endpoint": "a@example.com", "preferences": options})
        policy = sub.filter_policy()
        for update in GRID_UPDATES:
            assert accepts(policy, envelope(update)) == matches(sub.preferences, update), (options, update)
            checked += 1
    assert checked == 6 * 54


def test_given_a_digest_hour_and_zone_then_it_is_due_once_per_local_day_from_that_hour() -> None:
    prefs = Preferences(mode="digest", digest_hour=8, timezone="America/New_York")
    morning = datetime(2026, 11, 25, 12, 59, tzinfo=UTC)  # 07:59 in New York
    later = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # 08:00

    assert not digest_due(prefs, morning, None)
    assert digest_due(prefs, later, None)
    assert digest_due(prefs, later, "2026-11-24")
    assert not digest_due(prefs, later, "2026-11-25")
    assert local_digest_date(prefs, datetime(2026, 11, 26, 3, 0, tzinfo=UTC)) == "2026-11-25"
    assert not digest_due(Preferences(), later, None)  # instant subscribers have no digest

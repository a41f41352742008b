"""moto's SNS filter-policy matcher as an oracle: the subscription's filter policy, our evaluator
(domain/subscribers/filter_policy.accepts, which the delivery function applies) and subscriptions.matches
agree with what SNS would deliver. Moved out of tests/unit (no moto there); the unit tests keep the
evaluator-vs-matches half of each check."""

from __future__ import annotations

import pytest
from moto.sns.utils import FilterPolicyMatcher

from pipewatch.domain.subscribers.filter_policy import accepts
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription, filter_policy, matches
from policy_cases import (
    GRID_PREFERENCES,
    GRID_UPDATES,
    SUBSCRIPTION_PREFERENCES,
    alert_update,
    envelope,
)


# -- the filter policies the delivery function applies ---------------------------------------------------
@pytest.mark.parametrize("prefs", SUBSCRIPTION_PREFERENCES)
def test_given_a_subscription_policy_then_the_evaluator_agrees_with_moto_and_with_matches(
    prefs: Preferences,
) -> None:
    update = alert_update()
    subscription = Subscription(endpoint="a@example.com", preferences=prefs)
    policy = filter_policy(subscription)
    attributes = envelope(update)
    ours = accepts(policy, attributes)
    moto = FilterPolicyMatcher(policy, "MessageAttributes").matches(attributes, "")
    assert ours == moto == matches(subscription.preferences, update)


def test_given_any_preferences_and_update_then_matches_agrees_with_sns_filter_policy_matching() -> None:
    checked = 0
    for options in GRID_PREFERENCES:
        sub = Subscription.model_validate({"endpoint": "a@example.com", "preferences": options})
        matcher = FilterPolicyMatcher(sub.filter_policy(), "MessageAttributes")
        for update in GRID_UPDATES:
            assert matcher.matches(envelope(update), "") == matches(sub.preferences, update), (
                options,
                update,
            )
            checked += 1
    assert checked == 6 * 54

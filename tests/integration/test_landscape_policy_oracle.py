"""moto's SNS filter-policy matcher as the oracle for the landscape tier (issue 26): default policies,
policies written before the tier existed and opted-in ones route own and landscape alerts as our evaluator
(filter_policy.accepts) and the digests' `matches` say. Updates are hand-made."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
from moto.sns.utils import FilterPolicyMatcher

from pipewatch.domain.models import Classification
from pipewatch.domain.subscribers.filter_policy import accepts
from pipewatch.domain.subscribers.subscriptions import Subscription, matches
from policy_cases import alert_update, envelope

LANDSCAPE = alert_update(
    update_id="u-l",
    classification=Classification(
        relevant=True,
        indications=("myasthenia_gravis",),
        event_type="regulatory",
        severity="high",
        tier="landscape",
        competitor="nipocalimab",
        competes_with=("efgartigimod",),
    ),
)
OWN = alert_update()

PREFERENCES: list[dict[str, Any]] = [
    {},
    {"agents": ["efgartigimod"]},
    {"tiers": ["landscape"]},
    {"tiers": ["own", "landscape"], "agents": ["efgartigimod"]},
    {"tiers": ["own", "landscape"], "agents": ["dazukibart"], "min_severity": "high"},
    {"tiers": ["landscape"], "event_types": ["safety"]},
]


@pytest.mark.parametrize(("options", "update"), list(product(PREFERENCES, [OWN, LANDSCAPE])))
def test_moto_our_evaluator_and_matches_agree_on_both_tiers(options: dict[str, Any], update: Any) -> None:
    sub = Subscription.model_validate({"endpoint": "a@example.com", "preferences": options})
    policy = sub.filter_policy()
    attributes = envelope(update)
    moto = FilterPolicyMatcher(policy, "MessageAttributes").matches(attributes, "")
    assert accepts(policy, attributes) == moto == matches(sub.preferences, update)


@pytest.mark.parametrize(
    "policy", [{"delivery": ["instant"]}, {"delivery": ["instant"], "agents": ["efgartigimod"]}]
)
def test_a_policy_written_before_the_tier_never_receives_a_landscape_alert(policy: dict[str, Any]) -> None:
    matcher = FilterPolicyMatcher(policy, "MessageAttributes")
    assert matcher.matches(envelope(OWN), "") and not matcher.matches(envelope(LANDSCAPE), "")

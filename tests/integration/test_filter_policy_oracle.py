"""moto's SNS filter-policy matcher as an oracle: the subscription's filter policy, our evaluator
(domain/subscribers/filter_policy.accepts, which the delivery function applies) and Subscription.wants /
matches agree with what SNS would deliver. Moved out of tests/unit (no moto there); the unit tests keep the
evaluator-vs-matches half of each check."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product

import pytest
from moto.sns.utils import FilterPolicyMatcher

from pipewatch.adapters.notifier import message_attributes
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.messages import render_alert
from pipewatch.domain.subscribers.filter_policy import accepts
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription, filter_policy, matches

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _alert_update() -> Update:
    return Update.model_validate(
        {
            "update_id": "u-1",
            "title": "Argenx <b>wins</b> approval for Vyvgart & co",
            "url": "https://example.com/news/1",
            "source_id": "press",
            "source_name": "Press Wire",
            "sources": ("Press Wire", "Endpoints"),
            "first_seen": datetime(2026, 11, 30, 9, tzinfo=UTC),
            "classification": Classification(
                relevant=True,
                agents=("efgartigimod",),
                indications=("dermatomyositis",),
                event_type="regulatory",
                severity="high",
                reasons=("agent efgartigimod (alias VYVGART)", "event regulatory: 'approval'"),
            ),
        }
    )


def _as_envelope(published: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Publish-call attributes as the SNS envelope in the delivery queue carries them."""
    return {k: {"Type": v["DataType"], "Value": v["StringValue"]} for k, v in published.items()}


# -- the filter policies the delivery function applies ---------------------------------------------------
@pytest.mark.parametrize(
    "prefs",
    [
        Preferences(),
        Preferences(agents=("efgartigimod",), min_severity="high"),
        Preferences(agents=("dazukibart",)),
        Preferences(indications=("dermatomyositis",), event_types=("regulatory", "results")),
        Preferences(indications=("inclusion_body_myositis",)),
        Preferences(min_severity="medium", event_types=("safety",)),
    ],
)
def test_given_a_subscription_policy_then_the_evaluator_agrees_with_moto_and_with_matches(
    prefs: Preferences,
) -> None:
    update = _alert_update()
    subscription = Subscription(endpoint="a@example.com", preferences=prefs)
    policy = filter_policy(subscription)
    published = message_attributes(render_alert(update))
    envelope = _as_envelope(published)
    ours = accepts(policy, envelope)
    moto = FilterPolicyMatcher(policy, "MessageAttributes").matches(envelope, "")
    assert ours == moto == matches(subscription.preferences, update)


def _grid_update(agents: tuple[str, ...], indications: tuple[str, ...], event: str, severity: str) -> Update:
    return Update.model_validate(
        {
            "update_id": "u-x",
            "title": "t",
            "source_id": "s",
            "first_seen": NOW,
            "classification": Classification.model_validate(
                {
                    "relevant": True,
                    "agents": agents,
                    "indications": indications,
                    "event_type": event,
                    "severity": severity,
                }
            ),
        }
    )


def test_given_any_preferences_and_update_then_matches_agrees_with_sns_filter_policy_matching() -> None:
    prefs_options = [
        {},
        {"agents": ["efgartigimod"]},
        {"indications": ["dermatomyositis", "cidp"]},
        {"event_types": ["safety"]},
        {"min_severity": "high"},
        {"agents": ["brepocitinib"], "min_severity": "medium", "event_types": ["results", "regulatory"]},
    ]
    updates = [
        _grid_update(agents, inds, event, sev)
        for agents, inds, event, sev in product(
            [("efgartigimod",), ("brepocitinib", "efgartigimod")],
            [(), ("cidp",), ("dermatomyositis", "myositis")],
            ["safety", "results", "regulatory"],
            ["low", "medium", "high"],
        )
    ]
    checked = 0
    for options in prefs_options:
        sub = Subscription.model_validate({"endpoint": "a@example.com", "preferences": options})
        matcher = FilterPolicyMatcher(sub.filter_policy(), "MessageAttributes")
        for update in updates:
            attributes = {
                k: {"Type": v["DataType"], "Value": v["StringValue"]}
                for k, v in message_attributes(render_alert(update)).items()
            }
            assert matcher.matches(attributes, "") == matches(sub.preferences, update), (options, update)
            checked += 1
    assert checked == 6 * 54

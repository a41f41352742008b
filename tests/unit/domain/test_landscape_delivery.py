"""Landscape updates reach only subscribers who opt in (SNS filter policy key `tier`), render with the
competitor named, and have their own section in digests (issue 26). Updates are hand-made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.digest import build_digest, group_by_agent
from pipewatch.domain.render.messages import render_alert, render_sms
from pipewatch.domain.subscribers.filter_policy import accepts
from pipewatch.domain.subscribers.subscriptions import Subscription, matches

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


def _update(update_id: str, **classification: Any) -> Update:
    return Update(
        update_id=update_id,
        title=f"Hand-made headline {update_id}",
        url=f"https://example.com/{update_id}",
        source_id="s",
        source_name="Wire",
        classification=Classification.from_json_dict(
            {"relevant": True, "event_type": "regulatory", "severity": "high", **classification}
        ),
        first_seen=NOW - timedelta(hours=1),
    )


LANDSCAPE = _update(
    "u-l",
    indications=("myasthenia_gravis",),
    tier="landscape",
    competitor="nipocalimab",
    competes_with=("efgartigimod",),
)
OWN = _update("u-o", agents=("efgartigimod",), indications=("myasthenia_gravis",))


def _attributes(update: Update) -> dict[str, dict[str, str]]:
    """The SNS message attributes of the alert, as the notifier builds them."""
    from pipewatch.adapters.notifier import message_attributes

    return message_attributes(render_alert(update))


def _sub(**preferences: Any) -> Subscription:
    return Subscription.model_validate({"endpoint": "bd@example.com", "preferences": preferences})


def test_a_landscape_alert_carries_its_tier_and_the_agents_it_competes_with() -> None:
    attributes = _attributes(LANDSCAPE)
    assert attributes["tier"]["StringValue"] == "landscape"
    assert attributes["delivery"]["StringValue"] == "landscape"
    assert attributes["agents"]["StringValue"] == '["efgartigimod"]'
    assert _attributes(OWN)["tier"]["StringValue"] == "own"


def test_default_and_pre_tier_policies_never_receive_a_landscape_alert() -> None:
    policies = [
        _sub().filter_policy(),
        _sub(agents=["efgartigimod"]).filter_policy(),
        {"delivery": ["instant"]},  # a policy written before the tier existed
        {"delivery": ["instant"], "agents": ["efgartigimod"]},
    ]
    for policy in policies:
        assert not accepts(policy, _attributes(LANDSCAPE)), policy
        assert accepts(policy, _attributes(OWN)), policy


def test_an_opted_in_subscriber_gets_both_tiers_of_its_agents_and_no_digest_message() -> None:
    sub = _sub(agents=["efgartigimod"], tiers=["landscape", "own"])
    policy = sub.filter_policy()

    assert policy == {"tier": ["own", "landscape"], "agents": ["efgartigimod"]}
    assert accepts(policy, _attributes(LANDSCAPE)) and accepts(policy, _attributes(OWN))
    other = _sub(agents=["dazukibart"], tiers=["landscape"]).filter_policy()
    assert not accepts(other, _attributes(LANDSCAPE)) and not accepts(other, _attributes(OWN))
    digest_message = {"delivery": {"DataType": "String", "StringValue": "digest"}}
    assert not accepts(policy, digest_message)


def test_digest_selection_follows_the_tiers() -> None:
    assert not matches(_sub().preferences, LANDSCAPE) and matches(_sub().preferences, OWN)
    both = _sub(agents=["efgartigimod"], tiers=["own", "landscape"]).preferences
    assert matches(both, LANDSCAPE) and matches(both, OWN)


def test_the_alert_names_the_competitor_not_the_agent() -> None:
    alert = render_alert(LANDSCAPE)
    assert alert.agents == () and alert.competes_with == ("efgartigimod",)
    assert render_sms(LANDSCAPE).startswith("HIGH landscape nipocalimab ")
    assert alert.subject.startswith("[HIGH] landscape nipocalimab:")
    assert "Landscape: nipocalimab, a competitor of efgartigimod" in alert.message


def test_the_digest_shows_the_landscape_in_its_own_last_section() -> None:
    sub = _sub(mode="digest", agents=["efgartigimod"], tiers=["own", "landscape"])
    assert [group for group, _ in group_by_agent(sub, [LANDSCAPE, OWN])] == ["efgartigimod", "~landscape"]

    digest = build_digest(
        sub, [LANDSCAPE, OWN], digest_date="2026-11-25", since=NOW - timedelta(days=1), until=NOW
    )

    assert digest is not None
    own_at = digest.email.index("== efgartigimod (1) ==")
    landscape_at = digest.email.index("== landscape: competitors' news (1) ==")
    assert own_at < landscape_at
    assert "- [HIGH] nipocalimab (competes with efgartigimod) regulatory: " in digest.email[landscape_at:]
    assert "landscape (competitors of these agents) too" in digest.email

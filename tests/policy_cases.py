"""The filter-policy cases two suites share: the pure check (our evaluator `filter_policy.accepts` agrees with
`subscriptions.matches`, tests/unit/domain) and the oracle (moto's SNS matcher agrees too,
tests/integration/test_filter_policy_oracle.py). One copy, so the two always judge the same cases.
Every update here is HAND-MADE."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product
from typing import Any

from pipewatch.adapters.notifier import message_attributes
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.messages import render_alert
from pipewatch.domain.subscribers.subscriptions import Preferences

# One subscription's preferences per case: every filter key alone, and several together.
SUBSCRIPTION_PREFERENCES = [
    Preferences(),
    Preferences(agents=("efgartigimod",), min_severity="high"),
    Preferences(agents=("dazukibart",)),
    Preferences(indications=("dermatomyositis",), event_types=("regulatory", "results")),
    Preferences(indications=("inclusion_body_myositis",)),
    Preferences(min_severity="medium", event_types=("safety",)),
]

# The grid: 6 preference sets (as a subscriber sends them) against GRID_UPDATES (54 classified updates).
GRID_PREFERENCES: list[dict[str, Any]] = [
    {},
    {"agents": ["efgartigimod"]},
    {"indications": ["dermatomyositis", "cidp"]},
    {"event_types": ["safety"]},
    {"min_severity": "high"},
    {"agents": ["brepocitinib"], "min_severity": "medium", "event_types": ["results", "regulatory"]},
]


def alert_update(**overrides: object) -> Update:
    """A regulatory, high-severity efgartigimod update in dermatomyositis, seen by two outlets."""
    values: dict[str, object] = {
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
    values.update(overrides)
    return Update(**values)  # type: ignore[arg-type]


def _grid_update(agents: tuple[str, ...], indications: tuple[str, ...], event: str, severity: str) -> Update:
    return Update(
        update_id="u-x",
        title="t",
        source_id="s",
        first_seen=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        classification=Classification.from_json_dict(
            {
                "relevant": True,
                "agents": agents,
                "indications": indications,
                "event_type": event,
                "severity": severity,
            }
        ),
    )


GRID_UPDATES = [
    _grid_update(agents, indications, event, severity)
    for agents, indications, event, severity in product(
        [("efgartigimod",), ("brepocitinib", "efgartigimod")],
        [(), ("cidp",), ("dermatomyositis", "myositis")],
        ["safety", "results", "regulatory"],
        ["low", "medium", "high"],
    )
]


def envelope(update: Update) -> dict[str, dict[str, str]]:
    """The alert's message attributes as the SNS envelope in the delivery queue carries them."""
    return {
        key: {"Type": value["DataType"], "Value": value["StringValue"]}
        for key, value in message_attributes(render_alert(update)).items()
    }

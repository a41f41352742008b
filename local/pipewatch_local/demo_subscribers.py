"""Who the demo delivers to: three example subscribers, and a user's own (`pipewatch demo --subscriber`).

Each is a subscription request (endpoint plus preferences) created through the subscription API handler, so
the filter policy it gets is the one the API returns. With a user's watchlist ($PIPEWATCH_WATCHLIST) the
examples' agent choices are narrowed to the agents it has.
"""

from __future__ import annotations

from typing import Any

# Example subscribers: (name, subscription request), created through the subscription API (POST
# /subscriptions, whose body is the endpoint plus the preferences); the filter policy each gets is the one
# the API returned.
SUBSCRIBERS: list[tuple[str, dict[str, Any]]] = [
    (
        "CI analyst (email, instant, everything, competitors' news too)",
        {"endpoint": "ci.analyst@example.com", "preferences": {"tiers": ["own", "landscape"]}},
    ),
    (
        "Medical affairs (SMS, instant, high severity only)",
        {"endpoint": "+15555550123", "preferences": {"min_severity": "high"}},
    ),
    (
        "BD lead (email, daily digest 08:00 Europe/Brussels, brepocitinib + efgartigimod, medium and above)",
        {
            "endpoint": "bd.lead@example.com",
            "preferences": {
                "mode": "digest",
                "digest_hour": 8,
                "timezone": "Europe/Brussels",
                "agents": ["brepocitinib", "efgartigimod"],
                "min_severity": "medium",
            },
        },
    ),
]
DIGEST_ZONE = "Europe/Brussels"
DIGEST_HOUR = 8


class SubscriberRefused(ValueError):
    """The subscription API refused a demo subscriber (a user's --subscriber with a bad choice)."""


def fit_examples(
    examples: list[tuple[str, dict[str, Any]]], known: set[str]
) -> list[tuple[str, dict[str, Any]]]:
    """The example subscribers, their agent choices narrowed to a user's watchlist ($PIPEWATCH_WATCHLIST);
    an example left with none of its agents is not created (it would be refused as unknown)."""
    fitted = []
    for name, request in examples:
        wanted = request.get("preferences", {}).get("agents") or []
        kept = [a for a in wanted if a in known]
        if wanted and not kept:
            continue
        if kept == wanted:
            fitted.append((name, request))
            continue
        narrowed = {**request, "preferences": {**request["preferences"], "agents": kept}}
        fitted.append((f"{name} (only {', '.join(kept)} is in your watchlist)", narrowed))
    return fitted


def refusal(answer: dict[str, Any]) -> str:
    """The API's reason, as one line (a 400 message, or the first 422 validation detail)."""
    details = answer.get("detail")
    if isinstance(details, list) and details and isinstance(details[0], dict):
        first = details[0]
        where = ".".join(str(p) for p in first.get("loc", [])[1:])
        return f"{where}: {first.get('msg', '')}".strip(": ")
    return str(answer.get("message") or answer)

"""An update as a DynamoDB item and back (the store's table, its stream and the console's indexes read
the same item): the index keys it is filed under, and its fitting under the DynamoDB item limit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipewatch.domain.limits import ITEM_BUDGET_BYTES, item_size, truncate_text
from pipewatch.domain.models import Update
from pipewatch.errors import RecordRejected

UPDATE_SK = "UPDATE"


def iso_or_none(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def day_key(moment: datetime) -> str:
    """gsi1 partition of an update: the UTC day it was first seen (digests and dedupe query by day)."""
    return f"DAY#{moment.astimezone(UTC).date().isoformat()}"


def agent_key(agent: str) -> str:
    """gsi3 partition: one agent's updates by time (the console's agent page and agent filter)."""
    return f"AGENT#{agent}"


def update_to_item(update: Update) -> dict[str, Any]:
    c = update.classification
    sort_key = f"{update.first_seen.astimezone(UTC).isoformat()}#{update.update_id}"
    # A GSI key is one value per item: an update naming several agents is indexed under its first agent
    # only (the console says so on the agent page; docs/decisions/0010-console.md).
    lead_agent = c.agents[0] if c.agents else ""
    return {
        "gsi1pk": day_key(update.first_seen),
        "gsi1sk": sort_key,
        "gsi3pk": agent_key(lead_agent) if lead_agent else None,
        "gsi3sk": sort_key if lead_agent else None,
        "pk": f"UPDATE#{update.update_id}",
        "sk": UPDATE_SK,
        "kind": "update",
        **update.to_item(),
    }


# Text attributes shortened (visibly) when an item would pass the item limit, longest-lived first.
_SHRINKABLE = ("summary", "title", "change")


def fit_item(
    item: dict[str, Any], record_id: str, *, source_id: str = ""
) -> tuple[dict[str, Any], list[str]]:
    """`item` sized against the DynamoDB item limit: the long text attributes are truncated (with a visible
    mark) until it fits. Returns (item, names truncated); RecordRejected when it cannot fit."""
    size = item_size(item)
    if size <= ITEM_BUDGET_BYTES:
        return item, []
    fitted = dict(item)
    truncated: list[str] = []
    for name in _SHRINKABLE:
        value = fitted.get(name)
        if not isinstance(value, str) or name == "change":  # the change is JSON: never cut it
            continue
        over = item_size(fitted) - ITEM_BUDGET_BYTES
        fitted[name] = truncate_text(value, max(200, len(value.encode("utf-8")) - over))
        truncated.append(name)
        if item_size(fitted) <= ITEM_BUDGET_BYTES:
            return fitted, truncated
    raise RecordRejected(
        record_id, f"item of {size} bytes is over the DynamoDB item limit", source_id=source_id
    )


def update_from_item(item: dict[str, Any]) -> Update:
    """Inverse of update_to_item; accepts a plain (deserialised) item, e.g. a stream NewImage. A bad
    attribute raises RecordFieldError (a ValueError) naming it."""
    return Update.from_item(item)

"""An update as a DynamoDB item and back (the store's table, its stream and the console's indexes read
the same item): the index keys it is filed under, and its fitting under the DynamoDB item limit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipewatch.domain.limits import ITEM_BUDGET_BYTES, item_size, truncate_text
from pipewatch.domain.models import Classification, TrialChange, Update
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
        "update_id": update.update_id,
        "title": update.title,
        "summary": update.summary,
        "url": update.url,
        "source_id": update.source_id,
        "source_name": update.source_name,
        "published": iso_or_none(update.published),
        "doc_type": update.doc_type,
        "relevant": c.relevant,
        "agents": list(c.agents),
        "indications": list(c.indications),
        "event_type": c.event_type,
        "severity": c.severity,
        "reasons": list(c.reasons),
        # landscape updates only (an own update's item is as before)
        "tier": c.tier if c.tier != "own" else None,
        "competitor": c.competitor,
        "competes_with": list(c.competes_with) or None,
        "sources": list(update.sources),
        "change": update.change.model_dump_json() if update.change else None,
        "first_seen": update.first_seen.isoformat(),
        "url_shared": True if update.url_shared else None,
        "story_titles": list(update.story_titles) or None,
        "story_dates": list(update.story_dates) or None,
        "escalates": update.escalates or None,
        "part_of": update.part_of or None,
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
    """Inverse of update_to_item; accepts a plain (deserialised) item, e.g. a stream NewImage."""
    change_json = item.get("change")
    return Update(
        update_id=str(item["update_id"]),
        title=str(item.get("title", "")),
        summary=str(item.get("summary", "")),
        url=str(item.get("url", "")),
        source_id=str(item.get("source_id", "")),
        source_name=str(item.get("source_name", "")),
        published=item.get("published") or None,
        doc_type=item.get("doc_type", "news"),
        classification=Classification(
            relevant=bool(item.get("relevant", True)),
            agents=tuple(item.get("agents", ())),
            indications=tuple(item.get("indications", ())),
            event_type=item.get("event_type"),
            severity=item.get("severity"),
            reasons=tuple(item.get("reasons", ())),
            tier="landscape" if item.get("tier") == "landscape" else "own",
            competitor=item.get("competitor") or None,
            competes_with=tuple(item.get("competes_with") or ()),
        ),
        sources=tuple(item.get("sources", ())),
        change=TrialChange.model_validate_json(change_json) if change_json else None,
        first_seen=item["first_seen"],
        story_urls=tuple(item.get("story_urls", ())),
        url_shared=bool(item.get("url_shared", False)),
        story_titles=tuple(item.get("story_titles", ())),
        story_dates=tuple(item.get("story_dates", ())),
        escalates=str(item.get("escalates", "")),
        part_of=str(item.get("part_of", "")),
    )

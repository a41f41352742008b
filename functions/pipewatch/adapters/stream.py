"""The table's DynamoDB stream as the alert service sees it (the StreamUpdates port): a stream record -> the
new update it announces, decoded from its DynamoDB-JSON image."""

from __future__ import annotations

from typing import Any

from pipewatch.adapters.store import deserialize_image, update_from_item
from pipewatch.domain.models import Update


def update_from_stream_record(record: dict[str, Any]) -> Update | None:
    """The update a stream record announces, or None for records that are not new updates (state writes,
    snapshots, idempotency records, MODIFY/REMOVE). The template's filter criteria drop these before
    Lambda; this check keeps the handler correct without them (moto, sam local, a changed filter)."""
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage") or {}
    if image.get("kind", {}).get("S") != "update":
        return None
    return update_from_item(deserialize_image(image))

"""The StreamUpdates adapter: a DynamoDB stream record -> the new update it announces, or None."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from pipewatch.adapters.store import update_to_item
from pipewatch.adapters.stream import update_from_stream_record
from pipewatch.domain.models import Classification, Update

UPDATE = Update(
    update_id="u-" + "b" * 24,
    title="Priovant starts VALOR extension",
    url="https://news.example/valor",
    source_id="press",
    source_name="Press wire",
    first_seen=datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
    classification=Classification(relevant=True, agents=("brepocitinib",), event_type="trial_status"),
)


def _record(event: str, item: dict[str, Any]) -> dict[str, Any]:
    serializer = TypeSerializer()
    image = {k: serializer.serialize(v) for k, v in item.items() if v is not None and v not in ("", [])}
    return {"eventName": event, "dynamodb": {"NewImage": image}}


def test_given_an_inserted_update_item_then_the_update_is_decoded() -> None:
    decoded = update_from_stream_record(_record("INSERT", update_to_item(UPDATE)))
    assert decoded is not None
    assert decoded.update_id == UPDATE.update_id
    assert decoded.classification.event_type == "trial_status"
    assert decoded.first_seen == UPDATE.first_seen


def test_given_a_modify_or_another_kind_then_no_update_is_announced() -> None:
    assert update_from_stream_record(_record("MODIFY", update_to_item(UPDATE))) is None
    state = {"pk": "SOURCE#press", "sk": "STATE", "kind": "source_state"}
    assert update_from_stream_record(_record("INSERT", state)) is None
    assert update_from_stream_record({"eventName": "INSERT"}) is None

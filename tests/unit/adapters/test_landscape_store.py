"""A landscape update's tier, competitor and agents competed with survive the DynamoDB item (issue 26); an own
update's item is as before (no new attributes). Hand-made updates."""

from __future__ import annotations

from datetime import UTC, datetime

from pipewatch.adapters.store import update_from_item, update_to_item
from pipewatch.domain.models import Classification, Update


def _update(**classification: object) -> Update:
    return Update(
        update_id="u-1",
        title="Hand-made headline",
        source_id="s",
        classification=Classification.from_json_dict(
            {"relevant": True, "event_type": "regulatory", "severity": "high", **classification}
        ),
        first_seen=datetime(2026, 11, 25, tzinfo=UTC),
    )


def test_a_landscape_update_round_trips() -> None:
    update = _update(tier="landscape", competitor="nipocalimab", competes_with=("efgartigimod",))
    back = update_from_item({k: v for k, v in update_to_item(update).items() if v is not None})
    assert back.classification == update.classification


def test_an_own_update_adds_no_attribute() -> None:
    item = {k: v for k, v in update_to_item(_update(agents=("efgartigimod",))).items() if v is not None}
    assert not {"tier", "competitor", "competes_with"} & set(item)
    assert update_from_item(item).classification.tier == "own"

"""Stable ids: the same item is the same update on every poll."""

from __future__ import annotations

from datetime import UTC, datetime

from pipewatch.domain.ingest.ids import trial_change_id, update_id
from pipewatch.domain.models import FetchedItem, TrialChange


def _item(**kw: object) -> FetchedItem:
    base: dict[str, object] = {"source_id": "s1", "title": "Hand-made title"}
    base.update(kw)
    return FetchedItem(**base)  # type: ignore[arg-type]


def test_given_the_same_url_from_two_sources_then_one_id() -> None:
    a = _item(url="https://example.com/a", source_id="wire-1")
    b = _item(url="https://example.com/a", source_id="wire-2", title="Different headline")
    assert update_id(a) == update_id(b)


def test_given_no_url_then_the_guid_is_scoped_to_its_source() -> None:
    assert update_id(_item(guid="g1", source_id="x")) != update_id(_item(guid="g1", source_id="y"))
    assert update_id(_item(guid="g1")) == update_id(_item(guid="g1"))


def test_given_only_a_title_then_whitespace_and_case_do_not_matter() -> None:
    day = datetime(2026, 8, 27, 9, tzinfo=UTC)
    assert update_id(_item(title="FDA  approves X", published=day)) == update_id(
        _item(title="fda approves x", published=day.replace(hour=20))
    )


def test_given_a_trial_change_then_the_record_version_is_part_of_the_id() -> None:
    change = TrialChange(
        nct_id="NCT05523167",
        field="overall_status",
        old="RECRUITING",
        new="COMPLETED",
        event_type="trial_status",
        severity="medium",
        summary="s",
    )
    assert trial_change_id(change, "2026-01-01") == trial_change_id(change, "2026-01-01")
    assert trial_change_id(change, "2026-01-01") != trial_change_id(change, "2026-02-01")
    assert update_id(_item(url="https://e.com")).startswith("u-")
    assert trial_change_id(change, "v").startswith("t-")

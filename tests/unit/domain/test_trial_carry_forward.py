"""carry_forward: what a new snapshot does not carry is taken from the last one, except fields dropped for
size, which stay dropped (hand-made snapshots)."""

from __future__ import annotations

from pipewatch.domain.trials.model import DateValue, TrialSnapshot, carry_forward

OLD = TrialSnapshot(
    nct_id="NCT06171568",
    complete=True,
    overall_status="RECRUITING",
    start_date=DateValue(date="2024-01", type="ACTUAL"),
    conditions=("Brain Injuries",),
    arms=(),
)


def test_given_fields_the_new_snapshot_does_not_carry_then_the_last_known_values_are_kept() -> None:
    new = TrialSnapshot(nct_id="NCT06171568", complete=True, conditions=("Stroke",))
    kept = carry_forward(OLD, new)
    assert (kept.overall_status, kept.start_date, kept.conditions) == (
        "RECRUITING",
        DateValue(date="2024-01", type="ACTUAL"),
        ("Stroke",),  # carried by the new one: its own value
    )


def test_given_a_field_dropped_for_size_or_another_study_then_nothing_is_carried() -> None:
    trimmed = TrialSnapshot(nct_id="NCT06171568", overall_status="COMPLETED", trimmed=("conditions",))
    assert carry_forward(OLD, trimmed).conditions is None
    other = TrialSnapshot(nct_id="NCT00000001")
    assert carry_forward(OLD, other) is other
    assert carry_forward(None, other) is other

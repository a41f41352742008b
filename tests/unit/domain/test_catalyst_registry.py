"""Catalysts from trial records (domain/catalysts/registry): an ESTIMATED primary completion (else completion)
date is a trial_completion catalyst over its day or month; ACTUAL fulfils it; no usable date, no catalyst.
Records are HAND-MADE, shaped like ClinicalTrials.gov v2 dates."""

from __future__ import annotations

from datetime import date

import pytest

from pipewatch.domain.catalysts.registry import completion_date, registry_catalyst
from pipewatch.domain.trials.model import DateValue, TrialSnapshot

ALKIVIA = TrialSnapshot(nct_id="NCT05523167", acronym="ALKIVIA", phases=("PHASE2", "PHASE3"))


def test_given_an_estimated_month_then_a_month_window_catalyst_not_yet_fulfilled() -> None:
    record = ALKIVIA.model_copy(
        update={"primary_completion_date": DateValue(date="2026-09", type="ESTIMATED")}
    )
    found = registry_catalyst(record, "efgartigimod")
    assert found is not None
    catalyst, actual = found
    assert not actual
    assert (catalyst.kind, catalyst.agent, catalyst.trial, catalyst.precision) == (
        "trial_completion", "efgartigimod", "ALKIVIA", "month",
    )  # fmt: skip
    assert (catalyst.window_start, catalyst.window_end) == (date(2026, 9, 1), date(2026, 9, 30))
    assert (
        "Phase 3" in catalyst.sentence and "Primary completion Date (Estimated): 2026-09" in catalyst.sentence
    )


def test_given_an_actual_day_then_a_day_window_that_fulfils() -> None:
    record = ALKIVIA.model_copy(
        update={"primary_completion_date": DateValue(date="2026-09-12", type="ACTUAL")}
    )
    found = registry_catalyst(record, None)
    assert found is not None
    catalyst, actual = found
    assert actual and catalyst.precision == "day"
    assert catalyst.window_start == catalyst.window_end == date(2026, 9, 12)


def test_given_only_a_completion_date_then_it_is_used_and_named() -> None:
    record = TrialSnapshot(nct_id="NCT00000001", completion_date=DateValue(date="2027-02", type=""))
    assert completion_date(record) == ("completion", record.completion_date)
    found = registry_catalyst(record, None)
    assert found is not None
    catalyst, actual = found
    assert not actual and catalyst.trial == "NCT00000001"
    assert catalyst.window_end == date(2027, 2, 28)
    assert "Completion Date (Estimated)" in catalyst.sentence and "Phase 3" not in catalyst.sentence


@pytest.mark.parametrize(
    "record",
    [
        TrialSnapshot(nct_id="NCT00000002"),
        TrialSnapshot(nct_id="NCT00000003", primary_completion_date=DateValue(date="", type="ESTIMATED")),
        TrialSnapshot(nct_id="NCT00000004", primary_completion_date=DateValue(date="2026", type="ESTIMATED")),
    ],
    ids=["no-dates", "empty-date", "year-only"],
)
def test_given_no_usable_date_then_no_catalyst(record: TrialSnapshot) -> None:
    assert registry_catalyst(record, "efgartigimod") is None

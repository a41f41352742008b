"""Catalysts from trial records: an ESTIMATED primary completion (or, without one, completion) date is a
`trial_completion` catalyst; the same date turning ACTUAL fulfils it."""

from __future__ import annotations

import calendar
import re
from datetime import date

from pipewatch.domain.catalysts.models import ExtractedCatalyst, Precision
from pipewatch.domain.trials.model import DateValue, TrialSnapshot

_REGISTRY_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _window(value: DateValue) -> tuple[date, date, Precision] | None:
    m = _REGISTRY_DATE.match(value.date)
    if m is None:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if m.group(3):
        day = date(year, month, int(m.group(3)))
        return day, day, "day"
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month"


def completion_date(snapshot: TrialSnapshot) -> tuple[str, DateValue] | None:
    """("primary completion" | "completion", the date) the record gives, primary first."""
    if snapshot.primary_completion_date and snapshot.primary_completion_date.date:
        return "primary completion", snapshot.primary_completion_date
    if snapshot.completion_date and snapshot.completion_date.date:
        return "completion", snapshot.completion_date
    return None


def registry_catalyst(snapshot: TrialSnapshot, agent: str | None) -> tuple[ExtractedCatalyst, bool] | None:
    """The record's completion catalyst and whether its date is ACTUAL (the catalyst is then fulfilled)."""
    found = completion_date(snapshot)
    if found is None:
        return None
    label, value = found
    window = _window(value)
    if window is None:
        return None
    start, end, precision = window
    trial = snapshot.acronym or snapshot.nct_id
    phase = " Phase 3" if snapshot.is_phase3 else ""
    kind_of_date = value.type.title() or "Estimated"
    sentence = f"{snapshot.label}{phase}: {label.capitalize()} Date ({kind_of_date}): {value.date}"
    catalyst = ExtractedCatalyst(
        kind="trial_completion",
        drug=None,
        agent=agent,
        trial=trial,
        window_start=start,
        window_end=end,
        precision=precision,
        sentence=sentence,
    )
    return catalyst, value.type.upper() == "ACTUAL"

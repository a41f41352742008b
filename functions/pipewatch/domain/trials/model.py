"""ClinicalTrials.gov API v2 study document -> `TrialSnapshot`; two snapshots -> `[TrialChange]`.

Pure: no I/O, no clock, no environment. The poll service fetches the study documents, stores the last snapshot
(`TRIAL#<nct_id>` / `SNAPSHOT`, `snapshot.model_dump(mode="json")` or `model_dump_json()`; read back with
`TrialSnapshot.model_validate(...)`) and turns each change into an update.

Rules
-----
* **Text is normalised** before it is stored or compared (`pipewatch.domain.text.registry_text`): HTML
  entities decoded, tags and Markdown emphasis/escapes dropped, Unicode NFKC, all whitespace runs collapsed.
  ClinicalTrials.gov's 2025 ingest re-formatted text without changing content; such a re-format never counts
  as a change.
* **Missing is not empty.** Every snapshot field is `None` when the document did not carry it, and an empty
  value (`""`, `()`, `EnrollmentValue(count=None)`, `DateValue(date="")`) when it carried "nothing".
  A *complete* document (a full `GET /api/v2/studies/{id}` body or a search result without `fields=`; detected
  by a boolean top-level `hasResults` and a `derivedSection`) lists every non-empty value, so an absent key
  inside it means empty. A *trimmed* document (`fields=`) carries only what was asked for, so an absent key
  means unknown (`None`). Inside lists (arms, interventions, outcomes) the same rule applies to each item's
  sub-fields. `diff_snapshots` compares a field only when both snapshots carry it, and compares list items on
  the sub-fields both sides carry: a trimmed document never reports a removal it simply did not see.
* Order within lists is not content: phases, conditions, collaborators, arms, interventions and outcomes are
  stored sorted, countries sorted and unique.
* `lastUpdatePostDate` is kept in the snapshot but a change of it alone is not reported (it moves on every
  edit); what changed is reported instead.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, ConfigDict

from pipewatch.errors import PayloadError

NCT_RE = re.compile(r"^NCT\d{8}$")
PRIMARY_SLIP_MEDIUM_DAYS = 90
STOP_STATUSES = frozenset({"TERMINATED", "SUSPENDED", "WITHDRAWN"})
MAX_LIST_ITEMS = 3
MAX_VALUE_CHARS = 200
MAX_ITEM_CHARS = 60

STATUS_LABELS: dict[str, str] = {
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "COMPLETED": "Completed",
    "WITHDRAWN": "Withdrawn",
    "UNKNOWN": "Unknown status",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
}


def study_label(nct_id: str, acronym: str | None) -> str:
    return f"{acronym} ({nct_id})" if acronym else nct_id


def readable_enum(value: str | None) -> str:
    if not value:
        return "(none)"
    return value.replace("_", " ").capitalize()


def clip_text(text: str | None, limit: int = MAX_VALUE_CHARS) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ListItem(_Frozen):
    """A list entry (arm, intervention, outcome) that renders itself for an alert."""

    def render(self) -> str:
        """Short form for a summary."""
        raise NotImplementedError

    def detail(self) -> str:
        """Longer form for `TrialChange.old` / `.new`."""
        return self.render()


class DateValue(_Frozen):
    """A registry date as given ("2026-06" stays "2026-06") with its type ("ACTUAL", "ESTIMATED" or "")."""

    date: str = ""
    type: str = ""

    def render(self) -> str:
        if not self.date:
            return "(none)"
        return f"{self.date} {self.type}" if self.type else self.date


class EnrollmentValue(_Frozen):
    count: int | None = None
    type: str = ""

    def render(self) -> str:
        if self.count is None:
            return "(none)"
        return f"{self.count} {self.type}" if self.type else str(self.count)


class Arm(ListItem):
    label: str
    type: str | None = None
    intervention_names: tuple[str, ...] | None = None

    def render(self) -> str:
        return f"{self.label} ({readable_enum(self.type)})" if self.type else self.label

    def detail(self) -> str:
        names = f": {', '.join(self.intervention_names)}" if self.intervention_names else ""
        return f"{self.render()}{names}"


class Intervention(ListItem):
    name: str
    type: str | None = None
    other_names: tuple[str, ...] | None = None

    def render(self) -> str:
        text = f"{readable_enum(self.type)}: {self.name}" if self.type else self.name
        return f"{text} [{', '.join(self.other_names)}]" if self.other_names else text


class Outcome(ListItem):
    measure: str
    time_frame: str | None = None

    def render(self) -> str:
        measure = clip_text(self.measure, MAX_ITEM_CHARS)
        return f"{measure} ({clip_text(self.time_frame, MAX_ITEM_CHARS)})" if self.time_frame else measure


class TrialSnapshot(_Frozen):
    """What pipewatch remembers of one registry record. `None` = the document did not carry the field."""

    nct_id: str
    complete: bool = False
    acronym: str | None = None
    brief_title: str | None = None
    overall_status: str | None = None
    why_stopped: str | None = None
    phases: tuple[str, ...] | None = None
    start_date: DateValue | None = None
    primary_completion_date: DateValue | None = None
    completion_date: DateValue | None = None
    enrollment: EnrollmentValue | None = None
    arms: tuple[Arm, ...] | None = None
    interventions: tuple[Intervention, ...] | None = None
    primary_outcomes: tuple[Outcome, ...] | None = None
    secondary_outcomes: tuple[Outcome, ...] | None = None
    conditions: tuple[str, ...] | None = None
    lead_sponsor: str | None = None
    collaborators: tuple[str, ...] | None = None
    locations_count: int | None = None
    countries: tuple[str, ...] | None = None
    has_results: bool | None = None
    results_first_posted: str | None = None
    last_update_posted: str | None = None
    # List fields dropped to keep the stored snapshot under the size budget (see `fit_snapshot`): not
    # carried, so not compared; every other field is still diffed.
    trimmed: tuple[str, ...] | None = None
    # Set when the record answered 404 ("removed") or moved to another id (that id): its vanished change was
    # stored, so it is not stored again. A record that answers again is read without it.
    vanished: str | None = None

    @property
    def label(self) -> str:
        """How an alert names the study: "ALKIVIA (NCT05523167)" or "NCT05523167"."""
        return study_label(self.nct_id, self.acronym)

    @property
    def is_phase3(self) -> bool:
        return bool(self.phases) and "PHASE3" in (self.phases or ())


_TRIMMABLE = (
    "secondary_outcomes",
    "primary_outcomes",
    "arms",
    "interventions",
    "collaborators",
    "countries",
    "conditions",
)


def fit_snapshot(snapshot: TrialSnapshot, max_bytes: int) -> TrialSnapshot:
    """`snapshot` with its largest list fields dropped (largest first) until its JSON fits `max_bytes`; the
    dropped names are listed in `trimmed`. A dropped field is "not carried", so it is never diffed and never
    alerts spuriously, while status, dates, enrolment and the rest are still compared. PayloadError when
    even the bare record cannot fit (it is then skipped and counted, never blocking the next study)."""
    size = len(snapshot.model_dump_json().encode("utf-8"))
    if size <= max_bytes:
        return snapshot
    trimmed = list(snapshot.trimmed or ())
    present = [f for f in _TRIMMABLE if getattr(snapshot, f)]
    by_size = sorted(
        present,
        key=lambda f: -len(json.dumps(snapshot.model_dump(mode="json", include={f}), ensure_ascii=False)),
    )
    for name in by_size:
        trimmed.append(name)
        snapshot = snapshot.model_copy(update={name: None, "trimmed": tuple(trimmed)})
        if len(snapshot.model_dump_json().encode("utf-8")) <= max_bytes:
            return snapshot
    raise PayloadError(f"{snapshot.nct_id}: record over {max_bytes} bytes even without its lists")


_NOT_CARRIED_FORWARD = frozenset({"nct_id", "complete", "trimmed", "vanished"})


def carry_forward(old: TrialSnapshot | None, new: TrialSnapshot) -> TrialSnapshot:
    """`new` with every field it does not carry (None: a module a partial answer left out, a field a trimmed
    document did not ask for) taken from `old`, so the next answer is compared with what was last known, not
    with a gap (a status change hidden behind one partial answer is still reported by the next whole one).
    Fields dropped for size (`new.trimmed`) stay dropped."""
    if old is None or old.nct_id != new.nct_id:
        return new
    skip = _NOT_CARRIED_FORWARD | set(new.trimmed or ())
    kept = {
        name: getattr(old, name)
        for name in TrialSnapshot.model_fields
        if name not in skip and getattr(new, name) is None and getattr(old, name) is not None
    }
    return new.model_copy(update=kept) if kept else new

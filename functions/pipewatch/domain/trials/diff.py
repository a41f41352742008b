"""Two `TrialSnapshot`s -> `[TrialChange]`, in a deterministic order; and the change of a vanished record
(`vanished_change`: the pure half of the vanished-record path that issue 25 wires to the registry poll)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TypeVar

from pydantic import BaseModel

from pipewatch.domain.models import EventType, Severity, TrialChange
from pipewatch.domain.trials.model import (
    MAX_ITEM_CHARS,
    MAX_LIST_ITEMS,
    PRIMARY_SLIP_MEDIUM_DAYS,
    STATUS_LABELS,
    STOP_STATUSES,
    Arm,
    DateValue,
    Intervention,
    ListItem,
    Outcome,
    TrialSnapshot,
    clip_text,
    readable_enum,
    study_label,
)

_NEGATED_RE = re.compile(r"\b(?:not|no|non|unrelated|without|nor)\b[^.;:]{0,40}$", re.IGNORECASE)
_SAFETY_RE = re.compile(
    r"\b(?:safety|adverse|toxicit\w*|death|deaths|died|fatal\w*|side[- ]effects?|harm\w*|risk[- ]benefit)\b",
    re.IGNORECASE,
)
_FUTILITY_RE = re.compile(r"\bfutil\w*", re.IGNORECASE)


def mentions(pattern: re.Pattern[str], text: str | None) -> bool:
    """True when `text` mentions `pattern` other than in a negation ("not due to safety concerns")."""
    if not text:
        return False
    return any(not _NEGATED_RE.search(text[: m.start()]) for m in pattern.finditer(text))


def status_label(status: str | None) -> str:
    """ "ACTIVE_NOT_RECRUITING" -> "Active, not recruiting"."""
    if not status:
        return "(none)"
    return STATUS_LABELS.get(status, readable_enum(status))


class _Ctx:
    """What every change of one diff shares: the study label and the change factory."""

    def __init__(self, nct_id: str, acronym: str) -> None:
        self.nct_id = nct_id
        self.acronym = acronym
        self.label = study_label(nct_id, acronym)

    def change(
        self,
        field: str,
        old: str | None,
        new: str | None,
        text: str,
        *,
        event_type: EventType = "trial_update",
        severity: Severity = "low",
    ) -> TrialChange:
        return TrialChange(
            nct_id=self.nct_id,
            acronym=self.acronym,
            field=field,
            old=None if old is None else clip_text(old),
            new=None if new is None else clip_text(new),
            event_type=event_type,
            severity=severity,
            summary=f"{self.label}: {text}",
        )


def diff_snapshots(
    old: TrialSnapshot | None, new: TrialSnapshot, *, acronym: str | None = None
) -> list[TrialChange]:
    """The meaningful changes from `old` to `new`, in a fixed field order (deterministic).

    `old is None` (never seen before) gives one `trial_start`. `acronym` overrides the documents' acronym in
    the summaries (the watchlist may know a trial by a name the registry does not carry). Fields one side
    does not carry are not compared (see the module docstring).
    """
    name = acronym or new.acronym or (old.acronym if old else None) or ""
    ctx = _Ctx(new.nct_id, name)
    if old is None:
        return [_registered(ctx, new)]
    if old.nct_id != new.nct_id:
        raise ValueError(f"cannot diff different studies: {old.nct_id} vs {new.nct_id}")
    changes: list[TrialChange] = []
    for differ in _DIFFERS:
        changes.extend(differ(ctx, old, new))
    return changes


def vanished_change(
    old: TrialSnapshot, *, acronym: str | None = None, removed: bool = False, merged_into: str = ""
) -> TrialChange:
    """A study the registry no longer gives as it was: ``removed`` (its record answers 404: withdrawn or
    removed), ``merged_into`` (its record redirects to another NCT id), or neither: no longer returned by the
    registry search (a low `trial_update`). The caller confirms a search miss with a direct GET first and
    stores the change once (it marks the snapshot, `TrialSnapshot.vanished`).
    """
    ctx = _Ctx(old.nct_id, acronym or old.acronym or "")
    last = f" (last status {status_label(old.overall_status)})" if old.overall_status else ""
    if merged_into or removed:
        text = (
            f"record merged into {merged_into} on ClinicalTrials.gov{last}"
            if merged_into
            else f"record withdrawn or removed from ClinicalTrials.gov (HTTP 404){last}"
        )
        new = merged_into or "removed"
        old_value = old.nct_id if merged_into else "listed"
        return ctx.change(
            "registry_record", old_value, new, text, event_type="trial_status", severity="medium"
        )
    return ctx.change(
        "registry_search", "listed", "not returned", f"no longer returned by the registry search{last}"
    )


def _registered(ctx: _Ctx, new: TrialSnapshot) -> TrialChange:
    details = [status_label(new.overall_status)] if new.overall_status else []
    if new.phases:
        details.append(_show_phases(new.phases))
    title = f": {clip_text(new.brief_title, 100)}" if new.brief_title else ""
    extra = f" ({'; '.join(details)})" if details else ""
    return ctx.change(
        "study",
        None,
        new.brief_title or new.nct_id,
        f"new study registered{title}{extra}",
        event_type="trial_start",
        severity="medium",
    )


def _status(ctx: _Ctx, old: TrialSnapshot, new: TrialSnapshot) -> list[TrialChange]:
    if old.overall_status is None or new.overall_status is None or old.overall_status == new.overall_status:
        return []
    why = new.why_stopped or ""
    event: EventType = "trial_status"
    severity: Severity = "medium"
    if mentions(_SAFETY_RE, why):
        event, severity = "safety", "high"
    elif new.overall_status in STOP_STATUSES or mentions(_FUTILITY_RE, why):
        severity = "high"
    reason = f" (why stopped: {clip_text(why, 100)})" if why else ""
    text = f"status {status_label(old.overall_status)} -> {status_label(new.overall_status)}{reason}"
    return [
        ctx.change(
            "overall_status",
            old.overall_status,
            new.overall_status,
            text,
            event_type=event,
            severity=severity,
        )
    ]


def _why_stopped(ctx: _Ctx, old: TrialSnapshot, new: TrialSnapshot) -> list[TrialChange]:
    """A reason that changes while the status stays (a status change reports its reason itself)."""
    if old.why_stopped is None or new.why_stopped is None or old.why_stopped == new.why_stopped:
        return []
    if old.overall_status != new.overall_status or not new.why_stopped:
        return []
    safety = mentions(_SAFETY_RE, new.why_stopped) and not mentions(_SAFETY_RE, old.why_stopped)
    return [
        ctx.change(
            "why_stopped",
            old.why_stopped or "(none)",
            new.why_stopped,
            f"why stopped now: {clip_text(new.why_stopped, 120)}",
            event_type="safety" if safety else "trial_update",
            severity="high" if safety else "low",
        )
    ]


def _results(ctx: _Ctx, old: TrialSnapshot, new: TrialSnapshot) -> list[TrialChange]:
    posted_appears = old.results_first_posted == "" and bool(new.results_first_posted)
    flag_flips = old.has_results is False and new.has_results is True
    if not (posted_appears or flag_flips):
        return []
    when = f" (first posted {new.results_first_posted})" if new.results_first_posted else ""
    phase = " (phase 3)" if new.is_phase3 else ""
    return [
        ctx.change(
            "results",
            "no results",
            new.results_first_posted or "results posted",
            f"results posted on ClinicalTrials.gov{phase}{when}",
            event_type="results",
            severity="high" if new.is_phase3 else "medium",
        )
    ]


# ---- dates -----------------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _parse_partial(value: str) -> tuple[date, int] | None:
    """("2026-06") -> (date(2026, 6, 1), 2): a partial date anchored to the first day, with its precision."""
    m = _DATE_RE.match(value)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        return date(year, month, day), 1 + (m[2] is not None) + (m[3] is not None)
    except ValueError:
        return None


def date_shift(old: str, new: str) -> tuple[str, int] | None:
    """("2026-06", "2027-01") -> ("+7 months", 214): readable shift and its size in days (anchored dates).

    Both full dates -> days (with approximate months from 60 days on); otherwise calendar months (years for
    two year-only dates). None when either is unparsable.
    """
    a, b = _parse_partial(old), _parse_partial(new)
    if a is None or b is None:
        return None
    (da, pa), (db, pb) = a, b
    days = (db - da).days
    precision = min(pa, pb)
    if precision == 3:
        if abs(days) >= 60:
            months = round(days / 30.4375)
            return f"{days:+d} days, ~{abs(months)} months", days
        amount, unit = days, "day"
    elif precision == 2:
        amount, unit = (db.year - da.year) * 12 + (db.month - da.month), "month"
    else:
        amount, unit = db.year - da.year, "year"
    if amount == 0:
        return f"same {unit}", days
    plural = "" if abs(amount) == 1 else "s"
    return f"{amount:+d} {unit}{plural}", days


def _date_differ(field: str, words: str) -> Callable[[_Ctx, TrialSnapshot, TrialSnapshot], list[TrialChange]]:
    def differ(ctx: _Ctx, old_snap: TrialSnapshot, new_snap: TrialSnapshot) -> list[TrialChange]:
        old: DateValue | None = getattr(old_snap, field)
        new: DateValue | None = getattr(new_snap, field)
        if old is None or new is None or old == new:
            return []
        severity: Severity = "low"
        if old.date == new.date:
            text = f"{words} {new.date or '(none)'} now {new.type or 'without type'}"
        else:
            notes: list[str] = []
            shift = date_shift(old.date, new.date) if old.date and new.date else None
            if shift is not None:
                notes.append(shift[0])
                if field == "primary_completion_date" and shift[1] > PRIMARY_SLIP_MEDIUM_DAYS:
                    severity = "medium"
            if new.type and new.type != old.type:
                notes.append(f"now {new.type}" if old.date else new.type)
            note = f" ({', '.join(notes)})" if notes else ""
            text = f"{words} {old.date or '(none)'} -> {new.date or '(none)'}{note}"
        return [ctx.change(field, old.render(), new.render(), text, severity=severity)]

    return differ


def _enrollment_diff(ctx: _Ctx, old_snap: TrialSnapshot, new_snap: TrialSnapshot) -> list[TrialChange]:
    old, new = old_snap.enrollment, new_snap.enrollment
    if old is None or new is None or old == new:
        return []
    old_n = "(none)" if old.count is None else str(old.count)
    new_n = "(none)" if new.count is None else str(new.count)
    if old.count == new.count:
        text = f"enrollment {new_n} now {new.type or 'without type'}"
    else:
        kind = f" ({new.type})" if new.type else ""
        text = f"enrollment {old_n} -> {new_n}{kind}"
    return [ctx.change("enrollment", old.render(), new.render(), text)]


# ---- lists -----------------------------------------------------------------------------------------

_M = TypeVar("_M", bound=ListItem)


def _common_fields(items: Iterable[BaseModel], model: type[BaseModel]) -> tuple[str, ...]:
    """Sub-fields every item carries (a trimmed document leaves some None): only those are compared."""
    fields = list(model.model_fields)
    seen = list(items)
    return tuple(f for f in fields if all(getattr(i, f) is not None for i in seen))


def _project(item: BaseModel, fields: Sequence[str]) -> tuple[object, ...]:
    return tuple(getattr(item, f) for f in fields)


def _join(items: Sequence[str], sign: str, *, clip: bool = True) -> list[str]:
    shown = [f"{sign}{clip_text(i, MAX_ITEM_CHARS) if clip else i}" for i in items[:MAX_LIST_ITEMS]]
    if len(items) > MAX_LIST_ITEMS:
        shown.append(f"{sign}{len(items) - MAX_LIST_ITEMS} more")
    return shown


def _model_list_differ(
    field: str, words: str, identity: str, model: type[_M]
) -> Callable[[_Ctx, TrialSnapshot, TrialSnapshot], list[TrialChange]]:
    """Arms, interventions, outcomes matched by `identity` (label, name, measure): +added -removed ~changed"""

    def differ(ctx: _Ctx, old_snap: TrialSnapshot, new_snap: TrialSnapshot) -> list[TrialChange]:
        old: tuple[_M, ...] | None = getattr(old_snap, field)
        new: tuple[_M, ...] | None = getattr(new_snap, field)
        if old is None or new is None:
            return []
        fields = _common_fields((*old, *new), model)
        old_set = {_project(i, fields): i for i in old}
        new_set = {_project(i, fields): i for i in new}
        if old_set.keys() == new_set.keys():
            return []
        removed = [old_set[k] for k in sorted(old_set.keys() - new_set.keys(), key=repr)]
        added = [new_set[k] for k in sorted(new_set.keys() - old_set.keys(), key=repr)]
        by_id_old = {getattr(i, identity): i for i in removed}
        by_id_new = {getattr(i, identity): i for i in added}
        changed = sorted(by_id_old.keys() & by_id_new.keys())
        parts = [
            *_join([i.render() for i in added if getattr(i, identity) not in changed], "+"),
            *_join([i.render() for i in removed if getattr(i, identity) not in changed], "-"),
            *_join([_item_delta(by_id_old[k], by_id_new[k], fields) for k in changed], "~", clip=False),
        ]
        # old/new carry only the items that differ (removed or before, added or after), not the whole list
        return [
            ctx.change(field, _detail_items(removed), _detail_items(added), f"{words} {', '.join(parts)}")
        ]

    return differ


_SUBFIELD_WORDS = {
    "type": "type",
    "intervention_names": "interventions",
    "other_names": "other names",
    "time_frame": "time frame",
}


def _item_delta(old: ListItem, new: ListItem, fields: Sequence[str]) -> str:
    """ "Remdesivir (other names +GS-5734)" / "Time to Recovery (time frame Day 29 -> Day 60)"."""
    notes: list[str] = []
    for name in fields[1:]:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        words = _SUBFIELD_WORDS.get(name, name)
        if isinstance(before, tuple) and isinstance(after, tuple):
            delta = [
                *(f"+{x}" for x in after if x not in before),
                *(f"-{x}" for x in before if x not in after),
            ]
            notes.append(f"{words} {' '.join(delta)}")
        else:
            notes.append(
                f"{words} {clip_text(str(before or '(none)'), 40)} -> {clip_text(str(after or '(none)'), 40)}"
            )
    identity = clip_text(str(getattr(new, fields[0])), MAX_ITEM_CHARS)
    return f"{identity} ({'; '.join(notes)})" if notes else identity


def _detail_items(items: Sequence[ListItem]) -> str:
    return "; ".join(i.detail() for i in items) or "(none)"


def _string_list_differ(
    field: str, words: str
) -> Callable[[_Ctx, TrialSnapshot, TrialSnapshot], list[TrialChange]]:
    def differ(ctx: _Ctx, old_snap: TrialSnapshot, new_snap: TrialSnapshot) -> list[TrialChange]:
        old: tuple[str, ...] | None = getattr(old_snap, field)
        new: tuple[str, ...] | None = getattr(new_snap, field)
        if old is None or new is None or set(old) == set(new):
            return []
        added = sorted(set(new) - set(old))
        removed = sorted(set(old) - set(new))
        parts = [*_join(added, "+"), *_join(removed, "-")]
        return [
            ctx.change(
                field, ", ".join(old) or "(none)", ", ".join(new) or "(none)", f"{words} {', '.join(parts)}"
            )
        ]

    return differ


def _phases_diff(ctx: _Ctx, old_snap: TrialSnapshot, new_snap: TrialSnapshot) -> list[TrialChange]:
    old, new = old_snap.phases, new_snap.phases
    if old is None or new is None or set(old) == set(new):
        return []
    text = f"phase {_show_phases(old)} -> {_show_phases(new)}"
    return [ctx.change("phases", ", ".join(old) or "(none)", ", ".join(new) or "(none)", text)]


def _show_phases(phases: Sequence[str]) -> str:
    """("PHASE2", "PHASE3") -> "Phase 2/Phase 3"; EARLY_PHASE1 -> "Early phase1"."""
    return "/".join(_PHASE_LABELS.get(p, readable_enum(p)) for p in phases) or "(none)"


_PHASE_LABELS = {
    "EARLY_PHASE1": "Early phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
    "NA": "N/A",
}


def _text_differ(field: str, words: str) -> Callable[[_Ctx, TrialSnapshot, TrialSnapshot], list[TrialChange]]:
    def differ(ctx: _Ctx, old_snap: TrialSnapshot, new_snap: TrialSnapshot) -> list[TrialChange]:
        old: str | None = getattr(old_snap, field)
        new: str | None = getattr(new_snap, field)
        if old is None or new is None or old == new:
            return []
        text = f"{words} {clip_text(old, 80) or '(none)'} -> {clip_text(new, 80) or '(none)'}"
        return [ctx.change(field, old or "(none)", new or "(none)", text)]

    return differ


def _locations_diff(ctx: _Ctx, old_snap: TrialSnapshot, new_snap: TrialSnapshot) -> list[TrialChange]:
    count_changed = (
        old_snap.locations_count is not None
        and new_snap.locations_count is not None
        and old_snap.locations_count != new_snap.locations_count
    )
    old_c, new_c = old_snap.countries, new_snap.countries
    countries_known = old_c is not None and new_c is not None
    added = sorted(set(new_c or ()) - set(old_c or ())) if countries_known else []
    removed = sorted(set(old_c or ()) - set(new_c or ())) if countries_known else []
    if not (count_changed or added or removed):
        return []
    old_n, new_n = old_snap.locations_count, new_snap.locations_count
    sites = f"{old_n} -> {new_n} sites" if count_changed else f"{new_n} sites"
    country_parts = [*_join(added, "+"), *_join(removed, "-")]
    countries = f", countries {' '.join(country_parts)}" if country_parts else ""

    def render(n: int | None, cs: tuple[str, ...] | None) -> str:
        where = f" in {len(cs)} countries" if cs is not None else ""
        return f"{n} sites{where}" if n is not None else f"{len(cs or ())} countries"

    return [
        ctx.change(
            "locations",
            render(old_n, old_c),
            render(new_n, new_c),
            f"locations {sites}{countries}",
        )
    ]


_Differ = Callable[[_Ctx, TrialSnapshot, TrialSnapshot], list[TrialChange]]

# The order in which changes are reported: most important first, then the record's own order.
_DIFFERS: tuple[_Differ, ...] = (
    _status,
    _why_stopped,
    _results,
    _date_differ("start_date", "start"),
    _date_differ("primary_completion_date", "primary completion"),
    _date_differ("completion_date", "completion"),
    _enrollment_diff,
    _phases_diff,
    _model_list_differ("arms", "arms", "label", Arm),
    _model_list_differ("interventions", "interventions", "name", Intervention),
    _model_list_differ("primary_outcomes", "primary outcomes", "measure", Outcome),
    _model_list_differ("secondary_outcomes", "secondary outcomes", "measure", Outcome),
    _string_list_differ("conditions", "conditions"),
    _text_differ("lead_sponsor", "lead sponsor"),
    _string_list_differ("collaborators", "collaborators"),
    _locations_diff,
    _text_differ("acronym", "acronym"),
    _text_differ("brief_title", "title"),
)

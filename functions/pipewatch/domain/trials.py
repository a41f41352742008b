"""ClinicalTrials.gov API v2 study document -> `TrialSnapshot`; two snapshots -> `[TrialChange]`.

Pure: no I/O, no clock, no environment. The poll service fetches the study documents, stores the last snapshot
(`TRIAL#<nct_id>` / `SNAPSHOT`, `snapshot.model_dump(mode="json")` or `model_dump_json()`; read back with
`TrialSnapshot.model_validate(...)`) and turns each change into an update.

Rules
-----
* **Text is normalised** before it is stored or compared (`normalize_text`): HTML entities decoded, tags and
  Markdown emphasis/escapes dropped, Unicode NFKC, all whitespace runs collapsed. ClinicalTrials.gov's 2025
  ingest re-formatted text without changing content; such a re-format never counts as a change.
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
* A study that disappears from search results: see `vanished_change`; the caller confirms the disappearance
  with a direct lookup (`GET /api/v2/studies/{id}`) before it alerts, because search results page and rank.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from pipewatch.domain.models import EventType, Severity, TrialChange
from pipewatch.errors import PayloadError

__all__ = [
    "Arm",
    "DateValue",
    "EnrollmentValue",
    "Intervention",
    "Outcome",
    "TrialSnapshot",
    "diff_snapshots",
    "normalize_text",
    "snapshot_from_study",
    "vanished_change",
]

_NCT_RE = re.compile(r"^NCT\d{8}$")
PRIMARY_SLIP_MEDIUM_DAYS = 90
STOP_STATUSES = frozenset({"TERMINATED", "SUSPENDED", "WITHDRAWN"})
_MAX_LIST_ITEMS = 3
_MAX_VALUE_CHARS = 200
_MAX_ITEM_CHARS = 60

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


# ----------------------------------------------------------------------------------------------------
# Text normalisation
# ----------------------------------------------------------------------------------------------------

_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=])")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)")
_WS_RE = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalize_text(value: str) -> str:
    """Registry text as content: entities decoded, markup dropped, whitespace collapsed, NFKC.

    Idempotent: `normalize_text(normalize_text(x)) == normalize_text(x)`. One pass can uncover new markup
    (`\\\\<` -> `\\<`, double-encoded entities), so passes repeat until the text is stable (each one
    strips a layer; real registry text settles in one or two).
    """
    text = _normalize_once(value)
    for _ in range(50):
        again = _normalize_once(text)
        if again == text:
            break
        text = again
    return text


def _normalize_once(text: str) -> str:
    for _ in range(3):  # double-encoded entities ("&amp;amp;") occur in registry text
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = _BR_RE.sub(" ", text)
    text = _TAG_RE.sub("", text)
    text = _MD_ESCAPE_RE.sub(r"\1", text)
    text = _MD_EMPHASIS_RE.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return _WS_RE.sub(" ", text).strip()


# ----------------------------------------------------------------------------------------------------
# Snapshot model
# ----------------------------------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Item(_Frozen):
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


class Arm(_Item):
    label: str
    type: str | None = None
    intervention_names: tuple[str, ...] | None = None

    def render(self) -> str:
        return f"{self.label} ({_readable_enum(self.type)})" if self.type else self.label

    def detail(self) -> str:
        names = f": {', '.join(self.intervention_names)}" if self.intervention_names else ""
        return f"{self.render()}{names}"


class Intervention(_Item):
    name: str
    type: str | None = None
    other_names: tuple[str, ...] | None = None

    def render(self) -> str:
        text = f"{_readable_enum(self.type)}: {self.name}" if self.type else self.name
        return f"{text} [{', '.join(self.other_names)}]" if self.other_names else text


class Outcome(_Item):
    measure: str
    time_frame: str | None = None

    def render(self) -> str:
        measure = _clip(self.measure, _MAX_ITEM_CHARS)
        return f"{measure} ({_clip(self.time_frame, _MAX_ITEM_CHARS)})" if self.time_frame else measure


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

    @property
    def label(self) -> str:
        """How an alert names the study: "ALKIVIA (NCT05523167)" or "NCT05523167"."""
        return _study_label(self.nct_id, self.acronym)

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


# ----------------------------------------------------------------------------------------------------
# Parsing: API v2 study document -> TrialSnapshot
# ----------------------------------------------------------------------------------------------------

_Missing = object()


class _Reader:
    """Typed access to one document; `complete` decides whether an absent key is empty or unknown."""

    def __init__(self, complete: bool) -> None:
        self.complete = complete

    @staticmethod
    def module(protocol: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
        value = protocol.get(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise PayloadError(f"protocolSection.{name} is {type(value).__name__}, expected an object")
        return value

    def text(self, obj: Mapping[str, Any] | None, key: str, path: str) -> str | None:
        raw = self.raw(obj, key)
        if raw is _Missing:
            return "" if self.complete else None
        if not isinstance(raw, str):
            raise PayloadError(f"{path}.{key} is {type(raw).__name__}, expected a string")
        return normalize_text(raw)

    def text_list(self, obj: Mapping[str, Any] | None, key: str, path: str) -> tuple[str, ...] | None:
        raw = self.raw(obj, key)
        if raw is _Missing:
            return () if self.complete else None
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise PayloadError(f"{path}.{key} is not a list of strings")
        return tuple(sorted({normalize_text(x) for x in raw} - {""}))

    def objects(self, obj: Mapping[str, Any] | None, key: str, path: str) -> list[Mapping[str, Any]] | None:
        raw = self.raw(obj, key)
        if raw is _Missing:
            return [] if self.complete else None
        if not isinstance(raw, list) or not all(isinstance(x, Mapping) for x in raw):
            raise PayloadError(f"{path}.{key} is not a list of objects")
        return raw

    def date(self, obj: Mapping[str, Any] | None, key: str, path: str) -> DateValue | None:
        raw = self.raw(obj, key)
        if raw is _Missing:
            return DateValue() if self.complete else None
        if not isinstance(raw, Mapping):
            raise PayloadError(f"{path}.{key} is {type(raw).__name__}, expected an object")
        when, kind = raw.get("date", ""), raw.get("type", "")
        if not isinstance(when, str) or not isinstance(kind, str):
            raise PayloadError(f"{path}.{key}: date and type must be strings")
        return DateValue(date=when.strip(), type=kind.strip().upper())

    @staticmethod
    def raw(obj: Mapping[str, Any] | None, key: str) -> object:
        if obj is None or obj.get(key) is None:
            return _Missing
        return obj[key]


def _check_shape(doc: object) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """The document's protocolSection, or a PayloadError that says what the document is instead."""
    if isinstance(doc, list):
        raise PayloadError("not a study document: a JSON list (pass one API v2 study object)")
    if not isinstance(doc, Mapping):
        raise PayloadError(f"not a study document: a JSON {type(doc).__name__}")
    if (
        "FullStudiesResponse" in doc
        or "StudyFieldsResponse" in doc
        or "Study" in doc
        or "ProtocolSection" in doc
    ):
        raise PayloadError(
            "not an API v2 study document: a retired classic API v1 record (PascalCase keys such as"
            " 'Study'/'ProtocolSection'); fetch https://clinicaltrials.gov/api/v2/studies/<NCT id>"
        )
    if "studies" in doc and "protocolSection" not in doc:
        raise PayloadError(
            "not a study document: an API v2 search envelope {'studies': [...]};"
            " pass one element of 'studies'"
        )
    protocol = doc.get("protocolSection")
    if protocol is None:
        keys = ", ".join(sorted(map(str, doc))[:5]) or "no keys"
        raise PayloadError(f"not an API v2 study document: no protocolSection (top-level keys: {keys})")
    if not isinstance(protocol, Mapping):
        raise PayloadError("not an API v2 study document: protocolSection is not an object")
    return doc, protocol


def _nct_id(protocol: Mapping[str, Any]) -> str:
    ident = protocol.get("identificationModule")
    nct = ident.get("nctId") if isinstance(ident, Mapping) else None
    if not isinstance(nct, str) or not nct.strip():
        raise PayloadError(
            "not a usable study document: protocolSection.identificationModule.nctId is missing"
        )
    nct = nct.strip().upper()
    if not _NCT_RE.match(nct):
        raise PayloadError(f"not a usable study document: nctId {nct!r} is not an NCT number")
    return nct


def snapshot_from_study(document: object) -> TrialSnapshot:
    """Snapshot one ClinicalTrials.gov API v2 study document (the object with `protocolSection`).

    Raises PayloadError for anything else: a v1 classic record, a search envelope, a list, a document without
    an nctId, or values of the wrong JSON type.
    """
    doc, protocol = _check_shape(document)
    nct_id = _nct_id(protocol)
    has_results_raw = doc.get("hasResults")
    if has_results_raw is not None and not isinstance(has_results_raw, bool):
        raise PayloadError("hasResults is not a boolean")
    complete = isinstance(has_results_raw, bool) and isinstance(doc.get("derivedSection"), Mapping)
    r = _Reader(complete)
    p = "protocolSection"

    ident = r.module(protocol, "identificationModule")
    status = r.module(protocol, "statusModule")
    design = r.module(protocol, "designModule")
    sponsors = r.module(protocol, "sponsorCollaboratorsModule")
    results_posted = r.date(status, "resultsFirstPostDateStruct", f"{p}.statusModule")
    last_update = r.date(status, "lastUpdatePostDateStruct", f"{p}.statusModule")
    collaborators = r.objects(sponsors, "collaborators", f"{p}.sponsorCollaboratorsModule")
    lead = r.raw(sponsors, "leadSponsor")
    status_text = r.text(status, "overallStatus", f"{p}.statusModule")

    return TrialSnapshot(
        nct_id=nct_id,
        complete=complete,
        acronym=r.text(ident, "acronym", f"{p}.identificationModule"),
        brief_title=r.text(ident, "briefTitle", f"{p}.identificationModule"),
        overall_status=status_text.upper() if status_text else status_text,
        why_stopped=r.text(status, "whyStopped", f"{p}.statusModule"),
        phases=r.text_list(design, "phases", f"{p}.designModule"),
        start_date=r.date(status, "startDateStruct", f"{p}.statusModule"),
        primary_completion_date=r.date(status, "primaryCompletionDateStruct", f"{p}.statusModule"),
        completion_date=r.date(status, "completionDateStruct", f"{p}.statusModule"),
        enrollment=_enrollment(r, design),
        arms=_arms(r, r.module(protocol, "armsInterventionsModule")),
        interventions=_interventions(r, r.module(protocol, "armsInterventionsModule")),
        primary_outcomes=_outcomes(r, r.module(protocol, "outcomesModule"), "primaryOutcomes"),
        secondary_outcomes=_outcomes(r, r.module(protocol, "outcomesModule"), "secondaryOutcomes"),
        conditions=r.text_list(r.module(protocol, "conditionsModule"), "conditions", f"{p}.conditionsModule"),
        lead_sponsor=(
            r.text(lead, "name", f"{p}.sponsorCollaboratorsModule.leadSponsor")
            if isinstance(lead, Mapping)
            else ("" if complete else None)
        ),
        collaborators=None if collaborators is None else _names(collaborators, "collaborators"),
        **_locations(r, r.module(protocol, "contactsLocationsModule")),
        has_results=has_results_raw,
        results_first_posted=None if results_posted is None else results_posted.date,
        last_update_posted=None if last_update is None else last_update.date,
    )


def _enrollment(r: _Reader, design: Mapping[str, Any] | None) -> EnrollmentValue | None:
    raw = r.raw(design, "enrollmentInfo")
    if raw is _Missing:
        return EnrollmentValue() if r.complete else None
    if not isinstance(raw, Mapping):
        raise PayloadError("protocolSection.designModule.enrollmentInfo is not an object")
    count, kind = raw.get("count"), raw.get("type", "")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
        raise PayloadError("protocolSection.designModule.enrollmentInfo.count is not an integer")
    if not isinstance(kind, str):
        raise PayloadError("protocolSection.designModule.enrollmentInfo.type is not a string")
    return EnrollmentValue(count=count, type=kind.strip().upper())


def _names(items: list[Mapping[str, Any]], path: str) -> tuple[str, ...]:
    names: set[str] = set()
    for item in items:
        name = item.get("name")
        if not isinstance(name, str):
            raise PayloadError(f"{path}: an entry has no name string")
        names.add(normalize_text(name))
    return tuple(sorted(names - {""}))


def _arms(r: _Reader, module: Mapping[str, Any] | None) -> tuple[Arm, ...] | None:
    path = "protocolSection.armsInterventionsModule.armGroups"
    items = r.objects(module, "armGroups", "protocolSection.armsInterventionsModule")
    if items is None:
        return None
    arms = {
        Arm(
            label=r.text(item, "label", path) or "",
            type=_upper(r.text(item, "type", path)),
            intervention_names=r.text_list(item, "interventionNames", path),
        )
        for item in items
    }
    return tuple(sorted(arms, key=_model_sort_key))


def _interventions(r: _Reader, module: Mapping[str, Any] | None) -> tuple[Intervention, ...] | None:
    path = "protocolSection.armsInterventionsModule.interventions"
    items = r.objects(module, "interventions", "protocolSection.armsInterventionsModule")
    if items is None:
        return None
    found = {
        Intervention(
            name=r.text(item, "name", path) or "",
            type=_upper(r.text(item, "type", path)),
            other_names=r.text_list(item, "otherNames", path),
        )
        for item in items
    }
    return tuple(sorted(found, key=_model_sort_key))


def _outcomes(r: _Reader, module: Mapping[str, Any] | None, key: str) -> tuple[Outcome, ...] | None:
    path = f"protocolSection.outcomesModule.{key}"
    items = r.objects(module, key, "protocolSection.outcomesModule")
    if items is None:
        return None
    found = {
        Outcome(measure=r.text(item, "measure", path) or "", time_frame=r.text(item, "timeFrame", path))
        for item in items
    }
    return tuple(sorted(found, key=_model_sort_key))


def _locations(r: _Reader, module: Mapping[str, Any] | None) -> dict[str, Any]:
    items = r.objects(module, "locations", "protocolSection.contactsLocationsModule")
    if items is None:
        return {"locations_count": None, "countries": None}
    countries: set[str] = set()
    carried = r.complete
    for item in items:
        country = item.get("country")
        if country is None:
            continue
        if not isinstance(country, str):
            raise PayloadError("protocolSection.contactsLocationsModule.locations: country is not a string")
        carried = True
        countries.add(normalize_text(country))
    return {
        "locations_count": len(items),
        "countries": tuple(sorted(countries - {""})) if carried else None,
    }


def _upper(value: str | None) -> str | None:
    return value.upper() if value else value


def _model_sort_key(model: BaseModel) -> tuple[str, str]:
    """Sort by the identifying first field (label, name, measure), then by everything else."""
    first = next(iter(type(model).model_fields))
    return str(getattr(model, first)), model.model_dump_json()


# ----------------------------------------------------------------------------------------------------
# Diff
# ----------------------------------------------------------------------------------------------------

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


def _study_label(nct_id: str, acronym: str | None) -> str:
    return f"{acronym} ({nct_id})" if acronym else nct_id


def _readable_enum(value: str | None) -> str:
    if not value:
        return "(none)"
    return value.replace("_", " ").capitalize()


def status_label(status: str | None) -> str:
    """ "ACTIVE_NOT_RECRUITING" -> "Active, not recruiting"."""
    if not status:
        return "(none)"
    return STATUS_LABELS.get(status, _readable_enum(status))


def _clip(text: str | None, limit: int = _MAX_VALUE_CHARS) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Ctx:
    """What every change of one diff shares: the study label and the change factory."""

    def __init__(self, nct_id: str, acronym: str) -> None:
        self.nct_id = nct_id
        self.acronym = acronym
        self.label = _study_label(nct_id, acronym)

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
            old=None if old is None else _clip(old),
            new=None if new is None else _clip(new),
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


def vanished_change(old: TrialSnapshot, *, acronym: str | None = None) -> TrialChange:
    """A study that the registry search stopped returning (a low `trial_update`).

    The caller decides when to call this: search results page, rank and change with the query, so a study
    missing from one search is confirmed with a direct `GET /api/v2/studies/{id}` (404 or a record that no
    longer matches) before the change is stored and alerted, and it is alerted once (the caller marks the
    stored snapshot as vanished).
    """
    ctx = _Ctx(old.nct_id, acronym or old.acronym or "")
    last = f" (last status {status_label(old.overall_status)})" if old.overall_status else ""
    return ctx.change(
        "registry_search",
        "listed",
        "not returned",
        f"no longer returned by the registry search{last}",
    )


def _registered(ctx: _Ctx, new: TrialSnapshot) -> TrialChange:
    details = [status_label(new.overall_status)] if new.overall_status else []
    if new.phases:
        details.append(_show_phases(new.phases))
    title = f": {_clip(new.brief_title, 100)}" if new.brief_title else ""
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
    reason = f" (why stopped: {_clip(why, 100)})" if why else ""
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
            f"why stopped now: {_clip(new.why_stopped, 120)}",
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

_M = TypeVar("_M", bound=_Item)


def _common_fields(items: Iterable[BaseModel], model: type[BaseModel]) -> tuple[str, ...]:
    """Sub-fields every item carries (a trimmed document leaves some None): only those are compared."""
    fields = list(model.model_fields)
    seen = list(items)
    return tuple(f for f in fields if all(getattr(i, f) is not None for i in seen))


def _project(item: BaseModel, fields: Sequence[str]) -> tuple[object, ...]:
    return tuple(getattr(item, f) for f in fields)


def _join(items: Sequence[str], sign: str, *, clip: bool = True) -> list[str]:
    shown = [f"{sign}{_clip(i, _MAX_ITEM_CHARS) if clip else i}" for i in items[:_MAX_LIST_ITEMS]]
    if len(items) > _MAX_LIST_ITEMS:
        shown.append(f"{sign}{len(items) - _MAX_LIST_ITEMS} more")
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


def _item_delta(old: _Item, new: _Item, fields: Sequence[str]) -> str:
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
                f"{words} {_clip(str(before or '(none)'), 40)} -> {_clip(str(after or '(none)'), 40)}"
            )
    identity = _clip(str(getattr(new, fields[0])), _MAX_ITEM_CHARS)
    return f"{identity} ({'; '.join(notes)})" if notes else identity


def _detail_items(items: Sequence[_Item]) -> str:
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
    return "/".join(_PHASE_LABELS.get(p, _readable_enum(p)) for p in phases) or "(none)"


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
        text = f"{words} {_clip(old, 80) or '(none)'} -> {_clip(new, 80) or '(none)'}"
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

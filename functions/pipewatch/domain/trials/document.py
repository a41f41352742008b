"""ClinicalTrials.gov API v2 study document -> `TrialSnapshot` (complete vs trimmed: see model.py).

A module the document does not carry is unknown, never empty, even in a complete document: a record that
comes back without its statusModule (a partial registry answer) says nothing about the status, so it must
not read as "status -> (none)". The price: a study whose optional module (locations, outcomes) appears for
the first time reports no change for it (the first sites come with a status change, which is reported).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from pipewatch.domain.text import registry_text as normalize_text
from pipewatch.domain.trials.model import (
    NCT_RE,
    Arm,
    DateValue,
    EnrollmentValue,
    Intervention,
    Outcome,
    TrialSnapshot,
)
from pipewatch.errors import PayloadError

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

    def absent(self, obj: Mapping[str, Any] | None) -> bool:
        """Inside an object the document carries, a missing key of a complete document means empty; a
        missing object (a module left out) means unknown."""
        return obj is None or not self.complete

    def text(self, obj: Mapping[str, Any] | None, key: str, path: str) -> str | None:
        raw = self.raw(obj, key)
        if raw is _Missing:
            return None if self.absent(obj) else ""
        if not isinstance(raw, str):
            raise PayloadError(f"{path}.{key} is {type(raw).__name__}, expected a string")
        return normalize_text(raw)

    def text_list(self, obj: Mapping[str, Any] | None, key: str, path: str) -> tuple[str, ...] | None:
        raw = self.raw(obj, key)
        if raw is _Missing:
            return None if self.absent(obj) else ()
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise PayloadError(f"{path}.{key} is not a list of strings")
        return tuple(sorted({normalize_text(x) for x in raw} - {""}))

    def objects(self, obj: Mapping[str, Any] | None, key: str, path: str) -> list[Mapping[str, Any]] | None:
        raw = self.raw(obj, key)
        if raw is _Missing:
            return None if self.absent(obj) else []
        if not isinstance(raw, list) or not all(isinstance(x, Mapping) for x in raw):
            raise PayloadError(f"{path}.{key} is not a list of objects")
        return raw

    def date(self, obj: Mapping[str, Any] | None, key: str, path: str) -> DateValue | None:
        raw = self.raw(obj, key)
        if raw is _Missing:
            return None if self.absent(obj) else DateValue()
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
    if not NCT_RE.match(nct):
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
            else (None if r.absent(sponsors) else "")
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
        return None if r.absent(design) else EnrollmentValue()
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

"""Trial snapshots and field-by-field diffs (issue 4) on real API v2 study documents and one-field edits.

Every document here is a real recording copied into tests/fixtures/ctgov/ (see its README.md); edits are made
in the test by `edited(...)`, one key at a time, so each test says exactly what changed.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipewatch.domain.models import TrialChange
from pipewatch.domain.text import registry_text as normalize_text
from pipewatch.domain.trials import diff as trials_diff
from pipewatch.domain.trials import document as trials_document
from pipewatch.domain.trials import model as trials_model
from pipewatch.domain.trials.diff import date_shift, diff_snapshots, vanished_change
from pipewatch.domain.trials.document import snapshot_from_study
from pipewatch.domain.trials.model import TrialSnapshot
from pipewatch.errors import PayloadError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"
ACTT = "v2_study_NCT04280705_full_2026-08-20_hkm30.json"  # phase 3, results, 60 sites, compact wire JSON
ACTT_TRIMMED = "v2_study_NCT04280705_fields_2026-08-20_hkm30.json"
ECOG = "v2_study_NCT06171568_versionHolder-2023-12-14_aact.json"  # no results, ESTIMATED dates, acronym ECOG
CZP_A = "v2_study_NCT02552212_versionHolder-2023-12-12_aact.json"  # phase 3, partial dates "2015-09"
CZP_B = "v2_study_NCT02552212_versionHolder-2024-01-03_aact.json"
V1 = "v1_classic_fullstudies_element_NCT05594173_2022-11-22_aact.json"
SEARCH = "v2_search_imatinib_leukemia_pageSize1_page1_2026-08-20_hkm30.json"

DELETE = object()


@cache
def _raw(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def load(name: str) -> Any:
    return json.loads(_raw(name))


def edited(name: str, *edits: tuple[tuple[str | int, ...], object]) -> dict[str, Any]:
    """The real document `name` with each (path, value) applied; DELETE removes the key, a callable maps."""
    doc = copy.deepcopy(load(name))
    for path, value in edits:
        node = doc
        for key in path[:-1]:
            node = node[key]
        last = path[-1]
        if value is DELETE:
            del node[last]
        elif callable(value):
            node[last] = value(copy.deepcopy(node[last]))
        else:
            node[last] = value
    return doc


def snap(doc_or_name: dict[str, Any] | str) -> TrialSnapshot:
    return snapshot_from_study(load(doc_or_name) if isinstance(doc_or_name, str) else doc_or_name)


def diff_docs(old: dict[str, Any] | str, new: dict[str, Any] | str, **kw: Any) -> list[TrialChange]:
    return diff_snapshots(snap(old), snap(new), **kw)


def only(changes: list[TrialChange]) -> TrialChange:
    assert len(changes) == 1, [c.summary for c in changes]
    return changes[0]


P = "protocolSection"
STATUS = (P, "statusModule")
DESIGN = (P, "designModule")
ARMS = (P, "armsInterventionsModule")
OUTCOMES = (P, "outcomesModule")
SPONSORS = (P, "sponsorCollaboratorsModule")
LOCS = (P, "contactsLocationsModule", "locations")


# ---- snapshot ------------------------------------------------------------------------------------


def test_snapshot_of_a_full_real_document_carries_every_field() -> None:
    s = snap(ACTT)
    assert s.nct_id == "NCT04280705"
    assert s.complete is True
    assert s.acronym == ""  # carried-empty: the record has no acronym
    assert s.brief_title == "Adaptive COVID-19 Treatment Trial (ACTT)"
    assert s.overall_status == "COMPLETED"
    assert s.why_stopped == ""
    assert s.phases == ("PHASE3",)
    assert s.start_date is not None and (s.start_date.date, s.start_date.type) == ("2020-02-21", "ACTUAL")
    assert s.primary_completion_date is not None and s.primary_completion_date.date == "2020-05-21"
    assert s.completion_date is not None and s.completion_date.type == "ACTUAL"
    assert s.enrollment is not None and (s.enrollment.count, s.enrollment.type) == (1062, "ACTUAL")
    assert s.arms is not None and [a.label for a in s.arms] == ["Placebo", "Remdesivir"]
    assert s.arms[1].intervention_names == ("Drug: Remdesivir",)
    assert s.interventions is not None and [(i.type, i.name) for i in s.interventions] == [
        ("OTHER", "Placebo"),
        ("DRUG", "Remdesivir"),
    ]
    assert s.primary_outcomes is not None and "Time to Recovery" in [o.measure for o in s.primary_outcomes]
    assert s.secondary_outcomes is not None and len(s.secondary_outcomes) > 10
    assert s.conditions == ("COVID-19",)
    assert s.lead_sponsor == "National Institute of Allergy and Infectious Diseases (NIAID)"
    assert s.collaborators == ()
    assert s.locations_count == 60
    assert s.countries is not None and list(s.countries) == sorted(set(s.countries))
    assert "United States" in s.countries and "Japan" in s.countries
    assert s.has_results is True
    assert s.results_first_posted == "2020-09-25"
    assert s.last_update_posted == "2022-03-14"
    assert s.is_phase3


def test_snapshot_keeps_estimated_types_other_names_collaborators_and_partial_dates() -> None:
    ecog = snap(ECOG)
    assert ecog.acronym == "ECOG" and ecog.label == "ECOG (NCT06171568)"
    assert ecog.start_date is not None and ecog.start_date.type == "ESTIMATED"
    assert ecog.enrollment is not None and (ecog.enrollment.count, ecog.enrollment.type) == (400, "ESTIMATED")
    assert ecog.has_results is False and ecog.results_first_posted == ""
    assert ecog.collaborators == ("Clinical Research Unit Saint Louis Lariboisière", "SBT Human(s) Matter")
    assert ecog.phases == ()  # observational: phases absent in a complete document means none
    czp = snap(CZP_A)
    assert czp.start_date is not None and czp.start_date.date == "2015-09"  # partial date kept as given
    assert czp.interventions is not None
    assert czp.interventions[0].other_names == ("CDP870", "Cimzia")


def test_snapshot_is_json_serialisable_and_round_trips() -> None:
    for name in (ACTT, ECOG, CZP_A, ACTT_TRIMMED):
        s = snap(name)
        as_json = json.dumps(s.model_dump(mode="json"))
        assert TrialSnapshot.model_validate(json.loads(as_json)) == s
        assert TrialSnapshot.model_validate_json(s.model_dump_json()) == s
        assert "Decimal" not in as_json and "NaN" not in as_json


def test_snapshot_is_frozen() -> None:
    s = snap(ECOG)
    with pytest.raises(ValueError):
        s.overall_status = "RECRUITING"  # type: ignore[misc]


def test_trimmed_document_carries_only_what_it_has() -> None:
    s = snap(ACTT_TRIMMED)
    assert s.complete is False
    assert s.overall_status == "COMPLETED" and s.phases == ("PHASE3",)
    assert s.interventions is not None and [i.name for i in s.interventions] == ["Placebo", "Remdesivir"]
    assert s.interventions[0].type is None and s.interventions[0].other_names is None
    for unknown in (
        "acronym",
        "start_date",
        "enrollment",
        "arms",
        "conditions",
        "collaborators",
        "has_results",
    ):
        assert getattr(s, unknown) is None, unknown
    assert s.locations_count is None and s.countries is None


def test_missing_is_not_empty_full_vs_trimmed_reports_nothing_either_way() -> None:
    assert diff_docs(ACTT, ACTT_TRIMMED) == []
    assert diff_docs(ACTT_TRIMMED, ACTT) == []


def test_trimmed_document_still_reports_what_it_carries() -> None:
    new = edited(ACTT_TRIMMED, ((*STATUS, "overallStatus"), "SUSPENDED"))
    change = only(diff_docs(ACTT, new))
    assert (change.field, change.severity) == ("overall_status", "high")
    more = edited(ACTT_TRIMMED, ((*ARMS, "interventions"), lambda xs: [*xs, {"name": "Baricitinib"}]))
    assert only(diff_docs(ACTT, more)).summary == "NCT04280705: interventions +Baricitinib"


def test_a_key_dropped_from_a_trimmed_document_is_not_a_removal() -> None:
    # Same record trimmed differently: no hasResults/derivedSection, so absent keys are unknown.
    trimmed = edited(
        ECOG, (("hasResults",), DELETE), (("derivedSection",), DELETE), ((*SPONSORS, "collaborators"), DELETE)
    )
    assert diff_docs(ECOG, trimmed) == []
    # ...whereas in a complete document an absent key means the registry has nothing there any more.
    full = edited(ECOG, ((*SPONSORS, "collaborators"), DELETE))
    change = only(diff_docs(ECOG, full))
    assert change.field == "collaborators"
    assert change.summary == (
        "ECOG (NCT06171568): collaborators"
        " -Clinical Research Unit Saint Louis Lariboisière, -SBT Human(s) Matter"
    )


# ---- rejection -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (load(V1), "API v1"),
        (load(SEARCH), "search envelope"),
        ([load(ECOG)], "JSON list"),
        ("NCT06171568", "JSON str"),
        (None, "JSON NoneType"),
        ({"foo": 1}, "no protocolSection"),
        ({}, "no protocolSection"),
        ({"protocolSection": []}, "protocolSection is not an object"),
        ({"protocolSection": {"statusModule": {"overallStatus": "RECRUITING"}}}, "nctId is missing"),
        ({"protocolSection": {"identificationModule": {"nctId": "ABC123"}}}, "not an NCT number"),
        ({"FullStudiesResponse": {"FullStudies": []}}, "API v1"),
    ],
)
def test_not_a_study_document_is_a_payload_error(document: object, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        snapshot_from_study(document)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ((*STATUS, "overallStatus"), 3, "overallStatus is int"),
        ((*DESIGN, "enrollmentInfo", "count"), "400", "count is not an integer"),
        ((*DESIGN, "enrollmentInfo", "count"), True, "count is not an integer"),
        ((*STATUS, "startDateStruct"), "2024-02-01", "startDateStruct is str"),
        ((P, "conditionsModule", "conditions"), "Brain Injuries", "not a list of strings"),
        ((*ARMS, "interventions"), [1, 2], "not a list of objects"),
        ((P, "outcomesModule"), [], "outcomesModule is list"),
        (("hasResults",), "false", "hasResults is not a boolean"),
    ],
)
def test_wrongly_typed_values_are_payload_errors(path: tuple[str, ...], value: object, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        snap(edited(ECOG, (path, value)))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(junk=_json, where=st.sampled_from(["statusModule", "designModule", "armsInterventionsModule", "root"]))
def test_arbitrary_json_gives_a_snapshot_or_a_payload_error(junk: object, where: str) -> None:
    if where == "root":
        doc: object = junk
    else:
        doc = {"protocolSection": {"identificationModule": {"nctId": "NCT06171568"}, where: junk}}
    with contextlib.suppress(PayloadError):
        snapshot_from_study(doc)


# ---- no change -----------------------------------------------------------------------------------


def test_same_document_no_change() -> None:
    for name in (ACTT, ECOG, CZP_A):
        assert diff_docs(name, name) == []


def test_real_pair_differing_only_in_derived_section_is_no_change() -> None:
    assert load(CZP_A) != load(CZP_B)
    assert snap(CZP_A) == snap(CZP_B)
    assert diff_docs(CZP_A, CZP_B) == []


def test_reformatted_only_record_is_no_change() -> None:
    reformatted = "derived_NCT06171568_reformatted_only.json"
    assert load(reformatted) != load(ECOG)
    assert snap(reformatted) == snap(ECOG)
    assert diff_docs(ECOG, reformatted) == []
    assert diff_docs(reformatted, ECOG) == []


def test_list_order_is_not_content() -> None:
    reverse: Callable[[list[Any]], list[Any]] = lambda xs: list(reversed(xs))  # noqa: E731
    shuffled = edited(
        ACTT,
        (LOCS, reverse),
        ((*ARMS, "armGroups"), reverse),
        ((*ARMS, "interventions"), reverse),
        ((*OUTCOMES, "primaryOutcomes"), reverse),
        ((*OUTCOMES, "secondaryOutcomes"), reverse),
    )
    assert diff_docs(ACTT, shuffled) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ((*STATUS, "lastUpdatePostDateStruct", "date"), "2026-01-05"),  # moves on every edit; not itself news
        ((P, "descriptionModule", "briefSummary"), "A new summary."),  # not a tracked field
        ((P, "eligibilityModule", "minimumAge"), "16 Years"),
        (("derivedSection", "miscInfoModule", "versionHolder"), "2026-01-01"),
    ],
)
def test_untracked_fields_are_no_change(path: tuple[str, ...], value: object) -> None:
    assert diff_docs(ECOG, edited(ECOG, (path, value))) == []


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("Lariboisi&egrave;re", "Lariboisière"),
        ("&amp;amp; x", "& x"),
        ("<p>Hello <b>world</b></p>", "Hello world"),
        ("line one<br/>line two", "line one line two"),
        ("a\u00a0\u00a0b \n\t c\u200b", "a b c"),
        ("\\> 18 years, \\(SF-36\\)", "> 18 years, (SF-36)"),
        ("**Bold** and __strong__", "Bold and strong"),
    ],
)
def test_normalize_text(text: str, same_as: str) -> None:
    assert normalize_text(text) == same_as


def test_given_nested_escapes_then_normalize_text_settles_in_one_call() -> None:
    # Found by hypothesis: one pass turned an escaped backslash + "<" into a new escape.
    assert normalize_text("\\\\<") == "<"
    assert normalize_text("&amp;amp;lt;b&amp;amp;gt;x") == "x"


@given(st.text())
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


# ---- one change per field ------------------------------------------------------------------------

E = "ECOG (NCT06171568): "
A = "NCT04280705: "

FIELD_CASES: list[tuple[str, str, tuple[tuple[tuple[str | int, ...], object], ...], str, str, str, str]] = [
    # (id, base, edits, field, event_type, severity, summary)
    (
        "status",
        ECOG,
        (((*STATUS, "overallStatus"), "RECRUITING"),),
        "overall_status",
        "trial_status",
        "medium",
        E + "status Not yet recruiting -> Recruiting",
    ),
    (
        "why_stopped",
        ECOG,
        (((*STATUS, "whyStopped"), "Sponsor decision"),),
        "why_stopped",
        "trial_update",
        "low",
        E + "why stopped now: Sponsor decision",
    ),
    (
        "start_date",
        ECOG,
        (((*STATUS, "startDateStruct", "date"), "2024-04-15"),),
        "start_date",
        "trial_update",
        "low",
        E + "start 2024-02-01 -> 2024-04-15 (+74 days, ~2 months)",
    ),
    (
        "primary_completion_small_slip",
        ECOG,
        (((*STATUS, "primaryCompletionDateStruct", "date"), "2025-03-01"),),
        "primary_completion_date",
        "trial_update",
        "low",
        E + "primary completion 2025-02-01 -> 2025-03-01 (+28 days)",
    ),
    (
        "completion_date",
        ECOG,
        (((*STATUS, "completionDateStruct", "date"), "2026-02"),),
        "completion_date",
        "trial_update",
        "low",
        E + "completion 2025-02-01 -> 2026-02 (+12 months)",
    ),
    (
        "enrollment",
        ECOG,
        (((*DESIGN, "enrollmentInfo", "count"), 450),),
        "enrollment",
        "trial_update",
        "low",
        E + "enrollment 400 -> 450 (ESTIMATED)",
    ),
    (
        "phases",
        ECOG,
        (((*DESIGN, "phases"), ["PHASE2", "PHASE3"]),),
        "phases",
        "trial_update",
        "low",
        E + "phase (none) -> Phase 2/Phase 3",
    ),
    (
        "arms_added",
        ACTT,
        (
            (
                (*ARMS, "armGroups"),
                lambda xs: [
                    *xs,
                    {
                        "label": "Baricitinib + Remdesivir",
                        "type": "EXPERIMENTAL",
                        "interventionNames": ["Drug: Baricitinib"],
                    },
                ],
            ),
        ),
        "arms",
        "trial_update",
        "low",
        A + "arms +Baricitinib + Remdesivir (Experimental)",
    ),
    (
        "arms_changed",
        ACTT,
        (((*ARMS, "armGroups", 1, "interventionNames"), ["Drug: Remdesivir", "Drug: Baricitinib"]),),
        "arms",
        "trial_update",
        "low",
        A + "arms ~Remdesivir (interventions +Drug: Baricitinib)",
    ),
    (
        "interventions_removed",
        ACTT,
        (((*ARMS, "interventions"), lambda xs: xs[:1]),),
        "interventions",
        "trial_update",
        "low",
        A + "interventions -Drug: Remdesivir",
    ),
    (
        "intervention_other_names",
        ACTT,
        (((*ARMS, "interventions", 1, "otherNames"), ["GS-5734", "Veklury"]),),
        "interventions",
        "trial_update",
        "low",
        A + "interventions ~Remdesivir (other names +GS-5734 +Veklury)",
    ),
    (
        "primary_outcomes",
        ECOG,
        (((*OUTCOMES, "primaryOutcomes", 0, "timeFrame"), "2 years"),),
        "primary_outcomes",
        "trial_update",
        "low",
        E + "primary outcomes ~Evaluation of the functional.. (time frame 1 year -> 2 years)",
    ),
    (
        "secondary_outcomes",
        ECOG,
        (
            (
                (*OUTCOMES, "secondaryOutcomes"),
                lambda xs: [*xs, {"measure": "Return to work", "timeFrame": "1 year"}],
            ),
        ),
        "secondary_outcomes",
        "trial_update",
        "low",
        E + "secondary outcomes +Return to work (1 year)",
    ),
    (
        "conditions",
        ECOG,
        (((P, "conditionsModule", "conditions"), ["Brain Injuries", "Stroke"]),),
        "conditions",
        "trial_update",
        "low",
        E + "conditions +Stroke",
    ),
    (
        "lead_sponsor",
        ECOG,
        (((*SPONSORS, "leadSponsor", "name"), "Sorbonne Université"),),
        "lead_sponsor",
        "trial_update",
        "low",
        E + "lead sponsor Assistance Publique - Hôpitaux de Paris -> Sorbonne Université",
    ),
    (
        "collaborators",
        ECOG,
        (((*SPONSORS, "collaborators"), lambda xs: [*xs[1:], {"name": "argenx", "class": "INDUSTRY"}]),),
        "collaborators",
        "trial_update",
        "low",
        E + "collaborators +argenx, -SBT Human(s) Matter",
    ),
    (
        "locations",
        ECOG,
        (
            (
                LOCS,
                lambda xs: [
                    *xs,
                    {"facility": "Tokyo site", "city": "Tokyo", "country": "Japan"},
                    {"city": "Lyon", "country": "France"},
                ],
            ),
        ),
        "locations",
        "trial_update",
        "low",
        E + "locations 1 -> 3 sites, countries +Japan",
    ),
    (
        "acronym",
        ECOG,
        (((P, "identificationModule", "acronym"), "ECOG-2"),),
        "acronym",
        "trial_update",
        "low",
        "ECOG-2 (NCT06171568): acronym ECOG -> ECOG-2",
    ),
    (
        "brief_title",
        ECOG,
        (((P, "identificationModule", "briefTitle"), "Lariboisière Cognitive Assessment"),),
        "brief_title",
        "trial_update",
        "low",
        E + "title Lariboisière Cognitive Assessment: Evaluation of the 1-year Outcomes"
        " -> Lariboisière Cognitive Assessment",
    ),
]


@pytest.mark.parametrize(
    ("base", "edits", "field", "event_type", "severity", "summary"),
    [c[1:] for c in FIELD_CASES],
    ids=[c[0] for c in FIELD_CASES],
)
def test_each_field_change(
    base: str,
    edits: tuple[tuple[tuple[str | int, ...], object], ...],
    field: str,
    event_type: str,
    severity: str,
    summary: str,
) -> None:
    change = only(diff_docs(base, edited(base, *edits)))
    assert (change.field, change.event_type, change.severity) == (field, event_type, severity)
    assert change.summary == summary
    assert change.nct_id == snap(base).nct_id
    assert change.old is not None and change.new is not None and change.old != change.new
    assert len(change.old) <= 200 and len(change.new) <= 200


def test_every_snapshot_field_has_a_change_case() -> None:
    covered = {c[3] for c in FIELD_CASES} | {"results", "countries", "locations_count"}
    bookkeeping = {
        "nct_id",
        "complete",
        "has_results",
        "results_first_posted",
        "last_update_posted",
        "trimmed",
        "vanished",  # set by the vanished-record path, never diffed (test_ctgov_vanished.py)
    }
    assert set(TrialSnapshot.model_fields) - bookkeeping - covered == set()


# ---- status severity -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["TERMINATED", "SUSPENDED", "WITHDRAWN"])
def test_stop_statuses_are_high(status: str) -> None:
    change = only(diff_docs(ECOG, edited(ECOG, ((*STATUS, "overallStatus"), status))))
    assert (change.event_type, change.severity) == ("trial_status", "high")


def test_readable_status_in_summary_raw_status_in_old_new() -> None:
    old = edited(ECOG, ((*STATUS, "overallStatus"), "RECRUITING"))
    new = edited(ECOG, ((*STATUS, "overallStatus"), "ACTIVE_NOT_RECRUITING"))
    change = only(diff_docs(old, new, acronym="VALOR"))
    assert change.summary == "VALOR (NCT06171568): status Recruiting -> Active, not recruiting"
    assert (change.old, change.new, change.acronym) == ("RECRUITING", "ACTIVE_NOT_RECRUITING", "VALOR")


def test_futility_stop_is_high_trial_status() -> None:
    new = edited(
        ECOG,
        ((*STATUS, "overallStatus"), "COMPLETED"),
        ((*STATUS, "whyStopped"), "Stopped early for futility at the interim analysis"),
    )
    change = only(diff_docs(ECOG, new))
    assert (change.event_type, change.severity) == ("trial_status", "high")
    assert "why stopped: Stopped early for futility" in change.summary


def test_safety_stop_is_safety_high() -> None:
    new = edited(
        ECOG,
        ((*STATUS, "overallStatus"), "TERMINATED"),
        ((*STATUS, "whyStopped"), "Terminated due to safety concerns (hepatotoxicity)"),
    )
    change = only(diff_docs(ECOG, new))
    assert (change.field, change.event_type, change.severity) == ("overall_status", "safety", "high")
    assert change.summary == (
        E + "status Not yet recruiting -> Terminated"
        " (why stopped: Terminated due to safety concerns (hepatotoxicity))"
    )


def test_negated_safety_is_not_a_safety_event() -> None:
    new = edited(
        ECOG,
        ((*STATUS, "overallStatus"), "TERMINATED"),
        ((*STATUS, "whyStopped"), "Business decision; not due to any safety concerns"),
    )
    change = only(diff_docs(ECOG, new))
    assert (change.event_type, change.severity) == ("trial_status", "high")


def test_why_stopped_alone_turning_to_safety_is_safety() -> None:
    old = edited(ECOG, ((*STATUS, "overallStatus"), "SUSPENDED"), ((*STATUS, "whyStopped"), "Drug supply"))
    new = edited(
        ECOG, ((*STATUS, "overallStatus"), "SUSPENDED"), ((*STATUS, "whyStopped"), "Serious adverse events")
    )
    change = only(diff_docs(old, new))
    assert (change.field, change.event_type, change.severity) == ("why_stopped", "safety", "high")


# ---- results -------------------------------------------------------------------------------------


def test_results_posted_phase3_is_high() -> None:
    before = edited(ACTT, ((*STATUS, "resultsFirstPostDateStruct"), DELETE), (("hasResults",), False))
    change = only(diff_docs(before, ACTT))
    assert (change.field, change.event_type, change.severity) == ("results", "results", "high")
    assert change.summary == A + "results posted on ClinicalTrials.gov (phase 3) (first posted 2020-09-25)"
    assert change.new == "2020-09-25"


def test_results_posted_non_phase3_is_medium() -> None:
    after = edited(
        ECOG,
        ((*STATUS, "resultsFirstPostDateStruct"), {"date": "2026-03-02", "type": "ACTUAL"}),
        (("hasResults",), True),
    )
    change = only(diff_docs(ECOG, after))
    assert (change.event_type, change.severity) == ("results", "medium")


def test_has_results_flip_alone_is_results() -> None:
    change = only(diff_docs(ECOG, edited(ECOG, (("hasResults",), True))))
    assert (change.field, change.event_type) == ("results", "results")


def test_results_date_appearing_alone_is_results() -> None:
    after = edited(ECOG, ((*STATUS, "resultsFirstPostDateStruct"), {"date": "2026-03", "type": "ACTUAL"}))
    assert only(diff_docs(ECOG, after)).event_type == "results"


# ---- dates ---------------------------------------------------------------------------------------


def _pcd(date: str, kind: str = "ESTIMATED") -> dict[str, Any]:
    return edited(ECOG, ((*STATUS, "primaryCompletionDateStruct"), {"date": date, "type": kind}))


def test_partial_dates_and_the_issue_example() -> None:
    change = only(diff_docs(_pcd("2026-06"), _pcd("2027-01"), acronym="ALKIVIA"))
    assert change.summary == "ALKIVIA (NCT06171568): primary completion 2026-06 -> 2027-01 (+7 months)"
    assert (change.old, change.new) == ("2026-06 ESTIMATED", "2027-01 ESTIMATED")
    assert (change.event_type, change.severity) == ("trial_update", "medium")


@pytest.mark.parametrize(
    ("old", "new", "severity"),
    [
        ("2025-02-01", "2025-05-01", "low"),  # 89 days
        ("2025-02-01", "2025-05-02", "low"),  # 90 days: not more than 90
        ("2025-02-01", "2025-05-03", "medium"),  # 91 days
        ("2026-06", "2026-08", "low"),  # 61 days
        ("2026-06", "2026-09", "medium"),  # 92 days (months anchored on day 1)
        ("2026-06", "2026-03", "low"),  # pulled in: never a slip
        ("2026", "2027", "medium"),
    ],
)
def test_primary_completion_slip_over_90_days_is_medium(old: str, new: str, severity: str) -> None:
    assert only(diff_docs(_pcd(old), _pcd(new))).severity == severity


def test_slip_rule_applies_only_to_primary_completion() -> None:
    new = edited(ECOG, ((*STATUS, "completionDateStruct", "date"), "2027-02-01"))
    assert only(diff_docs(ECOG, new)).severity == "low"


def test_date_type_change_same_date() -> None:
    change = only(diff_docs(_pcd("2026-06"), _pcd("2026-06", "ACTUAL")))
    assert change.summary == E + "primary completion 2026-06 now ACTUAL"
    assert (change.event_type, change.severity) == ("trial_update", "low")
    assert (change.old, change.new) == ("2026-06 ESTIMATED", "2026-06 ACTUAL")


def test_date_and_type_change_together() -> None:
    change = only(diff_docs(_pcd("2026-06"), _pcd("2026-05-20", "ACTUAL")))
    assert change.summary == E + "primary completion 2026-06 -> 2026-05-20 (-1 month, now ACTUAL)"


def test_date_appearing_and_disappearing() -> None:
    no_start = edited(ECOG, ((*STATUS, "startDateStruct"), DELETE))
    assert only(diff_docs(no_start, ECOG)).summary == E + "start (none) -> 2024-02-01 (ESTIMATED)"
    assert only(diff_docs(ECOG, no_start)).summary == E + "start 2024-02-01 -> (none)"


@pytest.mark.parametrize(
    ("old", "new", "text", "days"),
    [
        ("2026-06", "2027-01", "+7 months", 214),
        ("2026-06", "2026-06-30", "same month", 29),
        ("2026-06-15", "2026-06-20", "+5 days", 5),
        ("2026-09", "2026-06", "-3 months", -92),
        ("2026", "2028", "+2 years", 730),
        ("2025-02-01", "2025-09-01", "+212 days, ~7 months", 212),
    ],
)
def test_date_shift(old: str, new: str, text: str, days: int) -> None:
    assert date_shift(old, new) == (text, days)


@pytest.mark.parametrize(("old", "new"), [("2026-13", "2027-01"), ("June 2026", "2027-01"), ("", "2027")])
def test_unparsable_dates_still_report_the_change(old: str, new: str) -> None:
    assert date_shift(old, new) is None
    change = only(diff_docs(_pcd(old), _pcd(new)))
    assert change.severity == "low" and "->" in change.summary


def test_enrollment_type_change_same_count() -> None:
    new = edited(ECOG, ((*DESIGN, "enrollmentInfo", "type"), "ACTUAL"))
    change = only(diff_docs(ECOG, new))
    assert change.summary == E + "enrollment 400 now ACTUAL"
    assert (change.old, change.new) == ("400 ESTIMATED", "400 ACTUAL")


# ---- new, vanished -------------------------------------------------------------------------------


def test_no_old_snapshot_is_one_trial_start() -> None:
    change = only(diff_snapshots(None, snap(ECOG)))
    assert (change.field, change.event_type, change.severity) == ("study", "trial_start", "medium")
    assert change.summary.startswith(E + "new study registered: Lariboisière Cognitive Assessment")
    assert change.summary.endswith("(Not yet recruiting)")
    assert change.old is None
    phase3 = only(diff_snapshots(None, snap(CZP_A)))
    assert phase3.summary.endswith("(Completed; Phase 3)")


def test_vanished_study() -> None:
    change = vanished_change(snap(ECOG))
    assert (change.field, change.event_type, change.severity) == ("registry_search", "trial_update", "low")
    assert change.summary == E + "no longer returned by the registry search (last status Not yet recruiting)"
    assert (change.old, change.new) == ("listed", "not returned")
    assert vanished_change(snap(ECOG), acronym="X").summary.startswith("X (NCT06171568): ")


def test_diffing_different_studies_is_an_error() -> None:
    with pytest.raises(ValueError, match="different studies"):
        diff_docs(ECOG, ACTT)


# ---- determinism and naming ----------------------------------------------------------------------


def _many_edits() -> dict[str, Any]:
    return edited(
        ECOG,
        (LOCS, lambda xs: [*xs, {"city": "Osaka", "country": "Japan"}]),
        ((P, "identificationModule", "briefTitle"), "New title"),
        ((*SPONSORS, "collaborators"), lambda xs: [{"name": "argenx"}, *xs]),
        ((*DESIGN, "enrollmentInfo", "count"), 318),
        ((*STATUS, "primaryCompletionDateStruct", "date"), "2026-01"),
        ((*STATUS, "overallStatus"), "RECRUITING"),
        ((P, "conditionsModule", "conditions"), ["Dermatomyositis"]),
        (("hasResults",), True),
    )


def test_changes_come_in_a_fixed_order_and_are_deterministic() -> None:
    first = diff_docs(ECOG, _many_edits())
    assert [c.field for c in first] == [
        "overall_status",
        "results",
        "primary_completion_date",
        "enrollment",
        "conditions",
        "collaborators",
        "locations",
        "brief_title",
    ]
    for _ in range(3):
        assert diff_docs(ECOG, _many_edits()) == first
    assert [c.to_json_dict() for c in first] == [
        c.to_json_dict() for c in diff_docs(ECOG, json.loads(json.dumps(_many_edits())))
    ]


def test_every_change_names_the_study() -> None:
    for change in diff_docs(ECOG, _many_edits(), acronym="ALKIVIA"):
        assert change.nct_id == "NCT06171568" and change.acronym == "ALKIVIA"
        assert change.summary.startswith("ALKIVIA (NCT06171568): ")
    for change in diff_docs(ECOG, _many_edits()):
        assert change.summary.startswith(E)


def test_long_lists_are_summarised_for_sms() -> None:
    new = edited(
        ECOG, (LOCS, lambda xs: [*xs, *({"city": f"C{i}", "country": f"Country {i}"} for i in range(8))])
    )
    change = only(diff_docs(ECOG, new))
    assert change.summary == E + "locations 1 -> 9 sites, countries +Country 0 +Country 1 +Country 2 +5 more"
    assert len(change.summary) < 160


def test_domain_module_is_pure() -> None:
    for module in (trials_model, trials_document, trials_diff):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        for forbidden in ("import boto3", "import os", "urllib", "datetime.now", "time.time", "open("):
            assert forbidden not in source, forbidden

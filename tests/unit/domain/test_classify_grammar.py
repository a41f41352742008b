"""The headline's grammar beyond its cue words (issue 23): the drug as the object of a verb, a
company's stated plan as its decision, a participle that only modifies a noun, a negated harm, a dropped trial
procedure, a cut in the risk of hard outcomes, a summary that is a structured abstract. Every headline here is
hand-made, in the phrasing of the trade press, about the packaged watchlist's agents."""

from __future__ import annotations

import pytest

from pipewatch.config import load_classifier

CLASSIFIER = load_classifier()


def judged(title: str, summary: str = "") -> tuple[str | None, str | None]:
    out = CLASSIFIER.classify(title, summary)
    assert out.relevant, out.reasons
    return out.event_type, out.severity


@pytest.mark.parametrize(
    "title",
    [
        "Pfizer shuts down its lupus drug dazukibart",
        "Pfizer discontinues dazukibart",
        "Roivant halts brepocitinib",
        "Pfizer pulls the plug on dazukibart",
    ],
)
def test_a_stop_verb_with_the_drug_as_object_is_a_program_dropped(title: str) -> None:
    assert judged(title) == ("pipeline", "high")


@pytest.mark.parametrize(
    ("title", "event"),
    [
        (
            "Pfizer halts dazukibart trial in dermatomyositis",
            "trial_status",
        ),  # the trial stopped, not the drug
        ("Pfizer shuts down a plant that made dazukibart", "commentary"),
    ],
)
def test_the_same_verb_with_another_object_is_not_a_program_dropped(title: str, event: str) -> None:
    assert judged(title)[0] == event


def test_a_companys_stated_plan_to_drop_is_the_decision_but_speculation_is_not() -> None:
    assert judged("Pfizer plans to discontinue development of dazukibart") == ("pipeline", "high")
    assert judged("Pfizer will shut down its dazukibart program") == ("pipeline", "high")
    assert judged("Pfizer may scrap dazukibart, analysts say")[0] != "pipeline"
    assert judged("Pfizer mulls dropping dazukibart")[0] != "pipeline"


@pytest.mark.parametrize(
    "title",
    [
        "Supply of FDA-approved Vyvgart runs short in Europe",
        "argenx raises price of the approved efgartigimod dose",
    ],
)
def test_an_attributive_participle_approves_nothing(title: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.relevant
    assert not any(reason.startswith("event") and "approved" in reason for reason in out.reasons), out.reasons
    assert out.severity != "high"


@pytest.mark.parametrize(
    "title",
    [
        "FDA approves Vyvgart for CIDP",
        "Vyvgart approved in Japan for ITP",
        "Vyvgart becomes the first approved FcRn blocker for CIDP",
    ],
)
def test_a_participle_as_the_predicate_is_still_an_approval(title: str) -> None:
    assert judged(title) == ("regulatory", "high")


def test_production_of_a_drug_halted_is_a_program_decision() -> None:
    assert judged("Pfizer halts production of FDA-approved dazukibart") == ("pipeline", "high")


def test_a_denied_harm_is_still_a_safety_story_but_no_safety_signal_is_not() -> None:
    assert judged("Scientists say efgartigimod not linked to cancer") == ("safety", "high")
    assert judged("Efgartigimod phase 3 shows no safety signal")[0] == "results"


@pytest.mark.parametrize(
    "title",
    [
        "argenx scraps efgartigimod interim analysis",
        "Pfizer drops placebo arm from dazukibart trial",
        "Roivant skips the futility analysis of brepocitinib study",
    ],
)
def test_a_dropped_trial_procedure_is_a_trial_update_not_a_program_dropped(title: str) -> None:
    assert judged(title) == ("trial_update", "low")


@pytest.mark.parametrize(
    "title",
    [
        "Efgartigimod cuts risk of death by 20 percent",
        "Brepocitinib senkt Risiko für Herzinfarkte um 20 Prozent",
        "Le brepocitinib réduit le risque cardiovasculaire",
    ],
)
def test_a_cut_in_the_risk_of_hard_outcomes_is_a_high_severity_result(title: str) -> None:
    assert judged(title) == ("results", "high")


def test_a_smaller_effect_without_a_phase_stays_medium() -> None:
    assert judged("Efgartigimod cuts relapses in small study") == ("results", "medium")


def test_a_summary_opening_with_an_abstract_heading_is_a_publication() -> None:
    summary = "Background: Myasthenia gravis is an autoimmune disease. Methods: We randomised 167 patients."
    assert judged("Efgartigimod in generalised myasthenia gravis", summary)[0] == "publication"
    assert judged("Efgartigimod in generalised myasthenia gravis", "Background on the disease")[0] != (
        "publication"
    )


def test_a_stop_in_the_headline_with_a_regulators_hold_in_the_summary_is_safety() -> None:
    summary = "The agency has asked Pfizer to place a hold on three clinical trials of dazukibart."
    out = CLASSIFIER.classify("Dazukibart trials paused in Europe", summary)
    assert (out.event_type, out.severity) == ("safety", "high")
    assert any("in title, for" in reason for reason in out.reasons)


def test_a_stop_in_the_headline_with_a_business_reason_stays_a_status_change() -> None:
    summary = "Pfizer said the decision reflects a portfolio review and enrolment will close this month."
    assert judged("Dazukibart trials paused in Europe", summary)[0] == "trial_status"

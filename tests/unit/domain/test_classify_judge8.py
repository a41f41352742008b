"""Clause-level rules of application added in the judge8head pass (issue 23), found on the private pools'
first halves; every sentence here is hand-made for this test (not recorded; no third-party text).

A company's decision governs its headline over data named only in the reason clause after it (taxonomy
`governs`); a CJK approval whose clause names a trial plan before it, any number of words away, starts a trial
(taxonomy `cjk_clauses`). Kinds of phrasing from the judge8head pool's first half: a trial stopped written
as a noun (it/es/pt), trials wound down, an IND obtained (en/fr/es/pt), a partner sought for a drug, and a
lawsuit filed (litigation, not a filing)."""

from __future__ import annotations

import pytest

from pipewatch.config import load_classifier

CLASSIFIER = load_classifier()

CASES = [
    # (rule, language, hand-made title, event, severity)
    (
        "governs",
        "en",
        "Argenx deprioritizes efgartigimod in pemphigus months after upbeat midstage data",
        "pipeline",
        "high",
    ),
    ("governs", "en", "Argenx scraps efgartigimod program following phase 2 results", "pipeline", "high"),
    ("governs", "fr", "Argenx abandonne efgartigimod apres des resultats decevants", "pipeline", "high"),
    ("governs", "es", "Argenx abandona efgartigimod tras los resultados de fase 2", "pipeline", "high"),
    (
        "cjk_clauses",
        "ko",
        "아젠엑스는 efgartigimod 임상 2상시험 계획이 식품의약품안전처의 승인을 받았다고 밝혔다",
        "trial_start",
        "medium",
    ),
    (
        "cjk_clauses",
        "zh",
        "某公司efgartigimod的临床试验申请近日已经获得了国家药监局批准",
        "trial_start",
        "medium",
    ),
]


@pytest.mark.parametrize(("rule", "language", "title", "event", "severity"), CASES)
def test_hand_made_clause_rule(rule: str, language: str, title: str, event: str, severity: str) -> None:
    result = CLASSIFIER.classify(title)
    assert (result.event_type, result.severity) == (event, severity), (rule, language, result.reasons)


def test_data_before_the_decision_stay_the_news() -> None:
    # hand-made: the readout comes first, the decision follows it; the priority (results) still picks
    result = CLASSIFIER.classify("Efgartigimod phase 2 data disappoint; argenx drops the program")
    assert result.event_type == "results"


def test_data_that_are_the_decisions_object_are_not_a_reason_clause() -> None:
    # hand-made: no reason word between the decision and the data
    result = CLASSIFIER.classify("Argenx shares jump after positive efgartigimod data")
    assert result.event_type == "results"


def test_a_korean_approval_of_a_medicine_stays_regulatory() -> None:
    # hand-made: the clause names a product licence, no trial plan
    result = CLASSIFIER.classify("efgartigimod 국내 품목 허가 승인 획득")
    assert (result.event_type, result.severity) == ("regulatory", "high")


def test_a_trial_plan_in_an_earlier_clause_does_not_reach_the_approval() -> None:
    # hand-made: the trial plan and the approval are in two clauses
    result = CLASSIFIER.classify("아젠엑스, 임상 계획 발표…efgartigimod 국내 품목 허가 승인")
    assert result.event_type == "regulatory"


FAMILIES = [
    # (family, language, hand-made title, event, severity)
    (
        "trial stopped",
        "it",
        "Argenx annuncia l'interruzione della fase 3 di efgartigimod",
        "trial_status",
        "high",
    ),
    (
        "trial stopped",
        "es",
        "Argenx anuncia la interrupción del ensayo de efgartigimod",
        "trial_status",
        "high",
    ),
    (
        "trial stopped",
        "pt",
        "Argenx anuncia a interrupção do estudo com efgartigimod",
        "trial_status",
        "high",
    ),
    (
        "trial stopped",
        "en",
        "Argenx will start winding down its efgartigimod trials in pemphigus",
        "trial_status",
        "high",
    ),
    (
        "program dropped",
        "en",
        "Argenx is winding down its investment in efgartigimod for pemphigus",
        "pipeline",
        "high",
    ),
    (
        "IND cleared",
        "en",
        "Argenx receives IND clearance for efgartigimod in a new indication",
        "trial_start",
        "medium",
    ),
    ("IND cleared", "fr", "Argenx a obtenu le statut IND pour efgartigimod", "trial_start", "medium"),
    ("IND cleared", "es", "Argenx obtiene el IND para efgartigimod", "trial_start", "medium"),
    ("IND cleared", "pt", "Argenx obteve o IND para efgartigimod", "trial_start", "medium"),
    (
        "partner sought",
        "en",
        "Argenx is looking for a partner for efgartigimod in Japan",
        "pipeline",
        "medium",
    ),
    ("partner sought", "fr", "Argenx cherche un partenaire pour efgartigimod", "pipeline", "medium"),
]


@pytest.mark.parametrize(("family", "language", "title", "event", "severity"), FAMILIES)
def test_hand_made_phrasing(family: str, language: str, title: str, event: str, severity: str) -> None:
    result = CLASSIFIER.classify(title)
    assert (result.event_type, result.severity) == (event, severity), (family, language, result.reasons)


def test_a_lawsuit_filed_is_not_a_regulatory_filing() -> None:
    result = CLASSIFIER.classify(
        "In a lawsuit filed Friday, argenx accuses a rival over efgartigimod"
    )  # hand-made
    assert result.event_type != "regulatory"


def test_a_trial_started_is_still_a_trial_start() -> None:
    result = CLASSIFIER.classify("Argenx starts a phase 3 trial of efgartigimod in myositis")  # hand-made
    assert result.event_type == "trial_start"

"""Kinds of phrasing added in the judge6learn pass (issue 23), one hand-made sentence per family and language:
roundups and lists are commentary; a regulator citing deficiencies is a rejection (high); results that stop
the study are high at any phase. Every sentence here is hand-made (written for this test, not recorded)."""

from __future__ import annotations

import pytest

from pipewatch.config import load_classifier

CLASSIFIER = load_classifier()


@pytest.mark.parametrize(
    "title",
    [
        "Top 10 autoimmune bets for 2027, efgartigimod among them",  # en
        "Five FcRn drugs to watch, from efgartigimod to newcomers",  # en, the number in words
        "Die zehn wichtigsten Wirkstoffe des Jahres: efgartigimod",  # de
        "Cinq molécules à suivre en 2027, dont efgartigimod",  # fr
        "Dieci farmaci da seguire nel 2027, tra cui efgartigimod",  # it
        "Diez fármacos a seguir en 2027, entre ellos efgartigimod",  # es
        "Dez remédios para acompanhar em 2027, entre eles efgartigimod",  # pt
        "Vijf middelen om in de gaten te houden, waaronder efgartigimod",  # nl
    ],
)
def test_a_roundup_or_list_is_commentary(title: str) -> None:
    result = CLASSIFIER.classify(title)
    assert (result.event_type, result.severity) == ("commentary", "low")
    assert any("event commentary:" in r and "default" not in r for r in result.reasons)


def test_a_roundup_never_outranks_a_stated_event() -> None:
    result = CLASSIFIER.classify("FDA approves efgartigimod, topping our top 10 list")  # hand-made
    assert result.event_type == "regulatory"


def test_a_regulator_citing_deficiencies_is_a_rejection() -> None:
    result = CLASSIFIER.classify("The FDA cited manufacturing deficiencies in the efgartigimod file")  # en
    assert (result.event_type, result.severity) == ("regulatory", "high")


@pytest.mark.parametrize(
    "title",
    [
        "Argenx stops mid-stage efgartigimod study after weak efficacy data",  # en
        "Mangelnde Wirkung: argenx stoppt Studie mit efgartigimod nach schwachen Daten",  # de
        "Efgartigimod : l'essai arrêté faute d'efficacité, les résultats déçoivent",  # fr
        "Efgartigimod, studio interrotto: i risultati deludono",  # it
        "Argenx detiene el estudio de efgartigimod tras resultados decepcionantes",  # es
        "Argenx interrompe estudo de efgartigimod após resultados fracos",  # pt
        "Argenx stopt studie met efgartigimod na tegenvallende resultaten",  # nl
    ],
)
def test_results_that_stop_the_study_are_high(title: str) -> None:
    result = CLASSIFIER.classify(title)
    assert result.severity == "high"
    assert result.event_type in ("results", "trial_status")


def test_a_trial_named_before_its_verb_with_the_drug_between_starts() -> None:
    result = CLASSIFIER.classify("Phase 2 study of efgartigimod versus placebo kicks off in Japan")  # en
    assert result.event_type == "trial_start"

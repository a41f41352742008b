"""Kinds of phrasing added in the judge7head pass (issue 23), found on the private pools' first halves: one
hand-made sentence per family and language (written for this test, not recorded; no third-party text).

A news site's topic page named clinical-trials is not a registry; development paused or stopped is a program
dropped (also over a Chinese list of projects, and "clips programs"); data named as a decision's reason is not
a readout; abnormal liver tests are a safety event; a clearance to start a trial, "P3開始", "lancement des
premiers essais" and "iniciar las pruebas" start a trial; Dutch approvals with a split verb, Spanish "el no
de la FDA" and a regulator that wants a new study before a resubmission are high; a study called key,
important or large is registrational; a trial that fails to recruit has a status problem; a reimbursement
named in the headline is medium."""

from __future__ import annotations

import pytest

from pipewatch.config import load_classifier

CLASSIFIER = load_classifier()

CASES = [
    # (family, language, hand-made title, event, severity)
    (
        "program dropped",
        "en",
        "Argenx suspends further clinical development of efgartigimod in pemphigus",
        "pipeline",
        "high",
    ),
    (
        "program dropped",
        "en",
        "Argenx clips three pipeline programs, efgartigimod in pemphigus among them",
        "pipeline",
        "high",
    ),
    (
        "program dropped",
        "en",
        "Argenx pauses efgartigimod development after going over early data",
        "pipeline",
        "high",
    ),
    ("program dropped", "zh", "某公司决定暂停efgartigimod临床研究开发工作", "pipeline", "high"),
    (
        "program dropped",
        "zh",
        "某公司决定终止efgartigimod、ARGX-119两个项目的临床试验及后续开发",
        "pipeline",
        "high",
    ),
    ("program dropped", "zh", "某公司停止efgartigimod研究", "pipeline", "high"),
    (
        "safety",
        "en",
        "Elevated liver enzymes seen in three patients of an efgartigimod study",
        "safety",
        "high",
    ),
    (
        "trial start",
        "en",
        "Argenx receives approval for phase 3 efgartigimod trial in Japan",
        "trial_start",
        "medium",
    ),
    (
        "trial start",
        "it",
        "Nulla osta all'avvio della sperimentazione di efgartigimod",
        "trial_start",
        "medium",
    ),
    ("trial start", "ja", "P3開始 【日本】efgartigimod｜重症筋無力症", "trial_start", "medium"),
    ("trial start", "fr", "Lancement des premiers essais d'efgartigimod au Japon", "trial_start", "medium"),
    (
        "trial start",
        "es",
        "Argenx sube en bolsa tras iniciar las pruebas con efgartigimod",
        "trial_start",
        "medium",
    ),
    ("approval", "nl", "Europese toezichthouders keuren efgartigimod van argenx goed", "regulatory", "high"),
    ("rejection", "es", "El no de la FDA a efgartigimod hunde a argenx en bolsa", "regulatory", "high"),
    ("rejection", "es", "La FDA se ha negado a aprobar efgartigimod", "regulatory", "high"),
    (
        "rejection",
        "en",
        "The FDA asked argenx to run a new efgartigimod study to support a resubmission",
        "regulatory",
        "high",
    ),
    ("rejection", "nl", "De FDA wil eerst aanvullende gegevens over efgartigimod", "regulatory", "high"),
    ("phase 3 results", "en", "Efgartigimod succeeds in a key trial", "results", "high"),
    ("phase 3 results", "nl", "Efgartigimod door belangrijke test", "results", "high"),
    ("phase 3 results", "de", "Positive Daten für efgartigimod aus großer Studie", "results", "high"),
    ("passes a test", "de", "Efgartigimod besteht den Test", "results", "medium"),
    ("trial stopped", "de", "Abbruch der Studie mit efgartigimod", "trial_status", "high"),
    (
        "trial status",
        "en",
        "Efgartigimod trial failed to hit its recruitment target; argenx suspends enrolment",
        "trial_status",
        "high",
    ),
    ("reimbursement", "it", "AIFA approva il rimborso di efgartigimod", "regulatory", "medium"),
    ("approval", "pt", "Anvisa aprova efgartigimod e alerta para doença rara", "regulatory", "high"),
    ("decision date", "ja", "efgartigimod、来月にも承認へ", "regulatory", "medium"),
    (
        "program dropped",
        "nl",
        "Argenx en partner trekken de stekker uit efgartigimod in pemfigus",
        "pipeline",
        "high",
    ),
    ("drug enters a phase", "en", "Efgartigimod enters phase 3 in pemphigus", "trial_start", "medium"),
    (
        "drug enters a phase",
        "fr",
        "L'efgartigimod entre en phase 3 dans le pemphigus",
        "trial_start",
        "medium",
    ),
    (
        "drug enters a phase",
        "it",
        "Efgartigimod entra in fase 3 nel pemfigo",
        "trial_start",
        "medium",
    ),
    (
        "drug enters a phase",
        "es",
        "Efgartigimod entra en fase 3 en el pénfigo",
        "trial_start",
        "medium",
    ),
    ("drug enters a phase", "pt", "Efgartigimod entra na fase 3 no pênfigo", "trial_start", "medium"),
    ("safety", "en", "Regulator advises against the use of efgartigimod in children", "safety", "high"),
    ("safety", "pt", "Anvisa não recomenda o uso de efgartigimod em idosos", "safety", "high"),
    ("safety", "es", "La agencia no recomienda el uso de efgartigimod en niños", "safety", "high"),
    ("safety", "it", "L'agenzia sconsiglia l'uso di efgartigimod nei bambini", "safety", "high"),
    ("safety", "fr", "L'agence déconseille l'utilisation d'efgartigimod chez l'enfant", "safety", "high"),
]


@pytest.mark.parametrize(("family", "language", "title", "event", "severity"), CASES)
def test_hand_made_phrasing(family: str, language: str, title: str, event: str, severity: str) -> None:
    result = CLASSIFIER.classify(title)
    assert result.relevant, (family, language)
    assert (result.event_type, result.severity) == (event, severity), (family, language, result.reasons)


def test_a_news_topic_page_named_clinical_trials_is_not_a_registry() -> None:
    title = "Efgartigimod shows benefit in a phase 3 myasthenia study"  # hand-made
    topic = CLASSIFIER.classify(title, url="https://news.example.com/topic/clinical-trials/")
    registry = CLASSIFIER.classify(title, url="https://trials.example.org/clinical-trials/NCT01234567/")
    assert topic.event_type == "results"
    assert registry.event_type == "trial_status"


def test_an_approval_the_sentence_denies_is_background() -> None:
    result = CLASSIFIER.classify(
        "Efgartigimod led to remission in a long-running study",  # hand-made
        "A disease for which FcRn blockers aren't yet approved.",
    )
    assert result.event_type == "results"


def test_data_as_the_reason_still_reads_as_results_when_they_are_the_news() -> None:
    result = CLASSIFIER.classify("Argenx shares jump after positive efgartigimod data")  # hand-made
    assert result.event_type == "results"


def test_a_regulator_asking_for_more_data_without_a_resubmission_is_not_a_rejection() -> None:
    result = CLASSIFIER.classify("FDA asks for more data on efgartigimod during the review")  # hand-made
    assert (result.event_type, result.severity) == ("regulatory", "medium")


def test_a_german_study_stopped_with_the_participle_at_the_end_is_high() -> None:
    result = CLASSIFIER.classify(
        "Argenx: Aktie fällt",  # hand-made
        "Die Studie mit efgartigimod wurde nach der Zwischenanalyse wegen schwacher Daten eingestellt.",
    )
    assert result.severity == "high"
    assert result.event_type in ("results", "trial_status", "pipeline")

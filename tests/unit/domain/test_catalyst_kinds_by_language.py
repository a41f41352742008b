"""The kind x language pass of issue 23: one test per date form and per structural rule it added. Every phrase
and sentence here is HAND-MADE (none is a labelled row); the page is dated 2025-06-15. The full hand-made set
of this pass is tests/fixtures/hand_made/catalyst_sentences_kinds.jsonl (read by
test_catalyst_generalisation.py)."""

from __future__ import annotations

from datetime import date

import pytest

from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.catalysts.mentions import find_mentions
from pipewatch.domain.catalysts.windows import Reference
from pipewatch.domain.watch.watchlist import Watchlist

PAGE_DATE = date(2025, 6, 15)
REF = Reference(PAGE_DATE)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_data_file("watchlist.yaml", Watchlist))


def _window(text: str) -> tuple[str, str, str]:
    mentions = find_mentions(text, REF)
    assert len(mentions) == 1, [text[m.start : m.end] for m in mentions]
    window = mentions[0].window
    assert window is not None
    return str(window.start), str(window.end), window.precision


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        # English: a short half or quarter with no year, with "of", a dash or a colon, or a relative year
        ("file in 2H", ("2025-07-01", "2025-12-31", "half")),
        ("data in 3Q", ("2025-07-01", "2025-09-30", "quarter")),
        ("filing in 1H:26", ("2026-01-01", "2026-06-30", "half")),
        ("in 1H-26", ("2026-01-01", "2026-06-30", "half")),
        ("H2 of 2026", ("2026-07-01", "2026-12-31", "half")),
        ("2H of 2025", ("2025-07-01", "2025-12-31", "half")),
        ("1H next year", ("2026-01-01", "2026-06-30", "half")),
        ("Q1 next year", ("2026-01-01", "2026-03-31", "quarter")),
        ("in the first six months of next year", ("2026-01-01", "2026-06-30", "half")),
        ("in the first half of the coming year", ("2026-01-01", "2026-06-30", "half")),
        ("early in the new year", ("2026-01-01", "2026-04-30", "vague")),
        ("the fourth quarter of its fiscal year 2026", ("2026-10-01", "2026-12-31", "quarter")),
        ("within the next 12 months", ("2025-06-15", "2026-06-15", "vague")),
        ("as soon as 2027", ("2027-01-01", "2027-12-31", "year")),
        # the other Latin-script languages
        ("d'ici l'été prochain", ("2026-06-01", "2026-08-31", "vague")),
        ("la primavera prossima", ("2026-03-01", "2026-05-31", "vague")),
        ("a partire da settembre", ("2025-09-01", "2025-09-30", "month")),
        ("à partir de septembre", ("2025-09-01", "2025-09-30", "month")),
        ("dürfte 2026 entscheiden", ("2026-01-01", "2026-12-31", "year")),
        # Chinese, Japanese, Korean: a one-character season of this or next year; "2026年中を" is during 2026
        ("今秋の学会", ("2025-09-01", "2025-11-30", "vague")),
        ("来春", ("2026-03-01", "2026-05-31", "vague")),
        ("올 가을", ("2025-09-01", "2025-11-30", "vague")),
        ("2026年中を見込む", ("2026-01-01", "2026-12-31", "year")),
    ],
)
def test_given_a_hand_made_date_phrase_then_its_window(phrase: str, expected: tuple[str, str, str]) -> None:
    assert _window(phrase) == expected


@pytest.mark.parametrize("phrase", ["in 1s and 0s", "a 2s complement", "in 3T"])
def test_given_digit_and_letter_look_alikes_then_no_window(phrase: str) -> None:
    assert find_mentions(phrase, REF) == []


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        # data shown at a meeting named in the date's own clause are the meeting, in any language
        ("Erste Daten sollen im Herbst auf einem Kongress vorgestellt werden.", "congress"),
        (
            "Late-breaking data will be shared at the American Diabetes Association's Scientific Sessions"
            " in June 2026.",
            "congress",
        ),
        (
            "An abstract has been accepted for oral presentation at the AAN Annual Meeting on April 8, 2026.",
            "congress",
        ),
        # a regulator meeting outranks the data it discusses
        (
            "The company plans to discuss the data with the FDA at an end-of-Phase 2 meeting"
            " in the third quarter.",
            "other",
        ),
        ("Het bedrijf verwacht in het eerste kwartaal van 2026 een gesprek met de Amerikaanse FDA.", "other"),
        ("회사는 내년 1분기 FDA와 사전 미팅을 진행할 계획이다.", "other"),
        # a filing that "begins" is no trial start
        ("A rolling NDA submission is planned to begin in the first half of 2026.", "filing"),
        # an application named bare is a filing
        ("The company plans an NDA in 1H26.", "filing"),
        # CJK: subject, date, verb
        ("症例登録は2026年3月までに完了する見込み。", "enrollment_complete"),
        ("第2相試験を2026年第1四半期に開始する計画だ。", "trial_start"),
        ("환자 모집은 내년 1분기 완료될 것으로 예상된다.", "enrollment_complete"),
        # stems of "approve" and "authorise" beyond the infinitive
        ("Se espera que la FDA apruebe el fármaco en 2026.", "decision"),
        ("La compañía solicitará la autorización en el segundo semestre de 2026.", "filing"),
        ("El fármaco saldrá al mercado en el primer trimestre de 2026.", "launch"),
    ],
)
def test_given_a_hand_made_sentence_then_the_kind_its_structure_gives(
    extractor: Extractor, sentence: str, kind: str
) -> None:
    found = extractor.extract("", sentence, published=PAGE_DATE)
    assert found, sentence
    assert found[0].kind == kind


@pytest.mark.parametrize(
    "sentence",
    [
        # a meeting as the subject, with its dates, is logistics (hand-made, after the labelled rule)
        "The 2026 ASCO Annual Meeting (May 29-June 2, Chicago) features more than 7,000 abstracts.",
        "The 2026 ACR Convergence will take place November 6-11 in Chicago.",
        # "(BLA)" only glosses the application a decision concerns
        "The FDA extended its decision date on the biologics license application (BLA) for X"
        " to September 20.",
    ],
)
def test_given_a_hand_made_look_alike_then_no_catalyst_or_not_a_filing(
    extractor: Extractor, sentence: str
) -> None:
    found = extractor.extract("", sentence, published=PAGE_DATE)
    assert all(c.kind not in ("congress", "filing") for c in found), found

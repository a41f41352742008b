"""The catalyst tables made complete from each language's own words (issue 23, generalisation pass). Every
sentence here and in tests/fixtures/hand_made/catalyst_sentences.jsonl is HAND-MADE (none is a labelled
row): several per language (EN, FR, NL, IT, DE, ES, PT, ZH, JA, KO) and per form -- quarter, half, year
part, relative year and period, a month without a year, first patient, enrolment and study completion,
CHMP opinion, congress, modal and future verbs, the kinds' nouns, registry and list lines -- and look-alikes
(money, reporting periods, past events, vague horizons) that must stay negative. Page date: 2025-06-15."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.extract import Extractor, reference_date
from pipewatch.domain.catalysts.mentions import find_mentions
from pipewatch.domain.catalysts.windows import Reference
from pipewatch.domain.watch.watchlist import Watchlist

PAGE_DATE = date(2025, 6, 15)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_data_file("watchlist.yaml", Watchlist))


# catalyst_sentences.jsonl (first pass) and catalyst_sentences_kinds.jsonl (kind x language pass)
HAND_MADE = [
    json.loads(line)
    for path in sorted(
        (Path(__file__).resolve().parents[2] / "fixtures" / "hand_made").glob("catalyst_sentences*.jsonl")
    )
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]
# (hand-made sentence, kind, window start, window end)
HAND_MADE_CATALYSTS = [
    (row["sentence"], row["kind"], row["window_start"], row["window_end"]) for row in HAND_MADE if row["kind"]
]
HAND_MADE_LOOK_ALIKES = [row["sentence"] for row in HAND_MADE if not row["kind"]]


@pytest.mark.parametrize(("sentence", "kind", "start", "end"), HAND_MADE_CATALYSTS)
def test_given_a_hand_made_forward_sentence_then_its_kind_and_window(
    extractor: Extractor, sentence: str, kind: str, start: str, end: str
) -> None:
    found = extractor.extract("", sentence, published=PAGE_DATE)
    assert found, sentence
    first = found[0]
    assert (first.kind, str(first.window_start), str(first.window_end)) == (kind, start, end)


@pytest.mark.parametrize("sentence", HAND_MADE_LOOK_ALIKES)
def test_given_a_hand_made_look_alike_then_no_catalyst(extractor: Extractor, sentence: str) -> None:
    assert extractor.extract("", sentence, published=PAGE_DATE) == []


def test_given_two_catalysts_in_one_hand_made_sentence_then_both_in_order(extractor: Extractor) -> None:
    sentence = "Data from both trials are expected in 2026, with a potential filing in 2027."
    found = extractor.extract("", sentence, published=PAGE_DATE)
    assert [(c.kind, c.window_start) for c in found] == [
        ("readout", date(2026, 1, 1)),
        ("filing", date(2027, 1, 1)),
    ]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # a month without a year: its next occurrence from the page date
        ("in September", "2025-09-01", "2025-09-30"),
        ("for January", "2026-01-01", "2026-01-31"),
        # relative years and periods in each language
        ("nächsten Jahr", "2026-01-01", "2026-12-31"),
        ("el próximo año", "2026-01-01", "2026-12-31"),
        ("l'année prochaine", "2026-01-01", "2026-12-31"),
        ("no próximo ano", "2026-01-01", "2026-12-31"),
        ("volgend jaar", "2026-01-01", "2026-12-31"),
        ("l'anno prossimo", "2026-01-01", "2026-12-31"),
        ("明年", "2026-01-01", "2026-12-31"),
        ("来年", "2026-01-01", "2026-12-31"),
        ("내년", "2026-01-01", "2026-12-31"),
        ("le trimestre prochain", "2025-07-01", "2025-09-30"),
        ("im nächsten Quartal", "2025-07-01", "2025-09-30"),
        ("el próximo mes", "2025-07-01", "2025-07-31"),
        ("下个季度", "2025-07-01", "2025-09-30"),
        ("다음 달", "2025-07-01", "2025-07-31"),
        ("by the end of the month", "2025-06-01", "2025-06-30"),
        # quarter and half forms
        ("3Q26", "2026-07-01", "2026-09-30"),
        ("3T26", "2026-07-01", "2026-09-30"),
        ("T3 2026", "2026-07-01", "2026-09-30"),
        ("3e trimestre 2026", "2026-07-01", "2026-09-30"),
        ("drittes Quartal 2026", "2026-07-01", "2026-09-30"),
        ("3. Quartal 2026", "2026-07-01", "2026-09-30"),
        ("tercer trimestre de 2026", "2026-07-01", "2026-09-30"),
        ("3er trimestre de 2026", "2026-07-01", "2026-09-30"),
        ("terzo trimestre 2026", "2026-07-01", "2026-09-30"),
        ("III trimestre 2026", "2026-07-01", "2026-09-30"),
        ("3º trimestre de 2026", "2026-07-01", "2026-09-30"),
        ("derde kwartaal van 2026", "2026-07-01", "2026-09-30"),
        ("2026年第三季度", "2026-07-01", "2026-09-30"),
        ("2026年Q3", "2026-07-01", "2026-09-30"),
        ("2026年第3四半期", "2026-07-01", "2026-09-30"),
        ("2026년 3분기", "2026-07-01", "2026-09-30"),
        ("2S26", "2026-07-01", "2026-12-31"),
        ("2do semestre de 2026", "2026-07-01", "2026-12-31"),
        ("zweiten Hälfte 2026", "2026-07-01", "2026-12-31"),
        ("seconde moitié de 2026", "2026-07-01", "2026-12-31"),
        ("the back half of 2026", "2026-07-01", "2026-12-31"),
        ("2026年下半年", "2026-07-01", "2026-12-31"),
        ("2026年後半", "2026-07-01", "2026-12-31"),
        ("2026年H2", "2026-07-01", "2026-12-31"),
        ("올 하반기", "2025-07-01", "2025-12-31"),
        # year parts
        ("a principios del próximo año", "2026-01-01", "2026-04-30"),
        ("no início do próximo ano", "2026-01-01", "2026-04-30"),
        ("a mediados de 2026", "2026-04-01", "2026-09-30"),
        ("来年半ば", "2026-04-01", "2026-09-30"),
        ("내년 초반", "2026-01-01", "2026-04-30"),
        ("2026年度中", "2026-04-01", "2027-03-31"),
        ("2026年春", "2026-03-01", "2026-05-31"),
        ("今年晚些时候", "2025-06-16", "2025-12-31"),
        ("eyeing a 2027 launch", "2027-01-01", "2027-12-31"),
        ("2026: EU launch", "2026-01-01", "2026-12-31"),
    ],
)
def test_given_a_hand_made_date_form_then_its_window(text: str, start: str, end: str) -> None:
    mentions = find_mentions(text, Reference(PAGE_DATE))
    assert len(mentions) == 1, mentions
    window = mentions[0].window
    assert window is not None
    assert (str(window.start), str(window.end)) == (start, end)


@pytest.mark.parametrize("text", ["MRI at 3T scanners", "I think so", "in the coming months", "올렸다"])
def test_given_a_hand_made_look_alike_date_then_no_window(text: str) -> None:
    assert find_mentions(text, Reference(PAGE_DATE)) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/story-2025-10-28", date(2025, 10, 28)),
        ("https://news.example/20210525/story.html", date(2021, 5, 25)),
        ("https://news.example/view?nid=2025090411090868239", date(2025, 9, 4)),
        ("https://news.example/article/20251399", None),
        ("https://news.example/?p=9917", None),
    ],
)
def test_given_a_hand_made_url_then_the_page_date_it_carries(url: str, expected: date | None) -> None:
    assert reference_date(None, url) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a dated noun phrase on a page with no date states a plan
        ("Phase 3 topline data 2H 2026", ("readout", date(2026, 7, 1))),
        ("EU filing in 2026 for the drug", ("filing", date(2026, 1, 1))),
        # a recounted event says so with a verb
        ("The drug was approved in 2019.", None),
        ("Die Ergebnisse wurden 2019 vorgestellt.", None),
    ],
)
def test_given_a_hand_made_sentence_on_an_undated_page_then_a_plan_only_when_no_verb_recounts(
    extractor: Extractor, sentence: str, expected: tuple[str, date] | None
) -> None:
    found = extractor.extract("", sentence, published=None)
    assert ((found[0].kind, found[0].window_start) if found else None) == expected


def test_given_a_hand_made_month_on_an_undated_page_then_the_one_year_the_sentence_names(
    extractor: Extractor,
) -> None:
    sentence = "Il lancio è previsto a settembre, con la piena disponibilità entro la fine del 2018."
    found = extractor.extract("", sentence, published=None)
    assert (found[0].kind, found[0].window_start, found[0].window_end) == (
        "launch",
        date(2018, 9, 1),
        date(2018, 9, 30),
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("오는 26일", "2025-06-26", "2025-06-26"),
        ("오는 10일", "2025-07-10", "2025-07-10"),
        ("2026年3月期", "2025-04-01", "2026-03-31"),
        ("2026财年", "2026-01-01", "2026-12-31"),
        ("over the next 18 months", "2025-06-15", "2026-12-15"),
        ("nei prossimi sei mesi", "2025-06-15", "2025-12-15"),
        ("in den nächsten 12 Monaten", "2025-06-15", "2026-06-15"),
        ("nos próximos seis meses", "2025-06-15", "2025-12-15"),
    ],
)
def test_given_a_hand_made_coming_day_fiscal_year_or_span_then_its_window(
    text: str, start: str, end: str
) -> None:
    mentions = find_mentions(text, Reference(PAGE_DATE))
    assert len(mentions) == 1, mentions
    window = mentions[0].window
    assert window is not None
    assert (str(window.start), str(window.end)) == (start, end)

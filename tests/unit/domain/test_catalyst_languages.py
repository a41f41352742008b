"""Catalysts in every language and format (issue 23): one real sentence per language from the TUNING half of
tests/fixtures/labeled/catalysts_broad_dev.jsonl (its URL in a comment), HAND-MADE sentences where the set
has none (Japanese) and for each new window form; properties: never raises, deterministic, a denied or
windowless look-alike stays negative."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.catalysts.mentions import find_mentions
from pipewatch.domain.catalysts.windows import Reference
from pipewatch.domain.watch.watchlist import Watchlist

BROAD = Path(__file__).resolve().parents[2] / "fixtures" / "labeled" / "catalysts_broad_dev.jsonl"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_data_file("watchlist.yaml", Watchlist))


def _first(extractor: Extractor, sentence: str, published: date | None) -> tuple[str, str, str] | None:
    found = extractor.extract("", sentence, published=published)
    if not found:
        return None
    first = found[0]
    start = first.window_start.isoformat() if first.window_start else ""
    end = first.window_end.isoformat() if first.window_end else ""
    return first.kind, start, end


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # English: https://ticker.report/news/lly-eli-lilly-ceo-reveals-billions-of-oral-weight-loss-pills-already-produced-ahead-2025-10-28
        (
            "Eli Lilly's CEO, Dave Ricks, announced that the "
            "company has already manufactured billions of doses "
            "of its next-generation oral weight-loss pill, "
            "orforglipron, in anticipation of a potential launch "
            "next year.",
            date(2025, 10, 28),
            ("launch", "2026-01-01", "2026-12-31"),
        ),
        # Korean: https://m.newspic.kr/summary.html?cp=w3Hru72p&nid=2025090411090868239&pn=157
        (
            "강스템바이오텍은 데이터를 분석해 내년 6월 말~7월 초 사이 톱라인 결과를 발표할 수 있을 것으로 "
            "내다보고 있다.",
            date(2025, 9, 4),
            ("readout", "2026-06-01", "2026-07-31"),
        ),
        # Chinese: http://www.zhitongcaijing.com/content/detail/480926.html
        (
            "随着RC48以II期临床数据在今年6~7月国内获批上市,RC48将会成为胃癌三线的最佳治疗药物,"
            "后续也将成为UC二线治疗中目前全球最好的治疗药物。",
            date(2021, 5, 25),
            ("decision", "2021-06-01", "2021-07-31"),
        ),
        # Dutch: https://www.iex.nl/Nieuws/ANP-130120-128/Galapagos-snel-met-zoektocht-proefpersonen.aspx
        (
            "Een tussentijdse uitlezing bij 30 procent van de "
            "patiënten in het fase III-programma wordt begin "
            "volgend jaar verwacht en blijft volgens KBC een risicovolle gebeurtenis voor het bedrijf.",
            date(2020, 1, 13),
            ("readout", "2021-01-01", "2021-04-30"),
        ),
        # Spanish (PharmaMar, lurbinectedin): https://www.eleconomista.es/empresas-finanzas-ss-ss/amp/10259935/
        (
            '"La solicitud de registro bajo la regulación de '
            "aprobación acelerada nos da la posibilidad de que "
            "la FDA pudiera aprobar lurbinectedina en EEUU para "
            "tratamiento de cáncer de pulmón microcítico en "
            "2020 y que, en el caso de obtener la aprobación, "
            "pudiera empezar a comercializarse en la segunda "
            'mitad del mismo año en Estados Unidos", explica Luis Mora.',
            None,
            ("decision", "2020-01-01", "2020-12-31"),
        ),
        # Portuguese: http://www.massapeportaldenoticias.com.br/2015/12/ (Butantan dengue vaccine)
        (
            "Com a liberação, os testes da etapa devem começar até o fim deste ano, em cerca de 17 mil "
            "voluntários.",
            date(2015, 12, 1),
            ("trial_start", "2015-10-01", "2015-12-31"),
        ),
        # French: https://www.boursorama.com/bourse/actualites/valneva-grimpe-resultats-positifs-de-phase-2-
        (
            'Les analystes de Kempen disent quant à eux dans une note continuer "à considérer le rapport '
            "risque/récompense à l'approche des résultats de phase 3 sur la maladie de Lyme au premier "
            'semestre 2026 comme très attractif."',
            date(2025, 11, 26),
            ("readout", "2026-01-01", "2026-06-30"),
        ),
        # German: http://www.aktiencheck.de/news/Artikel-3_Biotech_Aktien_grossem_Wachstumspotenzial-8867748
        (
            "In der Zwischenzeit wird erwartet, dass die Agentur am oder vor dem 30. August eine "
            "Genehmigungsentscheidung für Waylivra, ehemals Volanesorsen, treffen wird.",
            date(2018, 8, 1),
            ("decision", "2018-08-30", "2018-08-30"),
        ),
        # Italian (year from the page date, HAND-MADE date): https://dailyhealthindustry.it/?p=9917
        (
            "Dopo un iniziale ritardo, l’azienda farmaceutica israeliana Teva ha annunciato che potrebbe "
            "lanciare già a metà settembre il trattamento per l’emicrania, fremanezumab.",
            date(2018, 8, 1),
            ("launch", "2018-09-01", "2018-09-30"),
        ),
        # Dutch: HAND-MADE ("registratie", the Dutch and Flemish press's word for a marketing authorisation)
        (
            "De registratie van het middel wordt begin 2026 verwacht.",
            date(2025, 5, 1),
            ("decision", "2026-01-01", "2026-04-30"),
        ),
        # Japanese: HAND-MADE (the set has no Japanese row)
        (
            "同社は2026年度上期に承認申請を行う予定です。",
            date(2025, 11, 1),
            ("filing", "2026-04-01", "2026-09-30"),
        ),
        ("第3相試験のトップライン結果は2026年第2四半期に得られる見込みです。", date(2025, 11, 1), None),
    ],
)
def test_given_a_sentence_in_each_language_then_its_first_catalyst_is_found(
    extractor: Extractor, sentence: str, published: date | None, expected: tuple[str, str, str] | None
) -> None:
    found = _first(extractor, sentence, published)
    if expected is None:  # the Japanese quarter: calendar Q2 of 2026
        assert found == ("readout", "2026-04-01", "2026-06-30")
    else:
        assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # HAND-MADE phrases, one per new window form; page date 2025-09-04
        ("2026년 1월 9일", ("2026-01-09", "2026-01-09", "day")),
        ("늦어도 7월 내", ("2026-07-01", "2026-07-31", "vague")),
        ("2026년 상반기", ("2026-01-01", "2026-06-30", "half")),
        ("2026년 3분기", ("2026-07-01", "2026-09-30", "quarter")),
        ("연말", ("2025-10-01", "2025-12-31", "vague")),
        ("내년 초", ("2026-01-01", "2026-04-30", "vague")),
        ("2027년", ("2027-01-01", "2027-12-31", "year")),
        ("今年年中", ("2025-04-01", "2025-09-30", "vague")),
        ("明年6~7月", ("2026-06-01", "2026-07-31", "vague")),
        ("2025年度", ("2025-04-01", "2026-03-31", "year")),  # a Japanese fiscal year
        ("2026年下期", ("2026-07-01", "2026-12-31", "half")),
        ("in the third week of November 2025", ("2025-11-15", "2025-11-21", "vague")),
        ("a metà settembre", ("2025-09-01", "2025-09-30", "vague")),
        ("by the end of June 2026", ("2026-06-01", "2026-06-30", "vague")),
        ("até o fim deste ano", ("2025-10-01", "2025-12-31", "vague")),
        ("begin volgend jaar", ("2026-01-01", "2026-04-30", "vague")),
        ("the second half of this year", ("2025-07-01", "2025-12-31", "half")),
        ("next quarter", ("2025-10-01", "2025-12-31", "quarter")),
        ("Primary Completion Date (Estimated): 2027-03", ("2027-03-01", "2027-03-31", "month")),
    ],
)
def test_given_a_window_form_then_it_resolves_from_the_page_date(
    text: str, expected: tuple[str, str, str]
) -> None:
    mentions = [m for m in find_mentions(text, Reference(date(2025, 9, 4))) if m.window]
    assert mentions, text
    window = mentions[-1].window
    assert window is not None
    assert (window.start.isoformat(), window.end.isoformat(), window.precision) == expected


def test_given_the_same_year_then_the_second_catalyst_takes_the_first_ones_year() -> None:
    text = "approval in 2020 and a launch in the second half of the same year"  # HAND-MADE
    windows = [m.window for m in find_mentions(text, Reference(None))]
    assert [(w.start.isoformat(), w.end.isoformat()) for w in windows if w] == [
        ("2020-01-01", "2020-12-31"),
        ("2020-07-01", "2020-12-31"),
    ]


def test_given_three_years_within_then_no_year_is_read() -> None:
    assert find_mentions("预期在启动中国临床试验后三年内完成全部临床试验", Reference(date(2024, 3, 30))) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # HAND-MADE calendar and registry lines, page date 2025-11-20
        ("March 20: Acme Bio PDUFA date for zorbimab in lupus", [("decision", "2026-03-20")]),
        ("March 20, 2026 - Acme Bio today announced a collaboration", []),  # a dateline
        ("Primary Completion Date (Estimated): 2027-03", [("trial_completion", "2027-03-01")]),
        ("Primary Completion Date (Actual): 2024-03", []),
        # two catalysts in one sentence: both, in order
        (
            "Acme plans to file the BLA in Q1 2026 and to launch in the second half of 2026.",
            [("filing", "2026-01-01"), ("launch", "2026-07-01")],
        ),
        # look-alikes: a denied plan, a vague horizon, a reporting period
        ("The company does not expect to file for approval in 2026.", []),
        ("There are no plans to start a Phase 3 trial in 2026.", []),
        ("Further approvals are expected in the upcoming months.", []),
        ("Acme will publish its results for the third quarter on November 12.", []),
    ],
)
def test_given_a_line_format_or_look_alike_then_catalysts_are_as_expected(
    extractor: Extractor, sentence: str, expected: list[tuple[str, str]]
) -> None:
    found = extractor.extract("", sentence, published=date(2025, 11, 20))
    got = [(c.kind, c.window_start.isoformat() if c.window_start else "") for c in found]
    assert got == expected


def test_given_a_sponsor_fiscal_year_then_the_japanese_default_does_not_apply() -> None:
    # Without a sponsor's fiscal year, 年度 is the Japanese one (April to March)
    mentions = find_mentions("2025年度", Reference(date(2025, 5, 1)))
    assert mentions[0].window is not None
    assert mentions[0].window.start == date(2025, 4, 1)


def test_given_the_broad_set_then_the_scores_hold_the_level_reached() -> None:
    rows = [json.loads(line) for line in BROAD.read_text(encoding="utf-8").splitlines() if line.strip()]
    extractor = Extractor(load_data_file("watchlist.yaml", Watchlist))
    tp = fp = fn = kind_ok = positives = 0
    for row in rows:
        published = row["published"].lstrip("~") if row["published"] else None
        day = (
            date.fromisoformat(published + "-01" if published and len(published) == 7 else published)
            if published
            else None
        )
        found = extractor.extract(row["title"] or "", row["sentence"], published=day, url=row["url"] or "")
        truth = bool(row["label"]["is_catalyst"])
        tp += truth and bool(found)
        fp += (not truth) and bool(found)
        fn += truth and not found
        if truth:
            positives += 1
            kind_ok += bool(found) and found[0].kind == row["label"]["kind"]
    assert 2 * tp / (2 * tp + fp + fn) >= 0.85
    assert kind_ok / positives >= 0.70


_DATES = ["in 2026", "in Q3 2026", "by mid-2026", "2026년 상반기", "2026年下半年", "im zweiten Quartal 2026"]
_KINDS = ["file for approval", "start the Phase 3 trial", "report topline results", "launch the drug"]


@given(
    st.sampled_from(_DATES),
    st.sampled_from(_KINDS),
    st.sampled_from(["does not plan to", "will not", "has no plans to"]),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_given_a_denied_plan_then_no_catalyst(
    extractor: Extractor, when: str, what: str, denial: str
) -> None:
    sentence = f"Acme {denial} {what} {when}."  # HAND-MADE look-alike
    assert extractor.extract("", sentence, published=date(2025, 6, 1)) == []


@given(st.text(max_size=200), st.one_of(st.none(), st.dates()))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_given_any_text_then_extraction_never_raises_and_is_deterministic(
    extractor: Extractor, text: str, published: date | None
) -> None:
    first = extractor.extract("", text, published=published)
    assert first == extractor.extract("", text, published=published)

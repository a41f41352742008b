"""Catalyst extraction: the recorded (real, labelled) development sentences meet the issue's targets; kinds,
negatives and languages on HAND-MADE sentences; the `pipewatch catalysts extract` interface."""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipewatch.cli import main
from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.extract import Extractor, reference_date, split_sentences
from pipewatch.domain.watch.watchlist import Watchlist

DEV = Path(__file__).resolve().parents[2] / "fixtures" / "labeled" / "catalysts_dev.jsonl"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_data_file("watchlist.yaml", Watchlist))


def _dev_rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_given_the_recorded_dev_sentences_then_the_issue_targets_hold(extractor: Extractor) -> None:
    tp = fp = fn = kind_ok = window_ok = positives = 0
    for row in _dev_rows():
        label = row["label"]
        assert isinstance(label, dict)
        published = date.fromisoformat(str(row["published"])) if row["published"] else None
        found = extractor.extract(
            str(row["title"] or ""), str(row["sentence"]), published=published, url=str(row["url"] or "")
        )
        truth = bool(label["is_catalyst"])
        tp += truth and bool(found)
        fp += (not truth) and bool(found)
        fn += truth and not found
        if truth:
            positives += 1
            if found:
                first = found[0]
                kind_ok += first.kind == label["kind"]
                window = (first.window_start, first.window_end)
                want = (label["window_start"], label["window_end"])
                window_ok += tuple(d.isoformat() if d else None for d in window) == want
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.95
    assert kind_ok / positives >= 0.90
    assert window_ok / positives >= 0.90


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("argenx expects topline results from ALKIVIA in the second half of 2026.", "readout"),
        ("The FDA set a PDUFA target action date of March 3, 2027.", "decision"),
        ("A CHMP opinion is expected in Q2 2027.", "decision"),
        ("Priovant plans to submit an NDA for brepocitinib in 1H 2026.", "filing"),
        ("The company plans to launch brepocitinib in the US in Q3 2026.", "launch"),
        ("The Phase 3 trial is expected to begin in Q1 2027.", "trial_start"),
        ("Enrollment is expected to be complete by mid-2026.", "enrollment_complete"),
        ("Primary Completion Date (Estimated): 2026-12-31", "trial_completion"),
        ("Data will be presented at the ACR Convergence on November 8, 2026.", "congress"),
        ("The company expects feedback from the FDA in Q1 2026.", "other"),
        # languages
        ("Les résultats de l'essai ALKIVIA sont attendus au deuxième semestre 2026.", "readout"),
        ("De resultaten van de ALKIVIA-studie worden verwacht in de tweede helft van 2026.", "readout"),
        ("I risultati dello studio ALKIVIA sono previsti nel secondo semestre 2026.", "readout"),
        ("Die Ergebnisse der ALKIVIA-Studie werden im zweiten Halbjahr 2026 erwartet.", "readout"),
        ("Se esperan los resultados del estudio ALKIVIA en el segundo semestre de 2026.", "readout"),
        ("A empresa planeja solicitar aprovação nos EUA no primeiro semestre de 2026.", "filing"),
        ("公司预计将于2026年下半年公布ALKIVIA研究的结果。", "readout"),
        ("Le lancement commercial est prévu début 2027.", "launch"),
        ("Die Markteinführung ist für Mitte 2026 geplant.", "launch"),
        ("Het bedrijf verwacht de goedkeuring van de FDA eind 2026.", "decision"),
        ("La decisione della FDA è attesa entro la fine del 2026.", "decision"),
        ("La compañía espera los datos principales a mediados de 2026.", "readout"),
        ("A empresa espera concluir o recrutamento no início de 2026.", "enrollment_complete"),
        ("预计2026年底前完成入组。", "enrollment_complete"),
        ("公司计划于明年上半年提交BLA。", "filing"),
        ("The company expects to begin a Phase 3 trial next quarter.", "trial_start"),
        ("The trial began in 2022 and is expected to complete in 2027.", "trial_completion"),
    ],
)
def test_given_a_hand_made_statement_then_its_kind_is_found(
    extractor: Extractor, sentence: str, kind: str
) -> None:
    found = extractor.extract("", sentence, published=date(2025, 11, 1))
    assert [c.kind for c in found][:1] == [kind]


@pytest.mark.parametrize(
    "sentence",
    [
        "argenx reported topline data from ADAPT in June 2025.",  # past at the item's date
        "The decision date has been moved to Dec. 28, 2025, from Sept. 28, 2025.",  # only the new date counts
        "The decision date has slipped to Dec. 28, 2025 from Sept. 28, 2025.",  # "from" right after a date
        "Cash, cash equivalents and marketable securities are sufficient to fund operations into 2028.",
        "argenx will host its R&D Day on December 11, 2025.",  # a corporate event
        "We expect growth in the coming years.",  # no window
        "The 2026 ACR Convergence will take place November 6-11 in Chicago.",  # logistics, no data
    ],
)
def test_given_a_hand_made_non_catalyst_then_nothing_or_only_the_valid_date_is_found(
    extractor: Extractor, sentence: str
) -> None:
    found = extractor.extract("", sentence, published=date(2025, 9, 22))
    assert [c.window_start for c in found] in ([], [date(2025, 12, 28)])


def test_given_a_watched_agent_then_the_agent_id_and_trial_are_reported(extractor: Extractor) -> None:
    (found,) = extractor.extract(
        "", "argenx expects ALKIVIA topline results in 2H 2026.", published=date(2026, 1, 5)
    )
    assert (found.agent, found.trial, found.precision) == ("efgartigimod", "ALKIVIA", "half")
    (other,) = extractor.extract(
        "", "Sanofi expects tolebrutinib data in 2H 2026.", published=date(2026, 1, 5)
    )
    assert (other.agent, other.drug) == (None, "tolebrutinib")


def test_given_a_sponsor_named_only_in_the_url_then_its_fiscal_year_applies(extractor: Extractor) -> None:
    (found,) = extractor.extract(
        "",
        "The company intends to submit a New Drug Application in fiscal year 2025.",
        url="https://example.com/news/takeda-stock-rises-after-phase-3",
    )
    assert (found.window_start, found.window_end) == (date(2025, 4, 1), date(2026, 3, 31))


def test_given_two_catalysts_in_one_line_then_both_are_reported_in_order(extractor: Extractor) -> None:
    found = extractor.extract(
        "",
        "On track to submit seronegative gMG sBLA by year-end and report ADAPT-OCULUS results in 1H26",
        published=date(2025, 10, 30),
    )
    assert [(c.kind, c.window_start.isoformat() if c.window_start else None) for c in found] == [
        ("filing", "2025-10-01"),
        ("readout", "2026-01-01"),
    ]


def test_given_sentences_and_urls_then_helpers_split_and_date_them() -> None:
    assert split_sentences("Approved in the U.S. in 2021. Data are due in Dec. 2026. Next.") == [
        "Approved in the U.S. in 2021.",
        "Data are due in Dec. 2026.",
        "Next.",
    ]
    assert reference_date(None, "https://x.example/2018/11/acceleron.html") == date(2018, 11, 1)
    assert reference_date(None, "https://x.example/article/123") is None


def _run_cli(
    stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    code = main(["catalysts", "extract"])
    return code, capsys.readouterr().out.splitlines()


def test_given_json_lines_then_one_line_out_per_input_in_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {
            "title": "argenx Q3",
            "summary": "ALKIVIA results are expected in 2H 2026.",
            "published": "2025-10-30",
        },
        {"title": "Nothing ahead here", "published": "2025-10-30T08:00:00Z"},
    ]
    code, out = _run_cli("\n".join(json.dumps(x) for x in lines) + "\n", monkeypatch, capsys)
    assert code == 0
    first, second = (json.loads(line) for line in out)
    assert first["catalysts"][0] == {
        "kind": "readout",
        "drug": "efgartigimod",
        "agent": "efgartigimod",
        "trial": "ALKIVIA",
        "window_start": "2026-07-01",
        "window_end": "2026-12-31",
        "precision": "half",
        "sentence": "ALKIVIA results are expected in 2H 2026.",
    }
    assert second == {"catalysts": []}


def test_given_bad_lines_then_each_gets_an_error_the_rest_go_on_and_exit_is_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = "\n".join(
        [
            "{not json",
            json.dumps([1]),
            json.dumps({"title": "", "summary": None}),
            json.dumps({"summary": "Data expected in Q1 2027.", "published": "yesterday"}),
            json.dumps({"summary": "Data expected in Q1 2027."}),
        ]
    )
    code, out = _run_cli(stdin + "\n", monkeypatch, capsys)
    parsed = [json.loads(line) for line in out]
    assert code == 1
    assert [p.get("line") for p in parsed[:4]] == [1, 2, 3, 4]
    assert all("error" in p for p in parsed[:4])
    assert parsed[4]["catalysts"][0]["window_start"] == "2027-01-01"


_PHRASES = [
    "expected in ",
    "2H ",
    "Q3 ",
    "by the end of ",
    "June ",
    "mid-",
    "fiscal year ",
    "20",
    "年",
    "第二季度",
    "within 90 days",
    "from ",
    "PDUFA date of ",
    "December 28",
    "results",
    ", ",
    "; ",
    "(",
    "beyond the ",
]


@given(st.lists(st.one_of(st.sampled_from(_PHRASES), st.text(max_size=12)), max_size=25), st.dates())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_given_any_text_then_extraction_never_raises_and_windows_are_ordered(
    extractor: Extractor, parts: list[str], published: date
) -> None:
    for found in extractor.extract("", "".join(parts), published=published):
        if found.window_start and found.window_end:
            assert found.window_start <= found.window_end


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The readout has been delayed from Q1 2026 to Q3 2026.", [("readout", "2026-07-01", "2026-09-30")]),
        (
            "Top-line results are now expected in Q1 2026 instead of Q4 2025.",
            [("readout", "2026-01-01", "2026-03-31")],
        ),
        (
            "Data from the ALKIVIA study will be presented at ACR Convergence 2026 in November.",
            [("congress", "2026-11-01", "2026-11-30")],
        ),
        ("Full enrollment is anticipated in Q2 2026.", [("enrollment_complete", "2026-04-01", "2026-06-30")]),
        ("The study is expected to complete in 2027.", [("trial_completion", "2027-01-01", "2027-12-31")]),
        ("argenx will report full year 2025 results on February 26, 2026.", []),  # earnings, not a readout
        ("The company will hold a conference call on March 3, 2026 at 8:00 am ET.", []),
        ("We ended the quarter with $3.2 billion in cash, sufficient to fund operations into 2028.", []),
    ],
)
def test_given_hand_made_phrasings_then_windows_follow_moves_and_context(
    extractor: Extractor, sentence: str, expected: list[tuple[str, str, str]]
) -> None:
    found = extractor.extract("", sentence, published=date(2025, 11, 20))
    got = [(c.kind, str(c.window_start), str(c.window_end)) for c in found]
    assert got == expected


HEADLINES = Path(__file__).resolve().parents[2] / "fixtures" / "labeled" / "headlines_dev.jsonl"


def _headline(row_id: str) -> dict[str, str]:
    for line in HEADLINES.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == row_id:
            return dict(row)
    raise KeyError(row_id)


def test_given_recorded_past_and_request_statements_then_no_false_catalyst_and_the_right_kind(
    extractor: Extractor,
) -> None:
    # B-068 (recorded): "Earlier this year, a group of researchers published data ..." is history
    b068 = _headline("B-068")
    assert extractor.extract(b068["title"], b068["summary"], published=date(2022, 10, 28)) == []
    # E-058 (recorded): "to ask Chinese authorities to approve efgartigimod" is a filing, not a decision
    e058 = _headline("E-058")
    (found,) = extractor.extract(e058["title"], e058["summary"], published=date(2021, 11, 11))
    assert (found.kind, found.window_start, found.window_end) == (
        "filing",
        date(2022, 1, 1),
        date(2022, 6, 30),
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # HAND-MADE, in the shapes of sponsor guidance
        (
            "Topline results, originally expected in Q2 2025, are now anticipated in Q4 2025.",
            [("readout", "2025-10-01", "2025-12-31")],
        ),
        (
            "Results from the first cohort are expected in 2H25 and the second cohort in 1H26.",
            [("readout", "2025-07-01", "2025-12-31"), ("readout", "2026-01-01", "2026-06-30")],
        ),
        (
            "The company has guided for a regulatory submission in Europe in 2026 and Japan in 2027.",
            [("filing", "2026-01-01", "2026-12-31"), ("filing", "2027-01-01", "2027-12-31")],
        ),
        (
            "The company now expects topline data in mid-2026 rather than in early 2026.",
            [("readout", "2026-04-01", "2026-09-30")],
        ),
        (
            "The results, which were expected in 2025, were delayed to 2026.",
            [("readout", "2026-01-01", "2026-12-31")],
        ),
        (
            "The Phase 3 study is expected to enroll approximately 240 participants and complete in 2028.",
            [("trial_completion", "2028-01-01", "2028-12-31")],
        ),
        (
            "The study is projected to finish in December 2027.",
            [("trial_completion", "2027-12-01", "2027-12-31")],
        ),
        (
            "The Marketing Authorization Application is expected to be validated in January 2027.",
            [("filing", "2027-01-01", "2027-01-31")],
        ),
        ("argenx will host a conference call on July 31, 2025 to discuss second quarter results.", []),
        ("We look forward to sharing data in the coming months.", []),
    ],
)
def test_given_a_subject_named_once_a_superseded_window_or_a_reporting_period_then_as_expected(
    extractor: Extractor, sentence: str, expected: list[tuple[str, str, str]]
) -> None:
    found = extractor.extract("", sentence, published=date(2025, 6, 1))
    got = [(c.kind, str(c.window_start), str(c.window_end)) for c in found]
    assert got == expected

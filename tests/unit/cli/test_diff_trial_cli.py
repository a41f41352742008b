"""`pipewatch diff-trial OLD.json NEW.json` on the committed real and derived study documents."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from pipewatch.commands import diff_trial

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"
ECOG = FIXTURES / "v2_study_NCT06171568_versionHolder-2023-12-14_aact.json"
RECRUITING = FIXTURES / "derived_NCT06171568_status_recruiting.json"
SLIP = FIXTURES / "derived_NCT06171568_primary_completion_2025-09-01.json"
REFORMATTED = FIXTURES / "derived_NCT06171568_reformatted_only.json"
CZP_A = FIXTURES / "v2_study_NCT02552212_versionHolder-2023-12-12_aact.json"
CZP_B = FIXTURES / "v2_study_NCT02552212_versionHolder-2024-01-03_aact.json"
ACTT = FIXTURES / "v2_study_NCT04280705_full_2026-08-20_hkm30.json"
V1 = FIXTURES / "v1_classic_fullstudies_element_NCT05594173_2022-11-22_aact.json"
SEARCH = FIXTURES / "v2_search_imatinib_leukemia_pageSize1_page1_2026-08-20_hkm30.json"
NOT_JSON = FIXTURES / "v2_error_404_study_NCT99999999_2026-08-20_hkm30.txt"

KEYS = ["nct_id", "field", "old", "new", "event_type", "severity", "summary"]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, list[dict[str, object]], str]:
    parser = argparse.ArgumentParser(prog="pipewatch diff-trial")
    diff_trial.add_arguments(parser)
    code = diff_trial.run(parser.parse_args([str(a) for a in argv]))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_status_change_prints_one_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = run(capsys, ECOG, RECRUITING)
    assert (code, err) == (0, "")
    assert lines == [
        {
            "nct_id": "NCT06171568",
            "field": "overall_status",
            "old": "NOT_YET_RECRUITING",
            "new": "RECRUITING",
            "event_type": "trial_status",
            "severity": "medium",
            "summary": "ECOG (NCT06171568): status Not yet recruiting -> Recruiting",
        }
    ]
    assert list(lines[0]) == KEYS


def test_primary_completion_slip_is_medium(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, ECOG, SLIP)
    assert code == 0
    assert [(line["field"], line["severity"]) for line in lines] == [("primary_completion_date", "medium")]
    assert (
        lines[0]["summary"]
        == "ECOG (NCT06171568): primary completion 2025-02-01 -> 2025-09-01 (+212 days, ~7 months)"
    )


def test_acronym_option_overrides_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, ECOG, RECRUITING, "--acronym", "ALKIVIA")
    assert code == 0
    assert str(lines[0]["summary"]).startswith("ALKIVIA (NCT06171568): status")


@pytest.mark.parametrize(
    ("old", "new"), [(ECOG, REFORMATTED), (REFORMATTED, ECOG), (CZP_A, CZP_B), (ACTT, ACTT)]
)
def test_no_meaningful_change_prints_nothing_on_stdout_and_says_so_on_stderr(
    capsys: pytest.CaptureFixture[str], old: Path, new: Path
) -> None:
    code, lines, err = run(capsys, old, new)
    assert (code, lines) == (0, [])
    assert err.startswith("pipewatch diff-trial: no changes (NCT") and err.count("\n") == 1


def test_format_text_prints_one_sentence_per_change(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="pipewatch diff-trial")
    diff_trial.add_arguments(parser)
    code = diff_trial.run(parser.parse_args(["--format", "text", str(ECOG), str(RECRUITING)]))
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    (line,) = out.splitlines()
    assert line.startswith("[") and "trial_status" in line and "overall_status:" in line and " -> " in line


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (V1, ECOG, "retired classic API v1 record"),
        (ECOG, V1, "retired classic API v1 record"),
        (SEARCH, ECOG, "search envelope"),
        (NOT_JSON, ECOG, "is not JSON"),
        (ECOG, FIXTURES / "does_not_exist.json", "cannot read"),
        (FIXTURES, ECOG, "cannot read"),
        (ECOG, ACTT, "is NCT06171568 but"),
    ],
)
def test_bad_input_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], old: Path, new: Path, message: str
) -> None:
    code, lines, err = run(capsys, old, new)
    assert code == 1 and lines == []
    assert err.count("\n") == 1 and err.startswith("pipewatch diff-trial: ")
    assert message in err
    assert "Traceback" not in err


def test_invalid_utf8_and_json_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"protocolSection": "\xff"}')
    code, _, err = run(capsys, bad, ECOG)
    assert code == 1 and "is not JSON" in err
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([json.loads(ECOG.read_text(encoding="utf-8"))]), encoding="utf-8")
    code, _, err = run(capsys, listed, ECOG)
    assert code == 1 and "JSON list" in err


def test_given_deeply_nested_garbage_then_one_line_and_exit_1_never_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipewatch.cli import main

    garbage = tmp_path / "deep.json"
    garbage.write_text('{"a":' * 50_000 + "1" + "}" * 50_000)
    shallow = tmp_path / "shallow.json"
    shallow.write_text("[" * 500 + "]" * 500)  # decodes, but is no study document either

    for path in (garbage, shallow):
        assert main(["diff-trial", str(path), str(path)]) == 1
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err

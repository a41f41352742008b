from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipewatch.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(
    ("kind", "relative", "count"),
    [
        ("rss", "rss/sec_press_releases_rss_2025-01-24_edgarkit.xml", 25),
        ("edgar", "edgar/company_atom_keen-vision_8K_2025-01-25_edgarkit.xml", 55),
        ("pubmed", "pubmed/esummary_40642746.json", 1),
        ("ctgov", "ctgov/v2_search_phelan-mcdermid_pageSize5_page1_2026-08-11_biomcp.json", 5),
        ("openfda", "openfda/drugsfda_imatinib_NDA021588_reduced_2026-08-11_biomcp.json", 1),
        (
            "federal-register",
            "federal_register/documents_uscis_newest_perpage5_trimmed_2026-09-13_EXCERPT.json",
            3,
        ),
        ("europepmc", "europepmc/search_MLH1-p.Gly67Glu_not-retracted_pageSize25_2026-08-06_biomcp.json", 6),
        ("ctis", "ctis/retrieve_2025-523333-26-00_argenx-graves_reduced_2026-08_ctcm.json", 1),
        ("ctis", "ctis/search_record_2025-523726-40-00_2026-07-18_gregory_TRANSCRIBED.json", 1),
    ],
)
def test_prints_items_as_json_lines(
    kind: str, relative: str, count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse-feed", "--kind", kind, str(FIXTURES / relative)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == count
    for line in lines:
        item = json.loads(line)
        assert item["title"] and item["source_id"] == "file"
        assert item["published"] is None or item["published"].endswith("Z")


@pytest.mark.parametrize(
    ("kind", "relative"),
    [
        ("rss", "ctgov/v2_version_2026-08-20_hkm30.json"),
        ("ctgov", "rss/sec_press_releases_rss_2025-01-24_edgarkit.xml"),
        ("pubmed", "pubmed/esummary_ABC123_invalid_2026-08-20_hkm30.json"),
        ("edgar", "ctgov/v2_error_400_search_filter-ids_ABC123_2026-08-20_hkm30.txt"),
        ("rss", "does/not/exist.xml"),
        ("openfda", "openfda/drugsfda_BLA761195_VYVGART_2026-07-10_docs-corpus_EXCERPT.txt"),  # cut mid-JSON
        ("federal-register", "pubmed/esummary_40642746.json"),
        ("europepmc", "rss/sec_press_releases_rss_2025-01-24_edgarkit.xml"),
        ("ctis", "ctis/rss_item_description_2025-523726-40-00_2026-07-18_gregory_TRANSCRIBED.html"),
    ],
)
def test_bad_file_is_one_line_on_stderr_and_exit_1(
    kind: str, relative: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse-feed", "--kind", kind, str(FIXTURES / relative)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.err.startswith("parse-feed: ") and "Traceback" not in captured.err


@pytest.mark.parametrize("kind", ["ctgov", "pubmed", "openfda", "federal-register", "europepmc", "ctis"])
def test_given_deeply_nested_garbage_json_then_one_line_and_exit_1_never_a_traceback(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "deep.json"
    garbage.write_text("[" * 100_000 + "]" * 100_000)

    assert main(["parse-feed", "--kind", kind, str(garbage)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "nested" in err


def test_given_a_truncated_feed_file_then_parse_feed_says_so_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = (FIXTURES / "rss/sec_press_releases_rss_2025-01-24_edgarkit.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(whole[: len(whole) // 2])

    assert main(["parse-feed", "--kind", "rss", str(cut)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "truncated feed" in captured.err

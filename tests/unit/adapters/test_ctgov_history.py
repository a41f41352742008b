"""The record history parsers (undocumented ``/api/int`` endpoints) on the recorded responses
(tests/fixtures/ctgov/README.sources.md), hostile inputs, and the text normalisation that keeps an
HTML-escaped history version and API v2's markdown from alerting as a re-format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipewatch.adapters.ctgov_history import history_url, parse_history, parse_history_version
from pipewatch.cli import main
from pipewatch.domain.trials.diff import diff_snapshots
from pipewatch.domain.trials.document import snapshot_from_study
from pipewatch.errors import PayloadError

CTGOV = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"
HISTORY_LIST = CTGOV / "int_api_history_excerpt_NCT03690141.json"
VERSION0 = CTGOV / "int_api_history_version0_NCT04280705_ctcm.json"
CURRENT = CTGOV / "v2_study_NCT04280705_full_2026-08-20_hkm30.json"


def test_history_urls() -> None:
    base = "https://clinicaltrials.gov/api/int/"
    assert (
        history_url(base, "NCT04280705") == "https://clinicaltrials.gov/api/int/studies/NCT04280705/history"
    )
    assert history_url(base, "NCT04280705", 3).endswith("/studies/NCT04280705/history/3")


def test_the_recorded_version_list_parses_oldest_first() -> None:
    entries = parse_history(HISTORY_LIST.read_bytes())
    assert [e.version for e in entries] == list(range(10))
    assert (entries[0].date, entries[0].status) == ("2018-09-27", "NOT_YET_RECRUITING")
    assert (entries[-1].date, entries[-1].status) == ("2020-04-27", "COMPLETED")


def test_the_recorded_version_parses_with_its_text_unescaped() -> None:
    raw = json.loads(VERSION0.read_bytes())["study"]
    assert "&#x2F;" in raw["protocolSection"]["descriptionModule"]["briefSummary"]
    version, study = parse_history_version(VERSION0.read_bytes(), "NCT04280705")
    assert version == 0
    summary = study["protocolSection"]["descriptionModule"]["briefSummary"]
    assert "evolve/improve" in summary and "&#x2F;" not in summary
    assert study["protocolSection"]["statusModule"]["overallStatus"] == "NOT_YET_RECRUITING"


def test_an_html_escaped_version_and_the_same_text_in_markdown_give_no_change() -> None:
    """Hand-made pair: the recorded version 0 as served (escaped) and as API v2 would carry it (unescaped)."""
    escaped = snapshot_from_study(json.loads(VERSION0.read_bytes())["study"])
    _version, hand_made_unescaped = parse_history_version(VERSION0.read_bytes())
    assert diff_snapshots(escaped, snapshot_from_study(hand_made_unescaped)) == []


def test_version_0_against_todays_api_v2_record_reports_content_never_a_reformat() -> None:
    """Real pair, years apart: what changed is reported; the escaped texts that did not change are not."""
    _version, then = parse_history_version(VERSION0.read_bytes())
    changes = diff_snapshots(snapshot_from_study(then), snapshot_from_study(json.loads(CURRENT.read_bytes())))
    fields = {c.field for c in changes}
    assert {"overall_status", "enrollment", "phases"} <= fields
    assert "interventions" not in fields  # the remdesivir description carries "&#x2F;" in the history text
    secondary = next(c for c in changes if c.field == "secondary_outcomes")
    assert "National Early Warning Score" not in (secondary.old or "")  # "&lt;&#x2F;= 2" vs "<= 2": same


def _study_doc() -> dict[str, Any]:
    return {
        "studyVersion": 2,
        "study": {"protocolSection": {"identificationModule": {"nctId": "NCT04280705"}}},
    }


@pytest.mark.parametrize(
    ("hand_made_body", "message"),
    [
        (HISTORY_LIST.read_bytes()[:700], "not JSON"),  # truncated
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "not JSON"),
        (b'{"history": {"changes": []}}', "no 'history.changes'"),
        (b'{"studies": []}', "no 'history.changes'"),
        (b"[1, 2, 3]", "no 'history.changes'"),
        (b'{"history": {"changes": [{"version": "1", "date": "2020-01-01"}]}}', "integer version"),
        (b'{"history": {"changes": [{"version": 1, "date": "January 2020"}]}}', "YYYY-MM-DD"),
        (
            b'{"history": {"changes": [{"version": 1, "date": "2020-01-01"}, '
            b'{"version": 1, "date": "2020-01-02"}]}}',
            "twice",
        ),
        (
            b'{"history": {"changes": [' + b'{"version": 1, "date": "2020-01-01"},' * 10_001 + b"1]}}",
            "more than",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "nested"),
    ],
)
def test_a_hostile_version_list_is_a_payload_error(hand_made_body: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_history(hand_made_body)


@pytest.mark.parametrize(
    ("hand_made_body", "message"),
    [
        (VERSION0.read_bytes()[:5000], "not JSON"),  # truncated
        (b"<html><head><title>Just a moment...</title></head></html>", "not JSON"),
        (json.dumps({"study": _study_doc()["study"]}).encode(), "no 'studyVersion'"),
        (json.dumps({"studyVersion": 1, "study": []}).encode(), "no 'studyVersion'"),
        (
            json.dumps({"studyVersion": 1, "study": {"protocolSection": {}}}).encode(),
            "without protocolSection",
        ),
        (json.dumps(_study_doc()).replace("NCT04280705", "NCT00000001").encode(), "asked for NCT04280705"),
    ],
)
def test_a_hostile_version_is_a_payload_error(hand_made_body: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_history_version(hand_made_body, "NCT04280705")


def test_a_huge_version_body_is_parsed_within_its_own_size() -> None:
    """Hand-made: the recorded version with a 5 MB summary (the fetcher's byte cap stops bigger ones)."""
    doc = json.loads(VERSION0.read_bytes())
    doc["study"]["protocolSection"]["descriptionModule"]["briefSummary"] = "a &lt; b " * 600_000
    _version, study = parse_history_version(json.dumps(doc).encode(), "NCT04280705")
    assert study["protocolSection"]["descriptionModule"]["briefSummary"].startswith("a < b a < b")


def test_parse_feed_reads_the_recorded_history_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse-feed", "--kind", "ctgov-history", str(VERSION0)]) == 0
    captured = capsys.readouterr()
    (item,) = [json.loads(line) for line in captured.out.splitlines()]
    assert item["guid"] == "NCT04280705" and item["title"] == "Adaptive COVID-19 Treatment Trial"
    assert item["extra"]["history_version"] == "0" and item["extra"]["overall_status"] == "NOT_YET_RECRUITING"
    assert main(["parse-feed", "--kind", "ctgov-history", str(HISTORY_LIST)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[0] == "parse-feed: version 0 2018-09-27 NOT_YET_RECRUITING"
    assert len(captured.err.splitlines()) == 10


def test_parse_feed_refuses_a_v2_study_as_history(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse-feed", "--kind", "ctgov-history", str(CURRENT)]) == 1
    assert "no 'history.changes'" in capsys.readouterr().err

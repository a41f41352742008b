"""The real command line, `python -m pipewatch.cli ...` in a subprocess: what a shell pipe and an exit
status see (the in-process CLI tests are in tests/unit/cli)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "ctgov"
ECOG = FIXTURES / "v2_study_NCT06171568_versionHolder-2023-12-14_aact.json"
RECRUITING = FIXTURES / "derived_NCT06171568_status_recruiting.json"
V1 = FIXTURES / "v1_classic_fullstudies_element_NCT05594173_2022-11-22_aact.json"


def test_given_classify_output_then_it_pipes_into_render_with_title_and_a_clean_link() -> None:
    line = json.dumps(
        {
            "title": "argenx wins approval for Vyvgart",
            "source": "MedNous",
            "url": "https://mednous.com/news/argenx?utm_source=rss&utm_medium=feed&id=7&fbclid=abc",
        }
    )
    classify = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "classify"],
        input=line + "\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    render = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "render", "--channel", "email"],
        input=classify.stdout,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    (email,) = [json.loads(x) for x in render.stdout.splitlines()]
    assert email["subject"].startswith("[HIGH] efgartigimod: regulatory - argenx wins approval")
    assert "Link: https://mednous.com/news/argenx?id=7" in email["body"]
    assert "utm_" not in email["body"] and "fbclid" not in email["body"]


def test_real_command_line_has_no_traceback() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "diff-trial", str(ECOG), str(RECRUITING)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["event_type"] == "trial_status"
    bad = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "diff-trial", str(V1), str(ECOG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr

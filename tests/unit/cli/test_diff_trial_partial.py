"""A partial registry record (a module left out of a complete document) reports no change for what it does
not carry: `pipewatch diff-trial` on the real NCT06171568 record and a MODIFIED copy of it (one module
removed, written by the test; not a recording)."""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pipewatch.commands import diff_trial

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"
ECOG = FIXTURES / "v2_study_NCT06171568_versionHolder-2023-12-14_aact.json"
RECRUITING = FIXTURES / "derived_NCT06171568_status_recruiting.json"
TRACKED_MODULES = [
    "statusModule",
    "designModule",
    "armsInterventionsModule",
    "outcomesModule",
    "conditionsModule",
    "sponsorCollaboratorsModule",
    "contactsLocationsModule",
]


def _modified_without(source: Path, module: str, tmp_path: Path) -> Path:
    """MODIFIED (not recorded): the real document with `protocolSection.<module>` removed."""
    document: dict[str, Any] = copy.deepcopy(json.loads(source.read_text(encoding="utf-8")))
    del document["protocolSection"][module]
    path = tmp_path / f"modified_{source.stem}_without_{module}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="pipewatch diff-trial")
    diff_trial.add_arguments(parser)
    code = diff_trial.run(parser.parse_args([str(a) for a in argv]))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("module", TRACKED_MODULES)
def test_given_a_record_missing_a_module_then_nothing_is_reported_for_it_either_way(
    module: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial = _modified_without(ECOG, module, tmp_path)
    assert _run(capsys, ECOG, partial) == (0, "", "pipewatch diff-trial: no changes (NCT06171568)\n")
    assert _run(capsys, partial, ECOG) == (0, "", "pipewatch diff-trial: no changes (NCT06171568)\n")


def test_given_a_record_missing_its_status_module_then_other_changes_are_still_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(RECRUITING.read_text(encoding="utf-8"))
    del document["protocolSection"]["statusModule"]
    document["protocolSection"]["conditionsModule"]["conditions"].append("Stroke")
    partial = tmp_path / "modified_recruiting_without_statusModule_plus_a_condition.json"
    partial.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = _run(capsys, "--format", "text", ECOG, partial)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "[LOW] trial_update: ECOG (NCT06171568): conditions +Stroke "
        "(conditions: Brain Injuries -> Brain Injuries, Stroke)"
    ]

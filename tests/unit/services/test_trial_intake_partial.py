"""The registry poll never alerts on a partial answer: a record missing its statusModule (a MODIFIED copy
of the real NCT06171568 record, made here; not a recording) stores no change, keeps the last known status,
and the next whole record is compared with that status, so a real change is still reported once."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fakes import CountingMetrics, InMemoryStore
from pipewatch.config import load_classifier, load_data_file
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.trials.model import TrialSnapshot
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.trial_intake import TrialIntake, TrialIntakeResult

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CTGOV = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"
ECOG = json.loads((CTGOV / "v2_study_NCT06171568_versionHolder-2023-12-14_aact.json").read_text("utf-8"))
RECRUITING = json.loads((CTGOV / "derived_NCT06171568_status_recruiting.json").read_text("utf-8"))


def _without(document: dict[str, Any], module: str) -> dict[str, Any]:
    modified = copy.deepcopy(document)
    del modified["protocolSection"][module]
    return modified


def _poll(intake: TrialIntake, study: dict[str, Any], *, first_poll: bool = False) -> TrialIntakeResult:
    result = TrialIntakeResult()
    intake.run("ctgov", [study], NOW, first_poll=first_poll, into=result)
    return result


def test_given_a_partial_answer_between_two_whole_ones_then_only_the_real_change_alerts() -> None:
    store = InMemoryStore()
    intake = TrialIntake(
        store=store,
        metrics=CountingMetrics(),
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        limits=PollLimits(alert_horizon_days=36_500),
    )
    _poll(intake, ECOG, first_poll=True)  # the baseline: NOT_YET_RECRUITING

    partial = _poll(intake, _without(RECRUITING, "statusModule"))
    assert partial.stored == []  # no "status Not yet recruiting -> (none)"
    stored = TrialSnapshot.model_validate_json(store.snapshots["NCT06171568"][0])
    assert stored.overall_status == "NOT_YET_RECRUITING"  # the last known status is kept

    whole = _poll(intake, RECRUITING)
    assert [u.title for u in whole.stored] == ["ECOG (NCT06171568): status Not yet recruiting -> Recruiting"]
    assert _poll(intake, RECRUITING).stored == []  # and once only

"""A registry record at poll time (pure): nothing to write, a baseline, or the snapshot with its changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipewatch.config import load_classifier, load_data_file
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.ingest.trial_intake import CTGOV_STUDY_URL, TrialDecision, decide_trial, read_study
from pipewatch.domain.trials.model import TrialSnapshot
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import PayloadError

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CTGOV = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"
WATCHLIST = load_data_file("watchlist.yaml", Watchlist)
# The record as registered (last updated 2023-12-14), and a later version with another status.
RECRUITING, _ = read_study(json.loads((CTGOV / "derived_NCT06171568_status_recruiting.json").read_text()))
CHANGED, _ = read_study(
    json.loads((CTGOV / "derived_NCT06171568_primary_completion_2025-09-01.json").read_text())
)
EVERYTHING_RECENT = PollLimits(alert_horizon_days=36_500)


def _decide(
    snapshot: TrialSnapshot,
    previous: TrialSnapshot | None,
    *,
    first_poll: bool = False,
    limits: PollLimits = EVERYTHING_RECENT,
) -> TrialDecision:
    return decide_trial(
        snapshot,
        previous.model_dump_json() if previous else None,
        source_id="ctgov",
        first_poll=first_poll,
        limits=limits,
        now=NOW,
        classifier=load_classifier(),
        watchlist=WATCHLIST,
        acronym=None,
    )


def test_given_the_stored_content_then_nothing_is_written() -> None:
    decision = _decide(RECRUITING, RECRUITING)
    assert not decision.write and decision.updates == ()


def test_given_a_first_poll_then_the_record_is_a_baseline_without_an_alert() -> None:
    decision = _decide(RECRUITING, None, first_poll=True)
    assert decision.write and decision.updates == () and "baseline" in decision.reason


def test_given_a_record_first_seen_long_after_its_last_update_then_it_is_remembered_without_an_alert() -> (
    None
):
    decision = _decide(RECRUITING, None, limits=PollLimits())
    assert decision.write and decision.updates == () and "alert horizon" in decision.reason


def test_given_a_new_recent_record_then_it_alerts_as_a_new_study() -> None:
    decision = _decide(RECRUITING, None)
    (update,) = decision.updates
    assert decision.write and update.change is not None and update.change.nct_id == "NCT06171568"
    assert update.url == CTGOV_STUDY_URL.format(nct_id="NCT06171568") and update.first_seen == NOW
    assert update.classification.relevant and update.source_id == "ctgov"


def test_given_a_changed_record_then_its_changes_are_written_with_it_and_the_ids_are_stable() -> None:
    decision = _decide(CHANGED, RECRUITING)
    assert decision.write and decision.updates
    assert all(u.change is not None and u.doc_type == "registry" for u in decision.updates)
    assert _decide(CHANGED, RECRUITING) == decision  # deterministic: a retried poll writes the same ids


def test_given_a_document_that_is_not_a_study_then_it_is_refused() -> None:
    with pytest.raises(PayloadError):
        read_study({"not": "a study"})

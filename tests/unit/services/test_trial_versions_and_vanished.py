"""Every version and vanished records at the trial intake (in-memory fakes): versions handed over in order
each alert (RECRUITING -> SUSPENDED -> RECRUITING is two changes, not none), and a record that answers 404 or
redirects to another id alerts once. Documents: the real NCT06171568 record and its derived RECRUITING copy
(tests/fixtures/ctgov/README.md); the SUSPENDED version is hand-made here from the RECRUITING one."""

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


def _hand_made_version(status: str, posted: str) -> dict[str, Any]:
    version = copy.deepcopy(RECRUITING)
    version["protocolSection"]["statusModule"]["overallStatus"] = status
    version["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {
        "date": posted,
        "type": "ACTUAL",
    }
    return version


def _intake(store: InMemoryStore, metrics: CountingMetrics | None = None) -> TrialIntake:
    return TrialIntake(
        store=store,
        metrics=metrics or CountingMetrics(),
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        limits=PollLimits(alert_horizon_days=36_500),
    )


def _run(intake: TrialIntake, *studies: dict[str, Any], first_poll: bool = False) -> list[str]:
    result = TrialIntakeResult()
    intake.run("ctgov", list(studies), NOW, first_poll=first_poll, into=result)
    return [u.title for u in result.stored]


def test_given_versions_in_order_then_an_intermediate_state_alerts() -> None:
    store = InMemoryStore()
    intake = _intake(store)
    _run(intake, _hand_made_version("RECRUITING", "2026-11-20"), first_poll=True)
    titles = _run(
        intake, _hand_made_version("SUSPENDED", "2026-11-27"), _hand_made_version("RECRUITING", "2026-11-30")
    )
    assert titles == [
        "ECOG (NCT06171568): status Recruiting -> Suspended",
        "ECOG (NCT06171568): status Suspended -> Recruiting",
    ]
    # the snapshot diff alone (today's record against the stored one) sees nothing
    alone = _intake(InMemoryStore())
    _run(alone, _hand_made_version("RECRUITING", "2026-11-20"), first_poll=True)
    assert _run(alone, _hand_made_version("RECRUITING", "2026-11-30")) == []
    assert _run(intake, _hand_made_version("RECRUITING", "2026-11-30")) == []  # the same again: nothing


def test_given_a_record_that_answers_404_then_one_withdrawn_update_once() -> None:
    store, metrics = InMemoryStore(), CountingMetrics()
    intake = _intake(store, metrics)
    _run(intake, ECOG, first_poll=True)
    first, again = TrialIntakeResult(), TrialIntakeResult()
    intake.vanish("ctgov", [("NCT06171568", "")], NOW, into=first)
    intake.vanish("ctgov", [("NCT06171568", "")], NOW, into=again)
    (update,) = first.stored
    assert update.title == (
        "ECOG (NCT06171568): record withdrawn or removed from ClinicalTrials.gov (HTTP 404)"
        " (last status Not yet recruiting)"
    )
    assert update.change is not None and update.change.field == "registry_record"
    assert update.classification.event_type == "trial_status"
    assert again.stored == []
    assert TrialSnapshot.model_validate_json(store.snapshots["NCT06171568"][0]).vanished == "removed"


def test_given_a_record_merged_into_another_id_then_one_merged_update() -> None:
    store = InMemoryStore()
    intake = _intake(store)
    _run(intake, ECOG, first_poll=True)
    merged = TrialIntakeResult()
    intake.vanish("ctgov", [("NCT06171568", "NCT04280705"), ("NCT00000001", "")], NOW, into=merged)
    assert [u.title for u in merged.stored] == [
        "ECOG (NCT06171568): record merged into NCT04280705 on ClinicalTrials.gov"
        " (last status Not yet recruiting)"
    ]  # NCT00000001 was never stored: not news


def test_a_vanished_record_that_answers_again_is_read_without_the_mark() -> None:
    store = InMemoryStore()
    intake = _intake(store)
    _run(intake, ECOG, first_poll=True)
    intake.vanish("ctgov", [("NCT06171568", "")], NOW, into=TrialIntakeResult())
    assert _run(intake, RECRUITING) == ["ECOG (NCT06171568): status Not yet recruiting -> Recruiting"]
    assert TrialSnapshot.model_validate_json(store.snapshots["NCT06171568"][0]).vanished is None


def test_the_poll_service_emits_the_pollers_counts_and_stores_its_vanished_records() -> None:
    from fakes import ScriptedPoller
    from pipewatch.domain.ingest.polling import SourceResult
    from pipewatch.domain.ingest.sources import SourcesConfig
    from pipewatch.domain.models import SourceState
    from pipewatch.services.poll import PollService

    store, metrics = InMemoryStore(), CountingMetrics()
    _run(_intake(store), ECOG, first_poll=True)

    def answer(state: SourceState) -> SourceResult:
        return SourceResult(
            items=[],
            new_state=state,
            counts={"CtgovHistoryFallbacks": 2},
            vanished=[("NCT06171568", "")],
        )

    service = PollService(
        store=store,
        source_poller=ScriptedPoller({"ctgov": answer}),
        fetcher=None,  # type: ignore[arg-type]
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        sources=SourcesConfig.model_validate({"sources": [{"id": "ctgov", "kind": "ctgov"}]}),
        metrics=metrics,
        clock=lambda: NOW,
    )
    report = service.poll(["ctgov"])
    assert report.outcomes[0].trial_changes == 1
    assert [u.change.field for u in report.new_updates if u.change] == ["registry_record"]
    assert metrics.counts[("CtgovHistoryFallbacks", (("source", "ctgov"),))] == 2
    assert metrics.counts[("RecordsVanished", (("source", "ctgov"),))] == 1

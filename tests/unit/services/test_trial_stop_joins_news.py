"""A registry stop the news already reported joins that story: stored, not alerted again (issue 22). The
record is a MODIFIED copy of the real NCT06171568 record (renumbered as the watched ALKIVIA study, status
changed here; not a recording); the news story is HAND-MADE."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fakes import CountingMetrics, InMemoryStore
from pipewatch.config import load_classifier, load_data_file
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.trial_intake import TrialIntake, TrialIntakeResult

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CTGOV = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"
RECORD = json.loads((CTGOV / "v2_study_NCT06171568_versionHolder-2023-12-14_aact.json").read_text("utf-8"))


def _alkivia(status: str) -> dict[str, Any]:
    modified = copy.deepcopy(RECORD)
    modified["protocolSection"]["identificationModule"]["nctId"] = "NCT05523167"
    modified["protocolSection"]["statusModule"]["overallStatus"] = status
    return modified


def _news(title: str, first_seen: datetime) -> Update:
    return Update(
        update_id="u-news",
        title=title,
        url="https://news.example/alkivia-paused",
        source_id="wire",
        published=first_seen,
        first_seen=first_seen,
        classification=Classification(
            relevant=True,
            agents=("efgartigimod",),
            indications=("myositis",),
            event_type="trial_status",
            severity="high",
        ),
    )


def _intake(store: InMemoryStore) -> TrialIntake:
    return TrialIntake(
        store=store,
        metrics=CountingMetrics(),
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        limits=PollLimits(alert_horizon_days=36_500),
    )


def _poll(intake: TrialIntake, study: dict[str, Any], *, first_poll: bool = False) -> list[Update]:
    result = TrialIntakeResult()
    intake.run("ctgov", [study], NOW, first_poll=first_poll, into=result)
    return result.stored


def test_given_the_news_of_the_stop_stored_then_the_registry_stop_is_part_of_that_story() -> None:
    store = InMemoryStore()
    intake = _intake(store)
    _poll(intake, _alkivia("RECRUITING"), first_poll=True)
    news = _news("argenx suspends the ALKIVIA trial of efgartigimod", NOW - timedelta(days=2))
    store.put_update(news)

    (stop,) = _poll(intake, _alkivia("SUSPENDED"))
    assert stop.change is not None and stop.change.new == "SUSPENDED"
    assert stop.part_of == "u-news"


def test_given_no_story_of_it_or_a_story_of_another_trial_then_the_stop_is_alerted_on_its_own() -> None:
    store = InMemoryStore()
    intake = _intake(store)
    _poll(intake, _alkivia("RECRUITING"), first_poll=True)
    store.put_update(_news("argenx suspends the ADHERE trial of efgartigimod", NOW - timedelta(days=1)))

    (stop,) = _poll(intake, _alkivia("TERMINATED"))
    assert stop.part_of == ""

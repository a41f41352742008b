"""A live service reads only the configuration files it uses, and when it first uses them, not when it is
built (issue 28): the catalyst check the watchlist (when it first folds a catalyst), the plan the watchlist
and sources (when it first plans); a push of a file it does not use neither is read by it nor rebuilds it, a
push of one it uses does. In-memory config source (no moto); hand-made settings and trial record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pipewatch.composition import build_calendar_service, build_plan_service, live_service
from pipewatch.config import packaged_data_path
from pipewatch.domain.trials.model import TrialSnapshot
from pipewatch.services.live_config import PACKAGED, LiveConfig
from pipewatch.services.plan import PlanRequest
from pipewatch.services.ports import ConfigObject
from pipewatch.settings import Settings
from watchlist_edits import with_anifrolumab

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SETTINGS = Settings(table_name="t", poll_queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/q")


@dataclass
class CountingConfigSource:
    """The ConfigSource port: the stored objects (none: the packaged files apply), and every key asked."""

    objects: dict[str, ConfigObject] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def current(self, key: str, *, etag: str = "") -> ConfigObject | Literal["not_modified"] | None:
        self.asked.append(key)
        found = self.objects.get(key)
        return "not_modified" if found is not None and found.etag == etag else found


def _calendar(live: LiveConfig) -> Any:
    return live_service(
        live, lambda config: build_calendar_service(SETTINGS, dynamodb_client=object(), config=config)
    )


def _fold_a_trial(service: Any) -> None:
    """A registry record without dates (hand-made): the calendar looks its NCT id up in the watchlist."""
    assert service.observe_trial(TrialSnapshot(nct_id="NCT00000001"), None, T0) == []


def test_given_the_catalyst_check_when_built_then_nothing_is_read_and_a_fold_reads_the_watchlist() -> None:
    source = CountingConfigSource()
    service = _calendar(LiveConfig(source))
    service.current()
    assert source.asked == []
    _fold_a_trial(service)
    assert source.asked == ["watchlist.yaml"]
    assert service.config_versions() == (PACKAGED, "", "")


class AcceptingSqs:
    """Hand-made SQS client: every message of a batch accepted."""

    def __init__(self) -> None:
        self.batches = 0

    def send_message_batch(self, **_: Any) -> dict[str, Any]:
        self.batches += 1
        return {"Failed": []}


def test_given_the_plan_when_built_then_nothing_is_read_and_its_plan_reads_no_taxonomy() -> None:
    source = CountingConfigSource()
    sqs = AcceptingSqs()
    service: Any = live_service(
        LiveConfig(source), lambda config: build_plan_service(SETTINGS, sqs_client=sqs, config=config)
    )
    service.current()
    assert source.asked == []  # the first plan reads them, not the build (issue 28)
    report = service.plan(PlanRequest())
    assert report.tasks > 0 and sqs.batches > 0
    assert sorted(source.asked) == ["sources.yaml", "watchlist.yaml"]
    assert service.config_versions() == (PACKAGED, "", PACKAGED)


def test_given_a_push_when_the_interval_passes_then_only_a_used_file_rebuilds_the_service() -> None:
    now = [T0]
    source = CountingConfigSource()
    service = _calendar(LiveConfig(source, clock=lambda: now[0]))
    first = service.current()
    _fold_a_trial(service)
    taxonomy = packaged_data_path("taxonomy.yaml").read_text(encoding="utf-8")
    source.objects["taxonomy.yaml"] = ConfigObject("taxonomy.yaml", taxonomy, '"t2"', "t2")
    now[0] += timedelta(minutes=10)
    assert service.current() is first
    assert "taxonomy.yaml" not in source.asked
    source.objects["watchlist.yaml"] = ConfigObject("watchlist.yaml", with_anifrolumab(), '"w2"', "w2")
    now[0] += timedelta(minutes=10)
    assert service.current() is not first
    assert service.config_versions() == ("", "", "")  # the new build reads it when it first needs it
    _fold_a_trial(service)
    assert service.config_versions() == ("w2", "", "")

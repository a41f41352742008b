"""Composition root, ingest: the plan, poll and catalyst-calendar Lambdas and `pipewatch sources check`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipewatch.adapters.aws import lazy_client
from pipewatch.composition.live import current_config
from pipewatch.settings import Settings

if TYPE_CHECKING:
    from pipewatch.domain.models import Update
    from pipewatch.domain.trials.model import TrialSnapshot
    from pipewatch.domain.watch.watchlist import Watchlist
    from pipewatch.services.calendar import CalendarService
    from pipewatch.services.live_config import ConfigSet
    from pipewatch.services.plan import PlanService
    from pipewatch.services.poll import PollService
    from pipewatch.services.ports import MetricsSink
    from pipewatch.services.sources_check import SourcesCheck


def build_poll_service(
    settings: Settings,
    *,
    fetcher: Any = None,
    metrics: MetricsSink | None = None,
    dynamodb_client: Any = None,
    config: ConfigSet | None = None,
) -> PollService:
    from pipewatch.adapters.http import HttpFetcher
    from pipewatch.adapters.sources import poll_source
    from pipewatch.adapters.store import Store
    from pipewatch.adapters.watch_marks import DynamoWatchMarks
    from pipewatch.domain.watch.classify import Classifier
    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.poll import PollService

    config = current_config(settings, config)
    watchlist, taxonomy, sources = config.watchlist, config.taxonomy, config.sources
    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    marks = DynamoWatchMarks(ddb, settings.require("table_name"))
    return PollService(
        store=Store(ddb, settings.require("table_name")),
        calendar=CalendarOnFirstUse(
            lambda: build_calendar_service(settings, dynamodb_client=ddb, watchlist=watchlist)
        ),
        source_poller=poll_source,
        source_environment=settings.source_environment,
        fetcher=fetcher or HttpFetcher.from_settings(settings, sources),
        classifier=Classifier(watchlist, taxonomy),  # no learned fallback: ADR 0015 keeps it off
        watchlist=watchlist,
        sources=sources,
        metrics=metrics or PowertoolsMetricsSink(),
        alarm_after_failures=settings.source_alarm_failures,
        watch_marks=marks,
        state_with_marks=marks,  # a container's first poll reads its source's state and the marks at once
    )


class CalendarOnFirstUse:
    """The catalyst calendar as the poll feeds it (services.ports.CatalystObserver), built when the poll
    first stores an update or a trial record: most polls store nothing new (an unchanged feed, items stored
    before), and building it imports the calendar service and its rules (~8 ms of a cold start, issue 28)."""

    __slots__ = ("_build", "_built")

    def __init__(self, build: Callable[[], CalendarService]) -> None:
        self._build = build
        self._built: CalendarService | None = None

    def _calendar(self) -> CalendarService:
        if self._built is None:
            self._built = self._build()
        return self._built

    def observe_stored(self, updates: Sequence[Update]) -> list[Update]:
        return self._calendar().observe_stored(updates)

    def observe_trials(
        self, records: Sequence[tuple[TrialSnapshot, str | None]], now: datetime
    ) -> list[Update]:
        return self._calendar().observe_trials(records, now)


def build_sources_check(settings: Settings, *, fetcher: Any = None) -> SourcesCheck:
    """`pipewatch sources check`: the configured sources, the real fetcher and pollers, no store."""
    from pipewatch.adapters.http import HttpFetcher
    from pipewatch.adapters.sources import poll_source
    from pipewatch.services.sources_check import SourcesCheck

    config = current_config(settings)
    watchlist, sources = config.watchlist, config.sources
    return SourcesCheck(
        sources=sources,
        fetcher=fetcher or HttpFetcher.from_settings(settings, sources),
        source_poller=poll_source,
        watchlist=watchlist,
        environ=settings.source_environment,
    )


def _watchlist_reader(files: ConfigSet) -> Callable[[], Watchlist]:
    def read_watchlist() -> Watchlist:
        return files.watchlist

    return read_watchlist


def build_calendar_service(
    settings: Settings, *, dynamodb_client: Any = None, watchlist: Any = None, config: ConfigSet | None = None
) -> CalendarService:
    """The catalyst calendar: fed by the poll, checked daily by the catalyst-check Lambda."""
    from pipewatch.adapters.catalyst_store import CatalystStore
    from pipewatch.adapters.store import Store
    from pipewatch.services.calendar import CalendarService, ExtractorOnFirstUse

    if watchlist is None:  # the catalyst check's: read by the first catalyst folded (issue 28)
        watchlist = _watchlist_reader(current_config(settings, config))
    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    table = settings.require("table_name")
    return CalendarService(
        store=CatalystStore(ddb, table),
        extractor=ExtractorOnFirstUse(watchlist),
        watchlist=watchlist,
        grace_days=settings.catalyst_grace_days,
        recent=Store(ddb, table),  # the daily check folds the last days' updates again
    )


def build_plan_service(
    settings: Settings, *, sqs_client: Any = None, agents_per_task: int = 0, config: ConfigSet | None = None
) -> PlanService:
    """The plan Lambda: watchlist + sources -> poll tasks on the SQS poll queue (no classifier, no HTTP).
    Both files are read by the first plan, not here (issue 28)."""
    from pipewatch.adapters.task_queue import SqsTaskQueue
    from pipewatch.services.plan import PlanService

    files = current_config(settings, config)
    return PlanService(
        sources=lambda: files.sources,
        agent_ids=lambda: [agent.id for agent in files.watchlist.agents],
        queue=SqsTaskQueue(sqs_client or lazy_client("sqs", settings), settings.require("poll_queue_url")),
        agents_per_task=agents_per_task,
    )

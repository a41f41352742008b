"""Poll use case: fetch each selected source, classify, dedupe by stable id, store; snapshot and diff trials.

A failing source never stops the others: it is logged with its id and reason, counted (`SourceFailures` by
source), and its state keeps the old validators so the next poll retries. Items are stored before the
source's new validators, so a crash in between only means a re-fetch, never a lost item.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pipewatch.domain.ingest.back_catalogue import WatchMarks
from pipewatch.domain.ingest.intake import prepare_batch
from pipewatch.domain.ingest.polling import PollTask, SourceResult
from pipewatch.domain.ingest.sources import SourceConfig, SourcesConfig
from pipewatch.domain.models import SourceState, Update
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import PayloadError, PipewatchError, SourceError
from pipewatch.observability import NullMetrics, logger
from pipewatch.services.news_intake import NewsIntake
from pipewatch.services.poll_report import PollReport, SourceOutcome
from pipewatch.services.ports import (
    CatalystObserver,
    Fetcher,
    MetricsSink,
    SourcePoller,
    SourceStateWithMarks,
    UpdateStore,
    WatchMarkStore,
)

if TYPE_CHECKING:  # imported when a registry source's studies first arrive: a news poll never diffs trials
    from pipewatch.services.trial_intake import TrialIntake

__all__ = ["PollReport", "PollService", "PollTaskError", "SourceOutcome"]


class PollTaskError(PipewatchError):
    """A queued poll task failed (the source's reason is kept); the batch reports only that message."""

    def __init__(self, task_id: str, reason: str) -> None:
        super().__init__(f"poll task {task_id}: {reason}")
        self.task_id = task_id
        self.reason = reason


class PollService:
    def __init__(
        self,
        *,
        store: UpdateStore,
        source_poller: SourcePoller,
        fetcher: Fetcher,
        classifier: Classifier,
        watchlist: Watchlist,
        sources: SourcesConfig,
        metrics: MetricsSink | None = None,
        source_environment: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        calendar: CatalystObserver | None = None,
        alarm_after_failures: int = 3,
        watch_marks: WatchMarkStore | None = None,
        state_with_marks: SourceStateWithMarks | None = None,
    ) -> None:
        # When each agent was first watched: an agent added brings no flood (domain/ingest/back_catalogue).
        self._watch_marks = watch_marks
        # When the marks must be read, they are read with the source's state (one request, not two).
        self._state_with_marks = state_with_marks if watch_marks is not None else None
        self._marks: dict[str, datetime] = {}
        self._alarm_after = alarm_after_failures
        self._store = store
        self._poll_source = source_poller
        self._source_environment = dict(source_environment or {})
        self._calendar = calendar
        self._fetcher = fetcher
        self._classifier = classifier
        self._watchlist = watchlist
        self._sources = sources
        self._metrics = metrics or NullMetrics()
        self._clock = clock
        self._monotonic = monotonic
        self._news = NewsIntake(store=store, metrics=self._metrics, limits=sources.poll)
        self._trial_intake: TrialIntake | None = None

    @property
    def _trials(self) -> TrialIntake:
        """The registry intake (the trial differ and snapshot rules), built when a registry source's studies
        or vanished records first arrive: a container polling news never imports it (issue 28)."""
        if self._trial_intake is None:
            from pipewatch.services.trial_intake import TrialIntake

            self._trial_intake = TrialIntake(
                store=self._store,
                metrics=self._metrics,
                classifier=self._classifier,
                watchlist=self._watchlist,
                limits=self._sources.poll,
            )
        return self._trial_intake

    def select(
        self, source_ids: Iterable[str] | None = None, source_class: str | None = None
    ) -> list[SourceConfig]:
        wanted = set(source_ids or ())
        chosen = []
        for source in self._sources.sources:
            if wanted and source.id not in wanted:
                continue
            if not wanted and not source.enabled:
                continue
            if source_class and source.source_class != source_class:
                continue
            chosen.append(source)
        unknown = wanted - {s.id for s in chosen}
        if unknown:
            raise SourceError(
                ",".join(sorted(unknown)), "no such source in the configuration", retryable=False
            )
        return chosen

    def poll(
        self,
        source_ids: Iterable[str] | None = None,
        *,
        source_class: str | None = None,
        budget_seconds: float = 240.0,
    ) -> PollReport:
        deadline = self._monotonic() + budget_seconds
        report = PollReport()
        for source in self.select(source_ids, source_class):
            report.outcomes.append(self._poll_one(source, deadline, report))
        return report

    def poll_task(self, task: PollTask, *, budget_seconds: float = 240.0) -> SourceOutcome:
        """Poll one (source, query) task from the poll queue. Its state lives under `task.state_id`; a split
        task queries only its agents (configured extra terms go with part 0). Raises PollTaskError when the
        source failed, so the queue retries the task (and, after the redrive limit, parks it in the DLQ)."""
        source = self.select([task.source_id])[0]
        watchlist = self._watchlist
        if task.split:
            wanted = set(task.agents)
            watchlist = watchlist.model_copy(
                update={"agents": [a for a in watchlist.agents if a.id in wanted]}
            )
            if not task.carries_extras:
                source = source.without_extras()
        outcome = self._poll_one(
            source,
            self._monotonic() + budget_seconds,
            PollReport(),
            watchlist=watchlist,
            state_id=task.state_id,
        )
        if not outcome.ok:
            raise PollTaskError(task.state_id, outcome.error)
        return outcome

    # -- one source ---------------------------------------------------------------------------------------
    def _poll_one(
        self,
        source: SourceConfig,
        deadline: float,
        report: PollReport,
        *,
        watchlist: Watchlist | None = None,
        state_id: str | None = None,
    ) -> SourceOutcome:
        now = self._clock()
        state: SourceState | None = None
        try:
            state = self._read_state(state_id or source.id)
            result = self._poll_source(
                source,
                state,
                self._fetcher,
                watchlist or self._watchlist,
                now=now,
                deadline=deadline,
                environ=self._source_environment,
            )
            marks = self._marks_for(state, now)
            outcome = self._store_result(
                source, result, now, report, baseline=state.last_success is None, marks=marks
            )
            # Validators move forward only after the items are stored; an unchanged feed writes nothing. A
            # poll that stopped at a cap keeps the old validators, so the next one fetches the rest.
            if not result.not_modified or state.consecutive_failures or state.last_success is None:
                kept = state if outcome.deferred else result.new_state
                self._store.put_source_state(
                    replace(
                        kept,
                        last_success=now,
                        last_attempt=now,
                        consecutive_failures=0,
                        last_error="",
                        failing_since=None,
                        items_seen=state.items_seen + outcome.fetched,
                        last_outage=(state.failing_since, now) if state.failing_since else state.last_outage,
                    )
                )
            self._healthy(source, state, now)
        except (SourceError, PayloadError) as exc:
            reason = exc.reason if isinstance(exc, SourceError) else str(exc)
            return self._failed(source, state, now, reason)
        except Exception as exc:  # noqa: BLE001 - one bad source never fails the poll of the others
            # Garbage that breaks a parser (RecursionError), a store refusing for good (throttled past the
            # SDK's retries): the same failure path, counted, with the streak kept.
            text = str(exc).strip().splitlines()
            return self._failed(source, state, now, f"{type(exc).__name__}: {text[0][:300] if text else ''}")
        self._metrics.count("ItemsFetched", outcome.fetched, source=source.id)
        self._metrics.count("UpdatesStored", outcome.stored + outcome.trial_changes, source=source.id)
        return outcome

    def _failed(
        self, source: SourceConfig, state: SourceState | None, now: datetime, reason: str
    ) -> SourceOutcome:
        logger.warning("source failed", extra={"source": source.id, "reason": reason})
        self._metrics.count("SourceFailures", 1, source=source.id)
        if state is None:  # its state could not even be read: writing a blank one would lose validators
            return SourceOutcome(source_id=source.id, ok=False, error=reason)
        failed = replace(
            state,
            last_attempt=now,
            consecutive_failures=state.consecutive_failures + 1,
            last_error=reason[:500],
            failing_since=state.failing_since or now,
        )
        unhealthy = failed.consecutive_failures >= self._alarm_after
        if unhealthy and failed.consecutive_failures == self._alarm_after:
            logger.error(
                "source unhealthy",
                extra={
                    "source": source.id,
                    "failures": failed.consecutive_failures,
                    "since": str(failed.failing_since),
                },
            )
        # One metric without a per-source dimension, so one CloudWatch alarm covers every source.
        self._metrics.count("SourceUnhealthy", 1 if unhealthy else 0)
        try:
            self._store.put_source_state(failed)
        except Exception as exc:  # noqa: BLE001 - the failure is still counted and reported
            logger.warning("source state not saved", extra={"source": source.id, "reason": str(exc)[:300]})
        return SourceOutcome(source_id=source.id, ok=False, error=reason)

    def _healthy(self, source: SourceConfig, state: SourceState, now: datetime) -> None:
        self._metrics.count("SourceUnhealthy", 0)
        if state.consecutive_failures >= self._alarm_after:
            logger.warning(
                "source recovered",
                extra={
                    "source": source.id,
                    "failed_polls": state.consecutive_failures,
                    "since": str(state.failing_since),
                },
            )
            self._metrics.count("SourceRecovered", 1, source=source.id)

    def _read_state(self, state_id: str) -> SourceState:
        if self._state_with_marks is not None and self._marks_missing():
            return self._state_with_marks.read_source_state_with_marks(state_id)
        return self._store.get_source_state(state_id)

    def _marks_missing(self) -> bool:
        return any(agent.id not in self._marks for agent in self._watchlist.agents)

    def _marks_for(self, state: SourceState, now: datetime) -> WatchMarks | None:
        """The agents' "watched since" marks (read once per service, that is per watchlist version, and again
        only when an agent has none), with this state's last successful poll."""
        if self._watch_marks is None:
            return None
        if self._marks_missing():
            self._marks = self._watch_marks.watched_since([agent.id for agent in self._watchlist.agents], now)
        return WatchMarks(self._marks, state.last_success)

    def _store_result(
        self,
        source: SourceConfig,
        result: SourceResult,
        now: datetime,
        report: PollReport,
        *,
        baseline: bool,
        marks: WatchMarks | None = None,
    ) -> SourceOutcome:
        outcome = SourceOutcome(source_id=source.id, ok=True, not_modified=result.not_modified)
        if result.not_modified:
            return outcome
        for name, value in sorted(result.counts.items()):
            self._metrics.count(name, value, source=source.id)
        if result.vanished or result.studies:  # a registry's answer: its intake is imported on first use
            from pipewatch.services.trial_intake import TrialIntakeResult
        if result.vanished:
            gone = TrialIntakeResult()
            try:
                self._trials.vanish(source.id, result.vanished, now, into=gone)
            finally:
                outcome.trial_changes += len(gone.stored)
                report.new_updates.extend(gone.stored)
        if result.studies:
            outcome.fetched = len(result.studies)
            # The first successful poll of a registry is a baseline (pipewatch.domain.ingest.trial_intake).
            trials = TrialIntakeResult()
            try:
                self._trials.run(
                    source.id, result.studies, now, first_poll=baseline, into=trials, marks=marks
                )
            finally:
                outcome.trial_changes += len(trials.stored)
                report.new_updates.extend(trials.stored)
                if self._calendar is not None and trials.saved:
                    report.new_updates.extend(self._calendar.observe_trials(trials.saved, now))
            return outcome
        outcome.fetched = len(result.items)
        batch = prepare_batch(result.items, self._classifier.classify_item, now)
        stored: list[Update] = []
        try:
            self._news.run(
                source.id,
                batch,
                now,
                outcome,
                first_poll=baseline,
                stored=stored,
                back_catalogue=marks.news if marks else None,
            )
        finally:
            report.new_updates.extend(stored)
            if self._calendar is not None and stored:
                # a stored item feeds the calendar once (re-polls find it stored and skip it)
                report.new_updates.extend(self._calendar.observe_stored(stored))
        return outcome

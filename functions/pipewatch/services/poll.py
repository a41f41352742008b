"""Poll use case: fetch each selected source, classify, dedupe by stable id, store; snapshot and diff trials.

A failing source never stops the others: it is logged with its id and reason, counted (`SourceFailures` by
source), and its state keeps the old validators so the next poll retries. Items are stored before the
source's new validators, so a crash in between only means a re-fetch, never a lost item.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pipewatch.domain.ingest.dedupe import Claim, StoryIndex, claim_keys
from pipewatch.domain.ingest.ids import shared_urls, trial_change_id, update_id, url_identifies
from pipewatch.domain.ingest.polling import PollTask, SourceResult
from pipewatch.domain.ingest.sources import SourceConfig, SourcesConfig
from pipewatch.domain.limits import SNAPSHOT_MAX_BYTES
from pipewatch.domain.models import Classification, FetchedItem, SourceState, TrialChange, Update
from pipewatch.domain.trials.diff import diff_snapshots
from pipewatch.domain.trials.document import snapshot_from_study
from pipewatch.domain.trials.model import TrialSnapshot, fit_snapshot
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import PayloadError, PipewatchError, RecordRejected, SourceError
from pipewatch.observability import NullMetrics, logger
from pipewatch.services.ports import MetricsSink, SourcePoller, UpdateStore

if TYPE_CHECKING:
    from pipewatch.services.calendar import CalendarService

CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"
# How far back (by first-seen day) a new item is compared with stored stories for syndicated copies.
DEDUPE_LOOKBACK_DAYS = 7
# Tries at claiming one story before it is left for the next poll (validators are not advanced then).
CLAIM_ATTEMPTS = 5


def trial_text(snapshot: TrialSnapshot) -> str:
    """The words of a registry record that name its drugs and diseases, for agent and indication matching."""
    words: list[str] = [snapshot.acronym or "", *(snapshot.conditions or ())]
    for intervention in snapshot.interventions or ():
        words.append(intervention.name or "")
        words.extend(intervention.other_names or ())
    return ". ".join(w for w in words if w)


class PollTaskError(PipewatchError):
    """A queued poll task failed (the source's reason is kept); the batch reports only that message."""

    def __init__(self, task_id: str, reason: str) -> None:
        super().__init__(f"poll task {task_id}: {reason}")
        self.task_id = task_id
        self.reason = reason


@dataclass
class SourceOutcome:
    source_id: str
    ok: bool
    not_modified: bool = False
    fetched: int = 0
    relevant: int = 0
    stored: int = 0
    merged: int = 0  # copies of a stored story from other outlets, merged into it (no alert)
    trial_changes: int = 0
    rejected: int = 0  # records skipped (over a size limit, refused by DynamoDB): counted, logged, not fatal
    baselined: int = 0  # old news (or a first poll's undated items) remembered without an alert
    deferred: int = 0  # past the per-poll caps: left for the next poll (validators kept)
    error: str = ""


@dataclass
class PollReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    new_updates: list[Update] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if not o.ok]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": len(self.outcomes),
            "failed": [{"source": o.source_id, "error": o.error} for o in self.failed],
            "new_updates": len(self.new_updates),
            "outcomes": [o.__dict__ for o in self.outcomes],
        }


class PollService:
    def __init__(
        self,
        *,
        store: UpdateStore,
        source_poller: SourcePoller,
        fetcher: Any,
        classifier: Classifier,
        watchlist: Watchlist,
        sources: SourcesConfig,
        metrics: MetricsSink | None = None,
        source_environment: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        calendar: CalendarService | None = None,
        alarm_after_failures: int = 3,
    ) -> None:
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
        self._watched_acronyms = {nct: acronym for nct, _agent, acronym in watchlist.watched_trials()}

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
            state = self._store.get_source_state(state_id or source.id)
            result = self._poll_source(
                source,
                state,
                self._fetcher,
                watchlist or self._watchlist,
                now=now,
                deadline=deadline,
                environ=self._source_environment,
            )
            outcome = self._store_result(source, result, now, report, baseline=state.last_success is None)
            # Validators move forward only after the items are stored; an unchanged feed writes nothing. A
            # poll that stopped at a cap keeps the old validators, so the next one fetches the rest.
            if not result.not_modified or state.consecutive_failures or state.last_success is None:
                kept = state if outcome.deferred else result.new_state
                self._store.put_source_state(
                    kept.model_copy(
                        update={
                            "last_success": now,
                            "last_attempt": now,
                            "consecutive_failures": 0,
                            "last_error": "",
                            "failing_since": None,
                            "items_seen": state.items_seen + outcome.fetched,
                            "last_outage": (state.failing_since, now)
                            if state.failing_since
                            else state.last_outage,
                        }
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
        failed = state.model_copy(
            update={
                "last_attempt": now,
                "consecutive_failures": state.consecutive_failures + 1,
                "last_error": reason[:500],
                "failing_since": state.failing_since or now,
            }
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

    def _store_result(
        self, source: SourceConfig, result: SourceResult, now: datetime, report: PollReport, *, baseline: bool
    ) -> SourceOutcome:
        outcome = SourceOutcome(source_id=source.id, ok=True, not_modified=result.not_modified)
        if result.not_modified:
            return outcome
        if result.studies:
            outcome.fetched = len(result.studies)
            # The first successful poll of a registry is a baseline: every study already registered would
            # otherwise alert as "new study". Later polls alert on new studies and on changes.
            outcome.trial_changes = self._store_trials(source, result.studies, now, report, baseline=baseline)
            return outcome
        outcome.fetched = len(result.items)
        self._note_dropped_urls(source, result.items)
        candidates: dict[str, Update] = {}
        shared = shared_urls(result.items)
        for item in result.items:
            classification = self._classifier.classify_item(item)
            if not classification.relevant:
                continue
            update = self._to_update(item, classification, now, shared=item.url in shared)
            candidates.setdefault(update.update_id, update)
        outcome.relevant = len(candidates)
        already = self._store.existing_update_ids(list(candidates))
        fresh = [u for uid, u in candidates.items() if uid not in already]
        # The same story from another outlet (or twice in this feed) merges into the stored update. The
        # decision "new story" is claimed (Store.put_claimed_update) so that a concurrent poll holding
        # another outlet's copy cannot store it too: it sees a conflict, re-reads and merges instead.
        window = (now - timedelta(days=DEDUPE_LOOKBACK_DAYS), now + timedelta(seconds=1))
        claims = self._store.get_claims(k for u in fresh for k in claim_keys(u)) if fresh else {}
        index = StoryIndex(self._store.updates_between(*window) if fresh else [])
        for update in self._store.get_updates(self._claimed_ids(claims, index)):
            index.add(update)
        limits = self._sources.poll
        horizon = now - timedelta(days=limits.alert_horizon_days)
        handled = alerts = 0
        for update in fresh:
            if handled >= limits.max_items_per_poll or alerts >= limits.max_alerts_per_poll:
                # Deferred, not lost: the validators stay, the next poll fetches these again.
                outcome.deferred = len(fresh) - handled
                logger.info("poll cap reached", extra={"source": source.id, "deferred": outcome.deferred})
                self._metrics.count("ItemsDeferred", outcome.deferred, source=source.id)
                break
            handled += 1
            old = update.published < horizon if update.published else baseline and limits.baseline_undated
            if old:  # old news, or an undated item of a first poll: remembered, never alerted
                outcome.baselined += int(self._store.put_seen(update))
                continue
            stored_before = outcome.stored
            try:
                self._store_one(
                    update, claims=claims, index=index, window=window, outcome=outcome, report=report
                )
            except RecordRejected as exc:  # this record only: its neighbours are still stored
                self._reject(source, exc)
                outcome.rejected += 1
            alerts += outcome.stored - stored_before
        if outcome.baselined:
            self._metrics.count("ItemsBaselined", outcome.baselined, source=source.id)
        return outcome

    @staticmethod
    def _claimed_ids(claims: dict[str, Claim], index: StoryIndex) -> list[str]:
        return [i for c in claims.values() for i in c.ids if i not in index]

    def _store_one(
        self,
        update: Update,
        *,
        claims: dict[str, Claim],
        index: StoryIndex,
        window: tuple[datetime, datetime],
        outcome: SourceOutcome,
        report: PollReport,
    ) -> None:
        keys = claim_keys(update)
        for _attempt in range(CLAIM_ATTEMPTS):
            story = index.find(update)
            if story is not None:
                outcome.merged += int(self._store.merge_source(story.update_id, update))
                return
            before = self._store.trimmed
            result = self._store.put_claimed_update(update, {k: claims[k] for k in keys})
            if self._store.trimmed > before:
                self._metrics.count("RecordsTrimmed", 1, source=update.source_id)
            if result == "exists":
                return
            if result == "stored":
                outcome.stored += 1
                report.new_updates.append(update)
                index.add(update)
                if self._calendar is not None:
                    # a stored item feeds the calendar once (re-polls find it stored and skip it)
                    report.new_updates.extend(self._calendar.observe_update(update, update.first_seen))
                for key in keys:
                    claim = claims[key]
                    claims[key] = Claim(key, claim.version + 1, (*claim.ids, update.update_id))
                return
            # Another poll claimed a story in this neighbourhood since we read: read again, decide again.
            self._metrics.count("StoryClaimConflicts", 1, source=update.source_id)
            claims.update(self._store.get_claims(keys))
            for fresh_story in self._store.updates_between(*window):
                index.add(fresh_story)
            for fresh_story in self._store.get_updates(self._claimed_ids(claims, index)):
                index.add(fresh_story)
        # Not skipped: the source fails, its validators stay, and the next poll decides this story again.
        raise SourceError(
            update.source_id, f"story claim for {update.update_id} contended {CLAIM_ATTEMPTS} times"
        )

    def _reject(self, source: SourceConfig, exc: RecordRejected) -> None:
        logger.warning(
            "record skipped", extra={"source": source.id, "record": exc.record_id, "reason": exc.reason}
        )
        self._metrics.count("RecordsRejected", 1, source=source.id)

    def _note_dropped_urls(self, source: SourceConfig, items: list[FetchedItem]) -> None:
        for item in items:
            if "url_dropped" in item.extra:
                logger.warning(
                    "link dropped",
                    extra={"source": source.id, "guid": item.guid[:200], "reason": item.extra["url_dropped"]},
                )
                self._metrics.count("RecordsTrimmed", 1, source=source.id)

    @staticmethod
    def _to_update(
        item: FetchedItem, classification: Classification, now: datetime, *, shared: bool = False
    ) -> Update:
        return Update(
            update_id=update_id(item, shared_url=shared),
            url_shared=bool(item.url) and not url_identifies(item, shared),
            title=item.title,
            summary=item.summary,
            url=item.url,
            source_id=item.source_id,
            source_name=item.source_name or item.source_id,
            published=item.published,
            doc_type=item.doc_type,
            classification=classification,
            # The outlet when the feed names it (Google News, wires), so merged copies list their outlets.
            sources=(item.extra.get("publisher") or item.source_name or item.source_id,),
            first_seen=now,
        )

    # -- trials -------------------------------------------------------------------------------------------
    def _store_trials(
        self,
        source: SourceConfig,
        studies: list[dict[str, Any]],
        now: datetime,
        report: PollReport,
        *,
        baseline: bool,
    ) -> int:
        stored = 0
        for study in studies:
            try:
                stored += self._store_trial(source, study, now, report, baseline=baseline)
            except (PayloadError, RecordRejected) as exc:  # this study only: the next one is still diffed
                logger.warning("skipping a registry record", extra={"source": source.id, "reason": str(exc)})
                self._metrics.count("RecordsRejected", 1, source=source.id)
        return stored

    def _store_trial(
        self,
        source: SourceConfig,
        study: dict[str, Any],
        now: datetime,
        report: PollReport,
        *,
        baseline: bool,
    ) -> int:
        full = snapshot_from_study(study)
        # Sized before it is written: the biggest lists are dropped (and named) until it fits.
        snapshot = fit_snapshot(full, SNAPSHOT_MAX_BYTES)
        if snapshot is not full:
            logger.warning(
                "registry record trimmed to fit the item limit",
                extra={"source": source.id, "nct_id": snapshot.nct_id, "dropped": snapshot.trimmed},
            )
            self._metrics.count("RecordsTrimmed", 1, source=source.id)
        previous = self._store.get_snapshot(snapshot.nct_id)
        old = TrialSnapshot.model_validate_json(previous[0]) if previous else None
        acronym = self._watched_acronyms.get(snapshot.nct_id)
        changes = diff_snapshots(old, snapshot, acronym=acronym or None)
        if old is not None and not changes:
            return 0  # same content: no write at all
        if old is None and (baseline or self._stale(snapshot, now)):
            changes = []  # baseline (first poll, or an old study an added agent brought in): remember it
        updates = [self._trial_update(snapshot, change, source, now) for change in changes]
        saved = self._store.save_snapshot_with_updates(
            snapshot.nct_id, snapshot.model_dump_json(), previous[1] if previous else None, updates
        )
        if not saved:
            return 0
        report.new_updates.extend(updates)
        if self._calendar is not None:
            agent = self._watchlist.agent_for_nct(snapshot.nct_id)
            report.new_updates.extend(self._calendar.observe_trial(snapshot, agent, now))
        return len(updates)

    def _stale(self, snapshot: TrialSnapshot, now: datetime) -> bool:
        """A study whose record was last updated before the alert horizon is not news when first seen."""
        try:
            updated = date.fromisoformat((snapshot.last_update_posted or "")[:10])
        except ValueError:
            return False
        return updated < (now - timedelta(days=self._sources.poll.alert_horizon_days)).date()

    def _trial_update(
        self, snapshot: TrialSnapshot, change: TrialChange, source: SourceConfig, now: datetime
    ) -> Update:
        about = self._classifier.classify(
            snapshot.brief_title or "", trial_text(snapshot), doc_type="registry"
        )
        agents = about.agents
        watched_agent = self._watchlist.agent_for_nct(snapshot.nct_id)
        if watched_agent and watched_agent not in agents:
            agents = (watched_agent, *agents)
        classification = Classification(
            relevant=True,
            agents=agents,
            indications=about.indications,
            event_type=change.event_type,
            severity=change.severity,
            reasons=(f"registry change: {change.field}", *about.reasons),
        )
        version = snapshot.last_update_posted or now.date().isoformat()
        url = CTGOV_STUDY_URL.format(nct_id=snapshot.nct_id)
        return Update(
            update_id=trial_change_id(change, version),
            title=change.summary,
            summary=snapshot.brief_title,
            url=url,
            source_id=source.id,
            source_name="ClinicalTrials.gov",
            published=now,
            doc_type="registry",
            classification=classification,
            sources=("ClinicalTrials.gov",),
            change=change,
            first_seen=now,
        )

"""Registry (ClinicalTrials.gov) records at poll time: read each study's stored snapshot, let the domain
decide (pipewatch.domain.ingest.trial_intake), and save the snapshot with its change updates in one
conditional write. One bad record is skipped and counted; the next one is still diffed.

A partial answer (a record missing modules) changes nothing it does not carry: those fields are unknown, so
they are neither compared (no alert) nor forgotten (the stored snapshot keeps the last known values,
`carry_forward`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from pipewatch.domain.ingest.back_catalogue import WatchMarks
from pipewatch.domain.ingest.dedupe import WINDOW_DAYS, StoryIndex, registry_halt
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.ingest.trial_intake import decide_trial, read_study, trial_update
from pipewatch.domain.limits import SNAPSHOT_MAX_BYTES
from pipewatch.domain.models import Update
from pipewatch.domain.trials.diff import vanished_change
from pipewatch.domain.trials.model import TrialSnapshot, carry_forward, fit_snapshot
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import PayloadError, RecordRejected
from pipewatch.observability import logger
from pipewatch.services.ports import MetricsSink, UpdateStore


@dataclass
class TrialIntakeResult:
    stored: list[Update] = field(default_factory=list)  # the change updates written
    # the snapshots written (with their watched agent), for the catalyst calendar
    saved: list[tuple[TrialSnapshot, str | None]] = field(default_factory=list)


class TrialIntake:
    def __init__(
        self,
        *,
        store: UpdateStore,
        metrics: MetricsSink,
        classifier: Classifier,
        watchlist: Watchlist,
        limits: PollLimits,
    ) -> None:
        self._store = store
        self._metrics = metrics
        self._classifier = classifier
        self._watchlist = watchlist
        self._limits = limits
        self._watched_acronyms = {nct: acronym for nct, _agent, acronym in watchlist.watched_trials()}

    def run(
        self,
        source_id: str,
        studies: Sequence[dict[str, Any]],
        now: datetime,
        *,
        first_poll: bool,
        into: TrialIntakeResult,
        marks: WatchMarks | None = None,
    ) -> None:
        """Fills `into` as it goes, so what was written before a failure still reaches the calendar."""
        for study in studies:
            try:
                self._one(source_id, study, now, first_poll=first_poll, into=into, marks=marks)
            except (PayloadError, RecordRejected) as exc:  # this study only: the next one is still diffed
                logger.warning("skipping a registry record", extra={"source": source_id, "reason": str(exc)})
                self._metrics.count("RecordsRejected", 1, source=source_id)

    def vanish(
        self,
        source_id: str,
        vanished: Sequence[tuple[str, str]],
        now: datetime,
        *,
        into: TrialIntakeResult,
    ) -> None:
        """Records that answered 404 or moved to another id (`(nct_id, new id or "")`): one change each,
        stored once (the snapshot is marked), and only for a study already known (one never stored is not
        news). The conditional write makes a concurrent poll store it at most once too."""
        for nct_id, merged_into in vanished:
            previous = self._store.get_snapshot(nct_id)
            if previous is None:
                continue
            old = TrialSnapshot.model_validate_json(previous[0])
            if old.vanished:
                continue
            change = vanished_change(
                old,
                acronym=self._watched_acronyms.get(nct_id) or None,
                removed=not merged_into,
                merged_into=merged_into,
            )
            update = trial_update(
                old,
                change,
                source_id,
                now,
                classifier=self._classifier,
                watched_agent=self._watchlist.agent_for_nct(nct_id),
            )
            marked = old.model_copy(update={"vanished": merged_into or "removed"})
            if self._store.save_snapshot_with_updates(
                nct_id, marked.model_dump_json(), previous[1], (update,)
            ):
                into.stored.append(update)
                self._metrics.count("RecordsVanished", 1, source=source_id)

    def _joined(self, updates: Sequence[Update], now: datetime) -> list[Update]:
        """A trial stop the news already reported ("argenx stops UplighTED") is part of that story: stored
        (the record and its page), not alerted a second time. Read only when a change stops a trial."""
        if not any(registry_halt(u) for u in updates):
            return list(updates)
        stories = StoryIndex(self._store.updates_between(now - timedelta(days=WINDOW_DAYS), now))
        joined = []
        for update in updates:
            story = stories.find(update) if registry_halt(update) else None
            joined.append(replace(update, part_of=story.update_id) if story else update)
        return joined

    def _one(
        self,
        source_id: str,
        study: dict[str, Any],
        now: datetime,
        *,
        first_poll: bool,
        into: TrialIntakeResult,
        marks: WatchMarks | None = None,
    ) -> None:
        snapshot, trimmed = read_study(study)
        if trimmed:
            logger.warning(
                "registry record trimmed to fit the item limit",
                extra={"source": source_id, "nct_id": snapshot.nct_id, "dropped": snapshot.trimmed},
            )
            self._metrics.count("RecordsTrimmed", 1, source=source_id)
        previous = self._store.get_snapshot(snapshot.nct_id)
        if previous is not None:
            known = carry_forward(TrialSnapshot.model_validate_json(previous[0]), snapshot)
            snapshot = fit_snapshot(known, SNAPSHOT_MAX_BYTES) if known is not snapshot else snapshot
        decision = decide_trial(
            snapshot,
            previous[0] if previous else None,
            source_id=source_id,
            first_poll=first_poll,
            limits=self._limits,
            now=now,
            classifier=self._classifier,
            watchlist=self._watchlist,
            acronym=self._watched_acronyms.get(snapshot.nct_id),
            marks=marks,
        )
        if not decision.write:
            return  # same content: no write at all
        updates = self._joined(decision.updates, now)
        saved = self._store.save_snapshot_with_updates(
            snapshot.nct_id, snapshot.model_dump_json(), previous[1] if previous else None, updates
        )
        if saved:
            into.stored.extend(updates)
            into.saved.append((snapshot, decision.agent))

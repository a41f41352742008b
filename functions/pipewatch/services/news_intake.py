"""News items at poll time: read what the intake decider needs (ids stored, story claims, recent stories),
call it (pipewatch.domain.ingest.intake), and apply its intents through the store: conditional writes, so a
retried or concurrent poll stores each story once and merges the other outlets' copies into it.

When a write contradicts what the decider assumed (the id was stored meanwhile, the record was refused, or
another poll claimed a story in the neighbourhood), the rest of the result is decided again from what is
known then; a story whose claim stays contended `CLAIM_ATTEMPTS` times fails the source (validators kept).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pipewatch.domain.ingest.dedupe import Claim, claim_keys
from pipewatch.domain.ingest.intake import (
    Batch,
    Defer,
    Intent,
    MergeIntoStory,
    NotACopy,
    RememberSeen,
    SkipKnown,
    Spent,
    StoreNew,
    StoryLookup,
    claimed_story_ids,
    decide_intake,
    story_lookup,
)
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.models import Update
from pipewatch.errors import RecordRejected, SourceError
from pipewatch.observability import logger
from pipewatch.services.poll_report import SourceOutcome
from pipewatch.services.ports import MetricsSink, UpdateStore

# Tries at claiming one story before it is left for the next poll (validators are not advanced then).
CLAIM_ATTEMPTS = 5


@dataclass
class _Run:
    """One source result being taken in. `known_ids`, `claims` and `stories` are what the store said, kept
    current as intents are applied: the decider's inputs when it decides the rest again."""

    source_id: str
    now: datetime
    first_poll: bool
    outcome: SourceOutcome
    stored: list[Update]
    lookup: StoryLookup
    known_ids: set[str]
    claims: dict[str, Claim] = field(default_factory=dict)
    stories: list[Update] = field(default_factory=list)
    back_catalogue: Callable[[Update], str | None] | None = None


class NewsIntake:
    def __init__(self, *, store: UpdateStore, metrics: MetricsSink, limits: PollLimits) -> None:
        self._store = store
        self._metrics = metrics
        self._limits = limits

    def run(
        self,
        source_id: str,
        batch: Batch,
        now: datetime,
        outcome: SourceOutcome,
        *,
        first_poll: bool,
        stored: list[Update],
        back_catalogue: Callable[[Update], str | None] | None = None,
    ) -> None:
        """Decide and apply; the updates stored are appended to `stored` as they are written (so what was
        stored before a failure still reaches the calendar)."""
        for dropped in batch.links_dropped:
            logger.warning(
                "link dropped",
                extra={"source": source_id, "guid": dropped.guid[:200], "reason": dropped.reason},
            )
            self._metrics.count("RecordsTrimmed", 1, source=source_id)
        outcome.relevant = len(batch.candidates)
        # Which candidates are stored, and the claims of their neighbourhoods, in one read: the claims of
        # candidates found stored are read too (a few small items), and left out of the run.
        known_ids, claims = self._store.read_intake(
            [u.update_id for u in batch.decided], (key for u in batch.decided for key in claim_keys(u))
        )
        lookup = story_lookup(batch.decided, known_ids, now)
        if lookup is None:
            return  # every candidate is stored already
        run = _Run(source_id, now, first_poll, outcome, stored, lookup, known_ids)
        run.back_catalogue = back_catalogue
        run.claims = {key: claims[key] for key in dict.fromkeys(lookup.claim_keys)}
        self._read_stories(run)
        self._apply(run, batch.decided)
        if outcome.baselined:
            self._metrics.count("ItemsBaselined", outcome.baselined, source=source_id)

    def _read_stories(self, run: _Run) -> None:
        run.stories.extend(self._store.updates_between(*run.lookup.window))
        run.stories.extend(self._store.get_updates(claimed_story_ids(run.claims, run.stories)))

    def _decide(self, run: _Run, candidates: Sequence[Update], spent: Spent) -> list[Intent]:
        return decide_intake(
            candidates,
            known_ids=run.known_ids,
            claims=run.claims,
            stories=run.stories,
            limits=self._limits,
            now=run.now,
            first_poll=run.first_poll,
            spent=spent,
            back_catalogue=run.back_catalogue,
        )

    def _apply(self, run: _Run, candidates: Sequence[Update]) -> None:
        source_id, outcome = run.source_id, run.outcome
        intents = self._decide(run, candidates, Spent())
        handled = alerts = conflicts = 0
        position = 0
        while position < len(intents):
            intent = intents[position]
            if isinstance(intent, SkipKnown | NotACopy):
                position += 1
                continue
            if isinstance(intent, Defer):
                # Deferred, not lost: the validators stay, the next poll fetches these again.
                outcome.deferred = sum(isinstance(i, Defer) for i in intents[position:])
                logger.info(
                    "poll cap reached",
                    extra={"source": source_id, "deferred": outcome.deferred, "reason": intent.reason},
                )
                self._metrics.count("ItemsDeferred", outcome.deferred, source=source_id)
                return
            if isinstance(intent, RememberSeen):  # old news, or an undated item of a first poll: no alert
                outcome.baselined += int(self._store.put_seen(intent.update))
                handled += 1
                position += 1
                continue
            try:
                result = self._write(intent, outcome)
            except RecordRejected as exc:  # this record only: its neighbours are still stored
                logger.warning(
                    "record skipped",
                    extra={"source": source_id, "record": exc.record_id, "reason": exc.reason},
                )
                self._metrics.count("RecordsRejected", 1, source=source_id)
                outcome.rejected += 1
                result = "rejected"
            if result in ("merged", "stored"):
                handled += 1
                conflicts = 0
                position += 1
                if isinstance(intent, StoreNew) and result == "stored":
                    alerts += 1
                    run.stored.append(intent.update)
                    run.stories.append(intent.update)
                    run.claims.update((c.key, c) for c in intent.claims_after)
                continue
            if isinstance(intent, StoreNew) and result == "conflict":
                # Another poll claimed a story in this neighbourhood since we read: read again, decide again.
                conflicts += 1
                self._metrics.count("StoryClaimConflicts", 1, source=intent.update.source_id)
                run.claims.update(self._store.get_claims(c.key for c in intent.claims))
                self._read_stories(run)
                if conflicts >= CLAIM_ATTEMPTS:
                    # Not skipped: the source fails, its validators stay, the next poll decides it again.
                    raise SourceError(
                        intent.update.source_id,
                        f"story claim for {intent.update.update_id} contended {CLAIM_ATTEMPTS} times",
                    )
            else:  # "exists" or "rejected": the decider assumed a store; the rest is decided without it
                handled += 1
                conflicts = 0
                position += 1
            rest = [i.update for i in intents[position:]]
            intents = intents[:position] + self._decide(run, rest, Spent(handled, alerts))

    def _write(self, intent: MergeIntoStory | StoreNew, outcome: SourceOutcome) -> str:
        if isinstance(intent, MergeIntoStory):
            outcome.merged += int(self._store.merge_source(intent.story_id, intent.update))
            if intent.escalation is not None:
                # Conditional on its deterministic id: stored (and alerted "update:") once, whoever writes it.
                outcome.stored += int(self._store.put_update(intent.escalation))
            return "merged"
        before = self._store.trimmed
        result = self._store.put_claimed_update(intent.update, {c.key: c for c in intent.claims})
        if self._store.trimmed > before:
            self._metrics.count("RecordsTrimmed", 1, source=intent.update.source_id)
        if result == "stored":
            outcome.stored += 1
        return result

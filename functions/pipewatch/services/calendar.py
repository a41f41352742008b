"""Catalyst calendar use cases: fold stored items and trial records into the calendar (from the poll), and
the daily check that marks due and overdue catalysts. Writes are conditional on each entry's version; the
updates they make (catalyst_slip, catalyst_overdue) have ids derived from what they say, so retries and
repeated runs write nothing new. Those updates are ordinary `UPDATE#` items: the stream sends them to the
alert function like any other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from pipewatch.domain.catalysts import bounds
from pipewatch.observability import logger

# The calendar's rules and records (pydantic models: entries, observations, trial records) and the catalyst
# cues are imported by the calls that fold or check something, not with the service: the catalyst check
# builds it at start-up, and a run with nothing stored to fold or check needs none of them (issue 28).
if TYPE_CHECKING:
    from pipewatch.domain.catalysts.calendar import CalendarEntry, Observation
    from pipewatch.domain.catalysts.models import ExtractedCatalyst
    from pipewatch.domain.models import Update
    from pipewatch.domain.trials.model import TrialSnapshot
    from pipewatch.domain.watch.watchlist import Watchlist
    from pipewatch.services.ports import CatalystExtractor, CatalystRepository, RecentUpdates

_CONFLICT_RETRIES = 2
# The daily check reads the stored updates of this many days again: a poll that stopped between storing an
# update and folding it into the calendar (a timeout, a throttled write) loses no catalyst.
REFOLD_DAYS = 2


@dataclass
class CheckReport:
    checked: int = 0
    due: int = 0
    overdue: int = 0
    refolded: int = 0  # stored updates read again
    pruned: int = 0  # closed entries removed (bounds.prunable)
    repaired: int = 0  # calendar writes the poll had not made (it stopped between storing and folding)
    updates: list[Update] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "due": self.due,
            "overdue": self.overdue,
            "refolded": self.refolded,
            "repaired": self.repaired,
            "pruned": self.pruned,
            "updates": len(self.updates),
        }


class ExtractorOnFirstUse:
    """The catalyst extractor over `watchlist`, built when first used: building it (the watchlist's name
    matcher, its module's patterns) was most of the catalyst check's service build, and the daily check
    extracts only when it refolds stored updates of the last days (issue 28); the poll's first stored item
    builds it, as its service build did before."""

    def __init__(self, watchlist: Watchlist | Callable[[], Watchlist]) -> None:
        self._watchlist = watchlist
        self._built: CatalystExtractor | None = None

    def extract(
        self, title: str, text: str = "", *, published: date | None = None, url: str = "", source: str = ""
    ) -> list[ExtractedCatalyst]:
        if self._built is None:
            from pipewatch.domain.catalysts.extract import Extractor

            self._built = Extractor(_read(self._watchlist))
        return self._built.extract(title, text, published=published, url=url, source=source)


class CalendarService:
    def __init__(
        self,
        *,
        store: CatalystRepository,
        extractor: CatalystExtractor,
        watchlist: Watchlist | Callable[[], Watchlist],
        grace_days: int | None = None,  # None: the calendar rules' default
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        recent: RecentUpdates | None = None,
        refold_days: int = REFOLD_DAYS,
    ) -> None:
        self._store = store
        self._recent = recent
        self._refold_days = refold_days
        self.writes = 0  # calendar entries written by this service (the check counts its repairs by it)
        self.refused = 0  # new entries refused by a bound (per item, source or agent)
        self._saves_tried = 0  # every save, won or lost: a listing read before one is stale after it
        self._extractor = extractor
        self._grace_days = grace_days
        self._clock = clock
        # The watchlist, or how to read it: read when a catalyst is first folded, not when the service is
        # built (a daily check with nothing to fold or check never reads it, issue 28).
        self._watchlist = watchlist
        self._trials: _WatchedTrials | None = None

    @property
    def _watched(self) -> _WatchedTrials:
        if self._trials is None:
            self._trials = _WatchedTrials.of(_read(self._watchlist))
        return self._trials

    # -- from the poll ------------------------------------------------------------------------------------
    def observe_update(
        self, update: Update, now: datetime | None = None, listing: _Listing | None = None
    ) -> list[Update]:
        """Resolve or withdraw the open catalysts this stored update fulfils or stops, then calendar the
        catalysts it states. Returns the calendar updates written (slips). `listing`: the entries read for
        an earlier update of the same batch, read again only once this service has saved since."""
        now = now or self._clock()
        listing = listing or _Listing(self._store)
        # An undated item resolves no implicit year ("next year", "June 20"): the day it was first seen may be
        # years after it was written (a re-posted or archived page), and a wrong year is worse than none.
        dated = update.published.astimezone(UTC).date() if update.published else None
        published = dated or update.first_seen.astimezone(UTC).date()
        stated = [
            _attributed(c, update.agents)
            for c in self._extractor.extract(
                update.title, update.summary, published=dated, url=update.url, source=update.source_name
            )
        ]
        held = listing.entries(self._saves_tried) if update.agents else []
        if not stated and not held:
            # Most stored items state no catalyst and the calendar holds none of their agents': the rules
            # (and the moves' patterns) are imported by the first item that needs them (issue 28).
            return []
        from pipewatch.domain.catalysts import calendar as rules
        from pipewatch.domain.catalysts.calendar import Observation
        from pipewatch.domain.catalysts.moves import reported_move

        stated_ids = {rules.entry_id(c) for c in stated}
        for agent in update.agents:
            # One read for all agents: an entry has one agent, so resolving one agent's entries leaves the
            # others' entries (and versions) as read.
            for entry in (e for e in held if e.agent == agent):
                if rules.resolves(entry, update, entry.catalyst_id in stated_ids):
                    self._write(entry, rules.resolve(entry, update, now), [])
                elif rules.withdraws(entry, update):
                    self._write(entry, replace(entry, state="withdrawn", last_confirmed=now), [])
        written: list[Update] = []
        room = _Room(self._store)
        chosen = _next_per_entry(stated)
        if len(chosen) > bounds.MAX_CATALYSTS_PER_ITEM:
            self._refuse(len(chosen) - bounds.MAX_CATALYSTS_PER_ITEM, "item", update.update_id)
        for catalyst in chosen[: bounds.MAX_CATALYSTS_PER_ITEM]:
            trial = (catalyst.trial or "").upper()
            move = reported_move(catalyst.sentence, catalyst.window_start, published)
            seen = Observation(
                catalyst=catalyst,
                update_id=update.update_id,
                url=update.url,
                source_name=_outlet(update),
                stated_on=published,
                phase3=bool(trial) and trial in self._watched.phase3,
                indications=self._indications(trial, update.classification.indications),
                reports_move=move is not None,
                moved_from=move.previous if move else None,
            )
            written.extend(self._fold(seen, now, room))
        return written

    def observe_stored(self, updates: Sequence[Update]) -> list[Update]:
        """The updates one poll stored, in the order stored, each as of its first-seen time. The entries are
        listed once for the batch (one query instead of one per update and agent) and again after a save."""
        listing = _Listing(self._store)
        return [
            slip for update in updates for slip in self.observe_update(update, update.first_seen, listing)
        ]

    def observe_trials(
        self, records: Sequence[tuple[TrialSnapshot, str | None]], now: datetime
    ) -> list[Update]:
        """The registry records one poll saved (with the watched agent the poll found for each), in order."""
        return [slip for snapshot, agent in records for slip in self.observe_trial(snapshot, agent, now)]

    def observe_trial(
        self, snapshot: TrialSnapshot, agent: str | None, now: datetime | None = None
    ) -> list[Update]:
        """A registry record: its ESTIMATED completion is a catalyst, an ACTUAL one fulfils it."""
        from pipewatch.domain.catalysts import calendar as rules
        from pipewatch.domain.catalysts.calendar import Observation
        from pipewatch.domain.catalysts.registry import registry_catalyst

        now = now or self._clock()
        agent = self._watched.agent_for_nct(snapshot.nct_id) or agent
        found = registry_catalyst(snapshot, agent)
        if found is None or agent is None:
            return []
        catalyst, actual = found
        key = rules.entry_id(catalyst)
        if actual:
            entry = self._store.get(key) if key else None
            if entry is not None and entry.state in rules.OPEN_STATES:
                done = replace(
                    entry, state="resolved", resolved_by=f"registry:{snapshot.nct_id}", last_confirmed=now
                )
                self._write(entry, done, [])
            return []
        seen = Observation(
            catalyst=catalyst,
            update_id=f"registry:{snapshot.nct_id}",
            url=f"https://clinicaltrials.gov/study/{snapshot.nct_id}",
            source_name="ClinicalTrials.gov",
            stated_on=_registry_date(snapshot.last_update_posted) or now.date(),
            phase3=snapshot.is_phase3,
            indications=self._indications((snapshot.acronym or "").upper() or snapshot.nct_id, ()),
        )
        return self._fold(seen, now, None)  # one entry per watched trial: the watchlist bounds them

    def _indications(self, trial: str, stated: tuple[str, ...]) -> tuple[str, ...]:
        """A watched trial's indications (ALKIVIA: myositis), else those of the item that stated it."""
        return self._watched.indications.get(trial.upper(), ()) or stated

    def _fold(self, seen: Observation, now: datetime, room: _Room | None) -> list[Update]:
        from pipewatch.domain.catalysts import calendar as rules

        key = rules.entry_id(seen.catalyst)
        if key is None:
            return []
        for _ in range(_CONFLICT_RETRIES + 1):
            entry = self._store.get(key)
            new_entry, updates = rules.observe(entry, seen, now)
            if new_entry is None:
                return []
            full = room.full(new_entry.agent, seen.source_name) if entry is None and room else ""
            if full:
                self._refuse(1, full, seen.update_id)
                return []
            self._saves_tried += 1
            if self._store.save(new_entry, entry.version if entry else None, updates):
                self.writes += 1
                if entry is None and room:
                    room.took(new_entry.agent, seen.source_name)
                return updates
        logger.warning("catalyst write lost to concurrent writers", extra={"catalyst_id": key})
        return []

    def _refuse(self, count: int, bound: str, update_id: str) -> None:
        self.refused += count
        logger.warning(
            "catalyst entries refused by a bound", extra={"bound": bound, "count": count, "update": update_id}
        )

    def _write(self, before: CalendarEntry, after: CalendarEntry, updates: list[Update]) -> bool:
        self._saves_tried += 1
        saved = self._store.save(after, before.version, updates)
        self.writes += int(saved)
        return saved

    # -- the daily check ----------------------------------------------------------------------------------
    def check(self, now: datetime | None = None) -> CheckReport:
        """Mark due and overdue catalysts; each overdue catalyst's update is written once, however often
        this runs (the entry leaves the open states in the same conditional write)."""
        now = now or self._clock()
        report = CheckReport()
        self._refold(now, report)
        entries = self._store.list()
        if not entries:
            return report
        from pipewatch.domain.catalysts import calendar as rules

        grace_days = rules.DEFAULT_GRACE_DAYS if self._grace_days is None else self._grace_days
        for entry in entries:
            report.checked += 1
            if bounds.prunable(entry, now.astimezone(UTC).date(), grace_days):
                report.pruned += int(self._store.delete(entry.catalyst_id, entry.version))
                continue
            new_entry, updates = rules.check(entry, now, grace_days)
            if new_entry is None:
                continue
            if not self._write(entry, new_entry, updates):
                continue  # a concurrent run moved it first; its write stands
            if new_entry.state == "overdue":
                report.overdue += 1
            elif new_entry.state == "due":
                report.due += 1
            report.updates.extend(updates)
        return report

    def _refold(self, now: datetime, report: CheckReport) -> None:
        """Fold the stored updates of the last days into the calendar again. Folding is idempotent (a
        statement already held, a catalyst already resolved, a slip already made change nothing), so this
        writes only what a poll stopped before writing."""
        if self._recent is None or self._refold_days <= 0:
            return
        before = self.writes
        start = now - timedelta(days=self._refold_days)
        recent = self._recent.updates_between(start, now)
        if not recent:
            return
        from pipewatch.domain.catalysts.calendar import CALENDAR_SOURCE_ID

        for update in recent:
            if update.source_id == CALENDAR_SOURCE_ID or update.change is not None:
                continue  # its own updates; registry changes are folded from the record, not the text
            report.refolded += 1
            report.updates.extend(self.observe_update(update, update.first_seen))
        report.repaired = self.writes - before
        if report.repaired:
            logger.warning("catalyst calendar repaired", extra={"writes": report.repaired})

    def upcoming(self, start: date, end: date, agents: set[str] | None = None) -> list[CalendarEntry]:
        """Open catalysts whose window overlaps [start, end], for digests."""
        from pipewatch.domain.catalysts import calendar as rules

        return [
            e
            for e in self._store.list()
            if e.state in rules.OPEN_STATES
            and e.window_start <= end
            and e.window_end >= start
            and (agents is None or e.agent in agents)
        ]


def _read(watchlist: Watchlist | Callable[[], Watchlist]) -> Watchlist:
    return watchlist() if callable(watchlist) else watchlist


@dataclass(frozen=True)
class _WatchedTrials:
    """What the calendar needs of the watchlist: its Phase 3 (or 2/3) trials (their readouts slip and go
    overdue as "high"), the agent of a watched NCT id, the indications of each watched trial."""

    phase3: frozenset[str]
    agent_for_nct: Callable[[str], str | None]
    indications: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, watchlist: Watchlist) -> _WatchedTrials:
        phase3 = frozenset(
            name.upper()
            for agent in watchlist.agents
            for trial in agent.trials
            if "3" in trial.phase
            for name in (trial.acronym, trial.nct_id)
            if name
        )
        indications: dict[str, tuple[str, ...]] = {}
        for agent in watchlist.agents:
            for trial in agent.trials:
                for name in (trial.acronym, trial.nct_id):
                    if name:
                        known = indications.get(name.upper(), ())
                        indications[name.upper()] = tuple(dict.fromkeys((*known, *trial.indications)))
        return cls(phase3, watchlist.agent_for_nct, indications)


class _Listing:
    """Every calendar entry, read once and kept until the service saves (won or lost: either way the read
    may be stale). The list is a GSI query, eventually consistent already: a save conditioned on the entry's
    version is what keeps concurrent writers apart, not the freshness of this read."""

    def __init__(self, store: CatalystRepository) -> None:
        self._store = store
        self._read_at: int | None = None
        self._entries: list[CalendarEntry] = []

    def entries(self, saves_tried: int) -> list[CalendarEntry]:
        if self._read_at != saves_tried:
            self._entries = self._store.list()
            self._read_at = saves_tried
        return self._entries


class _Room:
    """Open entries per agent and per source, read once per item and only when it would make a new entry."""

    def __init__(self, store: CatalystRepository) -> None:
        self._store = store
        self._agents: Counter[str] | None = None
        self._sources: Counter[str] = Counter()

    def full(self, agent: str, source: str) -> str:
        """The bound a new entry of `agent` from `source` would pass ("agent", "source"), or ""."""
        if self._agents is None:
            from pipewatch.domain.catalysts import calendar as rules

            held = [e for e in self._store.list() if e.state in rules.OPEN_STATES]
            self._agents = Counter(e.agent for e in held)
            self._sources = Counter(e.source for e in held if e.source)
        if self._agents[agent] >= bounds.MAX_OPEN_PER_AGENT:
            return "agent"
        return "source" if source and self._sources[source] >= bounds.MAX_OPEN_PER_SOURCE else ""

    def took(self, agent: str, source: str) -> None:
        if self._agents is not None:
            self._agents[agent] += 1
            self._sources[source] += 1


def _attributed(catalyst: ExtractedCatalyst, agents: tuple[str, ...]) -> ExtractedCatalyst:
    """A statement naming no drug ("they would file for approval in the first half of next year"), in an
    item classified as about one watched agent, is about that agent."""
    if catalyst.agent is not None or catalyst.drug is not None or len(agents) != 1:
        return catalyst
    return replace(catalyst, agent=agents[0], drug=agents[0])


def _outlet(update: Update) -> str:
    """Who said it: the outlet an aggregating feed names for the item, else the source."""
    return next((name for name in update.sources if name != update.source_name), update.source_name)


def _next_per_entry(stated: list[ExtractedCatalyst]) -> list[ExtractedCatalyst]:
    """One catalyst per calendar entry from one item: "induction topline in Q3 2025, maintenance data by Q2
    2026" are two readouts of one trial, and folding both would read as a slip within the item; the calendar
    keeps the next one. Nearest windows first (the per-item bound keeps the first ones)."""
    from pipewatch.domain.catalysts import calendar as rules

    chosen: dict[str, ExtractedCatalyst] = {}
    for catalyst in stated:
        key = rules.entry_id(catalyst)
        if key is None or catalyst.window_end is None:
            continue
        held = chosen.get(key)
        if held is None or (held.window_end is not None and catalyst.window_end < held.window_end):
            chosen[key] = catalyst
    return sorted(chosen.values(), key=lambda c: (c.window_end or date.max, rules.entry_id(c) or ""))


def _registry_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None

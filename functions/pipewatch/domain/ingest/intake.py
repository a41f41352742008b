"""The intake decider: what one poll does with the items of one source result, as intents (pure).

In the manner of lemon24/reader's update `Decider`: the poll service reads what the decision needs (the ids
already stored, the story claims, the stories of the last days), calls the decider, and applies the intents it
returns through its ports. The decider does no I/O and reads no clock: same inputs, same intents.

Two steps, because the reads depend on the first:
  1. `prepare_batch`: the relevant items as updates with stable ids, one per id, in feed order (and a note
     for each item left out or trimmed); `story_lookup` then says what to read for them.
  2. `decide_intake`: per candidate, in order, one intent: skip (already stored), defer (a per-poll cap is
     reached), remember as seen (old news, or an undated item of a first poll), merge into a stored story,
     or store as a new story under the claims read.

The decider assumes every store it asks for succeeds (later copies of that story then merge into it). When a
write says otherwise (the id was stored meanwhile, the record was refused, a claim moved on), the service
decides the rest again from what it then knows, as the poll did before the decider existed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pipewatch.domain.ingest.dedupe import Claim, StoryIndex, claim_keys, higher, outlet_identity
from pipewatch.domain.ingest.identity_vocab import FAMILY_CEILING
from pipewatch.domain.ingest.ids import shared_urls, update_id, url_identifies
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.models import Classification, FetchedItem, Update

# How far back (by first-seen day) a new item is compared with stored stories for syndicated copies.
DEDUPE_LOOKBACK_DAYS = 10
# Items the classifier finds not relevant kept per result as copy candidates (a word-for-word copy of a
# stored story joins it even when it does not name the drug).
MAX_COPY_CANDIDATES = 50


# -- notes on items (step 1) ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkDropped:
    """The item's link was refused by the parser (too long, not http): kept without it, counted as trimmed."""

    guid: str
    reason: str


@dataclass(frozen=True)
class NotRelevant:
    guid: str
    reason: str = "not relevant to the watchlist"


@dataclass(frozen=True)
class DuplicateInFeed:
    guid: str
    update_id: str
    reason: str = "same id as an earlier item of this result"


ItemNote = LinkDropped | NotRelevant | DuplicateInFeed


@dataclass(frozen=True)
class Batch:
    """The relevant items of one source result as updates, one per id, in feed order."""

    candidates: tuple[Update, ...]
    notes: tuple[ItemNote, ...] = ()
    # Not relevant items that may be copies of a stored story (decided with the candidates, after them).
    copies: tuple[Update, ...] = ()

    @property
    def ids(self) -> list[str]:
        return [u.update_id for u in self.candidates]

    @property
    def decided(self) -> tuple[Update, ...]:
        """What the decider is given: the candidates, then the copy candidates."""
        return (*self.candidates, *self.copies)

    @property
    def links_dropped(self) -> list[LinkDropped]:
        return [n for n in self.notes if isinstance(n, LinkDropped)]


def to_update(item: FetchedItem, classification: Classification, now: datetime, *, shared: bool) -> Update:
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


def prepare_batch(
    items: Sequence[FetchedItem], classify: Callable[[FetchedItem], Classification], now: datetime
) -> Batch:
    """Classify each item (`classify` is pure: the Classifier's `classify_item`) and keep the relevant ones
    as updates. A URL several items share (a listing page) does not identify any of them."""
    notes: list[ItemNote] = [
        LinkDropped(item.guid, str(item.extra["url_dropped"]))
        for item in items
        if "url_dropped" in item.extra
    ]
    shared = shared_urls(list(items))
    candidates: dict[str, Update] = {}
    copies: dict[str, Update] = {}
    for item in items:
        classification = classify(item)
        update = to_update(item, classification, now, shared=item.url in shared)
        if not classification.relevant:
            notes.append(NotRelevant(item.guid))
            if len(copies) < MAX_COPY_CANDIDATES:
                copies.setdefault(update.update_id, update)
            continue
        if update.update_id in candidates:
            notes.append(DuplicateInFeed(item.guid, update.update_id))
            continue
        candidates[update.update_id] = update
    kept = tuple(u for i, u in copies.items() if i not in candidates)
    return Batch(tuple(candidates.values()), tuple(notes), kept)


# -- what to read before deciding -----------------------------------------------------------------------
@dataclass(frozen=True)
class StoryLookup:
    """The reads a decision needs: the claims of these neighbourhoods and the stories first seen in this
    window (then `claimed_story_ids` names the claimed stories the window missed)."""

    claim_keys: tuple[str, ...]
    window: tuple[datetime, datetime]


def story_lookup(
    candidates: Sequence[Update], known_ids: Collection[str], now: datetime
) -> StoryLookup | None:
    """None when every candidate is stored already: nothing to compare, nothing to read."""
    fresh = [u for u in candidates if u.update_id not in known_ids]
    if not fresh:
        return None
    keys = tuple(k for u in fresh for k in claim_keys(u))
    return StoryLookup(keys, (now - timedelta(days=DEDUPE_LOOKBACK_DAYS), now + timedelta(seconds=1)))


def claimed_story_ids(claims: Mapping[str, Claim], stories: Iterable[Update]) -> list[str]:
    """Stories a claim names that are not among those read (first seen before the window)."""
    known = {s.update_id for s in stories}
    return [i for c in claims.values() for i in c.ids if i not in known]


# -- intents (step 2) -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SkipKnown:
    update: Update
    reason: str = "already stored"


@dataclass(frozen=True)
class Defer:
    """Past a per-poll cap: left for the next poll (the source's validators are kept)."""

    update: Update
    reason: str


@dataclass(frozen=True)
class RememberSeen:
    """Remembered (so never alerted later), not stored as news."""

    update: Update
    reason: str


@dataclass(frozen=True)
class MergeIntoStory:
    """Another outlet of a stored story: its outlet joins the story, no alert; unless it raises the story's
    severity, when `escalation` is a record to store (once, by its deterministic id) that alerts "update:"."""

    update: Update
    story_id: str
    reason: str
    escalation: Update | None = None


@dataclass(frozen=True)
class NotACopy:
    """A not relevant item that copies no stored story: nothing to do."""

    update: Update
    reason: str = "not relevant, and no copy of a stored story"


@dataclass(frozen=True)
class StoreNew:
    """A new story: stored on condition that its neighbourhoods' claims are still `claims`; on success they
    become `claims_after`."""

    update: Update
    claims: tuple[Claim, ...]
    claims_after: tuple[Claim, ...]
    reason: str = "new story"


Intent = SkipKnown | Defer | RememberSeen | MergeIntoStory | StoreNew | NotACopy


def escalation_id(story_id: str, severity: str) -> str:
    return f"{story_id}~{severity}"


def escalation_of(story: Update, outlet: Update, now: datetime) -> Update:
    """The record that alerts a story's rise to the outlet's severity: deterministic id (story, severity),
    so a retried or concurrent poll stores (and alerts) it once."""
    severity = outlet.classification.severity or "low"
    return replace(
        outlet,
        update_id=escalation_id(story.update_id, severity),
        escalates=story.update_id,
        first_seen=now,
        story_urls=(),
        story_titles=(),
    )


def _alerted_severities(stories: Iterable[Update]) -> dict[str, str]:
    """Per story id, the highest severity alerted so far (the story's own, or an escalation's)."""
    alerted: dict[str, str] = {}
    for story in sorted(stories, key=lambda s: bool(s.escalates)):
        key = story.escalates or story.update_id
        severity = story.classification.severity
        if severity is not None and higher(severity, alerted.get(key)):  # type: ignore[arg-type]
            alerted[key] = severity
    return alerted


def _escalates(story: Update, outlet: Update, alerted: Mapping[str, str]) -> bool:
    """The outlet raises the story above what was alerted, within what its family can be (not noise)."""
    severity = outlet.classification.severity
    if not outlet.classification.relevant or severity is None or story.change is not None:
        return False
    ceilings = [FAMILY_CEILING.get(f, "high") for f in outlet_identity(outlet).families] or ["high"]
    if any(higher(severity, c) for c in ceilings):  # type: ignore[arg-type]
        return False
    return higher(severity, alerted.get(story.update_id))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Spent:
    """What this poll of the source already used of its caps (when deciding the rest again)."""

    handled: int = 0  # fresh items decided (remembered, merged, stored or refused)
    alerts: int = 0  # new stories actually stored


def _cap_reason(limits: PollLimits, spent: Spent) -> str | None:
    if spent.handled >= limits.max_items_per_poll:
        return f"per-poll item cap ({limits.max_items_per_poll}) reached"
    if spent.alerts >= limits.max_alerts_per_poll:
        return f"per-poll alert cap ({limits.max_alerts_per_poll}) reached"
    return None


def _old_news(update: Update, limits: PollLimits, now: datetime, *, first_poll: bool) -> str | None:
    if update.published:
        horizon = now - timedelta(days=limits.alert_horizon_days)
        if update.published < horizon:
            return f"published {update.published.date().isoformat()}, before the alert horizon"
        return None
    if first_poll and limits.baseline_undated:
        return "undated, on the source's first poll (baseline)"
    return None


def decide_intake(
    candidates: Sequence[Update],
    *,
    known_ids: Collection[str],
    claims: Mapping[str, Claim],
    stories: Iterable[Update],
    limits: PollLimits,
    now: datetime,
    first_poll: bool,
    spent: Spent = Spent(),
    back_catalogue: Callable[[Update], str | None] | None = None,
) -> list[Intent]:
    """One intent per candidate, in order. `claims` must hold every claim key of the fresh candidates (as
    `story_lookup` asks); `stories` are the stored stories they may be copies of. `back_catalogue` says why
    an item predates the watching of its agents (domain/ingest/back_catalogue.py): remembered, not alerted."""
    stories = list(stories)
    index = StoryIndex(stories)
    alerted = _alerted_severities(stories)
    claims_now = dict(claims)
    handled, alerts = spent.handled, spent.alerts
    intents: list[Intent] = []
    for update in candidates:
        if update.update_id in known_ids:
            intents.append(SkipKnown(update))
            continue
        if not update.classification.relevant:  # a copy candidate: joins a story it copies, or nothing
            story = index.find(update)
            if story is None:
                intents.append(NotACopy(update))
            else:
                intents.append(MergeIntoStory(update, story.update_id, f"copy of {story.update_id}"))
                index.absorb(story.update_id, update)
            continue
        cap = _cap_reason(limits, Spent(handled, alerts))
        if cap is not None:
            intents.append(Defer(update, cap))
            continue
        handled += 1
        old = _old_news(update, limits, now, first_poll=first_poll)
        if old is None and back_catalogue is not None:
            old = back_catalogue(update)
        if old is not None:
            intents.append(RememberSeen(update, old))
            continue
        story = index.find(update)
        if story is not None:
            escalation = None
            if _escalates(story, update, alerted):
                escalation = escalation_of(story, update, now)
                alerted[story.update_id] = update.classification.severity or "low"
            intents.append(
                MergeIntoStory(update, story.update_id, f"same story as {story.update_id}", escalation)
            )
            index.absorb(story.update_id, update)
            continue
        held = tuple(claims_now[k] for k in claim_keys(update))
        after = tuple(Claim(c.key, c.version + 1, (*c.ids, update.update_id)) for c in held)
        intents.append(StoreNew(update, held, after))
        claims_now.update((c.key, c) for c in after)
        index.add(update)  # a later outlet of this story merges into it
        alerted[update.update_id] = update.classification.severity or "low"
        alerts += 1
    return intents

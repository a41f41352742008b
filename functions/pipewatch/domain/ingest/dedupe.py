"""Same story, several outlets: decide whether an update reports a stored story, so each event is stored (and
alerted) once and its story lists every outlet.

An update joins a story when
  1. their canonical URLs are equal (and name one story, not a listing page like `/news`); or
  2. their event identities agree (identity.py): a common agent and event family, no conflicting decisive
     part (regulator, trial, phase, period, polarity, indication), days within `WINDOW_DAYS`, corroborated;
     the newcomer is compared with the whole story (the union of its outlets' identities); or
  3. it is a near-exact copy of the title (or title + lede) of one of the story's outlets, even when it does
     not name an agent (`COPY_THRESHOLD`).
Registry changes (exact ids) and escalation records never join by identity. The classifier's event type
and severity no longer gate (its label is only a fallback for the family).

Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from pipewatch.domain.ingest.identity import (
    INDICATION_WORDS,
    EventIdentity,
    agree,
    conflicts,
    fold,
    identity_of,
)
from pipewatch.domain.ingest.ids import is_listing_url
from pipewatch.domain.ingest.words import content_words, overlap
from pipewatch.domain.models import SEVERITY_RANK, Severity, Update
from pipewatch.domain.text import canonical_url

__all__ = ["Claim", "StoryIndex", "content_words", "merge_outlet", "overlap", "same_story"]

WINDOW_DAYS = 10
LEAD_CHARS = 300
COPY_THRESHOLD = 0.9  # Jaccard of all title words: a copy, whatever it names
COPY_MIN_WORDS = 5  # shorter titles are too generic to call a copy
# At most this many outlets' titles are kept on a story (as story_urls are bounded in the store).
MAX_STORY_TITLES = 50
TITLE_CHARS = 300


Indications = tuple[str, ...]
_TITLE_WORD = re.compile(r"[^\W_]+(?:['.+-][^\W_]+)*")


def story_date(update: Update) -> date:
    return (update.published or update.first_seen).date()


def outlet_identity(update: Update) -> EventIdentity:
    """One outlet's identity. An undated item cannot be placed in time (when it was first seen says when we
    looked, not when it happened): its days are only those its text names."""
    c = update.classification
    return identity_of(
        update.title,
        update.summary,
        agents=c.agents,
        indications=c.indications,
        event_type=c.event_type,
        day=update.published.date() if update.published else None,
    )


# A registry record that stopped: the same event as the news of that halt ("UplighTED stopped").
_HALTED = frozenset({"TERMINATED", "SUSPENDED", "WITHDRAWN"})


def registry_halt(update: Update) -> EventIdentity | None:
    """The identity of a registry change that stopped a trial (its agent, the family "halt", the trial by
    NCT id and acronym, the day), or None for every other update: the one kind of registry change that
    news reports as an event of its own, so the two join one story."""
    change = update.change
    if change is None or change.field != "overall_status" or (change.new or "").upper() not in _HALTED:
        return None
    return EventIdentity(
        agents=frozenset(update.classification.agents),
        families=frozenset({"halt"}),
        worded=True,
        trials=frozenset(t.upper() for t in (change.nct_id, change.acronym) if t),
        indications=frozenset(update.classification.indications),
        days=frozenset({story_date(update)}),
    )


def story_identity(story: Update) -> EventIdentity:
    """The story's identity: its first outlet's, merged with every later outlet's title."""
    halt = registry_halt(story)
    if halt is not None:
        return halt
    identity = outlet_identity(story)
    for title in story.story_titles:
        identity = identity.merged(identity_of(title, agents=story.classification.agents))
    return identity


def title_words(text: str) -> frozenset[str]:
    """The words of a title, without the punctuation around them ("autoimmune." is "autoimmune")."""
    return frozenset(_TITLE_WORD.findall(fold(text)))


def is_copy(a: frozenset[str], b: frozenset[str]) -> bool:
    if len(a) < COPY_MIN_WORDS or len(b) < COPY_MIN_WORDS:
        return False
    return len(a & b) / len(a | b) >= COPY_THRESHOLD


def another_event(a_title: str, b_title: str, a_indications: Indications, b_indications: Indications) -> bool:
    """Two titles that name another regulator, trial, phase, period, outcome, venue, step or indication: a
    one-word change of "FDA" to "EMA" in a long headline is another event, not a copy."""
    a, b = identity_of(a_title, indications=a_indications), identity_of(b_title, indications=b_indications)
    return conflicts(a, b) or (a.worded and b.worded and not a.families & b.families)


def copies_title(a: Update, a_words: frozenset[str], b: Update, title: str, words: frozenset[str]) -> bool:
    """`a` is a near-exact copy of `title`, one of story `b`'s (checked on words first; the identities only
    for the few near-exact pairs)."""
    indications = (a.classification.indications, b.classification.indications)
    return is_copy(a_words, words) and not another_event(a.title, title, *indications)


def _near(a: Update, b: Update, window_days: int) -> bool:
    """Dated within the window of each other (an undated copy cannot be placed: it is near)."""
    return not (a.published and b.published) or abs((story_date(a) - story_date(b)).days) <= window_days


def same_url(a: Update, b: Update) -> bool:
    """Both link to one page that identifies a story (not a listing page several stories share)."""
    if not (a.url and b.url) or a.url_shared or b.url_shared:
        return False
    return canonical_url(a.url) == canonical_url(b.url) and not is_listing_url(canonical_url(a.url))


def _joins_by_identity(update: Update) -> bool:
    if update.escalates or not update.classification.relevant:
        return False
    return update.change is None or registry_halt(update) is not None


def same_story(a: Update, b: Update, *, window_days: int = WINDOW_DAYS) -> bool:
    """Whether `a` reports the story `b` (URL, agreeing identities, or a copy of one of its titles)."""
    if same_url(a, b):
        return True
    if b.escalates:
        return False
    if (
        b.change is None
        and _near(a, b, window_days)
        and any(
            copies_title(a, title_words(a.title), b, t, title_words(t)) for t in (b.title, *b.story_titles)
        )
    ):
        return True
    if not (_joins_by_identity(a) and _joins_by_identity(b)):
        return False
    return agree(registry_halt(a) or outlet_identity(a), story_identity(b), window_days=window_days)


def claim_keys(update: Update) -> list[str]:
    """The dedupe neighbourhoods of an update: one per agent (identities agree only with an agent in
    common), so a claim on each serialises the "is this a new story?" decision between concurrent polls.
    Registry changes (exact ids) and updates with no agent claim nothing."""
    if update.change is not None or not update.classification.relevant:
        return []
    return [f"agent#{agent}" for agent in update.classification.agents]


def merge_outlet(story: Update, outlet: Update) -> Update:
    """The story once `outlet` is attached (what the store's merge_source writes): its outlet, URL and title
    appended (bounded). The story's own label stays its first outlet's; a higher severity from a later
    outlet is carried by an escalation record (intake.escalation_of), which alerts "update:"."""
    if len(story.story_titles) >= MAX_STORY_TITLES:
        return story
    label = outlet.sources[0] if outlet.sources else outlet.source_name or outlet.source_id
    return replace(
        story,
        sources=(*story.sources, label),
        story_urls=(*story.story_urls, outlet.url or f"id:{outlet.update_id}"),
        story_titles=(*story.story_titles, outlet.title[:TITLE_CHARS]),
        story_dates=(*story.story_dates, outlet_day(outlet)),
    )


def outlet_day(outlet: Update) -> str:
    """The day an outlet published its copy (ISO), or "" when its feed gave no date."""
    return outlet.published.date().isoformat() if outlet.published else ""


def higher(a: Severity | None, b: Severity | None) -> bool:
    """`a` is a higher severity than `b`."""
    return a is not None and (b is None or SEVERITY_RANK[a] > SEVERITY_RANK[b])


# -- the index: the earliest stored story a newcomer joins, without comparing every pair ---------------------


class _Entry:
    __slots__ = ("identity", "titles", "update", "url_key")

    def __init__(self, update: Update, identity: EventIdentity | None = None) -> None:
        self.update = update
        url = canonical_url(update.url) if update.url and not update.url_shared else ""
        # what same_url compares, computed once (an escalation record is no story: never a match)
        self.url_key = "" if is_listing_url(url) or update.escalates else url
        self.identity: EventIdentity | None = None
        if _joins_by_identity(update):
            self.identity = identity if identity is not None else story_identity(update)
        self.titles = [title_words(t) for t in (update.title, *update.story_titles)]


def _keys(identity: EventIdentity) -> list[str]:
    """The (agent, family) neighbourhoods an identity is found in (`agree` needs one in common)."""
    return [
        f"{agent}\x1f{family}" for agent in sorted(identity.agents) for family in sorted(identity.families)
    ]


def _min_overlap(threshold: float, size: int) -> int:
    """The fewest common words k with k / size >= threshold (as `overlap` computes it, in floats)."""
    k = max(1, int(threshold * size))
    while k / size < threshold:
        k += 1
    while k > 1 and (k - 1) / size >= threshold:
        k -= 1
    return k


class _Threshold:
    """Prefix filtering for one overlap threshold t (|a & b| >= t * min(|a|, |b|)), per dedupe gate.

    If s is at least as large as c, they share at least k_c (the min overlap for |c| words), so any
    |c| - k_c + 1 of c's words include a common one: probing the full index with c's rarest |c| - k_c + 1
    words finds s. If s is smaller, they share at least k_s words, so s's indexed prefix (|s| - k_s + 1 of
    its words) meets c: probing the prefix index with all of c's words finds s. Exact, whatever word order
    is used; rare words first keep the lists probed short."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.full: dict[tuple[str, str], list[int]] = {}
        self.prefix: dict[tuple[str, str], list[int]] = {}
        self.frequency: dict[str, int] = {}

    def _rare_first(self, words: frozenset[str]) -> list[str]:
        return sorted(words, key=lambda w: (self.frequency.get(w, 0), w))

    def add(self, index: int, gates: list[str], words: frozenset[str]) -> None:
        if not words:
            return
        ordered = self._rare_first(words)
        head = ordered[: len(words) - _min_overlap(self.threshold, len(words)) + 1]
        for gate in gates:
            for word in ordered:
                self.full.setdefault((gate, word), []).append(index)
            for word in head:
                self.prefix.setdefault((gate, word), []).append(index)
        for word in words:
            self.frequency[word] = self.frequency.get(word, 0) + 1

    def candidates(self, gates: list[str], words: frozenset[str], into: set[int]) -> None:
        if not words:
            return
        probe = self._rare_first(words)[: len(words) - _min_overlap(self.threshold, len(words)) + 1]
        for gate in gates:
            for word in probe:
                into.update(self.full.get((gate, word), ()))
            for word in words:
                into.update(self.prefix.get((gate, word), ()))


def _part_keys(identity: EventIdentity) -> list[str]:
    """Keys for the corroborations that need no words: a shared regulator, trial or period."""
    parts = [f"r:{r}" for r in identity.regulators] + [f"t:{t}" for t in identity.trials]
    parts += [f"p:{p}" for p in identity.periods]
    return [f"{key}\x1f{part}" for key in _keys(identity) for part in parts]


class StoryIndex:
    """Stored stories indexed by canonical URL, by (agent, event family) and by their titles' rarest word,
    so that `find` checks only the stories a newcomer could join; each candidate is then checked with the
    predicate `same_story` applies (identities computed once per story)."""

    def __init__(self, stored: Iterable[Update] = (), *, window_days: int = WINDOW_DAYS) -> None:
        self._window = window_days
        self._entries: list[_Entry] = []
        self._positions: dict[str, int] = {}
        self._by_url: dict[str, list[int]] = {}
        self._by_word: dict[str, list[int]] = {}
        # Every agreement needs a shared regulator, trial or period, or words in common (at least
        # INDICATION_WORDS of the shorter text): the first by key, the second by prefix filtering.
        self._by_part: dict[str, list[int]] = {}
        self._words = _Threshold(INDICATION_WORDS)
        # The entry `find` built last: a newcomer found new is usually added next (its identity read once).
        self._last: _Entry | None = None
        for update in stored:
            self.add(update)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, update_id: object) -> bool:
        return update_id in self._positions

    def _register(self, index: int, entry: _Entry) -> None:
        if entry.identity is not None:
            for key in _part_keys(entry.identity):
                if index not in self._by_part.get(key, ()):
                    self._by_part.setdefault(key, []).append(index)
            self._words.add(index, _keys(entry.identity), entry.identity.words)
        if not entry.update.escalates and entry.update.change is None:
            for words in entry.titles:
                for word in words:
                    self._by_word.setdefault(word, []).append(index)

    def add(self, update: Update) -> None:
        if update.update_id in self._positions:
            return
        index = len(self._entries)
        entry = self._last if self._last is not None and self._last.update is update else _Entry(update)
        self._last = None
        self._entries.append(entry)
        self._positions[update.update_id] = index
        if entry.url_key:
            self._by_url.setdefault(entry.url_key, []).append(index)
        self._register(index, entry)

    def absorb(self, story_id: str, outlet: Update) -> None:
        """`outlet` joined the story: the story is compared as a whole (its identity and titles grow)."""
        index = self._positions[story_id]
        old = self._entries[index]
        grown = None if old.identity is None else old.identity.merged(outlet_identity(outlet))
        entry = _Entry(merge_outlet(old.update, outlet), grown)
        self._entries[index] = entry
        self._register(index, entry)

    def _matches(self, candidate: _Entry, stored: _Entry) -> bool:
        if candidate.url_key and candidate.url_key == stored.url_key:  # same_url, on cached keys
            return True
        if stored.update.escalates:
            return False
        new, story, words = candidate.update, stored.update, candidate.titles[0]
        raw = (story.title, *story.story_titles)
        if (
            story.change is None
            and _near(new, story, self._window)
            and any(copies_title(new, words, story, t, w) for t, w in zip(raw, stored.titles, strict=True))
        ):
            return True
        if candidate.identity is None or stored.identity is None:
            return False
        return agree(candidate.identity, stored.identity, window_days=self._window)

    def _copy_candidates(self, words: frozenset[str], into: set[int]) -> None:
        if len(words) < COPY_MIN_WORDS:
            return
        # A copy misses at most a ninth of its words from the stored title: its rarest |w|/9 + 1 include one.
        probe = sorted(words, key=lambda w: (len(self._by_word.get(w, ())), w))[: len(words) // 9 + 1]
        for word in probe:
            into.update(self._by_word.get(word, ()))

    def find(self, candidate: Update) -> Update | None:
        """The earliest stored story `candidate` joins, if any."""
        entry = _Entry(candidate)
        self._last = entry
        found: set[int] = set()
        if entry.url_key:
            found.update(self._by_url.get(entry.url_key, ()))
        if entry.identity is not None:
            for key in _part_keys(entry.identity):
                found.update(self._by_part.get(key, ()))
            self._words.candidates(_keys(entry.identity), entry.identity.words, found)
        self._copy_candidates(entry.titles[0], found)
        matches = [
            self._entries[i].update
            for i in found
            if self._entries[i].update.update_id != candidate.update_id
            and self._matches(entry, self._entries[i])
        ]
        return min(matches, key=lambda u: (u.first_seen, u.update_id)) if matches else None


@dataclass(frozen=True)
class Claim:
    """The story claim of one dedupe neighbourhood (an agent: updates can be one story only if they share
    one): a version that every store of a story in it moves on, and the latest story ids."""

    key: str
    version: int = 0
    ids: tuple[str, ...] = ()

"""Same story, several outlets: decide whether two updates report one event, so it is stored (and alerted)
once and lists every source.

Two updates are the same story when
  1. their canonical URLs are equal (and name one story, not a listing page like `/news`); or
  2. they are about a common agent, have the same event type and severity, are dated within
     `window_days` of each other (when both are dated), do not name disjoint indications, are not registry
     changes (those have exact ids), and their words agree: the titles share most of their content words
     (`TITLE_THRESHOLD`), or title and lead together do (`TEXT_THRESHOLD`).
Agent + event + window alone is not enough: argenx's Japan ITP approval and its US gMG approval are both
"efgartigimod regulatory" but different events (the indication check and the words separate them).

Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pipewatch.domain.ingest.ids import is_listing_url
from pipewatch.domain.models import Update
from pipewatch.domain.text import canonical_url

WINDOW_DAYS = 3
TITLE_THRESHOLD = 0.6
TEXT_THRESHOLD = 0.45
LEAD_CHARS = 300

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "after",
        "over",
        "under",
        "new",
        "news",
        "update",
        "updates",
        "provides",
        "announces",
        "announced",
        "reports",
        "reported",
        "says",
        "said",
        "today",
        "inc",
        "ltd",
        "plc",
        "se",
        "co",
        "corp",
        "company",
        "press",
        "release",
    }
)
# A few synonyms and British spellings newsrooms use for the same fact.
_CANON = {
    "studies": "study",
    "trials": "trial",
    "halts": "stop",
    "halt": "stop",
    "halted": "stop",
    "stops": "stop",
    "stopped": "stop",
    "discontinues": "stop",
    "discontinued": "stop",
    "discontinue": "stop",
    "discontinuation": "stop",
    "approves": "approv",
    "approved": "approv",
    "approval": "approv",
    "wins": "win",
    "won": "win",
    "nod": "approv",
    "generalised": "generalized",
    "subcutaneous": "sc",
    "iii": "3",
    "ii": "2",
}

_PHRASES = (
    ("food and drug administration", "fda"),
    ("u.s.", "us"),
    ("european medicines agency", "ema"),
    ("phase iii", "phase 3"),
    ("phase ii", "phase 2"),
)


def _stem(word: str) -> str:
    word = _CANON.get(word, word)
    for suffix in ("ing", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    """Lower-cased, accent-free content words; stop words and long numeric ids (syndication ids) dropped."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    for phrase, short in _PHRASES:
        folded = folded.replace(phrase, short)
    words = set()
    for word in _WORD.findall(folded):
        if word in _STOP or (word.isdigit() and len(word) > 4):
            continue
        words.add(_stem(word))
    return frozenset(words)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient |a & b| / min(|a|, |b|): a short rewrite of a long headline still scores high."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def story_date(update: Update) -> date:
    return (update.published or update.first_seen).date()


def title_similarity(a: Update, b: Update) -> float:
    return overlap(content_words(a.title), content_words(b.title))


def text_similarity(a: Update, b: Update) -> float:
    return overlap(
        content_words(f"{a.title} {a.summary[:LEAD_CHARS]}"),
        content_words(f"{b.title} {b.summary[:LEAD_CHARS]}"),
    )


def comparable(a: Update, b: Update, *, window_days: int = WINDOW_DAYS) -> bool:
    """The gate: common agent, same event type and severity, dates within the window, indications not
    disjoint, neither a registry change."""
    ca, cb = a.classification, b.classification
    if a.change is not None or b.change is not None:
        return False
    if not set(ca.agents) & set(cb.agents) or ca.event_type != cb.event_type or ca.event_type is None:
        return False
    if ca.severity != cb.severity:  # a filing (medium) and the approval (high) are two events
        return False
    # An undated copy cannot be placed in time (its first-seen day says when we polled, not when it was
    # published): only its words decide.
    if a.published and b.published and abs((story_date(a) - story_date(b)).days) > window_days:
        return False
    return not (ca.indications and cb.indications and not set(ca.indications) & set(cb.indications))


def same_url(a: Update, b: Update) -> bool:
    """Both link to one page that identifies a story (not a listing page several stories share)."""
    if not (a.url and b.url) or a.url_shared or b.url_shared:
        return False
    return canonical_url(a.url) == canonical_url(b.url) and not is_listing_url(canonical_url(a.url))


def same_story(a: Update, b: Update, *, window_days: int = WINDOW_DAYS) -> bool:
    if same_url(a, b):
        return True
    if not comparable(a, b, window_days=window_days):
        return False
    return title_similarity(a, b) >= TITLE_THRESHOLD or text_similarity(a, b) >= TEXT_THRESHOLD


def claim_keys(update: Update) -> list[str]:
    """The dedupe neighbourhoods of an update: one per agent, with its event type and severity. Two updates
    can be the same story by their words only if they share one (see `comparable`), so a claim on each
    serialises the "is this a new story?" decision between concurrent polls. Registry changes (exact ids)
    and updates with no event or agent claim nothing."""
    c = update.classification
    if update.change is not None or c.event_type is None:
        return []
    return [f"{agent}#{c.event_type}#{c.severity}" for agent in c.agents]


# -- the index: the earliest stored story `same_story` accepts, without comparing every pair ---------------


def _min_overlap(threshold: float, size: int) -> int:
    """The fewest common words k with k / size >= threshold (as `overlap` computes it, in floats)."""
    k = max(1, int(threshold * size))
    while k / size < threshold:
        k += 1
    while k > 1 and (k - 1) / size >= threshold:
        k -= 1
    return k


class _Entry:
    __slots__ = ("text", "title", "update", "url_key")

    def __init__(self, update: Update) -> None:
        self.update = update
        url = canonical_url(update.url) if update.url and not update.url_shared else ""
        self.url_key = "" if is_listing_url(url) else url  # what same_url compares, computed once
        self.title = content_words(update.title)
        self.text = content_words(f"{update.title} {update.summary[:LEAD_CHARS]}")


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


def _gates(update: Update) -> list[str]:
    c = update.classification
    if update.change is not None or c.event_type is None:
        return []
    return [f"{agent}\x1f{c.event_type}\x1f{c.severity}" for agent in c.agents]


class StoryIndex:
    """Stored stories indexed so that `find` gives what a pairwise `same_story` scan gives (the earliest
    match), in time about linear in the number of stories: by canonical URL, and by content words within
    each dedupe gate (agent, event type, severity; `comparable` requires one in common) with prefix filtering
    for each overlap threshold. Every candidate is then checked with the very predicate `same_story` applies
    (words computed once per story)."""

    def __init__(self, stored: Iterable[Update] = (), *, window_days: int = WINDOW_DAYS) -> None:
        self._window = window_days
        self._entries: list[_Entry] = []
        self._ids: set[str] = set()
        self._by_url: dict[str, list[int]] = {}
        self._titles = _Threshold(TITLE_THRESHOLD)
        self._texts = _Threshold(TEXT_THRESHOLD)
        for update in stored:
            self.add(update)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, update_id: object) -> bool:
        return update_id in self._ids

    def add(self, update: Update) -> None:
        if update.update_id in self._ids:
            return
        index = len(self._entries)
        entry = _Entry(update)
        self._entries.append(entry)
        self._ids.add(update.update_id)
        if entry.url_key:
            self._by_url.setdefault(entry.url_key, []).append(index)
        gates = _gates(update)
        self._titles.add(index, gates, entry.title)
        self._texts.add(index, gates, entry.text)

    def _matches(self, candidate: _Entry, stored: _Entry) -> bool:
        a, b = candidate.update, stored.update
        if candidate.url_key and candidate.url_key == stored.url_key:  # same_url, on cached keys
            return True
        if not comparable(a, b, window_days=self._window):
            return False
        return overlap(candidate.title, stored.title) >= TITLE_THRESHOLD or (
            overlap(candidate.text, stored.text) >= TEXT_THRESHOLD
        )

    def find(self, candidate: Update) -> Update | None:
        """The earliest stored update that reports the same story as `candidate`, if any."""
        entry = _Entry(candidate)
        found: set[int] = set()
        if entry.url_key:
            found.update(self._by_url.get(entry.url_key, ()))
        gates = _gates(candidate)
        self._titles.candidates(gates, entry.title, found)
        self._texts.candidates(gates, entry.text, found)
        matches = [
            self._entries[i].update
            for i in found
            if self._entries[i].update.update_id != candidate.update_id
            and self._matches(entry, self._entries[i])
        ]
        return min(matches, key=lambda u: (u.first_seen, u.update_id)) if matches else None


@dataclass(frozen=True)
class Claim:
    """The story claim of one dedupe neighbourhood (agent + event type + severity, the only updates that can
    be the same story): a version that every store of a story in it moves on, and the latest story ids."""

    key: str
    version: int = 0
    ids: tuple[str, ...] = ()

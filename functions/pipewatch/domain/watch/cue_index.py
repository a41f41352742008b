"""The taxonomy's event cues indexed for the classifier's scan, built on first use and kept for the process.

A cold start pays for what its first documents need: the index (~1,500 gate words, their stems and a regex
of several thousand characters) waits for the first document that names a watched agent, and each gate
word's small regex is written and compiled for the first text where that word occurs. Both are cached at
module level, keyed by the cue patterns themselves: a second classifier over the same taxonomy (a warm
container building a service again, the catalyst check, tests) compiles nothing again, and unlike `re`'s
own cache nothing is evicted. Pure: no clock, no I/O; a function of the patterns only.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from pipewatch.domain.watch.cues import literal_stems
from pipewatch.domain.watch.normalize import trie_regex

# One rule's cue patterns (EventRule.all_patterns()), for every rule in taxonomy order.
RulePatterns = tuple[tuple[str, ...], ...]


@cache
def compiled(source: str) -> re.Pattern[str]:
    """`re.compile(source)`, once per process: the taxonomy's patterns are compiled when first used."""
    return re.compile(source)


class StemSources(dict[str, str]):
    """Gate word (with its leading space) -> the regex source of only the cue patterns that can start with
    it (`(?P<r{rule}>...)` groups in rule order), written the first time the word is asked for: a first
    document meets a few dozen of the ~1,500 gate words, so the rest are never written (issue 28: ~6 ms of
    the index's build). A word's cue patterns are those with a literal stem the word starts with, found by
    looking its prefixes up among the stems (the same set a prefix-range scan of the sorted words finds)."""

    __slots__ = ("_by_stem", "_rule_patterns", "_words")

    def __init__(
        self, rule_patterns: RulePatterns, by_stem: dict[str, set[tuple[int, int]]], words: frozenset[str]
    ) -> None:
        super().__init__()
        self._rule_patterns = rule_patterns
        self._by_stem = by_stem  # literal stem -> the (rule, pattern) positions starting with it
        self._words = words  # every gate word (the stems themselves)

    def __missing__(self, key: str) -> str:
        word = key[1:]
        if word not in self._words:
            raise KeyError(key)
        found: set[tuple[int, int]] = set()
        for end in range(len(word) + 1):  # every prefix, "" included (a stem is never empty; exactness)
            found.update(self._by_stem.get(word[:end], ()))
        by_rule: dict[int, list[str]] = {}
        for index, position in sorted(found):
            by_rule.setdefault(index, []).append(f"(?:{self._rule_patterns[index][position]})")
        alternation = [f"(?P<r{index}>{'|'.join(chosen)})" for index, chosen in by_rule.items()]
        source = self[key] = rf" (?:{'|'.join(alternation)})(?= )"
        return source

    def every(self) -> dict[str, str]:
        """Every gate word's source, in word order (the build's regex table ships them all, packed)."""
        return {f" {word}": self[f" {word}"] for word in sorted(self._words)}


class CueIndex(NamedTuple):
    """Where cues can start: `gate` finds the gate words (with their leading space); `stem_sources` gives
    each the regex of only the cue patterns that can start with it; `by_stem` holds those compiled so far.
    Without a gate (some cue has no literal start), `events` is the full alternation of every rule."""

    gate: re.Pattern[str] | None
    events: re.Pattern[str] | None
    stem_sources: StemSources
    by_stem: dict[str, re.Pattern[str]]


@cache
def cue_index(rule_patterns: RulePatterns) -> CueIndex:
    # Gate: one trie of the literal words every cue starts with; the cue patterns are then tried only where
    # a gate word starts (a few places per title instead of every word).
    rule_stems = [[literal_stems(p) for p in patterns] for patterns in rule_patterns]
    gated = all(group is not None for stems in rule_stems for group in stems)
    if not gated:
        # a rule without cue patterns (one decided by grammar alone) gets no group: an empty `(?P<rN>)`
        # would match at every space and fire that rule on every item
        groups = "|".join(
            f"(?P<r{index}>{'|'.join(f'(?:{p})' for p in patterns)})"
            for index, patterns in enumerate(rule_patterns)
            if patterns
        )
        events = re.compile(rf" (?:{groups})(?= )") if groups else None
        return CueIndex(None, events, StemSources(rule_patterns, {}, frozenset()), {})
    by_stem: dict[str, set[tuple[int, int]]] = {}
    for index, stems in enumerate(rule_stems):
        for position, group in enumerate(stems):
            for stem in group or ():
                by_stem.setdefault(stem, set()).add((index, position))
    gate = re.compile(f" (?:{trie_regex(by_stem)})")
    return CueIndex(gate, None, StemSources(rule_patterns, by_stem, frozenset(by_stem)), {})

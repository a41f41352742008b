"""The taxonomy's event cues indexed for the classifier's scan, built on first use and kept for the process.

A cold start pays for what its first documents need: the index (~900 gate words, their prefix look-up and a
regex of several thousand characters) waits for the first document that names a watched agent, and each
gate word's small regex for the first text where that word occurs. Both are cached at module level, keyed
by the cue patterns themselves: a second classifier over the same taxonomy (a warm container building a
service again, the catalyst check, tests) compiles nothing again, and unlike `re`'s own cache nothing is
evicted. Pure: no clock, no I/O; a function of the patterns only.
"""

from __future__ import annotations

import bisect
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


class CueIndex(NamedTuple):
    """Where cues can start: `gate` finds the gate words (with their leading space); `by_stem_source` maps
    each to one regex of only the cue patterns that can start with it, grouped as `(?P<r{rule}>...)` in
    rule order; `by_stem` holds those compiled so far. Without a gate (some cue has no literal start),
    `events` is the full alternation of every rule."""

    gate: re.Pattern[str] | None
    events: re.Pattern[str] | None
    by_stem_source: dict[str, str]
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
        return CueIndex(None, re.compile(rf" (?:{groups})(?= )") if groups else None, {}, {})
    every_stem = {s for stems in rule_stems for group in stems if group for s in group}
    gate = re.compile(f" (?:{trie_regex(every_stem)})")
    # which (rule, pattern) can start at each gate word: the patterns with a stem the word starts with,
    # found by prefix range in the sorted words (not every word against every pattern)
    words = sorted(every_stem)
    starts: dict[str, set[tuple[int, int]]] = {word: set() for word in words}
    for index, stems in enumerate(rule_stems):
        for position, group in enumerate(stems):
            for prefix in group or ():
                at = bisect.bisect_left(words, prefix)
                while at < len(words) and words[at].startswith(prefix):
                    starts[words[at]].add((index, position))
                    at += 1
    # gate word -> the regex of the cues that can start with it (YAML order kept): small regexes, quick to
    # try, each compiled the first time its word is seen (most words never occur in one Lambda's items)
    by_stem_source: dict[str, str] = {}
    for word, found in starts.items():
        by_rule: dict[int, list[str]] = {}
        for index, position in sorted(found):
            by_rule.setdefault(index, []).append(f"(?:{rule_patterns[index][position]})")
        alternation = [f"(?P<r{index}>{'|'.join(chosen)})" for index, chosen in by_rule.items()]
        by_stem_source[" " + word] = rf" (?:{'|'.join(alternation)})(?= )"
    return CueIndex(gate, None, by_stem_source, {})

"""The cue index writes a gate word's regex when the word is first met (cold9poll, issue 28): the same
source, for every gate word, as the index built them all at once before (the reference below is that
earlier eager construction, kept here as the oracle)."""

from __future__ import annotations

import bisect

import pytest

from pipewatch.config import load_classifier
from pipewatch.domain.watch.cue_index import RulePatterns, cue_index
from pipewatch.domain.watch.cues import literal_stems


def _eager_sources(rule_patterns: RulePatterns) -> dict[str, str]:
    rule_stems = [[literal_stems(p) for p in patterns] for patterns in rule_patterns]
    every_stem = {s for stems in rule_stems for group in stems if group for s in group}
    words = sorted(every_stem)
    starts: dict[str, set[tuple[int, int]]] = {word: set() for word in words}
    for index, stems in enumerate(rule_stems):
        for position, group in enumerate(stems):
            for prefix in group or ():
                at = bisect.bisect_left(words, prefix)
                while at < len(words) and words[at].startswith(prefix):
                    starts[words[at]].add((index, position))
                    at += 1
    sources: dict[str, str] = {}
    for word, found in starts.items():
        by_rule: dict[int, list[str]] = {}
        for index, position in sorted(found):
            by_rule.setdefault(index, []).append(f"(?:{rule_patterns[index][position]})")
        alternation = [f"(?P<r{index}>{'|'.join(chosen)})" for index, chosen in by_rule.items()]
        sources[" " + word] = rf" (?:{'|'.join(alternation)})(?= )"
    return sources


# Hand-made: stems that are prefixes of one another ("result" of "results?", "results" of "results in"),
# one rule with two patterns, alternatives in a group.
HAND_MADE: RulePatterns = (
    ("results?", "(?:halt|stop)s? (?:the )?trial"),
    ("results in", "stopped"),
    ("halted",),
)


@pytest.mark.parametrize("name", ["hand-made", "packaged taxonomy"])
def test_given_rule_patterns_when_each_gate_word_is_asked_for_then_its_source_is_the_eager_one(
    name: str,
) -> None:
    rule_patterns = HAND_MADE if name == "hand-made" else load_classifier()._rule_patterns
    expected = _eager_sources(rule_patterns)
    sources = cue_index(rule_patterns).stem_sources

    assert sources.every() == expected
    assert list(sources.every()) == list(expected)  # word order kept


def test_given_a_word_that_is_not_a_gate_word_then_it_has_no_source() -> None:
    sources = cue_index(HAND_MADE).stem_sources
    assert sources[" halt"].startswith(" (?:(?P<r0>")
    with pytest.raises(KeyError):
        sources[" resultant"]  # starts with a stem, but the gate never finds it


def test_given_a_gate_word_then_its_source_is_written_once_when_first_asked_for() -> None:
    sources = cue_index((("approv(?:al|ed)",), ("approved by",))).stem_sources
    assert dict(sources) == {}
    first = sources[" approved by"]
    assert sources[" approved by"] is first and list(sources) == [" approved by"]
    assert first == " (?:(?P<r0>(?:approv(?:al|ed)))|(?P<r1>(?:approved by)))(?= )"

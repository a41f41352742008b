"""Cold start of the poll (issue 28, cold8poll): the faster build paths give what the plain ones gave.

`trie_regex` walks sorted keys, cue stems are found by a regex scan, multi-word spellings are looked up when
first seen and reason lines when first yielded; the classifier builds its name matcher for its first
document. Each is checked against a reference written as the code was before (a nested-dict trie, a
character loop) on hand-made and seeded random inputs. Headlines here are hand-made.
"""

from __future__ import annotations

import random
import re

from pipewatch.config import load_data_file
from pipewatch.domain.watch import match as match_module
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.cues import literal_stems, split_alternatives
from pipewatch.domain.watch.evidence import Evidence
from pipewatch.domain.watch.match import Matcher, trie_regex
from pipewatch.domain.watch.reasons import ReasonLines, agent_reason, indication_reason
from pipewatch.domain.watch.shared_matcher import matcher_for
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

# ---------------------------------------------------------------------------------------------- references


def _reference_trie(keys: list[str]) -> str:
    """The character trie as nested dicts, emitted as trie_regex did before it walked sorted keys."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def escaped(char: str) -> str:
        return " ?" if char == "\x00" else re.escape(char)

    def emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        run: list[str] = []
        while len(node) == 1 and "" not in node:
            ((char, node),) = node.items()
            run.append(escaped(char))
        ends_here = "" in node
        branches = [escaped(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return "".join(run)
        if len(branches) == 1:
            return "".join(run) + branches[0] if not ends_here else f"{''.join(run)}(?:{branches[0]})?"
        return f"{''.join(run)}(?:{'|'.join(branches)})" + ("?" if ends_here else "")

    return emit(root)


def _reference_alternatives(pattern: str) -> list[str] | None:
    """Top-level alternatives, one character at a time (as split_alternatives was written)."""
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    if depth != 0 or in_class:
        return None
    parts.append(pattern[start:])
    return parts


# ------------------------------------------------------------------------------------------------- tests


def test_given_hand_made_and_random_keys_then_trie_regex_writes_the_reference_trie() -> None:
    hand_made = [
        ["approval", "approv", "crl", "c.r.l", "phase 3", "phase\x003b", "ph", "x"],
        ["syn\x000001", "syn\x000002", "synthomab0001", "synthomab0002", "syn"],
        ["a", "a", "ab", "abc", "b"],
        ["", "a"],
        ["中文", "中", "é", "e"],
        [],
    ]
    rng = random.Random(28)
    alphabet = "ab\x00c.é中-"
    generated = [
        ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(0, 12))]
        for _ in range(3000)
    ]
    for keys in [*hand_made, *generated]:
        assert trie_regex(iter(keys)) == _reference_trie(keys), keys


def test_given_hand_made_and_random_patterns_then_alternatives_and_stems_are_the_reference_ones() -> None:
    hand_made = [
        r"results?|(?:halt|stop)(?:ped|s)? (?:the )?trial",
        r"studie (?:\S+ )abgeschlossen|a\|b|[|(]x|y",
        r"(?:a|b)?c|d",
        r"(unbalanced|x",
        "\\",
    ]
    rng = random.Random(28)
    alphabet = "ab (?:)|[]\\{}*+.^$ s"
    generated = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    for pattern in [*hand_made, *generated]:
        assert split_alternatives(pattern) == _reference_alternatives(pattern), pattern
    assert literal_stems(hand_made[0]) == ["result", "halt", "stop"]
    assert literal_stems(hand_made[2]) is None


def test_given_a_new_classifier_then_its_matcher_is_built_by_the_first_document_and_shared() -> None:
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    classifier = Classifier(watchlist, load_data_file("taxonomy.yaml", Taxonomy))
    assert "_matcher" not in vars(classifier)
    result = classifier.classify("FDA approves efgartigimod for CIDP", "")
    assert result.relevant
    assert vars(classifier)["_matcher"] is matcher_for(watchlist)


def test_given_spellings_of_several_words_then_each_is_found_and_kept_once_seen() -> None:
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    matcher = Matcher(watchlist)
    spelt = "Results for PF 06700841 in dermatomyositis"  # a code written with a space
    known = len(matcher._words)
    first = matcher.match(spelt, "")
    assert "brepocitinib" in first.agent_ids
    assert len(matcher._words) > known  # the spelling is now a key of the hit dict
    assert matcher.match(spelt, "") == first
    assert Matcher(watchlist).match(spelt, "") == first


def test_given_a_spelling_limit_then_no_more_spellings_are_kept() -> None:
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    matcher = Matcher(watchlist)
    matcher._words_limit = len(matcher._words)
    found = matcher.match("Results for PF 06700841", "")
    assert "brepocitinib" in found.agent_ids
    assert len(matcher._words) == matcher._words_limit
    assert match_module._MAX_SPELLINGS_KEPT > 0


def test_given_evidence_then_reason_lines_are_the_formatted_ones_and_the_memo_is_bounded() -> None:
    lines = ReasonLines()
    alias = Evidence("efgartigimod", "generic", "efgartigimod", "title")
    indication = Evidence("cidp", "indication", "CIDP", "summary")
    trial = Evidence("gmg", "trial", "ADAPT", "title")
    assert lines.agent(alias) == agent_reason(alias)
    assert lines.agent(alias) == agent_reason(alias)  # from the memo
    assert lines.indication(indication) == indication_reason(indication)
    assert lines.indication(trial) == indication_reason(trial)
    for n in range(9000):
        misspelt = Evidence("efgartigimod", "misspelt", "efgartigimod", "title", f"efgartigimd{n}")
        assert lines.agent(misspelt) == agent_reason(misspelt)
    assert len(lines._agents) <= 8192

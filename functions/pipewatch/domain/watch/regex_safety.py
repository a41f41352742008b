"""Refuses configured regular expressions that can backtrack catastrophically.

Python's `re` has no time limit, so a pattern from configuration (the taxonomy's cues, the watchlist's
salience) is run only if its shape bounds the work: a repeated group (`(...)+`, `(...){0,4}`) must match
each repetition in one way only. That excludes the shapes behind exponential (and high-degree polynomial)
backtracking: an alternation inside a repeated group (`(a|aa)+`), a repeat inside a repeated group
(`(a+)+`, `(\\w+\\s?)+`), except one character repeat closed by a character it cannot match (`(?:\\S+ ){0,3}`,
`(?: \\S+){0,4}`: the space ends each word, so every repetition is decided). Repeats of one character
(`\\w+`, `[a-z]{3,}`) and fixed-width groups (`(?:ab)+`) are fine. Pure: parses, never runs, the pattern.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

with warnings.catch_warnings():  # deprecated as a public module since 3.11; the parser itself is stable
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants as sc
    import sre_parse

_AMBIGUOUS = "an alternation inside a repeated group (like (a|aa)+) can backtrack exponentially"
_REPEATS = (sc.MAX_REPEAT, sc.MIN_REPEAT, sc.POSSESSIVE_REPEAT)
_ONE_CHAR = (sc.LITERAL, sc.NOT_LITERAL, sc.ANY, sc.IN)
# The characters a disjointness check tries: ASCII, Latin, general punctuation and the CJK block starts.
_PROBE = "".join(chr(c) for c in (*range(0, 0x250), *range(0x2000, 0x2070), 0x3000, 0x3001, 0x4E00))
_CATEGORY_TESTS: dict[Any, Callable[[str], bool]] = {
    sc.CATEGORY_DIGIT: str.isdigit,
    sc.CATEGORY_SPACE: str.isspace,
    sc.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
}


def backtracking_risk(pattern: str) -> str:
    """Why `pattern` could backtrack catastrophically, or "" when its repeated groups are unambiguous."""
    return _scan(sre_parse.parse(pattern).data)


def _scan(items: Any) -> str:
    for op, av in items:
        if op in _REPEATS:
            _low, high, body = av
            if high > 1 and not _one_char(body.data):
                why = _repeated_body_risk(body.data)
                if why:
                    return why
            why = _scan(body.data)
        elif op == sc.SUBPATTERN:
            why = _scan(av[-1].data)
        elif op == sc.BRANCH:
            why = next((w for w in (_scan(alt.data) for alt in av[1]) if w), "")
        elif op in (sc.ASSERT, sc.ASSERT_NOT):
            why = _scan(av[1].data)
        elif op == sc.GROUPREF_EXISTS:
            why = next((w for w in (_scan(p.data) for p in av[1:] if p is not None) if w), "")
        else:
            why = ""
        if why:
            return why
    return ""


def _one_char(items: Any) -> bool:
    return len(items) == 1 and items[0][0] in _ONE_CHAR


def _walk(items: Any) -> list[tuple[Any, Any]]:
    """Every (op, av) under `items`, depth first."""
    found: list[tuple[Any, Any]] = []
    for op, av in items:
        found.append((op, av))
        if op in _REPEATS:
            found += _walk(av[2].data)
        elif op == sc.SUBPATTERN:
            found += _walk(av[-1].data)
        elif op == sc.BRANCH:
            for alt in av[1]:
                found += _walk(alt.data)
        elif op in (sc.ASSERT, sc.ASSERT_NOT):
            found += _walk(av[1].data)
        elif op == sc.GROUPREF_EXISTS:
            for part in av[1:]:
                if part is not None:
                    found += _walk(part.data)
    return found


def _repeated_body_risk(body: Any) -> str:
    inner = _walk(body)
    if any(op == sc.GROUPREF_EXISTS for op, _ in inner):
        return "a conditional group inside a repeated group cannot be checked"
    if any(op == sc.BRANCH for op, _ in inner):
        return _alternation_risk(body)
    repeats = [av for op, av in inner if op in _REPEATS and av[0] != av[1]]
    if not repeats:
        return ""  # a fixed-width body: one way to match each repetition
    # The one safe shape with a variable part: a single-character repeat and, next to it, one character the
    # repeat cannot match (a word and its separator).
    if len(repeats) == 1 and len(body) == 2:
        first, second = body
        for run, edge in ((first, second), (second, first)):
            closed = run[0] in _REPEATS and _one_char(run[1][2].data) and edge[0] in _ONE_CHAR
            if closed and _disjoint(run[1][2].data[0], edge):
                return ""
    return "a repeat inside a repeated group (like (a+)+ or (\\w+\\s?)+) can backtrack catastrophically"


def _alternation_risk(body: Any) -> str:
    """A repeated group that is one alternation is decided at each repetition when its branches part ways
    at a character both spell out (`(?:open label|extension|,|\\s)+`) and none ends in a character repeat
    that could run on into the next repetition (`multi cent\\w*` followed by `extension`)."""
    items = [item for item in body if item[0] != sc.AT]
    while len(items) == 1 and items[0][0] == sc.SUBPATTERN:
        items = [item for item in items[0][1][-1].data if item[0] != sc.AT]
    # the parser moves a prefix all branches share in front: (?:dose|double) is do(?:se|uble)
    prefix = items[:-1]
    if not items or items[-1][0] != sc.BRANCH or not all(item[0] in _ONE_CHAR for item in prefix):
        return _AMBIGUOUS
    branches = [[i for i in alt.data if i[0] != sc.AT] for alt in items[-1][1][1]]
    heads = [_leading_chars(branch) for branch in branches]
    if not all(heads) or not _branches_part(heads):
        return _AMBIGUOUS
    starts = [prefix[0]] if prefix else [head[0] for head in heads]
    for branch in branches:
        why = _scan(branch) or _runs_on(branch[-1], starts)
        if why:
            return why
    return ""


def _branches_part(heads: list[list[Any]]) -> bool:
    """Every two branches differ at some character both spell out (`dose` / `double` at s / u)."""
    return all(
        any(_disjoint(x, y) for x, y in zip(a, b, strict=False))
        for n, a in enumerate(heads)
        for b in heads[n + 1 :]
    )


def _runs_on(last: Any, starts: list[Any]) -> str:
    """Whether a branch's last item could also take the characters the next repetition starts with."""
    if last[0] not in _REPEATS or last[1][0] == last[1][1]:
        return ""
    run = last[1][2].data
    if not _one_char(run):
        # an optional group at the end gives one way more or less, not a blow-up; a repeated one may
        return _AMBIGUOUS if last[1][1] > 1 else ""
    return "" if all(_disjoint(run[0], start) for start in starts) else _AMBIGUOUS


def _leading_chars(branch: Any) -> list[Any]:
    """The one-character matchers every match of `branch` starts with, in order (a repeat of one character
    at least once counts for its first character, and ends the run)."""
    head: list[Any] = []
    for op, av in branch:
        if op in _ONE_CHAR:
            head.append((op, av))
            continue
        if op in _REPEATS and av[0] >= 1 and _one_char(av[2].data):
            head.append(av[2].data[0])
        elif op == sc.SUBPATTERN:
            head += _leading_chars([i for i in av[-1].data if i[0] != sc.AT])
        break
    return head


def _disjoint(a: Any, b: Any) -> bool:
    for one, other in ((a, b), (b, a)):
        if one[0] == sc.LITERAL:
            return not _char_matches(other, chr(one[1]))
    return not any(_char_matches(a, ch) and _char_matches(b, ch) for ch in _PROBE)


def _char_matches(item: Any, ch: str) -> bool:
    """Whether the one-character matcher `item` (LITERAL, NOT_LITERAL, ANY, IN) matches `ch`."""
    op, av = item
    if op == sc.LITERAL:
        return bool(ord(ch) == av)
    if op == sc.NOT_LITERAL:
        return bool(ord(ch) != av)
    if op == sc.ANY:
        return ch != "\n"
    negate = False
    hit = False
    for sub_op, sub_av in av:
        if sub_op == sc.NEGATE:
            negate = True
        elif sub_op == sc.LITERAL:
            hit = hit or ord(ch) == sub_av
        elif sub_op == sc.RANGE:
            hit = hit or sub_av[0] <= ord(ch) <= sub_av[1]
        elif sub_op == sc.CATEGORY:
            hit = hit or _in_category(sub_av, ch)
        else:  # anything unusual inside a set: assume it may match (the safe answer)
            hit = True
    return hit != negate


def _in_category(category: Any, ch: str) -> bool:
    for positive, test in _CATEGORY_TESTS.items():
        if category == positive:
            return test(ch)
    name = str(category).replace("NOT_", "")
    for positive, test in _CATEGORY_TESTS.items():
        if str(positive) == name:
            return not test(ch)
    return True  # an unknown category: assume it may match

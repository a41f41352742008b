"""Every date expression in a text, left to right: the candidates of date_patterns.py resolved by windows.py,
overlaps settled longest first and ranges ("late 2026 to early 2027") merged into one vague window; and the
open-ended window after a date ("beyond Q2 2026"). Split from windows.py, which resolves one expression.

Pure: the reference date is passed in.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from pipewatch.domain.catalysts.date_patterns import compiled
from pipewatch.domain.catalysts.windows import Mention, Reference, Window, add_months, resolve

# "delayed from Q1 2026 to Q3 2026" is a move, not a range
_MOVED_FROM = re.compile(
    r"(?:delay|mov|push|postpon|shift|slipp?|chang|revis|extend|updat|reschedul)\w*\s+(?:\w+\s+){0,3}from\s*$",
    re.IGNORECASE,
)
_RANGE_LINK = re.compile(
    r"\s*(?:to|through|thru|until|till|-|–|—|/|or|and|à|au|a|bis|tot|e|et|y|ou|o|~|至|到|"
    # "im Jahr 2027 oder 2028", "in 2021 of 2022" (Dutch "or"), "내년 말 또는 2024년 초", "或"
    r"oder|of|또는|혹은|이나|거나|或|或者|または)\s*$"
)


def find_mentions(text: str, ref: Reference) -> list[Mention]:
    """Every date expression in `text`, left to right, overlapping candidates resolved longest first, and
    two expressions joined by "to" / "or" / "-" merged into one vague range ("late 2026 to early 2027")."""
    candidates: list[tuple[int, int, str, re.Match[str]]] = []
    for name, pattern in compiled():
        for m in pattern.finditer(text):
            if m.end() > m.start():
                candidates.append((m.start(), m.end(), name, m))
    candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[Mention] = []
    for start, end, name, m in candidates:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        try:
            found = resolve(name, m, ref)
        except (OverflowError, ValueError):  # at the calendar's edge (an item dated year 1 or 9999)
            found = None
        if found is None:
            continue
        taken.append((start, end))
        chosen.append(Mention(start, end, found[0], found[1]))
    chosen.sort(key=lambda mention: mention.start)
    merged: list[Mention] = []
    for mention in chosen:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.window is not None
            and mention.window is not None
            and _RANGE_LINK.fullmatch(text[prev.end : mention.start]) is not None
            and mention.window.end > prev.window.end
            and not _MOVED_FROM.search(text[max(0, prev.start - 60) : prev.start])
        ):
            window = Window(prev.window.start, mention.window.end, "vague")
            merged[-1] = replace(prev, end=mention.end, precision="vague", window=window)
            continue
        merged.append(mention)
    return merged


def after(window: Window) -> Window:
    """An open-ended "beyond <date>": from the next day to the end of the following calendar quarter (sponsors
    guide in quarters, and a standard FDA review extension is three months)."""
    if window.end >= date.max - timedelta(days=200):
        return window  # no quarter after the calendar's last one
    start = window.end + timedelta(days=1)
    quarter_start = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    end = add_months(quarter_start, 6) - timedelta(days=1)
    return Window(start, end, "vague")

"""A statement that itself reports a moved date: "the FDA has extended the review ... to 20 June 2023", "the
decision date has been moved to Dec. 28, 2025, from Sept. 28, 2025", "the review will extend beyond the target
action date of December 28". Such a sentence is a slip even when the calendar never saw the earlier date, and
it may name the earlier date (which the extractor rightly drops as superseded).

Pure: the item's date is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from pipewatch.domain.catalysts import cues
from pipewatch.domain.catalysts.mentions import find_mentions
from pipewatch.domain.catalysts.windows import Reference, Window

# A verb or noun that moves a date, in the languages the vocabulary covers. Deliberately not bare "extension"
# (open-label extension studies) nor "delay" of a disease ("delays progression").
_MOVE_SOURCE = (
    r"\b(?:extend(?:ed|s|ing)?\s+(?:(?:the|its|their|our)\s+)?(?:(?:[\w-]+\s+){0,2}(?:review|decision|action|"
    r"pdufa|target|timeline|deadline|goal)|beyond)|(?:review|pdufa|action|goal)(?:\s+date)?\s+(?:was\s+|is\s+)?"
    r"extended|extension\s+of\s+the\s+(?:review|pdufa|action|target|goal)|(?:pdufa|review|action|goal)"
    r"(?:\s+date)?\s+extension|push(?:ed|es)?\s+back|postpon\w*|delay(?:ed|s)?\s+(?:its|the|to|until|from|into)|"
    r"(?:has|have|was|were|been)\s+delayed|defer(?:red|s)\b|(?:has|have|was|were|been)\s+moved|moved\s+"
    r"(?:to|from|back)|reschedul\w*|slipp?(?:ed|s)\s+to|"
    r"prolong[ée]e?s?|prolongation|report(?:é|ée|és|ées)\b|report\s+de\s+la\s+date|verlänger\w*|verschoben|"
    r"verlengd|uitgesteld|prorogat[oaie]|rinviat[oaie]|posticipat[oaie]|prorrogad[oa]|aplazad[oa]|"
    r"retrasad[oa]|adiad[oa]|延期|推迟)"
)


@cache
def _move() -> re.Pattern[str]:
    """Compiled on the first sentence with a date, not at import (cold start)."""
    return re.compile(_MOVE_SOURCE, re.IGNORECASE)


# "now expected in Q3": a move only when the sentence also names what it was ("instead of Q2")
_SOFT_MOVE = re.compile(r"\bnow\s+(?:expected|anticipated|planned|scheduled)\b", re.IGNORECASE)
# A move that is only possible or feared ("any delay could", "may be extended") reports nothing.
_HEDGED = re.compile(
    r"\b(?:may|might|could|would|if|any|risk|unless|possible|potential(?:ly)?|pourrait|könnte|potrebbe|podría|"
    r"poderia)\b[^.;]{0,40}$",
    re.IGNORECASE,
)
# "extended-release", "extension study": a formulation or a trial, not a date
_NOT_A_MOVE = re.compile(r"\bextended[\s-]release\b|\bextension\s+(?:study|trial|phase|period)\b", re.I)


@dataclass(frozen=True)
class ReportedMove:
    """The sentence reports that a date moved; `previous` is the window it moved from, when it says."""

    previous: Window | None = None


def reported_move(sentence: str, new_start: date | None, published: date | None) -> ReportedMove | None:
    """The move `sentence` reports, or None when it reports none. `new_start` is the start of the window
    extracted from it (the date moved to): an earlier date named after "from" / "instead of" / "beyond" is
    the previous one."""
    stated = next(
        (m for m in _move().finditer(sentence) if not _HEDGED.search(sentence[: m.start()][-60:])), None
    )
    soft = _SOFT_MOVE.search(sentence)
    if (stated is None and soft is None) or _NOT_A_MOVE.search(sentence):
        return None
    previous: Window | None = None
    for mention in find_mentions(sentence, Reference(published)):
        window = mention.window
        if window is None or (new_start is not None and window.start >= new_start):
            continue
        before = sentence[max(0, mention.start - 80) : mention.start]
        if cues.SUPERSEDED_BEFORE.search(before) or cues.BEYOND_BEFORE.search(before):
            previous = window
            break
    if stated is None and previous is None:
        return None
    return ReportedMove(previous)

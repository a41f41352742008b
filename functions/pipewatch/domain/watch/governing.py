"""Rules of application over a headline's clauses, read from the taxonomy (`governs`, `cjk_clauses`):

- a decision governs its headline over an outranking cue that stands only in the reason clause after it
  ("deprioritizes X months after data": the company's decision is the news, the data its reason);
- a CJK cue is read as another event when its clause names a context before it, any number of words
  away (Korean "임상 1상시험 계획이 식약처의 승인을 받았다": a trial plan approved starts a trial; it
  approves no medicine).

Pure; built on first use (only items whose chosen cue these rules name ever reach them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property
from typing import NamedTuple

from pipewatch.domain.models import EventType
from pipewatch.domain.watch.cues import Best, RuleInfo, words_regex
from pipewatch.domain.watch.match import MAX_FIELD_CHARS
from pipewatch.domain.watch.taxonomy import Taxonomy

# Where a clause ends in a CJK field: sentence punctuation, commas, an ellipsis, a quote or a bracket.
_CLAUSE_END = re.compile(r"[.!?。！？,，、…;；:：\"“”'‘’「」『』()（）\[\]]")

# A strong cue of a title: where it starts and ends in the padded text, its rule, its words.
Cue = tuple[int, int, RuleInfo, str]


class _Governs(NamedTuple):
    event: EventType
    over: frozenset[EventType]
    reason: re.Pattern[str]


class _Clause(NamedTuple):
    event: EventType
    becomes: EventType
    before: re.Pattern[str]
    reach: int


class Governing:
    """The taxonomy's clause rules, compiled for the first item they could change (cold start: a document
    whose chosen cue no rule names compiles nothing)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self._taxonomy = taxonomy
        self.outranked = frozenset(event for g in taxonomy.governs for event in g.over)
        self._clause_events = frozenset(c.event for c in taxonomy.cjk_clauses)

    @cached_property
    def _governs(self) -> tuple[_Governs, ...]:
        return tuple(
            _Governs(g.event, frozenset(g.over), re.compile(words_regex(g.reason)))
            for g in self._taxonomy.governs
        )

    @cached_property
    def _clauses(self) -> tuple[_Clause, ...]:
        return tuple(
            _Clause(c.event, c.becomes, re.compile("|".join(f"(?:{p})" for p in c.before)), c.reach)
            for c in self._taxonomy.cjk_clauses
        )

    def decision(self, chosen: Best, text: str, cues: Iterable[Cue]) -> Best | None:
        """The governing decision's cue when every cue of the chosen (outranking) event stands after a
        reason word that follows the decision; else None. `cues` are the title's strong cues in order."""
        for rule in self._governs:
            if chosen[0] not in rule.over:
                continue
            decision: Cue | None = None
            reason_at = -1
            for cue in cues:
                start, end, info, _ = cue
                if info.event in rule.over:
                    if decision is None or reason_at < 0 or start < reason_at:
                        return None  # the outranking cue is the news, or the decision's own object
                elif decision is None and info.event == rule.event:
                    decision = cue
                    found = rule.reason.search(text, end - 1)
                    reason_at = found.start() if found is not None else -1
            if decision is not None and reason_at >= 0:
                return decision[2].event, decision[3], decision[2].severity
        return None

    def in_clause(self, chosen: Best | None, raw: str) -> Best | None:
        """A CJK cue read as another event when its clause names that event's context before it."""
        if chosen is None or chosen[0] not in self._clause_events:
            return chosen
        for clause in self._clauses:
            if chosen[0] != clause.event:
                continue
            text = unicodedata.normalize("NFKC", raw[:MAX_FIELD_CHARS])
            at = text.find(chosen[1])
            if at < 0:
                continue
            before = _CLAUSE_END.split(text[max(0, at - clause.reach) : at])[-1]
            m = clause.before.search(before)
            if m is not None:
                return clause.becomes, f"{m.group()}…{chosen[1]}", None
        return chosen

"""How the words around a date read: the kind the governing clause names, whether the statement looks ahead
or back, whether it is about money, and whether the date is no guidance at all (superseded, "as of", a
dateline, a condition's). Split from extract.py, which finds the dates and builds the catalysts.

Pure: text in, a reading out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipewatch.domain.catalysts import cues
from pipewatch.domain.catalysts.lexicon import TIERS
from pipewatch.domain.catalysts.models import CatalystKind
from pipewatch.domain.catalysts.windows import Mention

# A German "dass" clause puts its verb last, after the date: "hofft, dass X, der ... entwickelt wurde, 2027
# auf den Markt gebracht werden kann" (the relative clause's "wurde" is not the statement's tense)
_DASS = re.compile(r"\bdass\b|\bdaß\b", re.IGNORECASE)
_GLOSS = re.compile(r"[(（][^()（）]{1,30}[)）]")


@dataclass(frozen=True)
class Reading:
    kind: CatalystKind | None
    looks_ahead: bool | None  # None: no tense cue in the clauses read
    financial: bool


def clauses_back(text: str) -> list[str]:
    """The clauses of `text`, nearest (last) first."""
    return list(reversed(cues.CLAUSE_BREAK.split(text)))


def _kind_in(clause: str) -> CatalystKind | None:
    for kind, pattern in cues.KIND_CUES:
        if pattern.search(clause):
            return kind
    return None


def _tense_in(clause: str) -> bool | None:
    """True if the clause looks ahead, False if it recounts; the cue nearest the end (the date) decides."""
    ahead = [m.end() for m in cues.FORWARD.finditer(clause)]
    back = [m.end() for m in cues.PAST.finditer(clause)]
    if not ahead and not back:
        return None
    return max(ahead, default=-1) >= max(back, default=-1)


def _kind_after(after_text: str) -> tuple[CatalystKind | None, bool]:
    first_after = next((c for c in cues.CLAUSE_BREAK.split(after_text) if c.strip()), "")
    kind = _kind_in(first_after)
    return kind, bool(kind and cues.FINANCIAL.search(first_after))


def read(  # noqa: C901, PLR0912 - one sequence of fallbacks, in reading order
    before: str, after_text: str, earlier: str = "", *, verb_final: bool = False
) -> Reading:
    kind: CatalystKind | None = None
    ahead: bool | None = None
    financial = False
    if verb_final:
        # the verb after the date names the event: "RC48在今年6~7月获批上市" is an approval, not data;
        # and its tense: in "<작년에 신청했다> <date> <허가 기대>" the past verb before the date is
        # another event's (a short gloss in brackets, "엄지건막류(무지외반증)", does not end the clause)
        after_text = _GLOSS.sub("", after_text)
        kind, financial = _kind_after(after_text)
        ahead = _tense_in(next((c for c in cues.CLAUSE_BREAK.split(after_text) if c.strip()), ""))
    if not verb_final and _DASS.search(before):
        ahead = _tense_in(next((c for c in cues.CLAUSE_BREAK.split(after_text) if c.strip()), ""))
    for index, clause in enumerate(clauses_back(before)):
        if ahead is None:
            ahead = _tense_in(clause)
        if kind is None and not cues.CONDITION.match(clause):
            # (a condition names another event: "the launch, assuming FDA approval, could come in 2026")
            financial = financial or bool(cues.FINANCIAL.search(clause))
            kind = _kind_in(clause) if index == 0 else _kind_not_recounted(clause)
        if kind is not None and ahead is not None:
            break
    if kind is None:
        # a cue spread over clauses ("enrollment in A and B is expected to begin"), conditions left out
        kind = _kind_in(_without_conditions(before))
    if ahead is None and earlier:
        # "expected to begin in Q4, resulting in topline results by year-end": the tense carries over
        for clause in clauses_back(earlier):
            ahead = _tense_in(clause)
            if ahead is not None:
                break
    if kind is None and earlier and not cues.CLAUSE_BREAK.search(before):
        # "delayed from Q1 2026 to Q3 2026": the second date shares the first one's clause
        kind = next((k for k in map(_kind_in, clauses_back(earlier)[:1]) if k), None)
    if kind is None or ahead is None:
        # "2H 2026 readout expected": the cue follows the date
        # "In 2H 2026, argenx expects ALKIVIA results": the first clause with words in it
        # (not a condition: in "mi-2021, si toutefois les résultats ... sont concluants" the results are
        # the condition, not the statement)
        first_after = next(
            (c for c in cues.CLAUSE_BREAK.split(after_text) if c.strip() and not cues.CONDITION.match(c)), ""
        )
        # "Die Rekrutierung soll bis Mitte 2026 abgeschlossen sein": the cue's words stand either side of the
        # date, in one clause
        # (both sides at once first: "vraagt volgende maand om groen licht" asks for approval, a filing)
        kind = kind or _kind_in(f"{clauses_back(before)[0]} {first_after}") or _kind_in(first_after)
        ahead = _tense_in(first_after) if ahead is None else ahead
        financial = financial or bool(cues.FINANCIAL.search(first_after))
    if kind is None and ahead and earlier:
        # "Topline results, originally expected in Q2, are now anticipated in Q4"; "the first cohort in 2H25
        # and the second in 1H26": the statement's subject, named before the earlier date, gives the kind
        kind = next((k for k in map(_kind_not_recounted, clauses_back(earlier)) if k), None)
    if kind == "decision" and cues.FILING_VERB_AFTER.match(after_text) and not _names_decision(before):
        # "Die Marktzulassung soll im ersten Halbjahr 2023 beantragt werden": the approval is applied for
        kind = "filing"
    return Reading(_shown_at_a_meeting(kind, after_text), ahead, financial)


def _names_decision(text: str) -> bool:
    """A decision named as such (PDUFA date, CHMP opinion), not only an approval noun."""
    return any(
        kind == "decision" and tier == "decision" and pattern.search(text)
        for (tier, _), (kind, pattern) in zip(TIERS, cues.KIND_CUES, strict=True)
    )


def _without_conditions(text: str) -> str:
    """`text` less its conditional clauses ("assuming FDA approval", "suponiendo la aprobación")."""
    for clause in cues.CLAUSE_BREAK.split(text):
        if cues.CONDITION.match(clause):
            text = text.replace(clause, " ")
    return text


def _shown_at_a_meeting(kind: CatalystKind | None, after_text: str) -> CatalystKind | None:
    """Data shown at a meeting named in the date's own clause are the meeting: "Erste Daten sollen im Herbst
    auf einem Kongress vorgestellt werden", "data in June at the ADA Scientific Sessions"."""
    if kind == "readout" and _kind_in(cues.CLAUSE_BREAK.split(after_text)[0]) == "congress":
        return "congress"
    return kind


def _kind_not_recounted(clause: str) -> CatalystKind | None:
    """The kind named by a clause further back, unless that clause recounts a past event: in "Topline
    results from X, which completed enrollment last year, are expected in Q3" the relative clause is history
    and the subject gives the kind."""
    return None if _tense_in(clause) is False else _kind_in(clause)


def denied(clause: str) -> bool:
    """A negation directly before the statement's verb or kind: "does not expect to", "no plans to file"."""
    for m in cues.NEGATED.finditer(clause):
        tail = clause[m.end() : m.end() + 40]
        if cues.FORWARD.search(tail) or _kind_in(tail):
            return True
    return False


def _conditional(before: str) -> bool:
    return bool(before.strip()) and cues.CONDITION.match(clauses_back(before)[0]) is not None


def _counterfactual(before: str, after_text: str) -> bool:
    """What might have been: a conditional perfect in the date's own clause, before or after the date."""
    own_clause = clauses_back(before)[0] + " " + next(iter(cues.CLAUSE_BREAK.split(after_text)), "")
    return cues.COUNTERFACTUAL.search(own_clause) is not None


def not_guidance(
    mention: Mention, masked: str, before: str, after_text: str, *, verb_final: bool = False
) -> bool:
    """A date recounted as superseded ("from Sept. 28") or placed before the item ("earlier this year"), an
    "as of" date, a dateline, or the date of a condition ("Assuming that trial completes in 2018, then ...
    file in 2019": the statement's date is the second)."""
    if cues.SUPERSEDED_BEFORE.search(before[-80:]) or cues.EARLIER_BEFORE.search(before[-30:]):
        return True
    if not verb_final and (_conditional(before) or _counterfactual(before, after_text)):
        return True
    if mention.start > len(before) and cues.FROM_BETWEEN_DATES.match(before):
        return True  # the segment opens right after an earlier date
    if mention.precision != "day":
        return False
    if cues.AS_OF_BEFORE.search(before):
        return True
    at_start = not masked[: mention.start].strip(" (*-")
    return (
        at_start
        and bool(cues.DATELINE_AFTER.match(after_text))
        and not cues.CALENDAR_LINE_AFTER.match(after_text)
    )

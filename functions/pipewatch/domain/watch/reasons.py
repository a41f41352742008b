"""Reason lines: what a subscriber reads under "why you got this" (which name matched, which phrase set the
event and the severity), and the developer's notes that only `pipewatch classify --explain` shows
(near-misses, misspellings a near-miss blocked, passing mentions, phases of watched trials). Pure."""

from __future__ import annotations

from pipewatch.domain.watch.cues import quote
from pipewatch.domain.watch.match import Evidence, MatchResult, match_key

# How a reason names the kind of alias that matched.
ALIAS_KIND_LABEL = {
    "generic": "generic name",
    "codes": "code",
    "brands": "brand",
    "trials": "trial",
    "ambiguous_trials": "trial",
    "other": "alias",
    "registry_id": "trial registry id",
    "program": "program reference",
    "misspelt": "misspelt name",
}


def developer_notes(found: MatchResult) -> list[str]:
    """What `pipewatch classify --explain` adds: near-misses, blocked misspellings, passing mentions."""
    notes = _near_miss_reasons(found)
    notes.extend(
        f"misspelling {quote(hit.word)} not read as a watched name: {quote(hit.alias)} ({hit.kind}) is "
        "as close"
        for hit in found.fuzzy_blocked
    )
    notes.extend(f"{d.evidence.target} set aside: {d.why}" for d in found.demoted)
    notes.extend(
        f"watched trial {quote(term)}: phase {phase} (watchlist)" for term, phase in found.trial_phases
    )
    return notes


# Reason lines kept per classifier: the configured evidence (aliases, indication terms, abbreviations, trial
# implications) is a few thousand at most; misspelt words read from text are not, so the memo is bounded.
_MAX_REASON_LINES = 8192


class ReasonLines:
    """`agent_reason` and `indication_reason`, each line formatted once per evidence (a memo: both are pure,
    so a line is the same whether it was formatted now or for an earlier item)."""

    __slots__ = ("_agents", "_indications")

    def __init__(self) -> None:
        self._agents: dict[Evidence, str] = {}
        self._indications: dict[Evidence, str] = {}

    def agent(self, ev: Evidence) -> str:
        line = self._agents.get(ev)
        if line is None:
            line = agent_reason(ev)
            if len(self._agents) < _MAX_REASON_LINES:
                self._agents[ev] = line
        return line

    def indication(self, ev: Evidence) -> str:
        line = self._indications.get(ev)
        if line is None:
            line = indication_reason(ev)
            if len(self._indications) < _MAX_REASON_LINES:
                self._indications[ev] = line
        return line


def agent_reason(ev: Evidence) -> str:
    if ev.kind == "program":
        return f"agent {ev.target}: {ev.term} (program reference) in {ev.field}"
    if ev.kind == "sole_program":
        return (
            f"agent {ev.target}: {ev.term} (program reference: the company's only watched drug) in {ev.field}"
        )
    if ev.kind == "misspelt":
        return (
            f"agent {ev.target}: {quote(ev.written)} read as {quote(ev.term)} (misspelt name) in {ev.field}"
        )
    return f"agent {ev.target}: {quote(ev.term)} ({ALIAS_KIND_LABEL.get(ev.kind, ev.kind)}) in {ev.field}"


def indication_reason(ev: Evidence) -> str:
    if ev.kind == "trial":
        return f"indication {ev.target}: via trial {quote(ev.term)} in {ev.field}"
    return f"indication {ev.target}: {quote(ev.term)} in {ev.field}"


def _near_miss_reasons(found: MatchResult) -> list[str]:
    """One line per near-miss term that is not itself a name of an agent found (merged across agents)."""
    owners = set(found.agent_ids)
    named = {match_key(ev.term) for ev in found.agents}
    merged: dict[tuple[str, str], list[str]] = {}
    for ev in found.near_misses:
        if ev.target in owners or match_key(ev.term) in named:
            continue
        merged.setdefault((ev.term, ev.field), []).append(ev.target)
    return [
        f"near-miss {quote(term)} in {field} is not {' or '.join(targets)}"
        for (term, field), targets in merged.items()
    ]

"""Reason lines: what a subscriber reads under "why you got this" (which name matched, which phrase set the
event and the severity), and the developer's notes that only `pipewatch classify --explain` shows
(near-misses, misspellings a near-miss blocked, passing mentions, phases of watched trials). Pure."""

from __future__ import annotations

from pipewatch.domain.watch.cues import quote
from pipewatch.domain.watch.match import Evidence, MatchResult, match_key
from pipewatch.domain.watch.watchlist import Watchlist

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


def configured_reasons(watchlist: Watchlist) -> dict[Evidence, str]:
    """The reason line of every evidence the configuration can yield for an alias, an indication term, an
    abbreviation or a trial-implied indication, built once (other evidence is formatted per item)."""
    reasons: dict[Evidence, str] = {}
    for field in ("title", "summary"):
        for agent in watchlist.agents:
            for kind, alias in agent.aliases.by_kind():
                ev = Evidence(agent.id, kind, alias, field)
                reasons[ev] = agent_reason(ev)
                for ind_id in {ind for trial in agent.trials for ind in trial.indications}:
                    ev = Evidence(ind_id, "trial", alias, field)
                    reasons[ev] = indication_reason(ev)
        for ind in watchlist.indications:
            for term in (*ind.terms.all(), *ind.abbreviations):
                ev = Evidence(ind.id, "indication", term, field)
                reasons[ev] = indication_reason(ev)
    return reasons


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

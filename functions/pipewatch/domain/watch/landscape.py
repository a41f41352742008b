"""Landscape tier (issue 26): a competitor's event in an indication it shares with a watched agent.

A headline that names no watched agent but names, in its title, a competitor of one (its drug name or an
alias, `Agent.competitors`), together with one of the indications that competitor is listed for, and
reports one of the events of `Watchlist.landscape` (approval or rejection, phase 3 results, programme
dropped or trial stopped, safety) is a landscape update: tier `landscape`, the competitor, and the agents it
competes with. It never names the watched agent among its `agents`: it is not the agent's news.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from pipewatch.domain.watch.normalize import match_key

if TYPE_CHECKING:
    from pipewatch.domain.models import EventType, Severity
    from pipewatch.domain.watch.match import MatchResult
    from pipewatch.domain.watch.watchlist import Watchlist

_RANK = {"low": 0, "medium": 1, "high": 2}


class _Listing(NamedTuple):
    drug: str  # the competitor's name as configured
    agent: str
    indications: frozenset[str]


class LandscapeSubject(NamedTuple):
    competitor: str
    competes_with: tuple[str, ...]  # agent ids, watchlist order
    term: str  # the name the title used


class Landscape:
    """Compiled once per watchlist; pure."""

    def __init__(self, watchlist: Watchlist) -> None:
        self._by_name: dict[str, list[_Listing]] = {}
        for agent in watchlist.agents:
            for competitor in agent.competitors:
                listing = _Listing(competitor.drug, agent.id, frozenset(competitor.indications))
                for name in competitor.names():
                    self._by_name.setdefault(match_key(name), []).append(listing)
        self._events = frozenset(watchlist.landscape.events)
        self._min_rank = _RANK[watchlist.landscape.min_severity]

    @property
    def enabled(self) -> bool:
        return bool(self._by_name)

    def subject(self, found: MatchResult) -> LandscapeSubject | None:
        """The first competitor the title names that shares an indication the text names with an agent."""
        if not self._by_name or not found.near_misses or not found.indications:
            return None
        named = frozenset(ev.target for ev in found.indications)
        for evidence in found.near_misses:
            if evidence.field != "title":
                continue
            listings = self._by_name.get(match_key(evidence.term)) or []
            agents = tuple(dict.fromkeys(item.agent for item in listings if item.indications & named))
            if agents:
                return LandscapeSubject(listings[0].drug, agents, evidence.term)
        return None

    def counts(self, event: EventType, severity: Severity) -> bool:
        """Whether a competitor's event of this type and severity is landscape news."""
        return event in self._events and _RANK.get(severity, 0) >= self._min_rank

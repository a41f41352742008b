"""Misspelt names: a word a bounded Damerau distance (optimal string alignment: a dropped, added, wrong or
swapped letter) from a one-word alias of a watched agent ("Vyvgrat", "brepocitnib", "efgartigimdo").

Only long, all-letter words are tried (short words have too many ordinary neighbours), and never across a
near-miss: a word as close to a near-miss or to another agent's alias is none of them ("ritlecitnib" is a
slip of ritlecitinib, not of brepocitinib). A cheap gate keeps the scan fast (one regex in C): only words
that start with the first three letters of some name are compared, so a slip within the first three
letters is not caught (a measured trade: checking word endings too cost a tenth of the time budget per
item, and slips are rarer at the start of a name than in its middle).

Pure and deterministic; never raises on any text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from pipewatch.domain.watch.normalize import match_key, normalize

if TYPE_CHECKING:
    from pipewatch.domain.watch.watchlist import Watchlist

_GATE = 3  # letters of prefix or suffix that a candidate must share with some name


class FuzzyHit(NamedTuple):
    """A word read as a name (`agent` set), or a word blocked because a near-miss is as close (`agent` "")."""

    word: str  # as normalised in the text
    agent: str  # agent id, or "" when blocked
    alias: str  # the alias as configured (or the near-miss that blocked it)
    kind: str  # alias kind (generic, brands...) or "near_miss" / "other agent"
    distance: int


class _Name(NamedTuple):
    key: str  # normalised, letters only
    agent: str  # "" for a near-miss
    term: str
    kind: str


def edit_distance(a: str, b: str, bound: int) -> int:
    """Optimal-string-alignment distance of `a` and `b` (a transposition of neighbours costs 1), or
    `bound + 1` as soon as it must exceed `bound` (a band of width 2*bound+1 around the diagonal)."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    if a == b:
        return 0
    over = bound + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [over] * (len(b) + 1)
        current[0] = i
        low, high = max(1, i - bound), min(len(b), i + bound)
        char_a = a[i - 1]
        for j in range(low, high + 1):
            cost = 0 if char_a == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current[low : high + 1]) > bound:
            return over
        previous2, previous = previous, current
    return min(previous[len(b)], over)


class FuzzyMatcher:
    """Compiled once per watchlist from (key, agent, term, kind) of every name; `find` per field."""

    def __init__(
        self,
        names: list[tuple[str, str, str, str]],
        blockers: list[tuple[str, str, str, str]],
        exact_words: frozenset[str],
        min_length: int,
        two_edits_min_length: int,
    ) -> None:
        """`names`: the one-word aliases that may be misspelt; `blockers`: near-misses and every alias (a word
        as close to one of another agent wins no match); `exact_words`: every word of every configured term
        (such a word is exactly a term, never a slip of another)."""
        self._two_edits = two_edits_min_length
        self._exact = exact_words
        self._names = [
            _Name(*name)
            for name in names
            if len(name[0]) >= min_length and name[0].isascii() and name[0].isalpha()
        ]
        # The gate's premise: a candidate shares its first three letters with the names it may be a slip of.
        self._by_prefix: dict[str, list[_Name]] = {}
        for name in self._names:
            self._by_prefix.setdefault(name.key[:_GATE], []).append(name)
        self._blockers = [_Name(*name) for name in blockers if name[0].isalpha()]
        prefixes = sorted({re.escape(name.key[:_GATE]) for name in self._names})
        rest = max(1, min_length - _GATE)
        # The gate as one regex over the padded field: the engine skips other words in C.
        self._candidates = re.compile(
            rf" ((?:{'|'.join(prefixes)})[a-z]{{{rest},}})(?= )" if self._names else r"(?!)"
        )
        self.enabled = bool(self._names)

    @classmethod
    def for_watchlist(cls, watchlist: Watchlist, term_keys: frozenset[str]) -> FuzzyMatcher:
        """One-word aliases of the configured kinds may be misspelt; near-misses and every alias block;
        every word of every configured term (`term_keys`: match keys of all terms) is exact."""
        config = watchlist.fuzzy
        # each alias normalised once (its match key is that without spaces): ~2,000 aliases at 1,000 agents
        pairs = [
            (agent.id, kind, alias, normalize(alias))
            for agent in watchlist.agents
            for kind, alias in agent.aliases.by_kind()
        ]
        names = [
            (norm.replace(" ", ""), agent, alias, kind)
            for agent, kind, alias, norm in pairs
            if kind in config.kinds and " " not in norm
        ]
        blockers = [(norm.replace(" ", ""), agent, alias, kind) for agent, kind, alias, norm in pairs]
        alias_keys = {key for key, *_ in blockers}
        # (a near-miss that is an agent's alias, like brepocitinib under dazukibart, blocks as that alias)
        blockers += [
            (match_key(miss), "", miss, "near_miss")
            for agent in watchlist.agents
            for miss in agent.near_miss_terms()
            if match_key(miss) not in alias_keys
        ]
        exact = frozenset(key for key in term_keys if key.isalpha())
        exact |= frozenset(word for *_, norm in pairs for word in norm.split())
        return cls(names, blockers, exact, config.min_length, config.two_edits_min_length)

    def bound(self, length: int) -> int:
        return 2 if length >= self._two_edits else 1

    def find(self, norm: str, skip_agents: set[str]) -> list[FuzzyHit]:
        """Misspelt names among the words of one padded normalised field (each word once, text order)."""
        words = self._candidates.findall(norm)
        if not words:
            return []
        hits: list[FuzzyHit] = []
        exact = self._exact
        seen: set[str] = set()
        for word in words:
            if word in exact or word in seen or (word[-1] == "s" and word[:-1] in exact):
                continue
            seen.add(word)
            hit = self._read(word, skip_agents)
            if hit is not None:
                hits.append(hit)
        return hits

    def _read(self, word: str, skip_agents: set[str]) -> FuzzyHit | None:
        best: _Name | None = None
        best_distance = self.bound(len(word)) + 1
        for name in self._by_prefix.get(word[:_GATE], ()):
            if name.agent in skip_agents:
                continue  # found already by an exact name
            bound = min(self.bound(len(name.key)), self.bound(len(word)))
            distance = edit_distance(word, name.key, bound)
            if distance <= bound and distance < best_distance:
                best, best_distance = name, distance
        if best is None:
            return None
        for blocker in self._blockers:
            if blocker.agent == best.agent:
                continue  # the agent's own aliases never block it
            if edit_distance(word, blocker.key, best_distance) <= best_distance:
                kind = "near_miss" if not blocker.agent else "other agent"
                return FuzzyHit(word, "", blocker.term, kind, best_distance)
        return FuzzyHit(word, best.agent, best.term, best.kind, best_distance)

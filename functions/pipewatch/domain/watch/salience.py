"""About, not merely mentioning: an agent the text names only in passing is not what the item is about.

An agent named only in the summary (the title names it not), and there only right after a background phrase
("after approvals of", "joins", "such as"), or only inside a list of several drug names (a landscape
summary), is set aside. The phrases, the window and the list size are configuration (`Salience` in the
watchlist). Pure and deterministic.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipewatch.domain.watch.evidence import Demoted, Evidence
from pipewatch.domain.watch.normalize import match_key, pattern_key, trie_regex

if TYPE_CHECKING:
    from pipewatch.domain.watch.watchlist import Salience


class SalienceRules:
    """Compiled once per watchlist; `demote` per item."""

    def __init__(self, config: Salience, not_drugs: frozenset[str] = frozenset()) -> None:
        """`not_drugs`: match keys of near-misses that are no other drug (companies, other agents' names)."""
        phrases = config.background_before
        self._background = (
            re.compile(rf" (?:{trie_regex(pattern_key(p) for p in phrases)})(?= )") if phrases else None
        )
        self._window = config.background_window
        self._list_min_names = config.list_min_names
        self._title_near_miss = config.title_near_miss_is_subject
        self._not_drugs = not_drugs
        stems = config.inn_stems
        # Literal endings (the watchlist allows letters only; escaped all the same): a configured stem is
        # never a regular expression, so no watchlist can make this search backtrack.
        self._inn = re.compile(rf" ([a-z]{{3,}}(?:{trie_regex(stems)}))(?= )") if stems else None

    def demote(
        self,
        agents: dict[str, Evidence],
        near: dict[tuple[str, str], Evidence],
        first_start: dict[str, int],
        norm_summary: str,
    ) -> list[Demoted]:
        """Removes from `agents` those named only in passing in the summary and says why. `first_start` is
        where each agent's first summary name starts in the padded normalised summary."""
        only_summary = [ev for ev in agents.values() if ev.field == "summary"]
        if not only_summary:
            return []
        # distinct drug names of the summary: watched ones, near-misses and any word with an INN ending
        names = {match_key(ev.term) for ev in only_summary}
        names.update(match_key(term) for (_, term), ev in near.items() if ev.field == "summary")
        if self._inn is not None:
            names.update(self._inn.findall(norm_summary))
        demoted: list[Demoted] = []
        for ev in only_summary:
            why = self._background_before(norm_summary, first_start.get(ev.target, -1))
            subject = self._title_subject(ev.target, near) if not why else None
            if subject is not None:
                why = f"named only in the summary; the title is about {subject!r}"
            if not why and len(names) >= self._list_min_names:
                why = f"named only in the summary, in a list of {len(names)} drug names"
            if why:
                demoted.append(Demoted(ev, why))
                del agents[ev.target]
        return demoted

    def _title_subject(self, agent: str, near: dict[tuple[str, str], Evidence]) -> str | None:
        """A near-miss drug of `agent` that the title names (not a company, not another agent's name)."""
        if not self._title_near_miss:
            return None
        for (target, term), ev in near.items():
            if target == agent and ev.field == "title" and match_key(term) not in self._not_drugs:
                return term
        return None

    def _background_before(self, norm_summary: str, start: int) -> str:
        if self._background is None or start < 0:
            return ""
        low = max(0, start - self._window)
        phrases = [m.group().strip() for m in self._background.finditer(norm_summary, low, start)]
        return f"named only in the summary, after {phrases[-1]!r} (background)" if phrases else ""

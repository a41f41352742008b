"""Which studies of the registry's change list concern the watchlist (pure).

The by-change poll (issue 25) reads every study updated since the watermark, thousands a day, and keeps those
that name a watched agent (any alias, code names included), a watched NCT id, a watched condition or a
watched sponsor. Matching is a lookup of each study's word runs in one phrase table built once per poll, so
its cost grows with the studies read, not with the number of agents.

Words are compared casefolded and accent-free, on letters and digits only, with letter/digit junctions split
("ARGX-113" = "ARGX113" = "argx 113"): the same forgiveness as the watchlist's alias matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

MatchKind = Literal["aliases", "nct_ids", "conditions", "sponsors"]
_WORD = re.compile(r"[0-9]+|[^\W\d_]+")
MAX_PHRASE_WORDS = 12  # a longer term is matched on its first 12 words
_NCT = re.compile(r"^NCT\d{8}$")


def words(text: str) -> tuple[str, ...]:
    """ "ARGX-113 (efgartigimod)" -> ("argx", "113", "efgartigimod")."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return tuple(_WORD.findall(plain))


@dataclass(frozen=True)
class StudyKeys:
    """What a change-list study says about itself, as far as matching goes (the adapter reads it)."""

    nct_id: str
    names: tuple[str, ...] = ()  # titles, acronym, intervention names and other names
    conditions: tuple[str, ...] = ()
    sponsors: tuple[str, ...] = ()  # lead sponsor and collaborators
    last_update: str = ""  # LastUpdateSubmitDate (or post date): the study's version mark
    status: str = ""  # OverallStatus, when the change list carries it (mark pruning)

    @property
    def mark(self) -> str:
        """What the cursor keeps for the study: its version mark and status ("2026-08-18 COMPLETED")."""
        return f"{self.last_update} {self.status}".strip()


@dataclass
class _Table:
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    longest: int = 0

    def add(self, term: str) -> None:
        key = words(term)[:MAX_PHRASE_WORDS]
        if key:
            self.phrases.add(key)
            self.longest = max(self.longest, len(key))

    def found_in(self, texts: Iterable[str]) -> bool:
        if not self.phrases:
            return False
        for text in texts:
            run = words(text)
            for start in range(len(run)):
                for size in range(1, min(self.longest, len(run) - start) + 1):
                    if run[start : start + size] in self.phrases:
                        return True
        return False


class RegistryMatcher:
    """Built once per poll from the watchlist's terms; `match(study)` names why a study is watched."""

    def __init__(
        self,
        *,
        aliases: Iterable[str] = (),
        nct_ids: Iterable[str] = (),
        conditions: Iterable[str] = (),
        sponsors: Iterable[str] = (),
        match_on: Sequence[MatchKind] = ("aliases", "nct_ids", "conditions", "sponsors"),
    ) -> None:
        self._on = frozenset(match_on)
        self._nct_ids = frozenset(n.strip().upper() for n in nct_ids if _NCT.match(n.strip().upper()))
        self._aliases, self._conditions, self._sponsors = _Table(), _Table(), _Table()
        for table, terms in (
            (self._aliases, aliases),
            (self._conditions, conditions),
            (self._sponsors, sponsors),
        ):
            for term in terms:
                table.add(term)

    def match(self, study: StudyKeys) -> MatchKind | None:
        """The first reason the study is watched (NCT id, alias, sponsor, condition), or None."""
        if "nct_ids" in self._on and study.nct_id.upper() in self._nct_ids:
            return "nct_ids"
        if "aliases" in self._on and self._aliases.found_in(study.names):
            return "aliases"
        if "sponsors" in self._on and self._sponsors.found_in(study.sponsors):
            return "sponsors"
        if "conditions" in self._on and self._conditions.found_in(study.conditions):
            return "conditions"
        return None


def change_range(watermark: str, overlap_days: int) -> str:
    """``filter.advanced`` for the studies posted on or after `watermark` less the overlap (dates only)."""
    start = date.fromisoformat(watermark[:10]) - timedelta(days=overlap_days)
    return f"AREA[LastUpdatePostDate]RANGE[{start.isoformat()},MAX]"


def next_watermark(current: str, seen: Iterable[str]) -> str:
    """The latest LastUpdatePostDate read (never moving back): where the next poll starts, less overlap."""
    dates = [d[:10] for d in seen if re.match(r"^\d{4}-\d{2}-\d{2}", d)]
    return max([current[:10], *dates]) if current else max(dates, default="")


# -- bounded by-change state: which per-study marks may go ------------------------------------------------
# A mark only saves re-reading a study seen again, unchanged, through the overlap; the history version kept
# beside it lets the next change be read version by version. A study closed long ago, or quiet for longer
# than the retention, or seen again but no longer matched, loses both: if it changes later it is read as a
# new study (its current record, no intermediate versions), which is what happens to any new study.
CLOSED_STATUSES = frozenset({"COMPLETED", "TERMINATED", "WITHDRAWN", "UNKNOWN"})


def stale_marks(
    marks: Mapping[str, str],
    *,
    watermark: str,
    watched: Iterable[str] = (),
    retention_days: int,
    closed_retention_days: int,
) -> list[str]:
    """The NCT ids (keys of `marks`: nct -> "date STATUS") whose marks may be pruned, relative to the
    registry's watermark (not the clock). A watched NCT id keeps its mark until it is closed long ago; a
    mark without a readable date saves nothing (an empty mark is read as changed) and goes."""
    try:
        now = date.fromisoformat(watermark[:10])
    except ValueError:
        return []  # no watermark yet: nothing to measure age against
    keep = frozenset(n.upper() for n in watched)
    stale: list[str] = []
    for nct_id, mark in marks.items():
        day, _sep, status = mark.partition(" ")
        try:
            age = (now - date.fromisoformat(day[:10])).days
        except ValueError:
            stale.append(nct_id)
            continue
        closed_long_ago = status.strip().upper() in CLOSED_STATUSES and age > closed_retention_days
        if closed_long_ago or (nct_id.upper() not in keep and age > retention_days):
            stale.append(nct_id)
    return stale

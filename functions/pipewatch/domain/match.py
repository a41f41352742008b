"""Alias matcher: which watchlist agents, indications and near-misses a text names.

Text is normalised once (mojibake and trademark residue repaired, accents folded, lower case, every run of
punctuation or space turned into one space). Every alias, near-miss, company, program cue and indication term
is compiled into ONE alternation (a character trie, so the regex engine never retries shared prefixes) that is
scanned once over each field; the matched strings are mapped back to (kind, id) with a dict. Hyphens, slashes,
spaces and letter/digit junctions are interchangeable inside a term ("PF-06700841" = "PF06700841" =
"pf 06700841"), terms match whole words only ("ARGX-113" never matches "ARGX-1130"), and a trailing "s" is
allowed for possessives and slugs ("Roivant's" and "roivants" both name Roivant).

Pure: no I/O, deterministic, and never raises on any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import product
from typing import TYPE_CHECKING, NamedTuple

from pipewatch.domain.normalize import (
    ASCII_ALNUM,
    MAX_FIELD_CHARS,
    OPTIONAL_SPACE,
    match_key,
    normalize,
    padded,
    pattern_key,
    repair_mojibake,
    trie_regex,
)

if TYPE_CHECKING:
    from pipewatch.domain.watchlist import Watchlist

__all__ = [
    "ALIAS_KIND_LABEL",
    "MAX_FIELD_CHARS",
    "Evidence",
    "MatchResult",
    "Matcher",
    "match_key",
    "normalize",
    "repair_mojibake",
    "trie_regex",
]

# ------------------------------------------------------------------------------------------------- matcher

ALIAS_KIND_LABEL = {
    "generic": "generic name",
    "codes": "code",
    "brands": "brand",
    "trials": "trial",
    "ambiguous_trials": "trial",
    "other": "alias",
    "program": "program reference",
}


class Evidence(NamedTuple):
    """Why one agent, indication or near-miss was found: the term (as configured) and where."""

    target: str  # agent id or indication id
    kind: str  # an alias kind (generic, codes, brands, trials...), program, indication or near_miss
    term: str
    field: str  # "title" or "summary"


class MatchResult(NamedTuple):
    """What one title and summary name (immutable; a named tuple is the cheapest such object to build)."""

    agents: tuple[Evidence, ...]  # one per agent found, watchlist order
    indications: tuple[Evidence, ...]  # one per indication found, vocabulary order
    near_misses: tuple[Evidence, ...]  # one per near-miss term found
    # Normalised title and summary padded with one space at each end (every word sits between spaces,
    # so a regex can start with a literal space and run at word starts only).
    title: str
    summary: str
    title_spans: tuple[tuple[int, int], ...] = ()  # agent aliases in the padded title (start, end)
    summary_spans: tuple[tuple[int, int], ...] = ()

    @property
    def agent_ids(self) -> tuple[str, ...]:
        return tuple(ev.target for ev in self.agents)

    @property
    def indication_ids(self) -> tuple[str, ...]:
        return tuple(ev.target for ev in self.indications)


# What a matched term does, decided once per configured term at build time (no string compares per hit).
_ALIAS, _AMBIGUOUS, _NEAR_MISS, _COMPANY, _CUE, _INDICATION, _ABBREVIATION = range(7)
_CODES = {
    "abbreviation": _ABBREVIATION,
    "ambiguous_trials": _AMBIGUOUS,
    "near_miss": _NEAR_MISS,
    "company": _COMPANY,
    "cue": _CUE,
    "indication": _INDICATION,
}  # any other kind is an alias kind


class _Entry(NamedTuple):
    """One meaning of a term in the term dict. For companies and cues the target is the program key
    "<agent index>:<program index>". The evidence for each field and the indications a trial acronym implies
    are built once here, so a hit allocates nothing."""

    code: int
    kind: str
    target: str
    term: str
    in_title: Evidence
    in_summary: Evidence
    implied: tuple[str, ...]


def _trial_indications(watchlist: Watchlist) -> dict[str, tuple[str, ...]]:
    """A watched trial's acronym implies its indications ("ALKIVIA" -> myositis)."""
    implied: dict[str, tuple[str, ...]] = {}
    for agent in watchlist.agents:
        for trial in agent.trials:
            key = match_key(trial.acronym)
            if key and trial.indications:
                known = implied.get(key, ())
                implied[key] = known + tuple(ind for ind in trial.indications if ind not in known)
    return implied


def _abbreviations(watchlist: Watchlist) -> tuple[dict[str, list[str]], re.Pattern[str] | None]:
    """Case-sensitive abbreviation -> indication ids, and one regex: whole word, not right after a number."""
    table: dict[str, list[str]] = {}
    for ind in watchlist.indications:
        for abbr in ind.abbreviations:
            table.setdefault(abbr, []).append(ind.id)
    if not table:
        return table, None
    # A trie of literals finds, at each start, the longest abbreviation followed by a non-alphanumeric, like
    # a longest-first alternation, with fewer branches tried per capital letter. No leading look-behind, so
    # the engine can skip to candidate first letters; the start is checked after.
    return table, re.compile(rf"(?:{trie_regex(table)})(?![A-Za-z0-9])")


_NO_SPANS: tuple[tuple[int, int], ...] = ()
_NO_EVIDENCE = Evidence("", "", "", "")
_MAX_SPELLED_PARTS = 8  # a term of at most this many parts has every spelling in the hit dict


class _Found:
    """What one item names so far: first evidence wins, title before summary."""

    __slots__ = ("agents", "indications", "near", "trial")

    def __init__(self) -> None:
        self.agents: dict[str, Evidence] = {}
        self.near: dict[tuple[str, str], Evidence] = {}
        self.indications: dict[str, Evidence] = {}
        self.trial: dict[str, Evidence] = {}  # implied by a trial acronym: weaker than a named indication


class Matcher:
    """Compiled once per watchlist; `match(title, summary)` is pure and fast."""

    def __init__(self, watchlist: Watchlist) -> None:
        self._watchlist = watchlist
        self._agent_order = {agent.id: index for index, agent in enumerate(watchlist.agents)}
        self._ind_order = {ind.id: index for index, ind in enumerate(watchlist.indications)}
        self._bounded: set[str] = set()
        self._unbounded: set[str] = set()
        # (program key, agent id, cue indications)
        self._programs: list[tuple[str, str, tuple[str, ...]]] = []
        entries: dict[str, list[_Entry]] = {}
        implied = _trial_indications(watchlist)
        for a_index, agent in enumerate(watchlist.agents):
            for kind, alias in agent.aliases.by_kind():
                self._add(entries, alias, kind, agent.id, implied.get(match_key(alias), ()))
            for miss in agent.near_misses:
                self._add(entries, miss, "near_miss", agent.id)
            for p_index, program in enumerate(agent.programs):
                key = f"{a_index}:{p_index}"
                self._programs.append((key, agent.id, program.cue_indications))
                for company in program.companies:
                    self._add(entries, company, "company", key)
                for cue in program.cues:
                    self._add(entries, cue, "cue", key)
        for ind in watchlist.indications:
            for term in ind.terms.all():
                self._add(entries, term, "indication", ind.id)
        self._abbrev, self._abbrev_regex = _abbreviations(watchlist)
        # Gate of the case-sensitive abbreviation scan: every abbreviation, lower-cased, is also a term of the
        # main scan that only says "an abbreviation may stand here" (see `_scan`). A term that is a whole word
        # never changes what the scan finds elsewhere: longer terms are tried first at every branch of the
        # trie, and the words that follow it still start at a space.
        for abbr in self._abbrev:
            self._add(entries, abbr.lower(), "abbreviation", "")
        self._abbrev_words = frozenset(abbr.lower() for abbr in self._abbrev)
        # One look-up per hit: a key, or a key with the trailing "s" the regex allows (possessives, slugs)
        # when that is not itself a key.
        self._entries: dict[str, tuple[_Entry, ...]] = {key: tuple(found) for key, found in entries.items()}
        for key, found in entries.items():
            self._entries.setdefault(key + "s", tuple(found))
        # The same, keyed by a one-word hit as the main scan returns it (with the space before the word), so
        # most hits need no string work before the look-up.
        self._words = {f" {key}": found for key, found in self._entries.items()}
        self._add_spellings()
        # A leading literal space lets the engine jump from word start to word start (padded text).
        self._regex = re.compile(rf" (?:{trie_regex(self._bounded)})s?(?= )")
        # Terms that start or end in a script written without spaces (Chinese names) match anywhere.
        self._regex_unbounded = re.compile(trie_regex(self._unbounded)) if self._unbounded else None
        context = trie_regex(pattern_key(word) for word in watchlist.trial_context)
        self._context = re.compile(rf" (?:{context})(?= )")
        self._window = watchlist.trial_context_window

    def _add_spellings(self) -> None:
        """Adds to the hit dict every spelling of several words the main scan can return: a space or none at
        each optional-space mark, a trailing "s" or not. A spelling that holds an abbreviation word also
        carries the abbreviation gate entry (see `_scan`). Terms with very many marks keep the slow path."""
        gate = _Entry(_ABBREVIATION, "abbreviation", "", "", _NO_EVIDENCE, _NO_EVIDENCE, ())
        for trie_key in self._bounded:
            parts = trie_key.split(OPTIONAL_SPACE)
            if not 1 < len(parts) <= _MAX_SPELLED_PARTS:
                continue
            for glue in product(("", " "), repeat=len(parts) - 1):
                spelled = parts[0] + "".join(g + part for g, part in zip(glue, parts[1:], strict=True))
                for text in (spelled, spelled + "s"):
                    if " " not in text:
                        continue
                    meanings = self._entries[text.replace(" ", "")]
                    if not self._abbrev_words.isdisjoint(text.split()):
                        meanings = (*meanings, gate)
                    self._words[f" {text}"] = meanings

    def _add(
        self,
        entries: dict[str, list[_Entry]],
        term: str,
        kind: str,
        target: str,
        implied: tuple[str, ...] = (),
    ) -> None:
        trie_key = pattern_key(term)
        if not trie_key:
            return
        code = _CODES.get(kind, _ALIAS)
        title_ev, summary_ev = Evidence(target, kind, term, "title"), Evidence(target, kind, term, "summary")
        entry = _Entry(code, kind, target, term, title_ev, summary_ev, implied)
        found = entries.setdefault(trie_key.replace(OPTIONAL_SPACE, ""), [])
        if all(known[:4] != entry[:4] for known in found):
            found.append(entry)
        first, last = trie_key[0], trie_key[-1]
        if first.isascii() and last.isascii():
            self._bounded.add(trie_key)
        else:
            self._unbounded.add(trie_key)

    # ------------------------------------------------------------------------------------------------ scan

    def _scan(self, raw: str, norm: str, in_title: bool, found: _Found) -> tuple[tuple[int, int], ...]:
        """Adds what one field names to `found` and returns where agent aliases sit in the padded field."""
        if len(norm) <= 2:  # padded empty field
            return _NO_SPANS
        field = "title" if in_title else "summary"
        spans: list[tuple[int, int]] = []
        companies: dict[str, str] = {}
        cues: dict[str, str] = {}
        found_inds: dict[str, str] = {}  # indication id -> first term in this field
        near_agents: set[str] = set()
        into = (spans, companies, cues, found_inds, near_agents)
        maybe_abbreviation = self._record(self._regex.finditer(norm), 1, raw, norm, in_title, found, into)
        if self._regex_unbounded is not None and not norm.isascii():
            self._record(self._regex_unbounded.finditer(norm), 0, raw, norm, in_title, found, into)
        # Skipping the abbreviation scan is exact for an ASCII field without apostrophes or backticks: its
        # normalised words are then exactly its runs of letters and digits, lower-cased, so an abbreviation
        # that the scan would accept (a whole run) is a word of the normalised field, and the main scan has
        # a hit that covers that word: the abbreviation's gate term alone, or a longer term of several words
        # (`_record` looks for abbreviation words among them).
        if (
            self._abbrev_regex is not None
            and not raw.isupper()
            and (maybe_abbreviation or not raw.isascii() or "'" in raw or "`" in raw)
        ):
            self._scan_abbreviations(raw, found_inds)
        if companies:
            self._programs_in((companies, cues, found_inds, near_agents), field, found.agents)
        indications = found.indications
        for ind_id, term in found_inds.items():
            if ind_id not in indications:
                indications[ind_id] = Evidence(ind_id, "indication", term, field)
        return tuple(spans)

    def _record(  # noqa: PLR0917 - the hot loop takes its state as locals
        self,
        matches: Iterator[re.Match[str]],
        offset: int,
        raw: str,
        norm: str,
        in_title: bool,
        found: _Found,
        into: tuple[list[tuple[int, int]], dict[str, str], dict[str, str], dict[str, str], set[str]],
    ) -> bool:
        """Applies the term entries of one field's hits, in text order. `offset` is 1 when matches start with
        the space before the word. True if an abbreviation may stand in the field (see `_scan`)."""
        spans, companies, cues, found_inds, near_agents = into
        agents, near, trial = found.agents, found.near, found.trial
        words = self._words
        maybe_abbreviation = False
        for m in matches:
            text = m.group()
            meanings = words.get(text)  # a hit of the main scan (every hit of a term of few words)
            if meanings is None:  # a term of many words, or an unbounded hit (not an ASCII field: no gate)
                maybe_abbreviation |= not offset or not self._abbrev_words.isdisjoint(text.split())
                meanings = self._entries.get(text.replace(" ", ""), ())
            for entry in meanings:
                code = entry.code
                if code == _INDICATION:
                    found_inds.setdefault(entry.target, entry.term)
                elif code == _COMPANY:
                    companies.setdefault(entry.target, entry.term)
                elif code == _CUE:
                    cues.setdefault(entry.target, entry.term)
                elif code == _NEAR_MISS:
                    near_agents.add(entry.target)
                    near.setdefault(
                        (entry.target, entry.term), entry.in_title if in_title else entry.in_summary
                    )
                elif code == _ABBREVIATION:
                    maybe_abbreviation = True
                elif code == _ALIAS or self._ambiguous_ok(entry.term, raw, norm, m.start() + offset, m.end()):
                    agents.setdefault(entry.target, entry.in_title if in_title else entry.in_summary)
                    spans.append((m.start() + offset, m.end()))
                    for ind_id in entry.implied:
                        if ind_id not in trial:
                            trial[ind_id] = Evidence(
                                ind_id, "trial", entry.term, "title" if in_title else "summary"
                            )
        return maybe_abbreviation

    def _scan_abbreviations(self, raw: str, found_inds: dict[str, str]) -> None:
        """Case-sensitive abbreviations (DM, IBM...) in the raw field (not called on all-capitals fields)."""
        assert self._abbrev_regex is not None
        for m in self._abbrev_regex.finditer(raw[:MAX_FIELD_CHARS]):
            start = m.start()
            if start and (
                raw[start - 1] in ASCII_ALNUM
                or (raw[start - 1] in " :." and raw[start - 2 : start - 1].isdigit())
            ):
                continue  # inside a word, or a time/quantity ("4:30 PM")
            for ind_id in self._abbrev[m.group()]:
                found_inds.setdefault(ind_id, m.group())

    def _ambiguous_ok(self, term: str, raw: str, norm: str, start: int, end: int) -> bool:
        """An acronym that is also a word counts only as written in the config (or in a lower-case slug) and
        next to a trial word."""
        if term not in raw and raw != raw.lower():
            return False
        return self._context.search(norm, max(0, start - self._window), end + self._window) is not None

    def _programs_in(
        self,
        field_hits: tuple[dict[str, str], dict[str, str], dict[str, str], set[str]],
        field: str,
        agents: dict[str, Evidence],
    ) -> None:
        """Sponsor-and-program references of one field, after its aliases (an alias is better evidence)."""
        companies, cues, found_inds, near_agents = field_hits
        for key, agent_id, cue_indications in self._programs:
            company = companies.get(key)
            if company is None or agent_id in agents or agent_id in near_agents:
                continue  # (an agent found already keeps its first evidence)
            cue = cues.get(key) or next((found_inds[i] for i in cue_indications if i in found_inds), None)
            if cue is not None:
                agents[agent_id] = Evidence(agent_id, "program", f'"{company}" + "{cue}"', field)

    def match(self, title: str, summary: str = "") -> MatchResult:
        norm_title, norm_summary = padded(title), padded(summary)
        found = _Found()
        title_spans = self._scan(title, norm_title, True, found)
        summary_spans = self._scan(summary, norm_summary, False, found)
        agents, indications = found.agents, found.indications
        for ind_id, ev in found.trial.items():
            if ind_id not in indications:
                indications[ind_id] = ev
        if len(agents) > 1:
            order = self._agent_order
            agents = {ag: agents[ag] for ag in sorted(agents, key=order.__getitem__)}
        if len(indications) > 1:
            order = self._ind_order
            indications = {ind: indications[ind] for ind in sorted(indications, key=order.__getitem__)}
        return MatchResult(
            tuple(agents.values()),
            tuple(indications.values()),
            tuple(found.near.values()),
            norm_title,
            norm_summary,
            title_spans,
            summary_spans,
        )

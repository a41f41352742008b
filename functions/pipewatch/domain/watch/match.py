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
from typing import TYPE_CHECKING, NamedTuple

from pipewatch.domain.watch.drug_words import DrugWords
from pipewatch.domain.watch.evidence import Demoted, Evidence
from pipewatch.domain.watch.fuzzy import FuzzyHit, FuzzyMatcher
from pipewatch.domain.watch.normalize import (
    ASCII_ALNUM,
    MAX_FIELD_CHARS,
    OPTIONAL_SPACE,
    match_key,
    normalize,
    padded,
    pattern_key,
    trie_regex,
)
from pipewatch.domain.watch.salience import SalienceRules

if TYPE_CHECKING:
    from pipewatch.domain.watch.watchlist import Agent, Watchlist

__all__ = [
    "MAX_FIELD_CHARS",
    "Evidence",
    "MatchResult",
    "Matcher",
    "match_key",
    "normalize",
    "trie_regex",
]

# ------------------------------------------------------------------------------------------------- matcher


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
    trial_phases: tuple[tuple[str, int], ...] = ()  # (watched trial term, its top phase) named, text order
    demoted: tuple[Demoted, ...] = ()  # agents only mentioned in passing (see `Salience`)
    fuzzy_blocked: tuple[FuzzyHit, ...] = ()  # words one slip from a name but as close to a near-miss

    @property
    def agent_ids(self) -> tuple[str, ...]:
        return tuple(ev.target for ev in self.agents)


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
    phase: int = 0  # the top phase of the watched trial this term names (0: not a trial or unknown)


def _trial_indications(watchlist: Watchlist) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
    """A watched trial's acronym or NCT id implies its indications ("ALKIVIA" -> myositis) and its phase."""
    implied: dict[str, tuple[str, ...]] = {}
    phases: dict[str, int] = {}
    for agent in watchlist.agents:
        for trial in agent.trials:
            for name in (trial.acronym, trial.nct_id or ""):
                key = match_key(name)
                if not key:
                    continue
                phases[key] = max(phases.get(key, 0), trial.top_phase())
                known = implied.get(key, ())
                implied[key] = known + tuple(ind for ind in trial.indications if ind not in known)
    return implied, phases


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
# What one field names besides agents: companies (program key -> (term, where)), program cues, indications,
# agents with a near-miss in the field.
_ProgramHits = tuple[dict[str, tuple[str, int]], dict[str, str], dict[str, str], set[str]]
_FieldState = tuple[
    list[tuple[int, int]], dict[str, tuple[str, int]], dict[str, str], dict[str, str], set[str]
]
# Words at most between a sole-program company and a drug word: one clause ("médicament de Roivant et de
# Priovant"), not a list of partners ("argenx, Roche and J&J; royalties on drug sales").
_DRUG_WORD_GAP = 5
_NO_EVIDENCE = Evidence("", "", "", "")
_MAX_SPELLINGS_KEPT = 50_000  # spellings of several words kept in the hit dict once seen (see `_spelled`)
# The abbreviation gate entry a spelling carries when one of its words is an abbreviation (see `_scan`).
_GATE = _Entry(_ABBREVIATION, "abbreviation", "", "", _NO_EVIDENCE, _NO_EVIDENCE, ())


class _Found:
    """What one item names so far: first evidence wins, title before summary."""

    __slots__ = ("agents", "first_start", "indications", "near", "phases", "trial")

    def __init__(self) -> None:
        self.agents: dict[str, Evidence] = {}
        self.near: dict[tuple[str, str], Evidence] = {}
        self.indications: dict[str, Evidence] = {}
        self.trial: dict[str, Evidence] = {}  # implied by a trial acronym: weaker than a named indication
        self.phases: dict[str, int] = {}  # watched trial term -> top phase
        self.first_start: dict[str, int] = {}  # agent -> where its first summary name starts


class Matcher:
    """Compiled once per watchlist; `match(title, summary)` is pure and fast."""

    def __init__(self, watchlist: Watchlist) -> None:
        self._watchlist = watchlist
        self._agent_order = {agent.id: index for index, agent in enumerate(watchlist.agents)}
        self._ind_order = {ind.id: index for index, ind in enumerate(watchlist.indications)}
        self._bounded: set[str] = set()
        self._unbounded: set[str] = set()
        # (program key, agent id, cue indications, sole program of the company)
        self._programs: list[tuple[str, str, tuple[str, ...], bool]] = []
        entries: dict[str, list[_Entry]] = {}
        implied, phases = _trial_indications(watchlist)
        not_drugs: set[str] = set()  # every alias and company, never a drug word of a list (salience)
        for a_index, agent in enumerate(watchlist.agents):
            self._add_agent(entries, a_index, agent, (implied, phases), not_drugs)
        self._drug_words = DrugWords(watchlist.drug_words, watchlist.not_drug_words)
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
        # A hit of several words ("syn 0001" for "SYN-0001") is looked up by its words joined the first time
        # it is seen and then kept here too (`_spelled`): the spellings of every configured term, made up
        # front, cost ~10 ms at 1,000 agents, and a cold start sees a few of them.
        self._words = {f" {key}": found for key, found in self._entries.items()}
        self._words_limit = len(self._words) + _MAX_SPELLINGS_KEPT
        # A leading literal space lets the engine jump from word start to word start (padded text).
        self._regex = re.compile(rf" (?:{trie_regex(self._bounded)})s?(?= )")
        # Terms that start or end in a script written without spaces (Chinese names) match anywhere.
        self._regex_unbounded = re.compile(trie_regex(self._unbounded)) if self._unbounded else None
        context = trie_regex(pattern_key(word) for word in watchlist.trial_context)
        self._context = re.compile(rf" (?:{context})(?= )")
        self._window = watchlist.trial_context_window
        self._fuzzy = FuzzyMatcher.for_watchlist(watchlist, frozenset(entries))
        self._salience = SalienceRules(watchlist.salience, frozenset(not_drugs))

    def _add_agent(
        self,
        entries: dict[str, list[_Entry]],
        a_index: int,
        agent: Agent,
        trials: tuple[dict[str, tuple[str, ...]], dict[str, int]],
        not_drugs: set[str],
    ) -> None:
        """The terms of one agent: aliases, NCT ids of its trials, near-misses and program references; its
        aliases and companies go to `not_drugs` too."""
        implied, phases = trials
        for kind, alias in agent.aliases.by_kind():
            key = match_key(alias)
            not_drugs.add(key)
            self._add(entries, alias, kind, agent.id, implied=implied.get(key, ()), phase=phases.get(key, 0))
        for trial in agent.trials:  # a watched trial's NCT id names its agent
            if trial.nct_id is not None:
                self._add(
                    entries,
                    trial.nct_id,
                    "registry_id",
                    agent.id,
                    implied=trial.indications,
                    phase=trial.top_phase(),
                )
        for miss in agent.near_miss_terms():
            self._add(entries, miss, "near_miss", agent.id)
        trial_indications = tuple(dict.fromkeys(ind for trial in agent.trials for ind in trial.indications))
        for p_index, program in enumerate(agent.programs):
            key = f"{a_index}:{p_index}"
            cue_indications = program.cue_indications
            if program.sole_program:
                cue_indications = tuple(dict.fromkeys((*cue_indications, *trial_indications)))
            self._programs.append((key, agent.id, cue_indications, program.sole_program))
            for company in program.companies:
                not_drugs.add(match_key(company))
                self._add(entries, company, "company", key)
            for cue in program.cues:
                self._add(entries, cue, "cue", key)

    def _spelled(self, text: str) -> tuple[_Entry, ...]:
        """The meanings of a hit of several words of the main scan (" syn 0001"): the term its words joined
        name, and the abbreviation gate entry when one of its words is an abbreviation (see `_scan`). Kept
        in the hit dict, up to a bound (a term of many words has very many spellings)."""
        meanings = self._entries.get(text.replace(" ", ""), ())
        if not self._abbrev_words.isdisjoint(text.split()):
            meanings = (*meanings, _GATE)
        if len(self._words) < self._words_limit:
            self._words[text] = meanings
        return meanings

    def _add(
        self,
        entries: dict[str, list[_Entry]],
        term: str,
        kind: str,
        target: str,
        *,
        implied: tuple[str, ...] = (),
        phase: int = 0,
    ) -> None:
        trie_key = pattern_key(term)
        if not trie_key:
            return
        code = _CODES.get(kind, _ALIAS)
        title_ev, summary_ev = Evidence(target, kind, term, "title"), Evidence(target, kind, term, "summary")
        entry = _Entry(code, kind, target, term, title_ev, summary_ev, implied, phase)
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
        companies: dict[str, tuple[str, int]] = {}  # program key -> (company term, where it starts)
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
            self._programs_in((companies, cues, found_inds, near_agents), norm, field, found.agents)
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
        into: _FieldState,
    ) -> bool:
        """Applies the term entries of one field's hits, in text order. `offset` is 1 when matches start with
        the space before the word. True if an abbreviation may stand in the field (see `_scan`)."""
        spans, companies, cues, found_inds, near_agents = into
        near = found.near
        words = self._words
        maybe_abbreviation = False
        for m in matches:
            text = m.group()
            meanings = words.get(text)  # a hit of the main scan (a one-word term, or a spelling seen)
            if meanings is None:
                if offset:  # a spelling of several words not seen yet
                    meanings = self._spelled(text)
                else:  # an unbounded hit (not an ASCII field: no gate)
                    maybe_abbreviation = True
                    meanings = self._entries.get(text.replace(" ", ""), ())
            for entry in meanings:
                code = entry.code
                if code == _INDICATION:
                    found_inds.setdefault(entry.target, entry.term)
                elif code == _COMPANY:
                    companies.setdefault(entry.target, (entry.term, m.start()))
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
                    _record_alias(entry, m.start() + offset, in_title, found)
                    spans.append((m.start() + offset, m.end()))
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
        field_hits: _ProgramHits,
        norm: str,
        field: str,
        agents: dict[str, Evidence],
    ) -> None:
        """Sponsor-and-program references of one field, after its aliases (an alias is better evidence)."""
        companies, cues, found_inds, near_agents = field_hits
        drug_words: list[tuple[int, str]] | None = None  # scanned once, only if a sole program needs them
        for key, agent_id, cue_indications, sole in self._programs:
            company_hit = companies.get(key)
            if company_hit is None or agent_id in agents or agent_id in near_agents:
                continue  # (an agent found already keeps its first evidence)
            company, where = company_hit
            cue = cues.get(key) or next((found_inds[i] for i in cue_indications if i in found_inds), None)
            kind = "program"
            if (
                cue is None and sole
            ):  # a drug word near the company ("argenx antibody", "médicament de Priovant")
                if drug_words is None:
                    drug_words = self._drug_words.find(norm)
                cue = next((term for at, term in drug_words if _gap(norm, at, where) <= _DRUG_WORD_GAP), None)
                kind = "sole_program"
            if cue is not None:
                agents[agent_id] = Evidence(agent_id, kind, f'"{company}" + "{cue}"', field)

    def match(self, title: str, summary: str = "") -> MatchResult:
        norm_title, norm_summary = padded(title), padded(summary)
        found = _Found()
        title_spans = self._scan(title, norm_title, True, found)
        summary_spans = self._scan(summary, norm_summary, False, found)
        blocked: list[FuzzyHit] = []
        if self._fuzzy.enabled:
            self._misspelt(norm_title, norm_summary, found, blocked)
        demoted = (
            self._salience.demote(found.agents, found.near, found.first_start, norm_summary)
            if found.agents
            else []
        )
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
            tuple(found.phases.items()),
            tuple(demoted),
            tuple(blocked),
        )

    # --------------------------------------------------------------------------------------- misspellings

    def _misspelt(self, norm_title: str, norm_summary: str, found: _Found, blocked: list[FuzzyHit]) -> None:
        """Agents named only by a misspelt word (an agent found by an exact name keeps that evidence)."""
        agents = found.agents
        skip = set(agents)
        for norm, field in ((norm_title, "title"), (norm_summary, "summary")):
            for hit in self._fuzzy.find(norm, skip):
                if not hit.agent:
                    blocked.append(hit)
                    continue
                agents[hit.agent] = Evidence(hit.agent, "misspelt", hit.alias, field, hit.word)
                skip.add(hit.agent)
                if field == "summary":
                    found.first_start[hit.agent] = norm.find(f" {hit.word} ")


def _gap(norm: str, first: int, second: int) -> int:
    """Words strictly between two hits that start at `first` and `second` (each at its leading space)."""
    low, high = min(first, second), max(first, second)
    return norm.count(" ", low + 1, high)  # one leading space per word in between


def _record_alias(entry: _Entry, start: int, in_title: bool, found: _Found) -> None:
    """One hit of an alias: the agent's first evidence, a watched trial's phase, the indications implied."""
    agents = found.agents
    if entry.target not in agents:
        agents[entry.target] = entry.in_title if in_title else entry.in_summary
        if not in_title:
            found.first_start[entry.target] = start
    if entry.phase:
        found.phases.setdefault(entry.term, entry.phase)
    trial = found.trial
    for ind_id in entry.implied:
        if ind_id not in trial:
            trial[ind_id] = Evidence(ind_id, "trial", entry.term, "title" if in_title else "summary")

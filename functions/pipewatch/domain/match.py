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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pipewatch.domain.watchlist import Watchlist

# Longer fields are cut: nothing a subscriber needs sits past this, and it bounds the time per item.
MAX_FIELD_CHARS = 20_000

# --------------------------------------------------------------------------------------------- normalisation


def _cp1252_byte_chars() -> dict[str, int]:
    """Each character that a byte 0x80-0xFF decodes to under cp1252 (latin-1 for its 5 holes) -> the byte."""
    table: dict[str, int] = {}
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            char = chr(byte)
        table[char] = byte
    return table


_BYTE_OF = _cp1252_byte_chars()
_CONTINUATION = "".join(re.escape(ch) for ch, byte in _BYTE_OF.items() if byte < 0xC0)
# UTF-8 read as cp1252: a lead byte (C2-F4) then its continuation bytes, e.g. "Ã”" for "Ô", "â„¢" for "™".
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")
# Symbol-font trademark residue glued to an all-caps brand: "VYVGARTÔ" (™), "LISRAYAÒ" (®), "...Ó" (©).
_SYMBOL_RESIDUE = re.compile(r"(?<=[A-Z]{2})[ÔÒÓ](?![^\W\d_])")
_SPECIAL = re.compile("[αβßæÆøØœŒłŁđĐı™®©℠]")
_TRANSLATE = str.maketrans(
    {"α": " alfa ", "β": " beta ", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
     "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
     "™": " ", "®": " ", "©": " ", "℠": " "}  # NFKD would glue "TM" to the brand
)  # fmt: skip
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_POSSESSIVE = re.compile(r"['’ʼ`´](?=s(?![^\W_]))")  # "Roivant's" -> "Roivants" (other apostrophes -> space)
_NON_WORD = re.compile(r"[\W_]+")
# ASCII fast path: one bytes.translate lower-cases and turns every non-alphanumeric byte into a space.
_ASCII_TABLE = bytes(
    byte + 32 if 65 <= byte <= 90 else byte if (48 <= byte <= 57 or 97 <= byte <= 122) else 32
    for byte in range(256)
)
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _repair_one(match: re.Match[str]) -> str:
    run = match.group()
    try:
        return bytes(_BYTE_OF[ch] for ch in run).decode("utf-8")
    except UnicodeDecodeError:
        return run


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-cp1252 sequences and drop Symbol-font trademark residue after brands."""
    if text.isascii():
        return text
    if "Ã" in text or "Â" in text or "â" in text or "Å" in text:
        text = _MOJIBAKE.sub(_repair_one, text)
    if "Ô" in text or "Ò" in text or "Ó" in text:
        text = _SYMBOL_RESIDUE.sub(" ", text)
    return text


def normalize(text: str) -> str:
    """Matching form: repaired, accents folded, lower case, words separated by single spaces."""
    if not text:
        return ""
    if len(text) > MAX_FIELD_CHARS:
        text = text[:MAX_FIELD_CHARS]
    if not text.isascii():
        text = repair_mojibake(text)
        if _SPECIAL.search(text):
            text = text.translate(_TRANSLATE)
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", _POSSESSIVE.sub("", text)))
        if not text.isascii():  # a script without an ASCII folding (Chinese, Greek...)
            return _NON_WORD.sub(" ", text.lower()).strip()
    data = text.encode("ascii").replace(b"'s", b"s").replace(b"`s", b"s").translate(_ASCII_TABLE)
    return " ".join(data.decode("ascii").split())


_JUNCTION = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_SEP = "\x00"  # in a trie key: "an optional space may stand here"


def _pattern_key(term: str) -> str:
    """A term as trie input: normalised words and letter/digit junctions joined by the optional-space mark."""
    words = normalize(term).split(" ")
    return _SEP.join(_JUNCTION.sub(_SEP, word) for word in words if word)


@lru_cache(maxsize=4096)
def match_key(term: str) -> str:
    """The dict key of a term or a matched string: normalised with every space removed ("" if no word)."""
    return normalize(term).replace(" ", "")


# ---------------------------------------------------------------------------------------------- regex trie


def trie_regex(keys: Iterable[str]) -> str:
    """One regex alternation for many literal keys, factored as a character trie; `_SEP` becomes ` ?`.
    Longer keys are tried first at every branch: the longest term wins, shorter ones remain fallbacks."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    ends_here = "" in node
    branches = [
        (" ?" if ch == _SEP else re.escape(ch)) + _emit(child) for ch, child in sorted(node.items()) if ch
    ]
    if not branches:
        return ""
    if len(branches) == 1:
        body = branches[0]
        if not ends_here:
            return body
        return f"(?:{body})?"
    return f"(?:{'|'.join(branches)})" + ("?" if ends_here else "")


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


@dataclass(frozen=True, slots=True)
class MatchResult:
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


# An entry of the term dict: (kind, target, display term). For companies and cues the target is the
# program key "<agent index>:<program index>".
_Entry = tuple[str, str, str]


@dataclass(slots=True)
class _FieldHits:
    aliases: list[Evidence]
    companies: dict[str, str]  # program key -> company as configured
    cues: dict[str, str]  # program key -> cue as configured
    indications: dict[str, str]  # indication id -> term
    near_agents: set[str]
    spans: list[tuple[int, int]]  # where agent aliases sit in the normalised field
    trial_indications: dict[str, str]  # indication id -> trial acronym that implies it


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
    alternation = "|".join(re.escape(a) for a in sorted(table, key=lambda a: (-len(a), a)))
    # no leading look-behind, so the engine can skip to candidate first letters; the start is checked after
    return table, re.compile(rf"(?:{alternation})(?![A-Za-z0-9])")


class Matcher:
    """Compiled once per watchlist; `match(title, summary)` is pure and fast."""

    def __init__(self, watchlist: Watchlist) -> None:
        self._watchlist = watchlist
        self._agent_order = {agent.id: index for index, agent in enumerate(watchlist.agents)}
        self._ind_order = {ind.id: index for index, ind in enumerate(watchlist.indications)}
        self._entries: dict[str, list[_Entry]] = {}
        self._bounded: set[str] = set()
        self._unbounded: set[str] = set()
        # (program key, agent id, cue indications)
        self._programs: list[tuple[str, str, tuple[str, ...]]] = []
        by_acronym = _trial_indications(watchlist)
        # alias as configured -> indications its trial implies (precomputed: no normalising per hit)
        self._implied: dict[str, tuple[str, ...]] = {
            alias: by_acronym[match_key(alias)]
            for agent in watchlist.agents
            for _, alias in agent.aliases.by_kind()
            if match_key(alias) in by_acronym
        }
        for a_index, agent in enumerate(watchlist.agents):
            for kind, alias in agent.aliases.by_kind():
                self._add(alias, (kind, agent.id, alias))
            for miss in agent.near_misses:
                self._add(miss, ("near_miss", agent.id, miss))
            for p_index, program in enumerate(agent.programs):
                key = f"{a_index}:{p_index}"
                self._programs.append((key, agent.id, program.cue_indications))
                for company in program.companies:
                    self._add(company, ("company", key, company))
                for cue in program.cues:
                    self._add(cue, ("cue", key, cue))
        for ind in watchlist.indications:
            for term in ind.terms.all():
                self._add(term, ("indication", ind.id, term))
        # A leading literal space lets the engine jump from word start to word start (padded text).
        self._regex = re.compile(rf" (?:{trie_regex(self._bounded)})s?(?= )")
        # Terms that start or end in a script written without spaces (Chinese names) match anywhere.
        self._regex_unbounded = re.compile(trie_regex(self._unbounded)) if self._unbounded else None
        self._abbrev, self._abbrev_regex = _abbreviations(watchlist)
        context = trie_regex(_pattern_key(word) for word in watchlist.trial_context)
        self._context = re.compile(rf" (?:{context})(?= )")
        self._window = watchlist.trial_context_window

    def _add(self, term: str, entry: _Entry) -> None:
        pattern_key = _pattern_key(term)
        if not pattern_key:
            return
        entries = self._entries.setdefault(pattern_key.replace(_SEP, ""), [])
        if entry not in entries:
            entries.append(entry)
        first, last = pattern_key[0], pattern_key[-1]
        if first.isascii() and last.isascii():
            self._bounded.add(pattern_key)
        else:
            self._unbounded.add(pattern_key)

    # ------------------------------------------------------------------------------------------------ scan

    def _scan(self, raw: str, norm: str, field: str) -> _FieldHits:
        hits = _FieldHits([], {}, {}, {}, set(), [], {})
        if len(norm) <= 2:  # padded empty field
            return hits
        matches = [(m.group()[1:], m.start() + 1, m.end()) for m in self._regex.finditer(norm)]
        if self._regex_unbounded is not None and not norm.isascii():
            matches.extend((m.group(), m.start(), m.end()) for m in self._regex_unbounded.finditer(norm))
        entries = self._entries
        for matched, start, end in matches:
            key = matched.replace(" ", "")
            found = entries.get(key)
            if found is None and key.endswith("s"):
                found = entries.get(key[:-1])
            for kind, target, term in found or ():
                if kind == "company":
                    hits.companies.setdefault(target, term)
                elif kind == "cue":
                    hits.cues.setdefault(target, term)
                elif kind == "indication":
                    hits.indications.setdefault(target, term)
                elif kind == "near_miss":
                    hits.near_agents.add(target)
                    hits.aliases.append(Evidence(target, kind, term, field))
                elif kind != "ambiguous_trials" or self._ambiguous_ok(term, raw, norm, start, end):
                    hits.aliases.append(Evidence(target, kind, term, field))
                    hits.spans.append((start, end))
                    for ind_id in self._implied.get(term, ()):
                        hits.trial_indications.setdefault(ind_id, term)
        self._scan_abbreviations(raw, hits)
        return hits

    def _scan_abbreviations(self, raw: str, hits: _FieldHits) -> None:
        """Case-sensitive abbreviations (DM, IBM...) in the raw field, unless it is all in capitals."""
        if self._abbrev_regex is None or raw.isupper():
            return
        for m in self._abbrev_regex.finditer(raw[:MAX_FIELD_CHARS]):
            start = m.start()
            if start and (
                raw[start - 1] in _ASCII_ALNUM
                or (raw[start - 1] in " :." and raw[start - 2 : start - 1].isdigit())
            ):
                continue  # inside a word, or a time/quantity ("4:30 PM")
            for ind_id in self._abbrev[m.group()]:
                hits.indications.setdefault(ind_id, m.group())

    def _ambiguous_ok(self, term: str, raw: str, norm: str, start: int, end: int) -> bool:
        """An acronym that is also a word counts only as written in the config (or in a lower-case slug) and
        next to a trial word."""
        if term not in raw and raw != raw.lower():
            return False
        return self._context.search(norm, max(0, start - self._window), end + self._window) is not None

    def _programs_in(self, hits: _FieldHits, field: str) -> list[Evidence]:
        found: list[Evidence] = []
        if not hits.companies:
            return found
        for key, agent_id, cue_indications in self._programs:
            company = hits.companies.get(key)
            if company is None or agent_id in hits.near_agents:
                continue
            cue = hits.cues.get(key) or next(
                (hits.indications[i] for i in cue_indications if i in hits.indications), None
            )
            if cue is not None:
                found.append(Evidence(agent_id, "program", f'"{company}" + "{cue}"', field))
        return found

    def match(self, title: str, summary: str = "") -> MatchResult:
        norm_title, norm_summary = f" {normalize(title)} ", f" {normalize(summary)} "
        in_title = self._scan(title, norm_title, "title")
        in_summary = self._scan(summary, norm_summary, "summary")
        agents: dict[str, Evidence] = {}
        near: dict[tuple[str, str], Evidence] = {}
        for hits, field in ((in_title, "title"), (in_summary, "summary")):
            for ev in hits.aliases:
                if ev.kind == "near_miss":
                    near.setdefault((ev.target, ev.term), ev)
                else:
                    agents.setdefault(ev.target, ev)
            for ev in self._programs_in(hits, field):
                agents.setdefault(ev.target, ev)
        indications: dict[str, Evidence] = {}
        for hits, field in ((in_title, "title"), (in_summary, "summary")):
            for ind_id, term in hits.indications.items():
                if ind_id not in indications:
                    indications[ind_id] = Evidence(ind_id, "indication", term, field)
        for hits, field in ((in_title, "title"), (in_summary, "summary")):
            for ind_id, term in hits.trial_indications.items():
                if ind_id not in indications:
                    indications[ind_id] = Evidence(ind_id, "trial", term, field)
        return MatchResult(
            agents=tuple(sorted(agents.values(), key=lambda ev: self._agent_order[ev.target])),
            indications=tuple(sorted(indications.values(), key=lambda ev: self._ind_order[ev.target])),
            near_misses=tuple(near.values()),
            title=norm_title,
            summary=norm_summary,
            title_spans=tuple(in_title.spans),
            summary_spans=tuple(in_summary.spans),
        )

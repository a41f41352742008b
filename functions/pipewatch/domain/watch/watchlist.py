"""Schema of the watchlist (agents, aliases, trials, indications); the taxonomy's is in taxonomy.py.

It is configuration: `data/watchlist.yaml` is loaded through `pipewatch.config.load_data_file` and validated
here, so adding an agent, an alias or an indication needs no code. What can be checked at load time is: ids
unique and well formed, NCT ids, indication ids referenced by trials and programs, regular expressions
compile, no alias claimed by two agents.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from pipewatch.domain.watch.competitors import Competitor, LandscapeRules
from pipewatch.domain.watch.normalize import match_key
from pipewatch.domain.watch.schema import (
    FROZEN,
    Id,
    NctId,
    Stem,
    Term,
    check_terms,
)

# ------------------------------------------------------------------------------------------------ watchlist


class Aliases(BaseModel):
    """Every name an agent goes by, grouped by kind. Matching is by whole word, case- and accent-insensitive,
    with hyphens, slashes and spaces treated alike (so ARGX-113, ARGX113 and argx 113 are one alias)."""

    model_config = FROZEN

    generic: tuple[Term, ...] = ()
    codes: tuple[Term, ...] = ()
    brands: tuple[Term, ...] = ()
    trials: tuple[Term, ...] = ()
    # Trial acronyms that are ordinary words (ADAPT, ADVANCE, UNITY...): they count only when written as in
    # the config (or in an all-lower-case slug) AND next to a trial word (study, trial...; see trial_context).
    ambiguous_trials: tuple[Term, ...] = ()
    other: tuple[Term, ...] = ()

    @field_validator("generic", "codes", "brands", "trials", "ambiguous_trials", "other")
    @classmethod
    def _terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(value)

    def by_kind(self) -> list[tuple[str, str]]:
        """(kind, alias) pairs in a stable order (one comprehension: called per agent at load and build)."""
        return [(kind, alias) for kind in _ALIAS_KINDS for alias in getattr(self, kind)]


_ALIAS_KINDS = ("generic", "codes", "brands", "trials", "ambiguous_trials", "other")


class ProgramRef(BaseModel):
    """A sponsor-and-program reference: one of `companies` AND (one of `cues` OR one of `cue_indications`)
    must occur in the same field (title or summary) for the agent to count. A near-miss of the agent in
    that field suppresses the reference."""

    model_config = FROZEN

    companies: tuple[Term, ...] = Field(min_length=1)
    cues: tuple[Term, ...] = ()
    cue_indications: tuple[Id, ...] = ()
    # The company's only watched program: any word of the watchlist's `drug_words` (drug, antibody, trial,
    # FDA...) or any indication of the agent's watched trials is cue enough ("argenx antibody fails study").
    sole_program: bool = False

    @field_validator("companies", "cues")
    @classmethod
    def _terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(value)

    @model_validator(mode="after")
    def _needs_a_cue(self) -> ProgramRef:
        if not self.cues and not self.cue_indications and not self.sole_program:
            raise ValueError(
                "a program reference needs cues or cue_indications: the company alone never counts"
            )
        return self


class WatchedTrial(BaseModel):
    """A study of a watched agent. Its NCT id (when known) is an alias of the agent; its phase decides the
    severity of a readout named only by the trial ("topline results from ADVANCE-SC" is a phase 3 readout)."""

    model_config = FROZEN

    nct_id: NctId | None = None  # None: a trial known only by its acronym (not polled on ClinicalTrials.gov)
    acronym: str = ""
    phase: str = ""
    indications: tuple[Id, ...] = ()
    note: str = ""

    @model_validator(mode="after")
    def _named(self) -> WatchedTrial:
        if self.nct_id is None and not self.acronym:
            raise ValueError("a watched trial needs an NCT id or an acronym")
        return self

    def top_phase(self) -> int:
        """The highest phase number of "1", "2/3", "3b"... (0 when unknown): a seamless 2/3 trial reads out
        its phase 3 part."""
        digits = [int(ch) for ch in self.phase if ch in "1234"]
        return max(digits, default=0)


class Agent(BaseModel):
    model_config = FROZEN

    id: Id
    name: str = Field(min_length=1)
    sponsor: str = Field(min_length=1)
    partners: tuple[str, ...] = ()
    aliases: Aliases
    programs: tuple[ProgramRef, ...] = ()
    near_misses: tuple[Term, ...] = ()
    # Other drugs in the agent's indications: near-misses too, and the subjects of landscape updates.
    competitors: tuple[Competitor, ...] = ()
    trials: tuple[WatchedTrial, ...] = ()

    @field_validator("near_misses")
    @classmethod
    def _terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(value)

    @model_validator(mode="after")
    def _has_a_name(self) -> Agent:
        aliases = self.aliases.by_kind()
        if not aliases:
            raise ValueError(f"agent {self.id!r} has no alias")
        own = {match_key(alias) for _, alias in aliases}
        for miss in self.near_misses:
            if match_key(miss) in own:
                raise ValueError(f"near-miss {miss!r} of agent {self.id!r} is also one of its aliases")
        for competitor in self.competitors:
            for name in competitor.names():
                if match_key(name) in own:
                    raise ValueError(
                        f"competitor name {name!r} of agent {self.id!r} is also one of its aliases"
                    )
        return self

    def near_miss_terms(self) -> tuple[str, ...]:
        """The near-misses and every name of the competitors: none of them makes the agent match."""
        names = (*self.near_misses, *(name for c in self.competitors for name in c.names()))
        return tuple(dict.fromkeys(names))

    def search_terms(self) -> list[str]:
        """Generic names, code names and brands for registry and PubMed queries (order kept, no repeats)."""
        seen: set[str] = set()
        terms: list[str] = []
        for term in (*self.aliases.generic, *self.aliases.codes, *self.aliases.brands):
            key = term.casefold()
            if key not in seen:
                seen.add(key)
                terms.append(term)
        return terms


class IndicationTerms(BaseModel):
    """Names of an indication by language, matched like aliases (any case or accents, whole words)."""

    model_config = FROZEN

    en: tuple[Term, ...] = ()
    it: tuple[Term, ...] = ()
    fr: tuple[Term, ...] = ()
    de: tuple[Term, ...] = ()
    es: tuple[Term, ...] = ()
    pt: tuple[Term, ...] = ()
    nl: tuple[Term, ...] = ()
    ja: tuple[Term, ...] = ()  # written without spaces: matched anywhere, like Chinese aliases
    zh: tuple[Term, ...] = ()
    ko: tuple[Term, ...] = ()

    @field_validator("en", "it", "fr", "de", "es", "pt", "nl", "ja", "zh", "ko")
    @classmethod
    def _terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(value)

    def all(self) -> list[str]:
        return [
            *self.en,
            *self.it,
            *self.fr,
            *self.de,
            *self.es,
            *self.pt,
            *self.nl,
            *self.ja,
            *self.zh,
            *self.ko,
        ]


class Indication(BaseModel):
    model_config = FROZEN

    id: Id
    name: str = ""
    iim: bool = False
    terms: IndicationTerms
    # Case-sensitive (DM, PM, IBM...), whole word, never right after a number ("4:30 PM"), and ignored in a
    # field written all in capitals. Put an acronym that is never an ordinary word under `terms` instead.
    # Start them with a capital letter: the scan then only stops at capitals.
    abbreviations: tuple[Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]{0,15}$")], ...] = ()

    @model_validator(mode="after")
    def _has_a_term(self) -> Indication:
        if not self.terms.all() and not self.abbreviations:
            raise ValueError(f"indication {self.id!r} has no term")
        return self


DEFAULT_TRIAL_CONTEXT = ("study", "studies", "trial", "trials", "ole", "extension", "readout", "cohort")


class SponsorFiscalYear(BaseModel):
    """A sponsor whose "fiscal year N" is not the calendar year (catalyst windows, domain/catalysts)."""

    model_config = FROZEN

    sponsor: str = Field(min_length=1)
    names: tuple[str, ...] = Field(min_length=1)  # as written in text or in a URL slug, case-insensitive
    start_month: int = Field(ge=1, le=12)
    named_for: Literal["start", "end"] = "start"  # FY2025 = the year it starts in (Takeda) or ends in


class FuzzyNames(BaseModel):
    """Misspellings of long names: a word within a bounded Damerau distance (a dropped, doubled, swapped or
    wrong letter) of a one-word alias of the kinds listed counts as that alias ("Vyvgrat", "brepocitnib").
    Never when the word is as close to a near-miss or to another agent's alias (the near-miss wins)."""

    model_config = FROZEN

    kinds: tuple[str, ...] = ("generic", "brands")
    min_length: int = Field(default=7, ge=4)  # shorter names have too many neighbours in ordinary words
    two_edits_min_length: int = Field(default=12, ge=5)  # names this long may be two edits off


class Salience(BaseModel):
    """When a text that names an agent is not about it. An agent named only in the summary, and there only
    after a background phrase ("joins Vyvgart and Rystiggo", "after approvals of", "such as") or only
    inside a list of at least `list_min_names` drug names, is a mention, not the subject."""

    model_config = FROZEN

    background_before: tuple[Term, ...] = ()
    background_window: int = Field(default=60, ge=0, le=300)
    list_min_names: int = Field(default=3, ge=2)
    # The title is about another drug: it names a near-miss and not the agent ("J&J's nipocalimab succeeds"
    # with "would compete with Vyvgart" in the summary).
    title_near_miss_is_subject: bool = True
    # Endings of international nonproprietary names (-mab, -tinib...): a word of the summary with one of
    # them counts as a drug name in a list, watched or not (over the normalised summary).
    inn_stems: tuple[Stem, ...] = Field(default=(), max_length=100)


class Watchlist(BaseModel):
    model_config = FROZEN

    version: int = 1
    trial_context: tuple[Term, ...] = DEFAULT_TRIAL_CONTEXT
    trial_context_window: int = Field(default=40, ge=0, le=200)
    # Words that say "a drug, a trial or a regulator" in any language, for `sole_program` references.
    drug_words: tuple[Term, ...] = ()
    # Phrases that contain a drug word without naming a drug ("drug-delivery technology", "drug discovery").
    not_drug_words: tuple[Term, ...] = ()
    fuzzy: FuzzyNames = FuzzyNames()
    salience: Salience = Salience()
    agents: tuple[Agent, ...] = Field(min_length=1)
    indications: tuple[Indication, ...] = ()
    fiscal_years: tuple[SponsorFiscalYear, ...] = ()
    landscape: LandscapeRules = LandscapeRules()

    @model_validator(mode="after")
    def _consistent(self) -> Watchlist:
        _unique("agent id", [agent.id for agent in self.agents])
        _unique("indication id", [ind.id for ind in self.indications])
        known = {ind.id for ind in self.indications}
        owner: dict[str, str] = {}
        ncts: dict[str, str] = {}
        for agent in self.agents:
            for _, alias in agent.aliases.by_kind():
                key = match_key(alias)
                if owner.setdefault(key, agent.id) != agent.id:
                    raise ValueError(f"alias {alias!r} is claimed by agents {owner[key]!r} and {agent.id!r}")
            for trial in agent.trials:
                if trial.nct_id is not None and ncts.setdefault(trial.nct_id, agent.id) != agent.id:
                    raise ValueError(
                        f"trial {trial.nct_id} is listed under {ncts[trial.nct_id]!r} and {agent.id!r}"
                    )
                _known(known, trial.indications, f"agent {agent.id!r} trial {trial.nct_id}")
            for program in agent.programs:
                _known(known, program.cue_indications, f"agent {agent.id!r} program {program.companies[0]!r}")
            for competitor in agent.competitors:
                _known(known, competitor.indications, f"agent {agent.id!r} competitor {competitor.drug!r}")
        return self

    def agent(self, agent_id: str) -> Agent | None:
        return next((agent for agent in self.agents if agent.id == agent_id), None)

    def watched_trials(self) -> list[tuple[str, str, str]]:
        """(nct_id, agent_id, acronym) of every watched study, in watchlist order."""
        return [
            (trial.nct_id, agent.id, trial.acronym)
            for agent in self.agents
            for trial in agent.trials
            if trial.nct_id is not None
        ]

    def condition_terms(self) -> list[str]:
        """Every name of the indications the agents' trials study (registry change matching, issue 25)."""
        wanted = {ind for agent in self.agents for trial in agent.trials for ind in trial.indications}
        return [term for ind in self.indications if ind.id in wanted for term in ind.terms.all()]

    def sponsor_names(self) -> list[str]:
        """The agents' sponsors and partners (registry change matching), without repeats."""
        names = [name for agent in self.agents for name in (agent.sponsor, *agent.partners)]
        return list(dict.fromkeys(names))

    def agent_for_nct(self, nct_id: str) -> str | None:
        wanted = nct_id.strip().upper()
        for agent in self.agents:
            if any(trial.nct_id == wanted for trial in agent.trials):
                return agent.id
        return None

    def iim_ids(self) -> frozenset[str]:
        return frozenset(ind.id for ind in self.indications if ind.iim)


def _unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)


def _known(known: set[str], ids: tuple[str, ...], where: str) -> None:
    for ind in ids:
        if ind not in known:
            nearest = get_close_matches(ind, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean {nearest[0]!r}?" if nearest else ""
            raise ValueError(f"{where}: unknown indication id {ind!r} (not in indications){hint}")

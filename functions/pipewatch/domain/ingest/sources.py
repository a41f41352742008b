"""Schema of ``data/sources.yaml``: what to poll, how often, and how politely.

Sources are configuration: adding a feed (or an agent, via the watchlist) needs no code. Pure pydantic: the
environment is never read here; settings that come from the environment (the EDGAR contact, the PubMed
API key) are named here by their variable and resolved by the adapters.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal, Self, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
    model_validator,
)

from pipewatch.domain.models import DocType, SourceClass

# How often each class of source is polled (minutes). Registries change slowly and rate-limit hard.
POLL_MINUTES: dict[SourceClass, int] = {"registry": 60, "news": 15}

GOOGLE_NEWS_TERMS = (
    "Google News RSS feeds may be used only for personal, non-commercial use in a feed reader; "
    "enable a google_news source only if that covers your use and set terms_acknowledged: true"
)
# Whole protocol section (every field the trial snapshot diffs: arms, outcomes, locations, collaborators...)
# plus the small miscInfoModule and hasResults, which mark the document as complete so an absent key means
# "empty" (see domain/trials.py). The results and document sections, the bulk of a record, are left out.
DEFAULT_CTGOV_FIELDS = ("protocolSection", "derivedSection.miscInfoModule", "hasResults")
# What the global by-change query asks for: enough to match a study to an agent and to skip one already
# seen; the full record of a matched study is then fetched by NCT id.
CTGOV_CHANGE_FIELDS = (
    "NCTId",
    "BriefTitle",
    "OfficialTitle",
    "Acronym",
    "Condition",
    "InterventionName",
    "InterventionOtherName",
    "LeadSponsorName",
    "CollaboratorName",
    "LastUpdateSubmitDate",
    "LastUpdatePostDate",
    "OverallStatus",  # kept in the study's mark, so a study closed long ago can be forgotten
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
_NCT = re.compile(r"^NCT\d{8}$")
# Only these prefixes: Settings reads exactly these variables for the sources (pipewatch.settings).
_ENV_NAME = re.compile(r"^(?:PIPEWATCH|NCBI)_[A-Z0-9_]+$")
_FORM = re.compile(r"^[0-9A-Z][0-9A-Z/-]{0,15}$")


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(f"not an environment variable name: {value!r}")
    return value


# The name of the environment variable a setting is read from (resolved by the adapters, never here).
EnvVarName = Annotated[str, AfterValidator(_env_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class HostPolicy(_Strict):
    """Politeness for one host: the minimum interval between request starts (one request in flight)."""

    min_interval_s: float = Field(ge=0.0, le=60.0)


class HttpDefaults(_Strict):
    """Defaults for every request; a source may override timeouts and the body cap."""

    project_url: str = ""
    connect_timeout_s: float = Field(default=5.0, gt=0, le=60)
    read_timeout_s: float = Field(default=20.0, gt=0, le=120)
    max_body_bytes: int = Field(default=8_000_000, ge=1024, le=64_000_000)
    max_retries: int = Field(default=3, ge=0, le=6)
    backoff_base_s: float = Field(default=1.0, ge=0, le=30)
    backoff_cap_s: float = Field(default=30.0, ge=0, le=300)


class CtgovSettings(_Strict):
    """ClinicalTrials.gov API v2 search. There is no ``filter.phase``: phases come back in ``Phase``."""

    base_url: str = "https://clinicaltrials.gov/api/v2"
    page_size: int = Field(default=100, ge=1, le=1000)
    max_pages: int = Field(default=10, ge=1, le=100)
    fields: tuple[str, ...] = DEFAULT_CTGOV_FIELDS
    terms_per_query: int = Field(default=8, ge=1, le=50)
    extra_terms: tuple[str, ...] = ()
    extra_nct_ids: tuple[str, ...] = ()
    use_watchlist: bool = True
    # -- by change (issue 25): one global query per registry refresh, matched locally -------------------
    # "by_agent": queries built from the aliases (one task per group of agents). "by_change": the studies
    # whose LastUpdatePostDate is on or after the watermark (less `overlap_days`, so a late-posted update
    # is not skipped), pages of `change_page_size` followed to the end, matched here against every agent's
    # aliases, NCT ids, conditions and sponsors: the requests of a cycle do not grow with the agents.
    strategy: Literal["by_agent", "by_change"] = "by_agent"
    change_page_size: int = Field(default=1000, ge=1, le=1000)
    change_max_pages: int = Field(default=60, ge=1, le=500)
    change_fields: tuple[str, ...] = CTGOV_CHANGE_FIELDS
    overlap_days: int = Field(default=2, ge=0, le=30)
    first_window_days: int = Field(default=3, ge=0, le=60)  # no watermark yet: this far before dataTimestamp
    match_on: tuple[Literal["aliases", "nct_ids", "conditions", "sponsors"], ...] = (
        "aliases",
        "nct_ids",
        "conditions",
        "sponsors",
    )
    # Every version: the record history (undocumented /api/int) of a watched study that changed.
    int_base_url: str = "https://clinicaltrials.gov/api/int"
    history: bool = True
    history_max_versions: int = Field(default=10, ge=1, le=100)
    # Vanished records: this many watched NCT ids (one filter.ids request) re-checked per cycle, in turn.
    vanish_checks_per_cycle: int = Field(default=100, ge=0, le=1000)
    # Bounded state: a study's mark and history version are pruned once it is closed (completed, terminated,
    # withdrawn, unknown) this long before the watermark, once any unwatched study is quiet this long, or
    # when it is seen again but no longer matched.
    mark_retention_days: int = Field(default=365, ge=1, le=3650)
    closed_mark_retention_days: int = Field(default=90, ge=1, le=3650)

    @field_validator("extra_nct_ids")
    @classmethod
    def _nct_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not _NCT.match(v)]
        if bad:
            raise ValueError(f"not NCT ids (NCT + 8 digits): {', '.join(bad)}")
        return value


class PubmedSettings(_Strict):
    """NCBI E-utilities: esearch then esummary, JSON. NCBI asks every tool to send ``tool`` and ``email``."""

    base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    term: str = ""  # an explicit query; empty = built from the watchlist's search terms
    field_tag: str = "tiab"
    extra_terms: tuple[str, ...] = ()
    use_watchlist: bool = True
    tool: str = "pipewatch"
    email: str = ""
    email_env: EnvVarName = "PIPEWATCH_CONTACT_EMAIL"
    api_key_env: EnvVarName = "NCBI_API_KEY"
    retmax: int = Field(default=100, ge=1, le=500)
    reldate_days: int = Field(default=60, ge=1, le=3650)
    datetype: Literal["edat", "pdat", "mdat"] = "edat"


class EdgarSettings(_Strict):
    """SEC EDGAR company Atom. The SEC requires a User-Agent naming the requester with a contact e-mail;
    pipewatch refuses to poll EDGAR without one (``contact`` here, or the variable ``contact_env`` names)."""

    base_url: str = "https://www.sec.gov/cgi-bin/browse-edgar"
    cik: str
    company: str = ""
    forms: tuple[str, ...] = Field(min_length=1)
    count: int = Field(default=40, ge=1, le=100)
    contact: str = ""
    contact_env: EnvVarName = "PIPEWATCH_EDGAR_CONTACT"

    @field_validator("cik")
    @classmethod
    def _cik(cls, value: str) -> str:
        digits = value.strip()
        if not digits.isdigit() or len(digits) > 10:
            raise ValueError(f"CIK must be up to 10 digits, got {value!r}")
        return digits.zfill(10)

    @field_validator("forms")
    @classmethod
    def _forms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not _FORM.match(v)]
        if bad:
            raise ValueError(f"not SEC form types: {', '.join(bad)}")
        return value


class SourceBase(_Strict):
    """What every source has, whatever its kind: identity, schedule class and request overrides."""

    id: str
    name: str = ""
    enabled: bool = True
    doc_type: DocType = "news"
    source_class: SourceClass = "news"
    min_interval_s: float | None = Field(default=None, ge=0, le=60)  # host politeness override
    timeout_s: float | None = Field(default=None, gt=0, le=120)
    max_body_bytes: int | None = Field(default=None, ge=1024, le=64_000_000)
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _no_other_kinds_settings(cls, data: Any) -> Any:
        """A key that belongs to another kind (``ctgov:`` on an rss source) says which, not just "extra"."""
        if isinstance(data, dict):
            stray = [key for key in _KIND_KEYS if key in data and key not in cls.model_fields]
            if stray:
                raise ValueError(f"a {data.get('kind')} source cannot have settings for {', '.join(stray)}")
        return data

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id must be 2-64 chars of a-z, 0-9, '_', '.', '-'")
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def poll_minutes(self) -> int:
        return POLL_MINUTES[self.source_class]

    def splits_by_agent(self) -> bool:
        """True when the source's requests are built from the watchlist (so one query per group of agents)."""
        return False

    def without_extras(self) -> Self:
        """This source without its configured extra terms / NCT ids (queried by a cycle's first part only)."""
        return self


class _FeedBase(SourceBase):
    url: str = ""
    params: dict[str, str] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in {"http", "https"}:
            raise ValueError(f"url must be http(s): {value!r}")
        return value

    @model_validator(mode="after")
    def _needs_url(self) -> Self:
        if not self.url:
            raise ValueError(f"a {getattr(self, 'kind', 'feed')} source needs a url")
        return self


class FeedSource(_FeedBase):
    """An RSS or Atom feed (one GET with validators, parsed by feedparser)."""

    kind: Literal["rss", "atom"]


class GoogleNewsSource(_FeedBase):
    """A Google News RSS search: a feed whose terms must be acknowledged before it is enabled."""

    kind: Literal["google_news"]
    terms_acknowledged: bool = False  # see GOOGLE_NEWS_TERMS

    @model_validator(mode="after")
    def _terms(self) -> Self:
        if self.enabled and not self.terms_acknowledged:
            raise ValueError(GOOGLE_NEWS_TERMS)
        return self


class CtgovSource(SourceBase):
    kind: Literal["ctgov"]
    ctgov: CtgovSettings = CtgovSettings()

    def splits_by_agent(self) -> bool:
        return self.ctgov.use_watchlist and self.ctgov.strategy == "by_agent"

    def without_extras(self) -> Self:
        return self.model_copy(
            update={"ctgov": self.ctgov.model_copy(update={"extra_terms": (), "extra_nct_ids": ()})}
        )


class PubmedSource(SourceBase):
    kind: Literal["pubmed"]
    pubmed: PubmedSettings = PubmedSettings()

    def splits_by_agent(self) -> bool:
        return self.pubmed.use_watchlist and not self.pubmed.term

    def without_extras(self) -> Self:
        return self.model_copy(update={"pubmed": self.pubmed.model_copy(update={"extra_terms": ()})})


class EdgarSource(SourceBase):
    kind: Literal["edgar"]
    edgar: EdgarSettings

    @model_validator(mode="before")
    @classmethod
    def _needs_block(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("edgar") is None:
            raise ValueError("an edgar source needs an `edgar:` block with cik and forms")
        return data


# -- authorities: openFDA, Federal Register, Europe PMC, EU CTIS (issue 25) ----------------------------------

_APPLICATION = re.compile(r"^(?:NDA|ANDA|BLA)\d{6}$")
_EU_CT = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}$")


class OpenFdaSettings(_Strict):
    """openFDA Drugs@FDA (``drug/drugsfda.json``): the submissions of the watched applications and of the
    applications whose brand or generic name is a watched name. ``meta.last_updated`` is the change signal.
    Without an API key openFDA allows 1,000 requests a day (240 a minute with one)."""

    base_url: str = "https://api.fda.gov/drug/drugsfda.json"
    application_numbers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # brand or generic names searched besides the watchlist's
    use_watchlist: bool = True
    api_key_env: EnvVarName = "PIPEWATCH_OPENFDA_API_KEY"
    names_per_query: int = Field(default=10, ge=1, le=50)
    limit: int = Field(default=100, ge=1, le=1000)

    @field_validator("application_numbers")
    @classmethod
    def _applications(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not _APPLICATION.match(v)]
        if bad:
            raise ValueError(f"not application numbers (NDA/ANDA/BLA + 6 digits): {', '.join(bad)}")
        return value


class OpenFdaSource(SourceBase):
    kind: Literal["openfda"]
    openfda: OpenFdaSettings = OpenFdaSettings()

    def splits_by_agent(self) -> bool:
        return self.openfda.use_watchlist  # each part keeps its own meta.last_updated (state per task)

    def without_extras(self) -> Self:
        return self.model_copy(
            update={"openfda": self.openfda.model_copy(update={"application_numbers": (), "names": ()})}
        )


class FederalRegisterSettings(_Strict):
    """FederalRegister.gov documents API, FDA notices only; an item is kept when it names a watched term."""

    base_url: str = "https://www.federalregister.gov/api/v1/documents.json"
    agency: str = "food-and-drug-administration"
    document_types: tuple[str, ...] = ("NOTICE",)
    term: str = "advisory committee"  # full-text filter sent to the API
    per_page: int = Field(default=100, ge=1, le=1000)
    window_days: int = Field(default=30, ge=1, le=3650)
    max_pages: int = Field(default=5, ge=1, le=50)  # per poll; the next poll resumes from next_page_url
    extra_terms: tuple[str, ...] = ()  # terms besides the watchlist's an item must name to be kept
    use_watchlist: bool = True


class FederalRegisterSource(SourceBase):
    kind: Literal["federal-register"]
    federal_register: FederalRegisterSettings = FederalRegisterSettings()


class EuropePmcSettings(_Strict):
    """Europe PMC REST search (JSON, cursorMark paging) over a FIRST_IDATE window: articles, preprints and
    abstracts PubMed does not hold. Items carry PubMed's URL when they have a PMID (one update for both)."""

    base_url: str = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"
    query: str = ""  # an explicit query; empty = built from the watchlist's terms
    extra_terms: tuple[str, ...] = ()
    use_watchlist: bool = True
    window_days: int = Field(default=30, ge=1, le=3650)
    page_size: int = Field(default=100, ge=1, le=1000)
    max_pages: int = Field(default=5, ge=1, le=50)  # per poll; the next poll resumes from the cursorMark
    email_env: EnvVarName = "PIPEWATCH_CONTACT_EMAIL"


class EuropePmcSource(SourceBase):
    kind: Literal["europepmc"]
    europepmc: EuropePmcSettings = EuropePmcSettings()

    def splits_by_agent(self) -> bool:
        return self.europepmc.use_watchlist and not self.europepmc.query

    def without_extras(self) -> Self:
        return self.model_copy(update={"europepmc": self.europepmc.model_copy(update={"extra_terms": ()})})


class CtisSettings(_Strict):
    """EU CTIS public portal: the watched EU trial numbers read with ``retrieve`` (GET). Its ``search`` is a
    POST the fetcher does not make; the recorded search record shape is parsed by parse-feed only."""

    base_url: str = "https://euclinicaltrials.eu/ctis-public-api"
    ct_numbers: tuple[str, ...] = ()

    @field_validator("ct_numbers")
    @classmethod
    def _numbers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not _EU_CT.match(v)]
        if bad:
            raise ValueError(f"not EU CT numbers (YYYY-NNNNNN-NN-NN): {', '.join(bad)}")
        return value


class CtisSource(SourceBase):
    kind: Literal["ctis"]
    ctis: CtisSettings = CtisSettings()

    @model_validator(mode="after")
    def _needs_numbers(self) -> Self:
        if self.enabled and not self.ctis.ct_numbers:
            raise ValueError("an enabled ctis source needs ctis.ct_numbers (EU CT numbers to retrieve)")
        return self


_AuthorityModel = OpenFdaSource | FederalRegisterSource | EuropePmcSource | CtisSource


# One model per kind, chosen by `kind` (a pydantic discriminated union): each kind has only its own fields.
# Adding a kind: its model here, added to this union; its spec in adapters/source_kinds.py.
_SourceModel = FeedSource | GoogleNewsSource | CtgovSource | PubmedSource | EdgarSource | _AuthorityModel
SourceConfig = Annotated[_SourceModel, Field(discriminator="kind")]
SOURCE_MODELS: tuple[type[SourceBase], ...] = get_args(_SourceModel)
SOURCE_KINDS: tuple[str, ...] = tuple(
    kind for model in SOURCE_MODELS for kind in get_args(model.model_fields["kind"].annotation)
)
# Fields only some kinds have: named in the error when a source of another kind carries one.
_KIND_KEYS = tuple(
    dict.fromkeys(
        name
        for model in SOURCE_MODELS
        for name in model.model_fields
        if name != "kind" and name not in SourceBase.model_fields
    )
)


@cache
def _source_config_adapter() -> TypeAdapter[SourceConfig]:
    # Built on first use, not at import: its core schema spans every source kind's model.
    return TypeAdapter(SourceConfig)


def parse_source_config(data: Mapping[str, Any]) -> SourceConfig:
    """One source (a mapping as in sources.yaml) -> the model of its kind; ValidationError if invalid."""
    return _source_config_adapter().validate_python(data)


class PollLimits(_Strict):
    """What one poll task may do, so a flood (a first poll, an agent added, a feed dumping its archive) can
    neither alert on old news nor outrun the Lambda timeout. Nothing over a cap is dropped: the task stops
    there, keeps the source's validators, and the next poll goes on where this one stopped."""

    # An item published longer ago than this is remembered without an alert (and an undated item on the
    # first poll of a source, which is a baseline); a study first seen whose record has not been updated
    # within it is remembered without a "new study" alert.
    alert_horizon_days: float = Field(default=3.0, gt=0, le=36_500)
    # An undated item cannot be placed in time: on a source's first poll it is taken as old (a baseline).
    baseline_undated: bool = True
    max_items_per_poll: int = Field(default=500, ge=1, le=100_000)  # new relevant items handled per task
    max_alerts_per_poll: int = Field(default=50, ge=1, le=10_000)  # new alertable updates stored per task


class SourcesConfig(_Strict):
    version: int = 1
    http: HttpDefaults = HttpDefaults()
    poll: PollLimits = PollLimits()
    hosts: dict[str, HostPolicy] = Field(default_factory=dict)
    sources: tuple[SourceConfig, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesConfig:
        counts = Counter(source.id for source in self.sources)
        dupes = sorted(source_id for source_id, count in counts.items() if count > 1)
        if dupes:
            raise ValueError(f"duplicate source ids: {', '.join(dupes)}")
        return self

    def enabled(self, source_class: SourceClass | None = None) -> list[SourceConfig]:
        """Enabled sources, optionally only one class (the 15-minute schedule polls "news" only)."""
        return [
            source
            for source in self.sources
            if source.enabled and (source_class is None or source.source_class == source_class)
        ]

    def get(self, source_id: str) -> SourceConfig:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def host_intervals(self) -> dict[str, float]:
        return {host.lower(): policy.min_interval_s for host, policy in self.hosts.items()}

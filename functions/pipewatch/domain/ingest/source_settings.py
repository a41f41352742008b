"""The settings blocks of ``data/sources.yaml`` (schema part 1 of 2; the sources themselves and the file's
model are in sources.py): the HTTP defaults, each kind's own block (``ctgov:``, ``pubmed:``, ``edgar:``,
``openfda:``, ``federal_register:``, ``europepmc:``, ``ctis:``) and the poll limits. Pure pydantic, like
sources.py: settings read from the environment are only named here (by their variable).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

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
_NCT = re.compile(r"^NCT\d{8}$")
# Only these prefixes: Settings reads exactly these variables for the sources (pipewatch.settings).
_ENV_NAME = re.compile(r"^(?:PIPEWATCH|NCBI)_[A-Z0-9_]+$")
_FORM = re.compile(r"^[0-9A-Z][0-9A-Z/-]{0,15}$")
_APPLICATION = re.compile(r"^(?:NDA|ANDA|BLA)\d{6}$")
_EU_CT = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}$")


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(f"not an environment variable name: {value!r}")
    return value


# The name of the environment variable a setting is read from (resolved by the adapters, never here).
EnvVarName = Annotated[str, AfterValidator(_env_name)]


class StrictModel(BaseModel):
    """Every sources.yaml model: no unknown keys, immutable, its validator built on first use."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class HostPolicy(StrictModel):
    """Politeness for one host: the minimum interval between request starts (one request in flight)."""

    min_interval_s: float = Field(ge=0.0, le=60.0)


class HttpDefaults(StrictModel):
    """Defaults for every request; a source may override timeouts and the body cap."""

    project_url: str = ""
    connect_timeout_s: float = Field(default=5.0, gt=0, le=60)
    read_timeout_s: float = Field(default=20.0, gt=0, le=120)
    max_body_bytes: int = Field(default=8_000_000, ge=1024, le=64_000_000)
    max_retries: int = Field(default=3, ge=0, le=6)
    backoff_base_s: float = Field(default=1.0, ge=0, le=30)
    backoff_cap_s: float = Field(default=30.0, ge=0, le=300)


class CtgovSettings(StrictModel):
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


class PubmedSettings(StrictModel):
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


class EdgarSettings(StrictModel):
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


# -- authorities: openFDA, Federal Register, Europe PMC, EU CTIS (issue 25) ----------------------------------


class OpenFdaSettings(StrictModel):
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


class FederalRegisterSettings(StrictModel):
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


class EuropePmcSettings(StrictModel):
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


class CtisSettings(StrictModel):
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


class PollLimits(StrictModel):
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

"""Schema of ``data/sources.yaml``: what to poll, how often, and how politely (part 2 of 2: the sources, one
model per kind, and the file's model; each kind's settings block is in source_settings.py, re-exported here).

Sources are configuration: adding a feed (or an agent, via the watchlist) needs no code. Pure pydantic: the
environment is never read here; settings that come from the environment (the EDGAR contact, the PubMed
API key) are named here by their variable and resolved by the adapters.

A settings block a source leaves out defaults to ``{}`` validated within the file's model
(`validate_default`), not to an instance made when the class is defined: an instance builds its model's
validator on its own, beside the copy the file's model builds of it (issue 28: ~20 ms of the plan's first
invocation, every block built twice).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal, Self, get_args
from urllib.parse import urlsplit

from pydantic import Field, TypeAdapter, field_validator, model_validator

from pipewatch.domain.ingest.source_settings import (
    CTGOV_CHANGE_FIELDS,
    DEFAULT_CTGOV_FIELDS,
    CtgovSettings,
    CtisSettings,
    EdgarSettings,
    EnvVarName,
    EuropePmcSettings,
    FederalRegisterSettings,
    HostPolicy,
    HttpDefaults,
    OpenFdaSettings,
    PollLimits,
    PubmedSettings,
    StrictModel,
)
from pipewatch.domain.models import DocType, SourceClass

__all__ = [
    "CTGOV_CHANGE_FIELDS",
    "DEFAULT_CTGOV_FIELDS",
    "GOOGLE_NEWS_TERMS",
    "POLL_MINUTES",
    "SOURCE_KINDS",
    "SOURCE_MODELS",
    "CtgovSettings",
    "CtgovSource",
    "CtisSettings",
    "CtisSource",
    "EdgarSettings",
    "EdgarSource",
    "EnvVarName",
    "EuropePmcSettings",
    "EuropePmcSource",
    "FederalRegisterSettings",
    "FederalRegisterSource",
    "FeedSource",
    "GoogleNewsSource",
    "HostPolicy",
    "HttpDefaults",
    "OpenFdaSettings",
    "OpenFdaSource",
    "PollLimits",
    "PubmedSettings",
    "PubmedSource",
    "SourceBase",
    "SourceConfig",
    "SourcesConfig",
    "parse_source_config",
]

# How often each class of source is polled (minutes). Registries change slowly and rate-limit hard.
POLL_MINUTES: dict[SourceClass, int] = {"registry": 60, "news": 15}

GOOGLE_NEWS_TERMS = (
    "Google News RSS feeds may be used only for personal, non-commercial use in a feed reader; "
    "enable a google_news source only if that covers your use and set terms_acknowledged: true"
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")


class SourceBase(StrictModel):
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
    ctgov: CtgovSettings = Field(default_factory=dict, validate_default=True)

    def splits_by_agent(self) -> bool:
        return self.ctgov.use_watchlist and self.ctgov.strategy == "by_agent"

    def without_extras(self) -> Self:
        return self.model_copy(
            update={"ctgov": self.ctgov.model_copy(update={"extra_terms": (), "extra_nct_ids": ()})}
        )


class PubmedSource(SourceBase):
    kind: Literal["pubmed"]
    pubmed: PubmedSettings = Field(default_factory=dict, validate_default=True)

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


class OpenFdaSource(SourceBase):
    kind: Literal["openfda"]
    openfda: OpenFdaSettings = Field(default_factory=dict, validate_default=True)

    def splits_by_agent(self) -> bool:
        return self.openfda.use_watchlist  # each part keeps its own meta.last_updated (state per task)

    def without_extras(self) -> Self:
        return self.model_copy(
            update={"openfda": self.openfda.model_copy(update={"application_numbers": (), "names": ()})}
        )


class FederalRegisterSource(SourceBase):
    kind: Literal["federal-register"]
    federal_register: FederalRegisterSettings = Field(default_factory=dict, validate_default=True)


class EuropePmcSource(SourceBase):
    kind: Literal["europepmc"]
    europepmc: EuropePmcSettings = Field(default_factory=dict, validate_default=True)

    def splits_by_agent(self) -> bool:
        return self.europepmc.use_watchlist and not self.europepmc.query

    def without_extras(self) -> Self:
        return self.model_copy(update={"europepmc": self.europepmc.model_copy(update={"extra_terms": ()})})


class CtisSource(SourceBase):
    kind: Literal["ctis"]
    ctis: CtisSettings = Field(default_factory=dict, validate_default=True)

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


class SourcesConfig(StrictModel):
    version: int = 1
    http: HttpDefaults = Field(default_factory=dict, validate_default=True)
    poll: PollLimits = Field(default_factory=dict, validate_default=True)
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

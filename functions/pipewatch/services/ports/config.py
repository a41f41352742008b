"""The live configuration's ports and what `watchlist check` reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from pipewatch.domain.watch.checks import RecordedHeadline


# -- live configuration (issue 26) -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigObject:
    """One version of a configuration file in the config store (its text, ETag and version id)."""

    key: str
    body: str
    etag: str
    version_id: str


@dataclass(frozen=True)
class ConfigVersion:
    """A stored version as `history` lists it: who changed it, when, and their note."""

    key: str
    version_id: str
    modified: datetime
    changed_by: str
    note: str
    latest: bool


class ConfigSource(Protocol):
    """The current version of a configuration file, read conditionally (adapters/config_store.py): None when
    no object is stored (the packaged file applies), `not_modified` when it still has `etag`."""

    def current(self, key: str, *, etag: str = "") -> ConfigObject | Literal["not_modified"] | None: ...


class ConfigStore(ConfigSource, Protocol):
    """The versioned store the CLI pushes to: read a version, write a new one, list the history."""

    def version(self, key: str, version_id: str) -> ConfigObject: ...
    def put(self, key: str, body: str, *, changed_by: str, note: str) -> str: ...
    def history(self, key: str) -> list[ConfigVersion]: ...


# ---------------------------------------------------------------------------------------- watchlist check


class WordFrequencies(Protocol):
    """How common a word is in everyday text of a language (zipf scale, 0.0 for an unknown word)."""

    def zipf(self, word: str, language: str) -> float: ...


class HeadlineCorpus(Protocol):
    """The project's recorded headlines, each with the agents its label says it is about."""

    def headlines(self) -> Iterable[RecordedHeadline]: ...

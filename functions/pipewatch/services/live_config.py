"""The configuration a function runs with: the live watchlist, taxonomy and sources (issue 26).

Per container, each file is read from the config store at most once per refresh interval, with a conditional
request on the ETag held (an unchanged file costs a 304 and no parsing). A new version is validated with the
same function `pipewatch watchlist push` runs; a version that fails is never applied: the last good one stays,
an error is logged and `ConfigRejected` is counted (by `key`, and once without, for the stack's alarm). No
object in the store means the packaged file; an override (a path or text in the settings) wins over the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pipewatch.config import config_model, load_data_file, validate_config_document
from pipewatch.errors import ConfigError
from pipewatch.observability import NullMetrics, logger

if TYPE_CHECKING:
    from pydantic import BaseModel

    from pipewatch.domain.ingest.sources import SourcesConfig
    from pipewatch.domain.watch.taxonomy import Taxonomy
    from pipewatch.domain.watch.watchlist import Watchlist
    from pipewatch.services.ports import ConfigObject, ConfigSource, MetricsSink

PACKAGED = "packaged"


class ConfigSet:
    """The three files as one function applies them, each read (from the live configuration) when first
    asked for and then fixed for the set: a service built from it sees one version of each file it uses,
    and a function using only some of them (the catalyst check: the watchlist; the plan: the watchlist and
    sources) never fetches, parses or validates the others (issue 28: ~20-30 ms of CPU each, and a GET
    each from the config bucket). `read_versions` says which were read, in which version (a service built
    from the set is rebuilt when one of those changes). There is deliberately no accessor of "every version":
    it would read and validate the files a function does not use."""

    __slots__ = ("_documents", "_read")

    def __init__(self, read: Callable[[str], tuple[Any, str]]) -> None:
        self._read = read
        self._documents: dict[str, tuple[Any, str]] = {}

    def _document(self, name: str) -> tuple[Any, str]:
        held = self._documents.get(name)
        if held is None:
            held = self._documents[name] = self._read(name)
        return held

    @property
    def watchlist(self) -> Watchlist:
        model: Watchlist = self._document("watchlist.yaml")[0]
        return model

    @property
    def taxonomy(self) -> Taxonomy:
        model: Taxonomy = self._document("taxonomy.yaml")[0]
        return model

    @property
    def sources(self) -> SourcesConfig:
        model: SourcesConfig = self._document("sources.yaml")[0]
        return model

    def read_versions(self) -> dict[str, str]:
        """File name -> version, for the files read so far."""
        return {name: version for name, (_, version) in self._documents.items()}


@dataclass
class _Held:
    model: BaseModel
    version: str  # the store's version id, PACKAGED, or "override"
    etag: str = ""
    checked_at: datetime | None = None


class LiveConfig:
    def __init__(
        self,
        source: ConfigSource | None,
        *,
        overrides: Mapping[str, str] | None = None,
        refresh: timedelta = timedelta(minutes=5),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        metrics: MetricsSink | None = None,
    ) -> None:
        self._source = source
        self._overrides = {k: v for k, v in (overrides or {}).items() if v}
        self._refresh = refresh
        self._clock = clock
        self._metrics = metrics or NullMetrics()
        self._held: dict[str, _Held] = {}

    def document(self, name: str) -> tuple[Any, str]:
        """The model of one file as it applies now, and its version."""
        held = self._held.get(name)
        now = self._clock()
        if held is not None and held.checked_at is not None and now - held.checked_at < self._refresh:
            return held.model, held.version
        held = self._read(name, held, now)
        self._held[name] = held
        return held.model, held.version

    def current(self) -> ConfigSet:
        """The files as they apply now, each read when the set is first asked for it."""
        return ConfigSet(self.document)

    # -- one file -----------------------------------------------------------------------------------------
    def _read(self, name: str, held: _Held | None, now: datetime) -> _Held:
        model = config_model(name)
        if name in self._overrides:
            return held or _Held(load_data_file(name, model, self._overrides[name]), "override", "", None)
        if self._source is None:
            return held or _Held(load_data_file(name, model), PACKAGED, "", None)
        try:
            found = self._source.current(name, etag=held.etag if held else "")
        except ConfigError as exc:
            if held is None:
                raise  # nothing good to keep: the invocation fails and is retried
            logger.warning("config store unavailable, version kept", extra={"key": name, "reason": str(exc)})
            return _Held(held.model, held.version, held.etag, now)
        if found == "not_modified" and held is not None:
            return _Held(held.model, held.version, held.etag, now)
        if found is None or found == "not_modified":
            packaged = held if held is not None and held.version == PACKAGED else None
            return _Held(packaged.model if packaged else load_data_file(name, model), PACKAGED, "", now)
        return self._validated(name, found, held, now)

    def _validated(self, name: str, found: ConfigObject, held: _Held | None, now: datetime) -> _Held:
        """The new version if valid; else the last good one kept (the packaged file if none was applied)."""
        try:
            validated = validate_config_document(name, found.body, origin=f"{name}@{found.version_id}")
        except ConfigError as exc:
            logger.error(
                "config version rejected, last good version kept",
                extra={
                    "key": name,
                    "version": found.version_id,
                    "kept": held.version if held else PACKAGED,
                    "reason": str(exc)[:1000],
                },
            )
            self._metrics.count("ConfigRejected", 1, key=name)
            self._metrics.count("ConfigRejected", 1)  # without the key: the one metric the alarm watches
            kept = held or _Held(load_data_file(name, config_model(name)), PACKAGED, "", None)
            return _Held(kept.model, kept.version, kept.etag, now)
        if held is not None:
            _log_change(name, held.model, validated, found.version_id)
        return _Held(validated, found.version_id, found.etag, now)


def agent_ids(watchlist: Any) -> set[str]:
    return {str(agent.id) for agent in getattr(watchlist, "agents", ())}


def _log_change(name: str, before: BaseModel, after: BaseModel, version: str) -> None:
    if name != "watchlist.yaml":
        logger.info("config version applied", extra={"key": name, "version": version})
        return
    added = sorted(agent_ids(after) - agent_ids(before))
    removed = sorted(agent_ids(before) - agent_ids(after))
    # A removed agent stops alerting; its stored updates stay; subscriptions naming it are listed by
    # `pipewatch watchlist push` (their owners are told there).
    logger.info(
        "watchlist version applied",
        extra={"version": version, "agents_added": added, "agents_removed": removed},
    )

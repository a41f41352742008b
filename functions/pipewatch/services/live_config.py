"""The configuration a function runs with: the live watchlist, taxonomy and sources (issue 26).

Per container, each file is read from the config store at most once per refresh interval, with a conditional
request on the ETag held (an unchanged file costs a 304 and no parsing). A new version is validated with the
same function `pipewatch watchlist push` runs; a version that fails is never applied: the last good one stays,
an error is logged and `ConfigRejected` is counted (by `key`, and once without, for the stack's alarm). No
object in the store means the packaged file; an override (a path or text in the settings) wins over the store.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from pipewatch.config import CONFIG_FILES, config_model, load_data_file, validate_config_document
from pipewatch.errors import ConfigError
from pipewatch.observability import NullMetrics, logger
from pipewatch.services.ports import ConfigObject, ConfigSource, MetricsSink

if TYPE_CHECKING:
    from pydantic import BaseModel

    from pipewatch.domain.ingest.sources import SourcesConfig
    from pipewatch.domain.watch.taxonomy import Taxonomy
    from pipewatch.domain.watch.watchlist import Watchlist

PACKAGED = "packaged"


UNREAD = "unread"  # the version of a file a function does not use (never read, never validated)


@dataclass(frozen=True)
class ConfigSet:
    """The files as one function applies them; `versions` says which, in CONFIG_FILES' order (a service
    built from one set is rebuilt when it changes). A function that uses only some files reads only those
    (`LiveConfig.current(files)`): the others are UNREAD, and asking for one is a programming error."""

    models: Mapping[str, BaseModel]
    versions: tuple[str, str, str]

    @property
    def watchlist(self) -> Watchlist:
        return cast("Watchlist", self._model("watchlist.yaml"))

    @property
    def taxonomy(self) -> Taxonomy:
        return cast("Taxonomy", self._model("taxonomy.yaml"))

    @property
    def sources(self) -> SourcesConfig:
        return cast("SourcesConfig", self._model("sources.yaml"))

    def _model(self, name: str) -> Any:
        if name not in self.models:
            raise LookupError(f"{name} was not read for this function (it reads {', '.join(self.models)})")
        return self.models[name]


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

    def current(self, files: Collection[str] = CONFIG_FILES) -> ConfigSet:
        """The files in `files` as they apply now (the others are neither read nor validated: the taxonomy
        costs a function that never classifies a validation at its first call and a request per refresh)."""
        read = {name: self.document(name) for name in CONFIG_FILES if name in files}
        versions = tuple(read[name][1] if name in read else UNREAD for name in CONFIG_FILES)
        return ConfigSet({name: model for name, (model, _) in read.items()}, versions)  # type: ignore[arg-type]

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

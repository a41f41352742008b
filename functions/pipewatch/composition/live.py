"""Composition root, live configuration (issue 26): the config bucket, the live configuration a container
applies, and services rebuilt when a pushed file changes version; also what `watchlist check` reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pipewatch.adapters.aws import lazy_client
from pipewatch.settings import Settings

if TYPE_CHECKING:
    from datetime import datetime

    from pipewatch.adapters.config_store import S3ConfigStore
    from pipewatch.services.config_admin import ConfigAdmin
    from pipewatch.services.live_config import ConfigSet, LiveConfig
    from pipewatch.services.ports import HeadlineCorpus, MetricsSink, WordFrequencies

ServiceT = TypeVar("ServiceT")


def build_config_store(settings: Settings, *, s3_client: Any = None) -> S3ConfigStore:
    """The stack's versioned config bucket ($PIPEWATCH_CONFIG_BUCKET), as the CLI pushes to it."""
    from pipewatch.adapters.config_store import S3ConfigStore

    return S3ConfigStore(s3_client or lazy_client("s3", settings), settings.require("config_bucket"))


def build_config_admin(
    settings: Settings, *, s3_client: Any = None, dynamodb_client: Any = None
) -> ConfigAdmin:
    """`pipewatch watchlist push | pull | history | rollback`: the bucket, and the subscriptions (when the
    table is known) so a push that removes an agent lists the subscriptions naming it."""
    from pipewatch.adapters.subscriptions import SubscriptionTable
    from pipewatch.adapters.watch_marks import DynamoWatchMarks
    from pipewatch.services.config_admin import ConfigAdmin

    store = build_config_store(settings, s3_client=s3_client)
    if not settings.table_name:
        return ConfigAdmin(store)
    ddb = dynamodb_client or lazy_client("dynamodb", settings)
    return ConfigAdmin(
        store,
        subscriptions=SubscriptionTable(ddb, settings.table_name),
        marks=DynamoWatchMarks(ddb, settings.table_name),
    )


def build_live_config(
    settings: Settings,
    *,
    s3_client: Any = None,
    clock: Callable[[], datetime] | None = None,
    metrics: MetricsSink | None = None,
) -> LiveConfig:
    """The configuration a container applies: the bucket's current versions (re-read at most every
    `config_refresh_seconds`), the packaged files without a bucket, an override wherever one is set."""
    from datetime import timedelta

    from pipewatch.observability import PowertoolsMetricsSink
    from pipewatch.services.live_config import LiveConfig

    return LiveConfig(
        build_config_store(settings, s3_client=s3_client) if settings.config_bucket else None,
        overrides={
            "watchlist.yaml": settings.watchlist_override,
            "taxonomy.yaml": settings.taxonomy_override,
            "sources.yaml": settings.sources_override,
        },
        refresh=timedelta(seconds=settings.config_refresh_seconds),
        metrics=metrics or PowertoolsMetricsSink(),
        **({"clock": clock} if clock else {}),
    )


def current_config(settings: Settings, config: ConfigSet | None = None) -> ConfigSet:
    """`config` when given, else what applies now (each file read from the bucket, or the packaged file,
    when the caller first asks for it)."""
    return config or build_live_config(settings).current()


class _LiveService:
    """A service rebuilt from the configuration whenever a file it was built from changes version (a push
    applied): each call goes to the service built from the current set, so a running container picks a
    push up without a restart. Checking costs nothing within the refresh interval (the live config answers
    from memory); a file the service never read (ConfigSet reads on first use) is neither read nor checked."""

    __slots__ = ("_build", "_built", "_config", "_live")

    def __init__(self, live: LiveConfig, build: Callable[[ConfigSet], Any]) -> None:
        self._live = live
        self._build = build
        self._config: ConfigSet | None = None
        self._built: Any = None

    def current(self) -> Any:
        if self._built is None or self._config is None or self._changed(self._config):
            config = self._live.current()
            self._built = self._build(config)
            self._config = config
        return self._built

    def _changed(self, config: ConfigSet) -> bool:
        return any(
            self._live.document(name)[1] != version for name, version in config.read_versions().items()
        )

    def config_versions(self) -> tuple[str, ...]:
        """The versions (watchlist, taxonomy, sources) the service last used (a stack test's evidence); ""
        for a file it does not use."""
        from pipewatch.config import CONFIG_FILES

        if self._config is None:
            return ()
        read = self._config.read_versions()
        return tuple(read.get(name, "") for name in CONFIG_FILES)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)


def live_service(live: LiveConfig, build: Callable[[ConfigSet], ServiceT]) -> ServiceT:
    """`build(config)` for the configuration that applies at each call (see _LiveService)."""
    return cast("ServiceT", _LiveService(live, build))


def build_watchlist_checks(corpus: str | None = None) -> tuple[WordFrequencies | None, HeadlineCorpus | None]:
    """What `watchlist check` reads beside the file: word frequencies (None without wordfreq) and, when a
    directory is given, the recorded headlines in it."""
    from pipewatch.adapters.headline_corpus import DirectoryCorpus
    from pipewatch.adapters.word_frequency import wordfreq_frequencies

    return wordfreq_frequencies(), (DirectoryCorpus(corpus) if corpus else None)

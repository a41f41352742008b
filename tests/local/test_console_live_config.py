"""The console's default service (handlers/_defaults.py) is built through the live configuration like the
other functions': a warm container keeps the console it built until the refresh interval has passed after a
push, then builds it again from the pushed watchlist (whose agents its filters offer)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pytest

from pipewatch import composition
from pipewatch.config import packaged_data_path
from pipewatch.handlers import _defaults
from pipewatch.services.live_config import ConfigSet, LiveConfig
from pipewatch.services.ports import ConfigObject
from watchlist_edits import with_anifrolumab

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
Built = tuple[list[ConfigSet], "PushedWatchlist", list[datetime]]


class PushedWatchlist:
    """A config source holding only watchlist.yaml (hand-made versions p1, p2...); the rest is packaged."""

    def __init__(self) -> None:
        self.versions: list[str] = [packaged_data_path("watchlist.yaml").read_text(encoding="utf-8")]

    def current(self, key: str, *, etag: str = "") -> ConfigObject | Literal["not_modified"] | None:
        if key != "watchlist.yaml":
            return None
        version = f"p{len(self.versions)}"
        return "not_modified" if etag == version else ConfigObject(key, self.versions[-1], version, version)


@pytest.fixture
def built(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[list[ConfigSet], PushedWatchlist, list[datetime]]]:
    store, now, configs = PushedWatchlist(), [T0], []
    live = LiveConfig(store, clock=lambda: now[0], refresh=timedelta(minutes=5))

    def build_console_service(settings: Any, *, config: ConfigSet) -> Any:
        configs.append(config)
        config.watchlist  # noqa: B018 - as its first page with a filter does (the agents it offers)
        return type("Console", (), {"handle": staticmethod(lambda request: request)})()

    monkeypatch.setattr(_defaults, "live_config", lambda: live)
    monkeypatch.setattr(composition, "build_console_service", build_console_service)
    _defaults.console_service.cache_clear()
    yield configs, store, now
    _defaults.console_service.cache_clear()


def test_given_a_pushed_watchlist_then_the_console_is_rebuilt_from_it_after_the_refresh_interval(
    built: Built,
) -> None:
    configs, store, now = built
    console = _defaults.console_service()
    assert console.handle("request") == "request"  # type: ignore[arg-type]
    assert configs[-1].read_versions()["watchlist.yaml"] == "p1"

    store.versions.append(with_anifrolumab())
    now[0] += timedelta(minutes=4, seconds=59)
    console.handle("request")  # type: ignore[arg-type]
    assert len(configs) == 1  # within the interval: the console it built

    now[0] += timedelta(seconds=1)
    console.handle("request")  # type: ignore[arg-type]
    assert len(configs) == 2 and configs[-1].read_versions()["watchlist.yaml"] == "p2"
    assert "anifrolumab" in {a.id for a in configs[-1].watchlist.agents}

"""services/live_config.LiveConfig on an in-memory config source (no moto): the rules the S3 integration
test does not reach - the store unavailable, an override winning over the store, a removed object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest

from pipewatch.composition import live_service
from pipewatch.errors import ConfigError
from pipewatch.services.live_config import PACKAGED, LiveConfig
from pipewatch.services.ports import ConfigObject
from watchlist_edits import with_anifrolumab

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _stored() -> ConfigObject:
    return ConfigObject("watchlist.yaml", with_anifrolumab(), '"e1"', "v1")


@dataclass
class ScriptedConfigSource:
    """The ConfigSource port: one stored object per key (or none), or an outage."""

    objects: dict[str, ConfigObject] = field(default_factory=dict)
    down: bool = False
    asked: list[tuple[str, str]] = field(default_factory=list)

    def current(self, key: str, *, etag: str = "") -> ConfigObject | Literal["not_modified"] | None:
        self.asked.append((key, etag))
        if self.down:
            raise ConfigError(f"s3://bucket/{key}: cannot read: SlowDown")
        found = self.objects.get(key)
        if found is not None and found.etag == etag:
            return "not_modified"
        return found


def test_given_the_store_down_then_the_version_held_stays_and_a_first_read_fails() -> None:
    now = [T0]
    source = ScriptedConfigSource({"watchlist.yaml": _stored()})
    live = LiveConfig(source, clock=lambda: now[0])
    assert live.document("watchlist.yaml")[1] == "v1"
    source.down = True
    now[0] += timedelta(minutes=5)
    assert live.document("watchlist.yaml")[1] == "v1"
    with pytest.raises(ConfigError, match="SlowDown"):
        LiveConfig(source, clock=lambda: now[0]).document("watchlist.yaml")


def test_given_an_override_then_the_store_is_never_asked() -> None:
    source = ScriptedConfigSource()
    live = LiveConfig(source, overrides={"watchlist.yaml": with_anifrolumab()})
    watchlist, version = live.document("watchlist.yaml")
    assert version == "override" and watchlist.agents[-1].id == "anifrolumab"
    assert source.asked == []


def test_given_the_object_deleted_then_the_packaged_file_applies_again() -> None:
    now = [T0]
    source = ScriptedConfigSource({"watchlist.yaml": _stored()})
    live = LiveConfig(source, clock=lambda: now[0])
    assert live.document("watchlist.yaml")[1] == "v1"
    del source.objects["watchlist.yaml"]
    now[0] += timedelta(minutes=5)
    watchlist, version = live.document("watchlist.yaml")
    assert version == PACKAGED and "anifrolumab" not in [a.id for a in watchlist.agents]
    assert source.asked == [("watchlist.yaml", ""), ("watchlist.yaml", '"e1"')]


def test_given_a_live_service_of_the_watchlist_then_a_taxonomy_push_neither_is_read_nor_rebuilds_it() -> None:
    source = ScriptedConfigSource({"watchlist.yaml": _stored()})
    built: list[str] = []
    service = live_service(
        LiveConfig(source, refresh=timedelta(0)),
        lambda c: built.append(c.watchlist.agents[-1].id) or object(),
    )
    service.current()  # type: ignore[attr-defined]
    source.objects["taxonomy.yaml"] = ConfigObject("taxonomy.yaml", "not read", '"t1"', "t1")
    service.current()  # type: ignore[attr-defined]
    assert built == ["anifrolumab"]
    assert {key for key, _ in source.asked} == {"watchlist.yaml"}

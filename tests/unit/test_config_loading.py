"""Configuration files fail with the file, the key and what is wrong; env vars override packaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipewatch.config import load_data_file, load_yaml_model, packaged_data_path, resolve_data_path
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import ConfigError
from pipewatch.settings import Settings


def test_given_the_packaged_files_then_they_load() -> None:
    watchlist = load_yaml_model(resolve_data_path("watchlist.yaml"), Watchlist)
    assert {"efgartigimod", "dazukibart", "brepocitinib"} <= {a.id for a in watchlist.agents}
    sources = load_yaml_model(resolve_data_path("sources.yaml"), SourcesConfig)
    assert any(s.kind == "ctgov" for s in sources.sources)


def test_given_a_wrong_type_then_the_error_names_file_key_and_problem(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("version: 1\nsources:\n  - id: x1\n    kind: rss\n    url: 42\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_yaml_model(bad, SourcesConfig)
    message = str(caught.value)
    assert str(bad) in message
    assert "sources.0.url" in message
    assert "string" in message


def test_given_invalid_yaml_then_the_error_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "watchlist.yaml"
    bad.write_text("agents: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"watchlist\.yaml: not valid YAML"):
        load_yaml_model(bad, Watchlist)


def test_given_a_list_at_top_level_then_it_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "watchlist.yaml"
    bad.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\(top level\): expected a mapping, got list"):
        load_yaml_model(bad, Watchlist)


def test_given_a_missing_file_then_the_error_says_it_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_yaml_model(tmp_path / "nope.yaml", Watchlist)


def test_given_an_env_override_then_settings_carry_it_and_it_wins(tmp_path: Path) -> None:
    override = tmp_path / "mine.yaml"
    settings = Settings.from_env({"PIPEWATCH_WATCHLIST": str(override)})
    assert settings.watchlist_override == str(override)
    assert resolve_data_path("watchlist.yaml", settings.watchlist_override) == override
    assert resolve_data_path("watchlist.yaml") == packaged_data_path("watchlist.yaml")


def test_given_inline_sources_text_then_it_is_parsed_not_opened() -> None:
    text = '{"version": 1, "sources": [{"id": "fda-press", "name": "FDA", "kind": "rss", "url": "http://127.0.0.1:9/f.xml"}]}'
    sources = load_data_file("sources.yaml", SourcesConfig, text)
    assert [s.id for s in sources.sources] == ["fda-press"]
    with pytest.raises(ConfigError, match=r"sources.yaml \(inline\)"):
        load_data_file("sources.yaml", SourcesConfig, '{"version": 1, "sources": [{"id": 3}]}')


def test_given_no_table_name_then_a_service_that_needs_it_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="PIPEWATCH_TABLE is not set"):
        Settings.from_env({}).require("table_name")


def test_given_environment_values_then_settings_validate_them() -> None:
    settings = Settings.from_env({"PIPEWATCH_TABLE": "t", "PIPEWATCH_POLL_BUDGET_SECONDS": "30"})
    assert settings.table_name == "t"
    assert settings.poll_budget_seconds == 30.0
    with pytest.raises(ValueError, match="greater than 0"):
        Settings.from_env({"PIPEWATCH_POLL_BUDGET_SECONDS": "0"})

"""The JSON copies of the packaged data files, which Lambdas read (pipewatch.config), are the YAML files'
documents: same data, same validated models. After editing a YAML file, regenerate the copies with
`python -m pipewatch_local.packaged_data`.
"""

from __future__ import annotations

import json

import pytest
import yaml

from pipewatch.config import (
    clear_cache,
    load_data_file,
    load_packaged_json_model,
    load_yaml_model,
    packaged_data_path,
    packaged_json_path,
)
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.watch.watchlist import Taxonomy, Watchlist
from pipewatch_local.packaged_data import PACKAGED, json_text

MODELS = {"watchlist.yaml": Watchlist, "taxonomy.yaml": Taxonomy, "sources.yaml": SourcesConfig}
REGENERATE = "stale JSON copy: run `python -m pipewatch_local.packaged_data` after editing the YAML"


def test_given_the_packaged_files_then_every_one_has_a_model_here() -> None:
    assert sorted(PACKAGED) == sorted(MODELS)


@pytest.mark.parametrize("name", PACKAGED)
def test_given_a_packaged_yaml_file_then_its_json_copy_holds_the_same_document(name: str) -> None:
    copy = packaged_json_path(name).read_text(encoding="utf-8")
    original = yaml.safe_load(packaged_data_path(name).read_text(encoding="utf-8"))
    assert json.loads(copy) == original, REGENERATE
    assert copy == json_text(name), REGENERATE


@pytest.mark.parametrize("name", PACKAGED)
def test_given_a_packaged_file_then_the_json_copy_validates_to_the_model_of_the_yaml(name: str) -> None:
    model = MODELS[name]
    assert load_packaged_json_model(name, model) == load_yaml_model(packaged_data_path(name), model)


def test_given_no_override_then_the_packaged_json_copy_is_what_loads() -> None:
    clear_cache()
    try:
        assert load_data_file("watchlist.yaml", Watchlist) == load_packaged_json_model(
            "watchlist.yaml", Watchlist
        )
    finally:
        clear_cache()

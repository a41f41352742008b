"""The JSON copies of the packaged data files, which Lambdas read (pipewatch.config), are the YAML files'
documents: same data, same validated models. After editing a YAML file, regenerate the copies with
`python -m pipewatch_local.packaged_data` (tests/local/test_packaged_json_copies.py checks they are current).
"""

from __future__ import annotations

import pytest

from pipewatch.config import (
    clear_cache,
    load_data_file,
    load_packaged_json_model,
    load_yaml_model,
    packaged_data_path,
)
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

MODELS = {"watchlist.yaml": Watchlist, "taxonomy.yaml": Taxonomy, "sources.yaml": SourcesConfig}


@pytest.mark.parametrize("name", sorted(MODELS))
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

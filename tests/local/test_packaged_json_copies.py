"""The harness's regenerator (pipewatch_local.packaged_data) knows every packaged data file, and the
committed JSON copies, which Lambdas read (pipewatch.config), are what it writes from the YAML files. After
editing a YAML file, regenerate the copies with `python -m pipewatch_local.packaged_data`.
"""

from __future__ import annotations

import json

import pytest
import yaml

from pipewatch.config import packaged_data_path, packaged_json_path, packaged_stamps_path
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch_local.packaged_data import PACKAGED, json_text, stamps_text

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


def test_given_the_packaged_copies_then_their_stamps_are_current() -> None:
    """The stamps say each copy, exactly as committed, passed every check (patterns included)."""
    assert packaged_stamps_path().read_text(encoding="utf-8") == stamps_text(), REGENERATE

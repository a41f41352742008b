"""The JSON copies of the packaged data files (`functions/pipewatch/data/<name>.json`), which a Lambda reads
instead of the YAML (no PyYAML import, no YAML parse at cold start; see pipewatch.config).

The YAML files are the source of truth; after editing one, run

    python -m pipewatch_local.packaged_data

It then validates each copy in full (every pattern check included) and writes `data/stamps.json`, the
stamp of each copy that passed (pipewatch.config.content_stamp): a Lambda loading a stamped copy skips the
pattern checks the build already ran. tests/local/test_packaged_json_copies.py fails while a copy differs
from its YAML or its stamp from the copy.
"""

from __future__ import annotations

import json
import sys

import yaml
from pydantic import BaseModel

from pipewatch.config import content_stamp, packaged_data_path, packaged_json_path, packaged_stamps_path
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

MODELS: dict[str, type[BaseModel]] = {
    "watchlist.yaml": Watchlist,
    "taxonomy.yaml": Taxonomy,
    "sources.yaml": SourcesConfig,
}
PACKAGED = tuple(MODELS)


def yaml_document(name: str) -> object:
    return yaml.safe_load(packaged_data_path(name).read_text(encoding="utf-8"))


def json_text(name: str) -> str:
    """The JSON copy of a packaged YAML file, as written (stable: the YAML's key order, one value a line).
    JSON has no comments and the models forbid unknown keys, so the copy carries no "generated" note: this
    module's docstring and the test say where it comes from."""
    return json.dumps(yaml_document(name), indent=1, ensure_ascii=False) + "\n"


def stamps_text() -> str:
    """The stamps of the JSON copies as they are on disk, each validated in full first (no validation
    context: every pattern check runs); a copy that fails raises, and nothing is stamped."""
    stamps = {}
    for name in PACKAGED:
        path = packaged_json_path(name)
        content = path.read_bytes()
        MODELS[name].model_validate(json.loads(content))
        stamps[path.name] = content_stamp(content)
    return json.dumps(stamps, indent=1, sort_keys=True) + "\n"


def main() -> int:
    for name in PACKAGED:
        path = packaged_json_path(name)
        path.write_text(json_text(name), encoding="utf-8")
        print(f"wrote {path}")
    stamps = packaged_stamps_path()
    stamps.unlink(missing_ok=True)  # a copy that fails validation below must not keep an old stamp
    stamps.write_text(stamps_text(), encoding="utf-8")
    print(f"wrote {stamps} (every copy validated in full)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

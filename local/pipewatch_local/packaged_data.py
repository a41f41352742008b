"""The JSON copies of the packaged data files (`functions/pipewatch/data/<name>.json`), which a Lambda reads
instead of the YAML (no PyYAML import, no YAML parse at cold start; see pipewatch.config).

The YAML files are the source of truth; after editing one, run

    python -m pipewatch_local.packaged_data

tests/local/test_packaged_json_copies.py fails while a copy differs from its YAML.
"""

from __future__ import annotations

import json
import sys

import yaml

from pipewatch.config import packaged_data_path, packaged_json_path

PACKAGED = ("watchlist.yaml", "taxonomy.yaml", "sources.yaml")


def yaml_document(name: str) -> object:
    return yaml.safe_load(packaged_data_path(name).read_text(encoding="utf-8"))


def json_text(name: str) -> str:
    """The JSON copy of a packaged YAML file, as written (stable: the YAML's key order, one value a line).
    JSON has no comments and the models forbid unknown keys, so the copy carries no "generated" note: this
    module's docstring and the test say where it comes from."""
    return json.dumps(yaml_document(name), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    for name in PACKAGED:
        path = packaged_json_path(name)
        path.write_text(json_text(name), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

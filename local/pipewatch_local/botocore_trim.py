"""Ship only the botocore service models the functions call (issue 28, cold start).

botocore's data directory holds a model for every AWS service (449 directories, 28 MB of the dependency
layer), and the first client a cold start creates lists all of them (`Loader.list_available_services`, ~40 ms
CPU). The functions call a handful of services, declared once in pipewatch.adapters.aws (SHIPPED_SERVICES: the
ones they call and the ones botocore's credential providers may need); the client factory refuses any other.
After `sam build`, `trim_build` deletes from the layer's botocore/data every service directory not declared,
keeping every top-level file (endpoints.json, partitions.json, _retry.json, sdk-default-configuration.json).
endpoints.json keeps, in each partition, only the entries of the declared services (by their models'
endpointPrefix: ses is `email`, sso `portal.sso`): the first client of a cold start parses the whole file
(1.25 MB, ~15 ms of CPU) and reads from it only its own service's entry and the partitions' regions.
It is idempotent, and refuses (before deleting anything) a layer that lacks a declared service.

    python -m pipewatch_local.bytecode BUILD_DIR     # runs this step, then compiles (docs/deploy.md)
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipewatch.adapters.aws import SHIPPED_SERVICES


@dataclass(frozen=True)
class TrimReport:
    data_dir: Path
    kept: tuple[str, ...]
    removed: int
    bytes_before: int
    bytes_after: int

    def describe(self) -> str:
        return (
            f"{self.data_dir}: kept {len(self.kept)} botocore service models, removed {self.removed} "
            f"({self.bytes_before / 1e6:.1f} MB -> {self.bytes_after / 1e6:.1f} MB)"
        )


def botocore_data_dirs(build_dir: Path) -> list[Path]:
    """The botocore/data directory of every layer in a build output (`<Layer>/python/botocore/data`)."""
    return sorted(p for p in build_dir.glob("*/python/botocore/data") if p.is_dir())


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def trim_data_dir(data_dir: Path, keep: Iterable[str] = SHIPPED_SERVICES) -> TrimReport:
    """Delete every service directory of one botocore/data not in `keep`; top-level files stay.
    RuntimeError, with nothing deleted, if a service of `keep` has no directory there."""
    wanted = frozenset(keep)
    services = {p.name: p for p in data_dir.iterdir() if p.is_dir()}
    missing = sorted(wanted - services.keys())
    if missing:
        raise RuntimeError(
            f"{data_dir}: declared AWS services missing from the layer's botocore: {', '.join(missing)} "
            "(a client for them would fail in Lambda; is the botocore pin right, or the name misspelt?)"
        )
    before = _size(data_dir)
    unwanted = sorted(name for name in services if name not in wanted)
    for name in unwanted:
        shutil.rmtree(services[name])
    trim_endpoints(data_dir, wanted)
    return TrimReport(data_dir, tuple(sorted(wanted)), len(unwanted), before, _size(data_dir))


def endpoint_prefixes(data_dir: Path, services: Iterable[str]) -> set[str]:
    """The endpoints.json key of each service: its models' `endpointPrefix` (any API version), else its
    directory name."""
    prefixes: set[str] = set()
    for service in services:
        prefixes.add(service)
        for model in sorted((data_dir / service).glob("*/service-2.json*")):
            raw = model.read_bytes()
            document = json.loads(gzip.decompress(raw) if model.suffix == ".gz" else raw)
            prefix = document.get("metadata", {}).get("endpointPrefix")
            if isinstance(prefix, str):
                prefixes.add(prefix)
    return prefixes


def trim_endpoints(data_dir: Path, services: Iterable[str]) -> None:
    """Keep in each partition of endpoints.json only the entries of `services` (the rest of the file as it
    is); a file without partitions is left alone. Idempotent."""
    path = data_dir / "endpoints.json"
    if not path.is_file():
        return
    document = json.loads(path.read_bytes())
    partitions = document.get("partitions") if isinstance(document, dict) else None
    if not isinstance(partitions, list):
        return
    keep = endpoint_prefixes(data_dir, services)
    for partition in partitions:
        entries = partition.get("services")
        if isinstance(entries, dict):
            partition["services"] = {name: entry for name, entry in entries.items() if name in keep}
    trimmed = json.dumps(document, separators=(",", ":")).encode()
    if trimmed != path.read_bytes():
        path.write_bytes(trimmed)


def trim_build(build_dir: Path, keep: Iterable[str] = SHIPPED_SERVICES) -> list[TrimReport]:
    """Trim the botocore of every layer of a build output. RuntimeError if the build has no botocore (the
    layer not built, or the wrong directory) or a layer lacks a declared service."""
    data_dirs = botocore_data_dirs(build_dir)
    if not data_dirs:
        raise RuntimeError(f"{build_dir}: no layer with python/botocore/data to trim")
    wanted = frozenset(keep)
    return [trim_data_dir(data_dir, wanted) for data_dir in data_dirs]

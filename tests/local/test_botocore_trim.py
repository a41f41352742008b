"""pipewatch_local.botocore_trim on a hand-made build tree: the layer's botocore/data keeps the declared
services and every top-level file, the step is idempotent, and a layer lacking a declared service is refused
with nothing deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipewatch.adapters.aws import SHIPPED_SERVICES
from pipewatch_local.botocore_trim import trim_build

TOP_LEVEL_FILES = ("_retry.json", "endpoints.json", "partitions.json", "sdk-default-configuration.json")
UNDECLARED = ("cloudformation", "ec2", "lambda", "s3control")


def _hand_made_build(root: Path, services: tuple[str, ...]) -> Path:
    """A build output shaped like `sam build`'s: two functions and a layer whose botocore/data holds the
    given service directories (each with a model file in an API-version directory) and the top-level files."""
    for function in ("AlertFunction", "PollFunction"):
        (root / function / "pipewatch").mkdir(parents=True)
    data = root / "RuntimeDependencies" / "python" / "botocore" / "data"
    data.mkdir(parents=True)
    for name in TOP_LEVEL_FILES:
        (data / name).write_text("{}", encoding="utf-8")
    for service in services:
        version = data / service / "2012-08-10"
        version.mkdir(parents=True)
        (version / "service-2.json").write_text('{"metadata": {}}' + " " * 1000, encoding="utf-8")
    return data


def _tree(path: Path) -> list[str]:
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*"))


def test_given_a_layer_with_undeclared_services_then_only_the_declared_and_top_level_files_stay(
    tmp_path: Path,
) -> None:
    data = _hand_made_build(tmp_path, (*sorted(SHIPPED_SERVICES), *UNDECLARED))
    reports = trim_build(tmp_path)
    assert {p.name for p in data.iterdir() if p.is_dir()} == SHIPPED_SERVICES
    assert sorted(p.name for p in data.iterdir() if p.is_file()) == sorted(TOP_LEVEL_FILES)
    assert all((data / s / "2012-08-10" / "service-2.json").is_file() for s in SHIPPED_SERVICES)
    [report] = reports
    assert (report.data_dir, report.removed) == (data, len(UNDECLARED))
    assert report.bytes_after < report.bytes_before
    # The functions' code is not the step's business.
    assert (tmp_path / "AlertFunction" / "pipewatch").is_dir()


def test_given_a_trimmed_layer_when_trimmed_again_then_nothing_changes(tmp_path: Path) -> None:
    data = _hand_made_build(tmp_path, (*sorted(SHIPPED_SERVICES), *UNDECLARED))
    trim_build(tmp_path)
    once = _tree(data)
    [again] = trim_build(tmp_path)
    assert again.removed == 0
    assert _tree(data) == once


def test_given_a_layer_lacking_a_declared_service_then_it_is_refused_and_nothing_deleted(
    tmp_path: Path,
) -> None:
    present = tuple(sorted(SHIPPED_SERVICES - {"kms"}))
    data = _hand_made_build(tmp_path, (*present, *UNDECLARED))
    before = _tree(data)
    with pytest.raises(RuntimeError, match="declared AWS services missing from the layer's botocore: kms"):
        trim_build(tmp_path)
    assert _tree(data) == before


def test_given_a_build_without_a_layer_botocore_then_it_is_refused(tmp_path: Path) -> None:
    (tmp_path / "PollFunction" / "pipewatch").mkdir(parents=True)
    with pytest.raises(RuntimeError, match="no layer with python/botocore/data"):
        trim_build(tmp_path)


def test_given_an_explicit_keep_set_then_it_replaces_the_declared_one(tmp_path: Path) -> None:
    data = _hand_made_build(tmp_path, ("dynamodb", "sns", *UNDECLARED))
    trim_build(tmp_path, keep={"dynamodb"})
    assert {p.name for p in data.iterdir() if p.is_dir()} == {"dynamodb"}

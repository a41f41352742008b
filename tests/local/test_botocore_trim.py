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


def _installed_botocore_data() -> Path:
    import botocore

    return Path(botocore.__file__).parent / "data"


def test_given_the_real_endpoints_file_when_trimmed_then_every_declared_client_resolves_as_before(
    tmp_path: Path,
) -> None:
    """The installed botocore's endpoints.json and declared models (not hand-made): the trimmed file keeps
    each declared service's entry under its endpointPrefix (ses: `email`), and botocore's resolver answers
    every declared service, region and variant exactly as from the whole file."""
    import json
    import shutil

    from botocore.regions import EndpointResolver

    from pipewatch_local.botocore_trim import endpoint_prefixes

    source = _installed_botocore_data()
    data = tmp_path / "RuntimeDependencies" / "python" / "botocore" / "data"
    data.mkdir(parents=True)
    shutil.copy(source / "endpoints.json", data / "endpoints.json")
    for service in SHIPPED_SERVICES:
        shutil.copytree(source / service, data / service)
    whole = json.loads((source / "endpoints.json").read_bytes())
    trim_build(tmp_path)
    trimmed = json.loads((data / "endpoints.json").read_bytes())
    prefixes = endpoint_prefixes(data, SHIPPED_SERVICES)
    assert {"email", "portal.sso", "oidc", "dynamodb", "sns"} <= prefixes
    assert len((data / "endpoints.json").read_bytes()) < len((source / "endpoints.json").read_bytes()) / 10
    before, after = EndpointResolver(whole), EndpointResolver(trimmed)
    regions = ("us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1", "us-iso-east-1")
    answers = 0
    for prefix in sorted(prefixes):
        for region in regions:
            for fips in (False, True):
                for dualstack in (False, True):
                    expected = before.construct_endpoint(
                        prefix, region, use_dualstack_endpoint=dualstack, use_fips_endpoint=fips
                    )
                    assert (
                        after.construct_endpoint(
                            prefix, region, use_dualstack_endpoint=dualstack, use_fips_endpoint=fips
                        )
                        == expected
                    ), (prefix, region, fips, dualstack)
                    answers += expected is not None
    assert answers > 50  # most combinations resolve: the comparison is not of Nones
    assert before.get_available_partitions() == after.get_available_partitions()
    assert after.get_partition_for_region("eu-west-1") == "aws"
    # Idempotent on the real file too.
    once = (data / "endpoints.json").read_bytes()
    trim_build(tmp_path)
    assert (data / "endpoints.json").read_bytes() == once

"""The built artifact (what `sam build` makes and Lambda runs), built by `make build` before pytest.

These tests read `.aws-sam/build-arm64` (the architecture that ships) and `.aws-sam/build-<host>` (the same
template, requirements and code built for this machine, so its compiled wheels can load here). A missing build
is a failure, not a skip: `make test` always builds first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipewatch_local.artifact import SHIPPED_ARCH, default_build_dir, host_arch, moto_server


def _built(arch: str) -> Path:
    path = Path(os.environ.get(f"PIPEWATCH_BUILD_{arch.upper()}", default_build_dir(arch)))
    if not (path / "template.yaml").is_file():
        pytest.fail(f"{path}: no sam build output (run `make build`, which `make test` does first)")
    return path


@pytest.fixture(scope="session")
def shipped_build() -> Path:
    return _built(SHIPPED_ARCH)


@pytest.fixture(scope="session")
def host_build() -> Path:
    return _built(host_arch())


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """A moto_server on 127.0.0.1 (another process's view of AWS, as a deployed function would have)."""
    with moto_server() as endpoint:
        yield endpoint

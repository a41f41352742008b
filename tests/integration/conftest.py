"""Fixtures for the HTTP integration tests: a local replay server and recorded payloads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipewatch_local.replay_server import ReplayServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        yield replay


@pytest.fixture
def fixture_bytes() -> object:
    def read(relative: str) -> bytes:
        return (FIXTURES / relative).read_bytes()

    return read

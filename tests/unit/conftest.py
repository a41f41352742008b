"""Unit tests are pure: for every test here sockets are off and subprocesses forbidden, so a test that needs
AWS (moto), the network or a fresh interpreter fails loudly and belongs in tests/integration, tests/local or
tests/e2e instead. (tests/unit/test_unit_isolation.py also refuses moto and harness imports by reading the
sources, since moto needs no socket.)"""

from __future__ import annotations

import socket
import subprocess
from typing import Any, NoReturn

import pytest


class UnitIsolationError(RuntimeError):
    """Raised when a unit test reaches for a socket or a subprocess."""


def _refuse(what: str) -> Any:
    def refuse(*_args: object, **_kwargs: object) -> NoReturn:
        raise UnitIsolationError(
            f"unit tests use no {what}: move this test to tests/integration, tests/local or tests/e2e"
        )

    return refuse


class _NoSocket(socket.socket):
    """Keeps socket.socket a class (isinstance checks in libraries still work) that cannot be built."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        _refuse("sockets")()


@pytest.fixture(autouse=True)
def _pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "socket", _NoSocket)
    monkeypatch.setattr(socket, "create_connection", _refuse("sockets"))
    monkeypatch.setattr(socket, "socketpair", _refuse("sockets"))
    monkeypatch.setattr(subprocess, "Popen", _refuse("subprocesses"))

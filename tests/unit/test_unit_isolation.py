"""tests/unit stays pure: no test module here imports moto (which needs no socket, so only reading the
sources catches it), the harness, subprocess or socket; and the conftest's guards really refuse sockets and
subprocesses."""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent
FORBIDDEN = ("moto", "pipewatch_local", "subprocess", "socket", "calendar_table", "httpserver", "stack_run")
GUARDS = {"conftest.py", "test_unit_isolation.py"}  # they import socket/subprocess to switch them off


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _breaches() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(UNIT.rglob("*.py")):
        if path.name in GUARDS:
            continue
        bad = sorted(n for n in _imported(path) if n.split(".")[0] in FORBIDDEN)
        if bad:
            found[str(path.relative_to(UNIT))] = bad
    return found


def test_given_the_unit_tests_then_none_imports_moto_the_harness_subprocess_or_socket() -> None:
    assert _breaches() == {}


def test_given_a_moto_import_then_the_scan_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "test_x.py").write_text("def f():\n    from moto.sns.utils import FilterPolicyMatcher\n")
    monkeypatch.setattr(sys.modules[__name__], "UNIT", tmp_path)
    assert _breaches() == {"test_x.py": ["moto.sns.utils"]}


def test_given_a_unit_test_then_sockets_and_subprocesses_are_refused() -> None:
    with pytest.raises(RuntimeError, match="no sockets"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(RuntimeError, match="no sockets"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(RuntimeError, match="no subprocesses"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)

"""Bytecode in the artifact (issue 28): every module of every function and of the layer ships a checked-hash
.pyc of the template's runtime version, and each handler imports from its .pyc, compiling nothing, with
bytecode writing off as under Lambda's read-only code directory."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from pipewatch_local.artifact import FUNCTIONS, LAYER, handler_of
from pipewatch_local.bytecode import bytecode_problems, code_roots, import_from_build, runtime_version

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them


def test_given_the_template_runtime_then_this_interpreter_is_its_exact_version(shipped_build: Path) -> None:
    """MAGIC_NUMBER below is the runtime's only if the interpreter running these tests is that version."""
    built = (shipped_build / "template.yaml").read_text(encoding="utf-8")
    assert runtime_version(built) == runtime_version() == sys.version_info[:2]


@pytest.mark.parametrize("which", ["shipped_build", "host_build"])
def test_given_a_build_then_every_module_has_checked_hash_bytecode_of_the_runtime(
    which: str, request: pytest.FixtureRequest
) -> None:
    build: Path = request.getfixturevalue(which)
    roots = code_roots(build)
    assert sorted(r.relative_to(build).as_posix() for r in roots) == sorted([*FUNCTIONS, f"{LAYER}/python"])
    for root in roots:
        assert any(root.rglob("*.py")), root
        problems = bytecode_problems(root, importlib.util.MAGIC_NUMBER)
        assert [f"{p.source.relative_to(build)}: {p.problem}" for p in problems][:5] == [], root


@pytest.mark.parametrize("function", FUNCTIONS)
def test_given_each_handler_then_it_imports_from_bytecode_and_compiles_nothing(
    function: str, host_build: Path
) -> None:
    module = handler_of(function).rpartition(".")[0]
    probe = import_from_build(host_build / function, host_build / LAYER / "python", module)
    assert probe["dont_write_bytecode"] is True
    assert isinstance(probe["modules"], int) and probe["modules"] > 50  # the handler, pipewatch, its deps
    assert probe["without_pyc"] == []
    assert probe["compiled_from_source"] == []


def test_given_a_source_changed_after_the_build_then_the_proof_sees_the_compile(
    host_build: Path, tmp_path: Path
) -> None:
    """The proof can fail: a module whose .pyc no longer matches its source is compiled at import (checked
    hash), and both checks name it."""
    function = tmp_path / "ApiFunction"
    shutil.copytree(host_build / "ApiFunction", function)
    changed = function / "pipewatch" / "handlers" / "api.py"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n# changed after the build\n", encoding="utf-8"
    )
    assert [p.problem for p in bytecode_problems(function)] == ["compiled from another source"]
    probe = import_from_build(function, host_build / LAYER / "python", "pipewatch.handlers.api")
    assert probe["compiled_from_source"] == [str(changed)]

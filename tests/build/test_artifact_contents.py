"""What ships: every function holds the product package only, the layer holds the pinned dependencies built
for the template's architecture, and nothing of the local harness is anywhere in the build."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pipewatch_local.artifact import FUNCTIONS, LAYER

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them

ROOT = Path(__file__).resolve().parents[2]
EM_AARCH64 = 183  # ELF e_machine of AArch64
HARNESS_NAMES = {"moto", "samtranslator", "pipewatch_local", "flask", "werkzeug", "cfnlint", "pytest"}
# Every module of the harness package, by file name (a new one is covered without editing this list).
HARNESS_FILES = {p.name for p in (ROOT / "local" / "pipewatch_local").glob("*.py") if p.name != "__init__.py"}


def _elf_machine(path: Path) -> int | None:
    head = path.read_bytes()[:20]
    if head[:4] != b"\x7fELF":
        return None
    return int.from_bytes(head[18:20], "little" if head[5] == 1 else "big")


def test_given_the_shipped_build_then_every_compiled_extension_is_aarch64(shipped_build: Path) -> None:
    machines = {
        p.relative_to(shipped_build).as_posix(): _elf_machine(p) for p in shipped_build.rglob("*.so*")
    }
    compiled = {k: v for k, v in machines.items() if v is not None}
    # pydantic_core is the one the functions cannot start without; the others come with it.
    assert any("pydantic_core" in k for k in compiled), sorted(machines)
    assert {k: v for k, v in compiled.items() if v != EM_AARCH64} == {}


def test_given_each_function_then_its_code_is_the_product_package_only(shipped_build: Path) -> None:
    for function in FUNCTIONS:
        entries = sorted(p.name for p in (shipped_build / function).iterdir())
        assert entries == ["pipewatch", "requirements.txt"], (function, entries)
        names = {p.name for p in (shipped_build / function).rglob("*")}
        assert names & (HARNESS_FILES | HARNESS_NAMES) == set(), function


def test_given_the_layer_then_it_holds_no_harness_and_every_pin_at_its_version(shipped_build: Path) -> None:
    layer = shipped_build / LAYER / "python"
    top = {p.name.split("-")[0].lower() for p in layer.iterdir()}
    assert top & HARNESS_NAMES == set()
    installed = {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for p in layer.glob("*.dist-info")
        if (m := re.match(r"(.+?)-([^-]+)\.dist-info$", p.name))
    }
    for name, version in _pins().items():
        assert installed.get(name) == version, (name, version, installed.get(name))


def _pins() -> dict[str, str]:
    pins = {}
    for raw in (ROOT / "layers" / "runtime" / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: {line!r} is not pinned with =="
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_given_the_project_dependencies_then_the_layer_pins_each_within_its_range() -> None:
    """pyproject.toml says what the code needs; the layer must pin every one (and the same version where
    pyproject pins one), or the dev venv would test something the build does not ship."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins()
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is a dependency in pyproject.toml but not pinned for the build"
        assert requirement.specifier.contains(pins[name]), (name, str(requirement.specifier), pins[name])
        for extra in requirement.extras:
            assert extra != "tracer" or "aws-xray-sdk" in pins


@pytest.mark.parametrize("function", FUNCTIONS)
def test_given_the_template_then_each_function_uses_the_layer(function: str, shipped_build: Path) -> None:
    built = (shipped_build / "template.yaml").read_text(encoding="utf-8")
    assert LAYER in built
    assert f"CodeUri: {function}" in built

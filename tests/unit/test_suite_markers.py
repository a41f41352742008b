"""The `slow` marker is on the stack, demo, soak and build suites (every module of tests/e2e and tests/build,
and the stack and soak tests in tests/integration), so `pytest -m "not slow"` is the quick loop."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SLOW_SUITES = [
    *sorted((TESTS / "e2e").glob("test_*.py")),
    *sorted((TESTS / "build").glob("test_*.py")),
    TESTS / "integration" / "test_stack.py",
    TESTS / "integration" / "test_soak.py",
]


def _marked_slow(path: Path) -> bool:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            return ast.unparse(node.value) == "pytest.mark.slow"
    return False


def test_given_the_slow_suites_then_each_module_is_marked_slow() -> None:
    assert (
        len(SLOW_SUITES) >= 8
    )  # the browser, demo, CLI and lazy-import e2e tests, the two build suites, ...
    assert [p.relative_to(TESTS).as_posix() for p in SLOW_SUITES if not _marked_slow(p)] == []


def test_given_the_unit_tests_then_none_is_marked_slow() -> None:
    assert [p.name for p in sorted((TESTS / "unit").rglob("test_*.py")) if _marked_slow(p)] == []

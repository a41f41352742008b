"""pytest imports test modules by basename (the test folders are not packages): two files of one name in
different folders fail collection of the whole suite, which a run of one folder never shows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_given_every_test_module_then_no_two_share_a_basename() -> None:
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []

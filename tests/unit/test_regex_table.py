"""The build's precompiled patterns (pipewatch.regex_table, issue 28): a table entry makes the very pattern
`re.compile` makes, installing puts it where `re.compile` finds it, and a table that is missing, unreadable
or made for another engine installs nothing. Patterns here are hand-made."""

from __future__ import annotations

import marshal
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipewatch import regex_table
from pipewatch.domain.catalysts.vocabulary import alternation

HAND_MADE = (
    (r"(?<!\w)(?P<mod>early|mid|late)\s+(?P<y>(?:19|20)\d{2})(?![\w-])", int(re.IGNORECASE)),
    (r" (?:(?P<r0>approv\w*|cleared)|(?P<r1>halt(?:s|ed)?))(?= )", 0),
    (r"今年晚些时候|올해\s*후반", 0),
    (r"(?x) \d+ \s* (?: mg | g )  # a dose", 0),
)
TEXTS = (
    "Results expected late 2026 in Japan",
    " fda approves drug ",
    " trial halted now ",
    "今年晚些时候",
    "5 mg",
)


def _table(tmp_path: Path, entries: list[Any], header: object = None) -> str:
    path = tmp_path / regex_table.TABLE
    path.write_bytes(marshal.dumps((header or regex_table.engine(), entries)))
    return str(path)


@pytest.fixture
def restored_re_cache() -> Iterator[None]:
    limit = re._MAXCACHE  # type: ignore[attr-defined]
    yield
    re._MAXCACHE = limit  # type: ignore[attr-defined]
    re.purge()


def test_given_hand_made_patterns_then_each_entry_makes_what_re_compile_makes() -> None:
    for pattern, flags in HAND_MADE:
        entry = regex_table.compile_entry(pattern, flags)
        assert entry is not None
        assert entry[:2] == (pattern, flags)
        assert regex_table._sre.compile(entry[0], *entry[2:]) == re.compile(pattern, flags)


def test_given_a_table_then_its_patterns_install_and_match_as_compiled_ones(tmp_path: Path) -> None:
    entries = [regex_table.compile_entry(p, f) for p, f in HAND_MADE]
    cache: dict[Any, Any] = {}
    assert regex_table.install(_table(tmp_path, entries), cache) == len(HAND_MADE)
    for pattern, flags in HAND_MADE:
        installed, compiled = cache[(str, pattern, flags)], re.compile(pattern, flags)
        assert installed == compiled
        for text in TEXTS:
            found, expected = installed.search(text), compiled.search(text)
            assert (found and (found.span(), found.groupdict())) == (
                expected and (expected.span(), expected.groupdict())
            )


def test_given_a_pattern_the_cache_holds_then_install_keeps_the_cached_one(tmp_path: Path) -> None:
    pattern, flags = HAND_MADE[0]
    held = object()
    cache: dict[Any, Any] = {(str, pattern, flags): held}
    assert regex_table.install(_table(tmp_path, [regex_table.compile_entry(pattern, flags)]), cache) == 0
    assert cache[(str, pattern, flags)] is held


def test_given_a_table_installed_into_re_then_re_compile_returns_its_pattern_and_keeps_its_room(
    tmp_path: Path, restored_re_cache: None
) -> None:
    pattern = r"(?P<hand_made>regex[ _]table[ _]test)\d+"  # a pattern nothing else compiles
    re.purge()
    assert regex_table.install(_table(tmp_path, [regex_table.compile_entry(pattern, 0)])) == 1
    installed = re._cache[(str, pattern, 0)]  # type: ignore[attr-defined]
    assert re.compile(pattern) is installed
    assert len(re._cache) + regex_table.DEFAULT_MAXCACHE <= re._MAXCACHE  # type: ignore[attr-defined]


def test_given_a_table_for_another_engine_or_a_broken_or_missing_one_then_nothing_installs(
    tmp_path: Path,
) -> None:
    entries = [regex_table.compile_entry(*HAND_MADE[0])]
    format_, version, magic, size = regex_table.engine()
    cache: dict[Any, Any] = {}
    assert regex_table.install(_table(tmp_path, entries, (format_, version, magic + 1, size)), cache) == 0
    assert (
        regex_table.install(_table(tmp_path, entries, (format_, (3, version[1] + 1), magic, size)), cache)
        == 0
    )
    broken = tmp_path / "broken.marshal"
    broken.write_bytes(b"\x00not a table")
    assert regex_table.install(str(broken), cache) == 0
    assert regex_table.install(str(tmp_path / "missing.marshal"), cache) == 0
    assert cache == {}


def test_given_a_serialized_table_then_it_reads_back_as_written(tmp_path: Path) -> None:
    entries = [regex_table.compile_entry(p, f) for p, f in HAND_MADE]
    path = tmp_path / "table.marshal"
    path.write_bytes(regex_table.serialize([e for e in entries if e]))
    cache: dict[Any, Any] = {}
    assert regex_table.install(str(path), cache) == len(HAND_MADE)


def test_given_words_of_one_length_then_the_alternation_is_the_same_text_whatever_their_order() -> None:
    # the build's table is keyed by pattern text: a set's order (the string hash seed) must not show
    words = ["sept", "juin", "june", "early in", "early", "mai"]
    assert alternation(words) == alternation(list(reversed(words))) == r"early\s+in|early|juin|june|sept|mai"


@pytest.fixture
def plain_re_cache() -> Iterator[None]:
    """`re`'s own cache back as it was after a test that made it a LazyCache."""
    saved = re._cache  # type: ignore[attr-defined]
    limit = re._MAXCACHE  # type: ignore[attr-defined]
    yield
    re._cache = saved  # type: ignore[attr-defined]
    re._MAXCACHE = limit  # type: ignore[attr-defined]


def _lazy_table(tmp_path: Path, entries: list[Any], header: object = None) -> str:
    path = tmp_path / regex_table.LAZY_TABLE
    written = regex_table.serialize_lazy(entries)
    if header is not None:
        _, packed = marshal.loads(written)
        written = marshal.dumps((header, packed))
    path.write_bytes(written)
    return str(path)


def test_given_a_lazy_table_then_re_compile_unpacks_its_pattern_on_first_use_and_compiles_nothing(
    tmp_path: Path, plain_re_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lazy = r" (?:(?P<r0>hand[ _]made[ _]lazy\w*)|(?P<r1>cue))(?= )"  # patterns nothing else compiles
    other = r"(?P<hand_made>not[ _]in[ _]the[ _]lazy[ _]table)\d+"
    re.purge()
    assert regex_table.install_lazy(_lazy_table(tmp_path, [regex_table.compile_entry(lazy)])) == 1
    from re import _compiler  # type: ignore[attr-defined]

    compiled: list[str] = []
    real_compile = _compiler.compile
    monkeypatch.setattr(_compiler, "compile", lambda p, f=0: compiled.append(p) or real_compile(p, f))
    found = re.compile(lazy)
    assert compiled == []  # unpacked from the table, not compiled
    assert found == real_compile(lazy, 0)
    assert re.compile(lazy) is found  # kept in the cache like any compiled pattern
    hit = found.match(" hand made lazyness ")
    assert hit is not None and hit["r0"] == "hand made lazyness"
    assert re.compile(other).pattern == other
    assert compiled == [other]  # a pattern outside the table compiles as before


def test_given_a_lazy_table_for_another_engine_or_a_missing_one_then_re_cache_stays_as_it_is(
    tmp_path: Path, plain_re_cache: None
) -> None:
    entries = [regex_table.compile_entry(*HAND_MADE[1])]
    format_, version, magic, size = regex_table.engine()
    before = re._cache  # type: ignore[attr-defined]
    assert regex_table.install_lazy(_lazy_table(tmp_path, entries, (format_, version, magic + 1, size))) == 0
    assert regex_table.install_lazy(str(tmp_path / "missing.marshal")) == 0
    assert re._cache is before  # type: ignore[attr-defined]

"""Precompiled regular expressions for a cold start (issue 28): the build ships, beside each function's code,
the compiled form of the patterns that function's import, service build and first documents compile, and
the handler package installs them into `re`'s own cache before anything else is imported.

`re.compile` spends its time parsing a pattern and generating the regex engine's code (~0.4 ms per pattern,
~100-200 ms for the poll's trie, date and cue patterns); turning that code into a pattern object
(`_sre.compile`) takes microseconds. The build (pipewatch_local.regex_table) records which patterns a
function compiles, runs `re`'s own parser and code generator on each with the runtime's exact Python and
checks that the pattern object made from the result equals `re.compile`'s. Every `re.compile(p, flags)`,
`re.search(p, ...)` and the like anywhere in the process (ours, the layer's) then finds its pattern in
`re._cache`, keyed as `re` keys it, and gets the very object `re.compile` would have built.

A function that reads documents also ships a lazy table (`LAZY_TABLE`): patterns it may compile at run time
but mostly does not (the classifier's ~1,450 small per-gate-word cue regexes, of which a first invocation
uses a few dozen at ~0.5 ms each to compile). Its entries stay packed until `re` misses one: `re`'s cache
becomes a dict whose `__missing__` unpacks that entry (microseconds), so a pattern costs only when used.

A table made for another Python (another engine code version) or an unreadable one installs nothing: the
patterns are then compiled as before. Nothing here changes what any pattern matches.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the engine's module (re._compiler uses it), no stubs
import marshal
import os
import re
import sys
import zlib
from typing import Any

TABLE = "regex_table.marshal"  # in the package's data directory, written by the build only
LAZY_TABLE = "regex_table_lazy.marshal"  # the same, packed per entry, unpacked on `re`'s miss
FORMAT = 1
# `re` keeps up to _MAXCACHE patterns and drops its oldest entry for each new one beyond that: installing
# raises the limit by the table's size, so the table's patterns stay and everything else keeps `re`'s room.
DEFAULT_MAXCACHE = 512


def engine() -> tuple[int, tuple[int, int], int, int]:
    """What the engine code depends on: the table's format, the Python version, the engine's magic number
    and code-word size. A table is used only by an interpreter with the same four."""
    return (FORMAT, (sys.version_info[0], sys.version_info[1]), _sre.MAGIC, _sre.CODESIZE)


# One precompiled pattern: re's cache key (pattern, flags), then _sre.compile's arguments after the pattern.
Entry = tuple[str, int, int, list[int], int, dict[str, int], tuple[str | None, ...]]


def compile_entry(pattern: str, flags: int = 0) -> Entry | None:
    """The build's side: `re`'s own parser and code generator on `pattern`, or None when the pattern object
    made from the result would not equal `re.compile(pattern, flags)`'s (then it is left to run time)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(word) for word in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    entry: Entry = (
        pattern, flags, int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex,
        tuple(indexgroup),
    )  # fmt: skip
    if _sre.compile(*entry[:1], *entry[2:]) != _compiler.compile(pattern, flags):
        return None
    return entry


def serialize(entries: list[Entry]) -> bytes:
    """A table's bytes, for this interpreter's engine."""
    return marshal.dumps((engine(), entries))


def serialize_lazy(entries: list[Entry]) -> bytes:
    """A lazy table's bytes: (pattern, flags) -> that entry, marshalled and compressed on its own."""
    packed = {(e[0], e[1]): zlib.compress(marshal.dumps(e[2:])) for e in entries}
    return marshal.dumps((engine(), packed))


def table_path(name: str = TABLE) -> str:
    """Beside the packaged data files (os.path, not pathlib: this runs before anything else is imported)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", name)


class LazyCache(dict[Any, Any]):
    """`re`'s pattern cache that answers a miss from a lazy table: the entry is unpacked into the very
    pattern object `re.compile` would build and kept like any cached pattern. `re` looks its cache up by
    subscript (Python 3.11's `re._compile`), so a miss of a pattern outside the table is a KeyError, as for
    a plain dict, and `re` compiles it."""

    def __init__(self, cached: dict[Any, Any], packed: dict[tuple[str, int], bytes]) -> None:
        super().__init__(cached)
        self.packed = packed

    def __missing__(self, key: Any) -> Any:
        kind, pattern, flags = key
        blob = self.packed.get((pattern, flags)) if kind is str else None
        if blob is None:
            raise KeyError(key)
        final_flags, code, groups, groupindex, indexgroup = marshal.loads(zlib.decompress(blob))  # noqa: S302
        compiled = _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
        self[key] = compiled
        return compiled


def install_lazy(path: str | None = None) -> int:
    """Make `re`'s cache answer its misses from the lazy table at `path`; returns how many entries it holds.
    Nothing changes without a readable table for this engine, or where `re` does not look its cache up by
    subscript (Python other than 3.11: its `re._compile` pops from an LRU dict instead)."""
    if sys.version_info[:2] != (3, 11) or not isinstance(getattr(re, "_cache", None), dict):
        return 0
    try:
        with open(path or table_path(LAZY_TABLE), "rb") as table:
            content = table.read()
    except OSError:
        return 0
    try:
        header, packed = marshal.loads(content)  # noqa: S302 - the build's own file, as for `install`
    except (EOFError, ValueError, TypeError):
        return 0
    if tuple(header) != engine() or not isinstance(packed, dict):
        return 0
    cache = re._cache  # type: ignore[attr-defined]
    if isinstance(cache, LazyCache):
        cache.packed.update(packed)
    else:
        re._cache = LazyCache(cache, packed)  # type: ignore[attr-defined]
    return len(packed)


def install(path: str | None = None, cache: dict[Any, Any] | None = None) -> int:
    """Put the table's patterns into `re`'s cache (or `cache`); returns how many. Entries `re` already holds
    are kept. Missing, unreadable or foreign tables install nothing."""
    target: dict[Any, Any] = re._cache if cache is None else cache  # type: ignore[attr-defined]
    try:
        with open(path or table_path(), "rb") as table:
            content = table.read()
    except OSError:
        return 0  # a source tree or a build without a table: patterns compile as they are first used
    try:
        # the build's own file in the function's read-only code directory, as trusted as the code beside it
        header, entries = marshal.loads(content)  # noqa: S302
    except (EOFError, ValueError, TypeError):
        return 0
    if tuple(header) != engine():
        return 0
    installed = 0
    for pattern, flags, final_flags, code, groups, groupindex, indexgroup in entries:
        key = (str, pattern, flags)
        if key not in target:
            target[key] = _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
            installed += 1
    if cache is None:
        limit = getattr(re, "_MAXCACHE", DEFAULT_MAXCACHE)
        re._MAXCACHE = max(limit, len(target) + DEFAULT_MAXCACHE)  # type: ignore[attr-defined]
    return installed

"""What the JSON-lines commands (`pipewatch classify`, `pipewatch render`, `pipewatch catalysts extract`)
share: the loop that answers stdin line by line, and the input line format of classify and render (one JSON
object per line with a string `title`). Errors are ValueErrors whose message is what the command prints for
that line."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

# What str.splitlines() breaks a line at beyond what JSON escapes anyway (control characters below U+0020):
# written raw (ensure_ascii=False), they split one JSON object over several "lines" for such a reader.
_LINE_BREAKERS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAKER = re.compile("[\x85\u2028\u2029]")


def json_line(value: object, *, ensure_ascii: bool = False) -> str:
    """`value` as one JSON text with no line break any reader sees (str.splitlines() included), plus "\\n"."""
    text = json.dumps(value, ensure_ascii=ensure_ascii)
    return _LINE_BREAKER.sub(lambda m: _LINE_BREAKERS[m.group()], text) + "\n"


def _stdin_lines() -> Iterator[tuple[int, str | None]]:
    """(1-based line number, text or None when the bytes are not UTF-8)."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text-only stream (an in-memory one in tests): already decoded
        yield from enumerate(sys.stdin, start=1)
        return
    for number, raw in enumerate(buffer, start=1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, None


def run_json_lines(
    prog: str, answer: Callable[[str], Mapping[str, object]], *, ensure_ascii: bool = True
) -> int:
    """Answer each line of stdin with one JSON line on stdout, in input order; return the exit status.

    Blank lines are skipped. A line that is not UTF-8, or whose `answer` raises ValueError, gets
    {"line": N, "error": "..."} in its place (N counts from 1) and "<prog>: line N: ..." on stderr; the other
    lines go on. The status is 1 if any line failed, else 0."""
    failed = 0
    out = sys.stdout
    for number, text in _stdin_lines():
        if text is not None and not text.strip():
            continue
        try:
            if text is None:
                raise ValueError("not valid UTF-8")
            result = answer(text)
        except ValueError as exc:
            failed += 1
            result = {"line": number, "error": str(exc)}
            print(f"{prog}: line {number}: {exc}", file=sys.stderr)
        out.write(json_line(result, ensure_ascii=ensure_ascii))
    out.flush()
    return 1 if failed else 0


def parse_object_line(text: str) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError as exc:
        raise ValueError("not valid JSON: nested too deeply") from exc
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    if not isinstance(record.get("title"), str):
        raise ValueError('"title" is missing or not a string')
    return record


def optional_text(record: dict[str, Any], key: str) -> str:
    """A string field that may be absent or null ("" then)."""
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f'"{key}" must be a string or null')
    return value


class RawDescriptionAndDefaults(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keep the description's line breaks and show every option's default."""

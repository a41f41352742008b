"""JSON from an untrusted source: decoded once, refused (PayloadError, one line) when it is not JSON or is
nested deeper than any real API document (garbage such as `[[[[...` otherwise raises RecursionError in the
decoder or in whatever walks the result, and escapes every handler that expects a parse error)."""

from __future__ import annotations

import json
from typing import Any

from pipewatch.errors import PayloadError

MAX_DEPTH = 64  # ClinicalTrials.gov API v2 and E-utilities documents nest about 8 levels


def depth(value: Any) -> int:
    """Nesting depth of decoded JSON, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(data: bytes | str, what: str) -> Any:
    try:
        document = json.loads(data)
    except RecursionError as exc:
        raise PayloadError(f"{what}: JSON nested too deeply to be a real document") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raw = data if isinstance(data, bytes) else data.encode("utf-8", "replace")
        start = raw[:60].decode("utf-8", "replace").strip().splitlines()[:1]
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise PayloadError(f"{what}: not JSON ({detail}; starts {start})") from exc
    if depth(document) > MAX_DEPTH:
        raise PayloadError(f"{what}: JSON nested deeper than {MAX_DEPTH} levels, not a real document")
    return document

"""The input line format shared by `pipewatch classify` and `pipewatch render`: one JSON object per line with
a string `title`. Errors are ValueErrors whose message is what the command prints for that line."""

from __future__ import annotations

import argparse
import json
from typing import Any


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

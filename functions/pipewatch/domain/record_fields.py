"""Typed, strict conversions of records at a boundary (a DynamoDB item or stream image, stored JSON, a
command's input): each field read is checked, never coerced, and a bad one raises RecordFieldError naming the
record and the field. The JSON written is the form stored since the records were pydantic models (compact,
non-ASCII kept, `Z` for UTC), so items written before read back and items written now read the same.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any


class RecordFieldError(ValueError):
    """A record read from outside (a stored item, JSON, a command's input) with a field missing, of the
    wrong type or out of its set of values; the message names the record and the field."""

    def __init__(self, record: str, field_name: str, problem: str) -> None:
        super().__init__(f"{record}.{field_name}: {problem}")
        self.record = record
        self.field = field_name


def json_datetime(moment: datetime | None) -> str | None:
    """ISO 8601 as the stored JSON has it since the records were pydantic models: `Z` for UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()} has no place in a record")
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def compact_json(value: object) -> str:
    """JSON without spaces, non-ASCII kept (the stored records' form)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_object(record: str, text: str) -> Mapping[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise RecordFieldError(record, "<json>", f"not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise RecordFieldError(record, "<json>", f"expected an object, got {type(data).__name__}")
    return data


_REQUIRED: Any = object()


class FieldReader:
    """Typed, strict reads of one record's fields from a mapping: a field absent or None takes `default`
    (or is reported when there is none); a value of the wrong type is reported, never coerced."""

    __slots__ = ("_data", "_record")

    def __init__(self, record: str, data: Mapping[str, Any]) -> None:
        self._record = record
        self._data = data

    def _fail(self, name: str, problem: str) -> RecordFieldError:
        return RecordFieldError(self._record, name, problem)

    def _get(self, name: str, default: Any) -> Any:
        value = self._data.get(name)
        if value is None:
            if default is _REQUIRED:
                raise self._fail(name, "missing")
            return default
        return value

    def text(self, name: str, default: str = _REQUIRED) -> str:
        value = self._get(name, default)
        if not isinstance(value, str):
            raise self._fail(name, f"expected a string, got {type(value).__name__}")
        return value

    def text_or_none(self, name: str) -> str | None:
        value = self._data.get(name)
        return None if value is None else self.text(name)

    def texts(self, name: str) -> tuple[str, ...]:
        value = self._get(name, ())
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise self._fail(name, "expected a list of strings")
        return tuple(value)

    def text_map(self, name: str) -> dict[str, str]:
        value = self._get(name, {})
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise self._fail(name, "expected a mapping of strings to strings")
        return dict(value)

    def mapping(self, name: str) -> Mapping[str, Any]:
        value = self._get(name, _REQUIRED)
        if not isinstance(value, Mapping):
            raise self._fail(name, f"expected an object, got {type(value).__name__}")
        return value

    def mapping_or_none(self, name: str) -> Mapping[str, Any] | None:
        return None if self._data.get(name) is None else self.mapping(name)

    def flag(self, name: str, default: bool = _REQUIRED) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self._fail(name, f"expected true or false, got {type(value).__name__}")
        return value

    def count(self, name: str) -> int:
        value = self._get(name, 0)
        # DynamoDB numbers arrive as Decimal: an integral one is accepted, a bool never is.
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or value != int(value):
            raise self._fail(name, f"expected an integer, got {value!r}")
        return int(value)

    def choice(self, name: str, allowed: frozenset[str], default: str = _REQUIRED) -> str:
        value = self.text(name, default)
        if value not in allowed:
            raise self._fail(name, f"{value!r} is not one of {sorted(allowed)}")
        return value

    def choice_or_none(self, name: str, allowed: frozenset[str]) -> str | None:
        return None if self._data.get(name) is None else self.choice(name, allowed)

    def moment(self, name: str) -> datetime:
        return self._moment(name, self._get(name, _REQUIRED))

    def moment_or_none(self, name: str) -> datetime | None:
        value = self._data.get(name)
        return None if value is None or value == "" else self._moment(name, value)

    def moment_pair_or_none(self, name: str) -> tuple[datetime, datetime] | None:
        value = self._data.get(name)
        if value is None:
            return None
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise self._fail(name, "expected a pair of datetimes")
        return self._moment(name, value[0]), self._moment(name, value[1])

    def day(self, name: str) -> date:
        """A calendar day in ISO 8601 (`2026-07-01`); a datetime is not a day."""
        value = self._get(name, _REQUIRED)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if not isinstance(value, str):
            raise self._fail(name, f"expected a date, got {type(value).__name__}")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise self._fail(name, f"not an ISO 8601 date: {value!r}") from exc

    def _moment(self, name: str, value: object) -> datetime:
        """An aware datetime, or ISO 8601 text of one; a naive one is refused (its zone would be a guess)."""
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError as exc:
                raise self._fail(name, f"not an ISO 8601 datetime: {value!r}") from exc
        elif isinstance(value, datetime):
            moment = value
        else:
            raise self._fail(name, f"expected a datetime, got {type(value).__name__}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise self._fail(name, f"naive datetime {value!s} (no UTC offset)")
        return moment

"""One message on the poll queue (`PollTask`) and its JSON body, read by hand (issue 28).

A pydantic model here put pydantic on the poll handler's import path and built a schema on the first
message, to read four fields. The reader accepts and refuses what that model did (pydantic's lax JSON mode:
an integer may arrive as a whole float, a boolean or a numeric string; unknown keys, a source id outside 1-64
characters, negative parts are refused); tests/unit/domain/test_poll_task.py compares the two on hand-made
bodies.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass
from typing import Any

_FIELDS = ("source_id", "agents", "part", "parts")
_SOURCE_ID_LENGTH = (1, 64)
# A numeric string as pydantic reads an integer from it: ASCII digits, single underscores between them, a
# sign, and a fraction of zeros only ("1_000.0"); surrounding whitespace is stripped first.
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?")
# Unicode's White_Space, as pydantic strips it: str.strip() would also strip the separators U+001C-U+001F.
_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_LARGEST_FLOAT_INTEGER = 2.0**63  # a float this large is refused (pydantic reads floats into an i64)


class BadPollTask(ValueError):
    """The message body is not a poll task (its record fails alone; SQS retries it, then the DLQ)."""


@dataclass(frozen=True, slots=True)
class PollTask:
    """One message on the poll queue: poll this source, restricted to these agents' queries."""

    source_id: str
    agents: tuple[str, ...] = ()  # empty: the whole source (feeds), or all agents when not split
    part: int = 0
    parts: int = 1

    @property
    def split(self) -> bool:
        return self.parts > 1

    @property
    def state_id(self) -> str:
        """Where this task's SourceState lives: the source id, or source id + a digest of its agents."""
        if not self.split:
            return self.source_id
        digest = hashlib.sha256("\n".join(self.agents).encode()).hexdigest()[:12]
        return f"{self.source_id}#q{digest}"

    @property
    def carries_extras(self) -> bool:
        """Configured extra terms / NCT ids are queried once per cycle: by the first part only."""
        return self.part == 0

    def to_json(self) -> str:
        """The message body (compact, keys in field order: what the pydantic model wrote)."""
        fields = asdict(self)
        fields["agents"] = list(self.agents)
        return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, body: str | bytes) -> PollTask:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise BadPollTask(f"poll task: invalid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise BadPollTask("poll task: input should be an object")
        extra = [key for key in data if key not in _FIELDS]
        if extra:
            raise BadPollTask(f"poll task: {extra[0]}: extra inputs are not permitted")
        if "source_id" not in data:
            raise BadPollTask("poll task: source_id: field required")
        return cls(
            source_id=_source_id(data["source_id"]),
            agents=_agents(data.get("agents", [])),
            part=_integer("part", data.get("part", 0), least=0),
            parts=_integer("parts", data.get("parts", 1), least=1),
        )


def _text(where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BadPollTask(f"poll task: {where}: input should be a valid string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate escape: invalid JSON to pydantic
        raise BadPollTask(f"poll task: {where}: invalid JSON string") from exc
    return value


def _source_id(value: Any) -> str:
    text = _text("source_id", value)
    shortest, longest = _SOURCE_ID_LENGTH
    if not shortest <= len(text) <= longest:
        raise BadPollTask(f"poll task: source_id: should have {shortest} to {longest} characters")
    return text


def _agents(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise BadPollTask("poll task: agents: input should be a valid array")
    return tuple(_text(f"agents.{n}", item) for n, item in enumerate(value))


def _integer(where: str, value: Any, *, least: int) -> int:
    number: int
    if isinstance(value, bool | int):
        number = int(value)
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer() or abs(value) >= _LARGEST_FLOAT_INTEGER:
            raise BadPollTask(f"poll task: {where}: input should be a valid integer")
        number = int(value)
    elif isinstance(value, str) and _INTEGER_TEXT.fullmatch(text := value.strip(_WHITESPACE)):
        number = int(text.split(".")[0])
    else:
        raise BadPollTask(f"poll task: {where}: input should be a valid integer")
    if number < least:
        raise BadPollTask(f"poll task: {where}: should be greater than or equal to {least}")
    return number

"""The one input of the scheduled functions (plan, poll's direct invocation, digest, catalyst check): what
EventBridge Scheduler sends them (template.yaml's ScheduleV2 `Input`), what an operator's direct
invocation sends, and what the sample events in events/ hold.

Parsed by hand, not by a pydantic model (issue 28): the event is three optional fields, and a model here
made every scheduled function import pydantic (~55 ms of a cold start) before it had read anything. The
parser accepts and refuses what the model did (pydantic's lax mode on these types: ISO 8601 or Unix
times, any sequence of strings), and its error names the field as the model's did.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipewatch.domain.models import SourceClass

# get_args(SourceClass), spelt out so that reading an event imports no model module (a test keeps them equal).
SOURCE_CLASSES: tuple[SourceClass, ...] = ("registry", "news")
_FIELDS = ("source_class", "sources", "scheduled_time")
# ISO 8601 as pydantic reads it: date, a separator, hours and minutes, optional seconds and fraction, and a
# zone (Z or an offset of hours and minutes). A time without a zone is refused: which day would it be?
_ISO_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt _](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?"
)
_UNIX_TIME = re.compile(r"-?\d+(?:\.\d+)?")
_MILLISECONDS_ABOVE = 2e10  # a larger Unix time is in milliseconds (pydantic's rule)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BadScheduleEvent(ValueError):
    """The invocation's input is not a schedule event (a function error: the scheduler retries, then its
    dead-letter handling applies)."""


class _Refused(ValueError):
    """One field's value refused: `where` names it (`sources.1` for an item)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class ScheduleEvent:
    """`source_class` and `sources` choose the sources a plan enqueues or a direct poll polls (every enabled
    source when neither is given); `scheduled_time` (`<aws.scheduler.scheduled-time>`) pins the run's
    clock, so a retried digest or catalyst check judges the same day. An unknown key is refused: a misspelt
    one would otherwise plan every source, or run on the wrong clock, without a word."""

    source_class: SourceClass | None = None
    sources: tuple[str, ...] = ()
    scheduled_time: datetime | None = None

    @classmethod
    def parse(cls, event: Mapping[str, Any] | None) -> ScheduleEvent:
        data: Any = event or {}
        try:
            if not isinstance(data, Mapping):
                raise _Refused("event", "Input should be an object")
            parsed = cls(
                source_class=_source_class(data.get("source_class")),
                sources=_sources(data.get("sources", ())),
                scheduled_time=_scheduled_time(data.get("scheduled_time")),
            )
            extra = [str(key) for key in data if key not in _FIELDS]
            if extra:
                raise _Refused(extra[0], "Extra inputs are not permitted")
        except _Refused as exc:
            raise BadScheduleEvent(f"bad schedule event: {exc.where}: {exc}") from exc
        return parsed

    def run_time(self) -> datetime:
        """The run's clock: the scheduled time when the schedule gave one, else the invocation time."""
        return self.scheduled_time or datetime.now(UTC)

    def as_event(self) -> dict[str, Any]:
        """The fields given (not at their default), as JSON: the event this was parsed from, normalised."""
        event: dict[str, Any] = {}
        if self.source_class is not None:
            event["source_class"] = self.source_class
        if self.sources:
            event["sources"] = list(self.sources)
        if self.scheduled_time is not None:
            event["scheduled_time"] = self.scheduled_time.isoformat().replace("+00:00", "Z")
        return event


def _source_class(value: object) -> SourceClass | None:
    if value is None:
        return None
    for source_class in SOURCE_CLASSES:
        if value == source_class and isinstance(value, str):
            return source_class
    raise _Refused("source_class", f"Input should be one of {', '.join(map(repr, SOURCE_CLASSES))}")


def _sources(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple | set | frozenset | deque):
        raise _Refused("sources", "Input should be a list of source ids")
    sources: list[str] = []
    for index, item in enumerate(value):
        text = item
        if isinstance(item, bytes):
            try:
                text = item.decode()
            except UnicodeDecodeError as exc:
                raise _Refused(f"sources.{index}", "Input should be a valid string") from exc
        if not isinstance(text, str):
            raise _Refused(f"sources.{index}", "Input should be a valid string")
        sources.append(text)
    return tuple(sources)


def _scheduled_time(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        if isinstance(value, str) and _UNIX_TIME.fullmatch(value):
            return _from_unix_time(float(value))
        if isinstance(value, str):
            return _from_iso_time(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _from_unix_time(float(value))
    except (ValueError, OverflowError) as exc:
        raise _Refused("scheduled_time", f"Input should be a valid datetime with a time zone: {exc}") from exc
    raise _Refused("scheduled_time", "Input should be an ISO 8601 time with a zone, or a Unix time")


def _from_unix_time(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise ValueError("not a finite number")
    if abs(seconds) > _MILLISECONDS_ABOVE:
        seconds /= 1000
    return _EPOCH + timedelta(seconds=seconds)


def _from_iso_time(text: str) -> datetime:
    match = _ISO_TIME.fullmatch(text)
    if not match:
        raise ValueError(f"not an ISO 8601 time: {text!r}")
    year, month, day, hour, minute, second, fraction, utc, sign, zone_h, zone_m = match.groups()
    if not utc and not sign:
        raise ValueError("no time zone: which day is it?")
    zone = UTC
    if sign:
        if int(zone_h) > 23 or int(zone_m) > 59:
            raise ValueError(f"not a time zone offset: {sign}{zone_h}:{zone_m}")
        offset = timedelta(hours=int(zone_h), minutes=int(zone_m))
        zone = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=zone
    )

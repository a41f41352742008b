"""The one input model of the scheduled functions (plan, poll's direct invocation, digest, catalyst check):
what EventBridge Scheduler sends them (template.yaml's ScheduleV2 `Input`), what an operator's direct
invocation sends, and what the sample events in events/ hold."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from pipewatch.domain.models import SourceClass


class BadScheduleEvent(ValueError):
    """The invocation's input is not a schedule event (a function error: the scheduler retries, then its
    dead-letter handling applies)."""


class ScheduleEvent(BaseModel):
    """`source_class` and `sources` choose the sources a plan enqueues or a direct poll polls (every enabled
    source when neither is given); `scheduled_time` (`<aws.scheduler.scheduled-time>`) pins the run's
    clock, so a retried digest or catalyst check judges the same day. An unknown key is refused: a misspelt
    one would otherwise plan every source, or run on the wrong clock, without a word."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    source_class: SourceClass | None = None
    sources: tuple[str, ...] = ()
    scheduled_time: AwareDatetime | None = None

    @classmethod
    def parse(cls, event: Mapping[str, Any] | None) -> ScheduleEvent:
        try:
            return cls.model_validate(event or {})
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"]) or "event"
            raise BadScheduleEvent(f"bad schedule event: {where}: {error['msg']}") from exc

    def run_time(self) -> datetime:
        """The run's clock: the scheduled time when the schedule gave one, else the invocation time."""
        return self.scheduled_time or datetime.now(UTC)

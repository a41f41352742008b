"""Plan use case: one scheduled run turns the watchlist and the sources into poll tasks on a queue.

`plan_tasks` (domain/ingest/polling.py) is the pure decision (which tasks); `PlanService` applies it through a
`TaskQueue` port (the SQS adapter in Lambda, a list in tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from pipewatch.domain.ingest.polling import DEFAULT_AGENTS_PER_TASK, PollTask, plan_tasks
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.models import SourceClass

if TYPE_CHECKING:
    from pipewatch.services.ports import TaskQueue

__all__ = ["DEFAULT_AGENTS_PER_TASK", "PlanReport", "PlanRequest", "PlanService", "PollTask"]


class PlanRequest(BaseModel):
    """The EventBridge Scheduler input of the plan function."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    source_class: SourceClass | None = None
    sources: tuple[str, ...] = ()


@dataclass
class PlanReport:
    tasks: int = 0
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"tasks": self.tasks, "sources": self.sources}


class PlanService:
    def __init__(
        self,
        *,
        sources: SourcesConfig,
        agent_ids: Sequence[str],
        queue: TaskQueue,
        agents_per_task: int = DEFAULT_AGENTS_PER_TASK,
    ) -> None:
        self._sources = sources
        self._agent_ids = list(agent_ids)
        self._queue = queue
        self._agents_per_task = agents_per_task

    def plan(self, request: PlanRequest) -> PlanReport:
        known = {s.id for s in self._sources.sources}
        unknown = sorted(set(request.sources) - known)
        if unknown:
            raise ValueError(f"no such source in the configuration: {', '.join(unknown)}")
        tasks = plan_tasks(
            self._sources,
            self._agent_ids,
            source_class=request.source_class,
            source_ids=request.sources,
            agents_per_task=self._agents_per_task,
        )
        sent = self._queue.send(tasks)
        return PlanReport(tasks=sent, sources=sorted({t.source_id for t in tasks}))

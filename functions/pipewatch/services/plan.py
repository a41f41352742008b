"""Plan use case: one scheduled run turns the watchlist and the sources into poll tasks on a queue.

`plan_tasks` (domain/ingest/polling.py) is the pure decision (which tasks); `PlanService` applies it through a
`TaskQueue` port (the SQS adapter in Lambda, a list in tests).

The service reads the watchlist and the sources when it plans, not when it is built, and imports the
planning rules (pydantic models: the poll task, the sources) then too: a function's start-up builds the
service before its first event, and what only the plan itself needs is paid by the plan (issue 28).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipewatch.domain.ingest.polling import DEFAULT_AGENTS_PER_TASK, PollTask, plan_tasks
    from pipewatch.domain.ingest.sources import SourcesConfig
    from pipewatch.domain.models import SourceClass
    from pipewatch.services.ports import TaskQueue

__all__ = ["DEFAULT_AGENTS_PER_TASK", "PlanReport", "PlanRequest", "PlanService", "PollTask", "plan_tasks"]
_FROM_POLLING = ("DEFAULT_AGENTS_PER_TASK", "PollTask", "plan_tasks")


def __getattr__(name: str) -> Any:
    """The planning rules re-exported from domain/ingest/polling.py, imported when first named."""
    if name == "PollTask":  # the poll handler's: read without the planning rules (and pydantic)
        from pipewatch.domain.ingest.poll_task import PollTask

        return PollTask
    if name in _FROM_POLLING:
        from pipewatch.domain.ingest import polling

        return getattr(polling, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class PlanRequest:
    """What to plan: one class of sources, or the named sources (every enabled source when neither); the
    schedule's input, parsed by handlers/schedule.py."""

    source_class: SourceClass | None = None
    sources: tuple[str, ...] = ()


@dataclass
class PlanReport:
    tasks: int = 0
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"tasks": self.tasks, "sources": self.sources}


class PlanService:
    """`sources` and `agent_ids` are read on each plan (a live configuration answers them from memory once
    read); `agents_per_task` 0 is the planning rules' default."""

    def __init__(
        self,
        *,
        sources: Callable[[], SourcesConfig],
        agent_ids: Callable[[], Sequence[str]],
        queue: TaskQueue,
        agents_per_task: int = 0,
    ) -> None:
        self._sources = sources
        self._agent_ids = agent_ids
        self._queue = queue
        self._agents_per_task = agents_per_task

    def plan(self, request: PlanRequest) -> PlanReport:
        from pipewatch.domain.ingest.polling import DEFAULT_AGENTS_PER_TASK, needs_agent_ids, plan_tasks

        sources = self._sources()
        known = {s.id for s in sources.sources}
        unknown = sorted(set(request.sources) - known)
        if unknown:
            raise ValueError(f"no such source in the configuration: {', '.join(unknown)}")
        # The watchlist is read (and validated) only when a planned source splits by agent: a news cycle,
        # every 15 minutes, plans feeds alone (issue 28).
        split = needs_agent_ids(sources, source_class=request.source_class, source_ids=request.sources)
        agent_ids = list(self._agent_ids()) if split else []
        tasks = plan_tasks(
            sources,
            agent_ids,
            source_class=request.source_class,
            source_ids=request.sources,
            agents_per_task=self._agents_per_task or DEFAULT_AGENTS_PER_TASK,
        )
        sent = self._queue.send(tasks)
        return PlanReport(tasks=sent, sources=sorted({t.source_id for t in tasks}))

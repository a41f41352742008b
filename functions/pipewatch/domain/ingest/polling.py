"""Poll planning (pure): which poll tasks one scheduled cycle makes, and what one poll of a source returns.

One task is one (source, query):

- a feed-like source (RSS/Atom, EDGAR, an explicit PubMed query) is one task: its response does not depend on
  the watchlist, so fetching it once per cycle is enough;
- a watchlist-driven source (ClinicalTrials.gov, PubMed built from aliases) is split into queries of
  `agents_per_task` agents each, so a thousand agents become many small, independent polls that run in
  parallel, and a slow or failing query delays and retries only itself.

Each task keeps its own source state (validators, registry timestamp, PubMed id digest) under `state_id`,
so an unchanged query costs a conditional request and no write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipewatch.domain.ingest.poll_task import PollTask as PollTask  # noqa: PLC0414 - re-exported
from pipewatch.domain.ingest.sources import SourceConfig, SourcesConfig
from pipewatch.domain.models import FetchedItem, SourceClass, SourceState

DEFAULT_AGENTS_PER_TASK = 5


def splits_by_agent(source: SourceConfig) -> bool:
    """True when the source's requests are built from the watchlist (so one query per group of agents)."""
    return source.splits_by_agent()


def _selected(
    sources: SourcesConfig, source_class: SourceClass | None, source_ids: Iterable[str]
) -> list[SourceConfig]:
    """The named sources (enabled or not), else the enabled ones of the class (every class when None)."""
    wanted = set(source_ids)
    if wanted:
        return [source for source in sources.sources if source.id in wanted]
    return [
        source
        for source in sources.sources
        if source.enabled and not (source_class and source.source_class != source_class)
    ]


def needs_agent_ids(
    sources: SourcesConfig, *, source_class: SourceClass | None = None, source_ids: Iterable[str] = ()
) -> bool:
    """True when a source `plan_tasks` would plan splits by agent: only then do the agents change its tasks
    (the news sources are feeds, so a news cycle plans without reading the watchlist)."""
    return any(splits_by_agent(source) for source in _selected(sources, source_class, source_ids))


def plan_tasks(
    sources: SourcesConfig,
    agent_ids: Sequence[str],
    *,
    source_class: SourceClass | None = None,
    source_ids: Iterable[str] = (),
    agents_per_task: int = DEFAULT_AGENTS_PER_TASK,
) -> list[PollTask]:
    """The poll tasks of one scheduled cycle (pure: same inputs, same tasks, same order)."""
    if agents_per_task < 1:
        raise ValueError("agents_per_task must be at least 1")
    agents = sorted(dict.fromkeys(agent_ids))
    chunks = [tuple(agents[i : i + agents_per_task]) for i in range(0, len(agents), agents_per_task)]
    tasks: list[PollTask] = []
    for source in _selected(sources, source_class, source_ids):
        if splits_by_agent(source) and len(chunks) > 1:
            tasks.extend(
                PollTask(source_id=source.id, agents=chunk, part=n, parts=len(chunks))
                for n, chunk in enumerate(chunks)
            )
        else:
            tasks.append(PollTask(source_id=source.id))
    return tasks


@dataclass(frozen=True)
class SourceResult:
    items: list[FetchedItem]
    new_state: SourceState
    studies: list[dict[str, Any]] = field(default_factory=list)
    not_modified: bool = False
    requests: int = 0
    notes: list[str] = field(default_factory=list)  # non-fatal: skipped records, page limit reached
    counts: dict[str, int] = field(default_factory=dict)  # metrics to emit, e.g. CtgovHistoryFallbacks
    # Watched registry records that answered 404 (withdrawn/removed) or moved to another id: (nct, new nct).
    vanished: list[tuple[str, str]] = field(default_factory=list)

"""The planning decision: which poll tasks one scheduled cycle enqueues (pure)."""

from __future__ import annotations

from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.services.plan import PlanRequest, PlanService, PollTask, plan_tasks

SOURCES = SourcesConfig.model_validate(
    {
        "sources": [
            {"id": "feed", "kind": "rss", "url": "https://example.com/feed.xml"},
            {"id": "off", "kind": "rss", "url": "https://example.com/off.xml", "enabled": False},
            {"id": "ctgov", "kind": "ctgov", "source_class": "registry", "doc_type": "registry"},
            {"id": "pubmed-q", "kind": "pubmed", "source_class": "registry", "pubmed": {"term": "myositis"}},
        ]
    }
)


def test_given_many_agents_then_watchlist_sources_split_and_feeds_do_not() -> None:
    tasks = plan_tasks(SOURCES, [f"agent{n:02d}" for n in range(12)], agents_per_task=5)
    by_source = {t.source_id: [u for u in tasks if u.source_id == t.source_id] for t in tasks}
    assert [len(by_source[s]) for s in ("feed", "ctgov", "pubmed-q")] == [1, 3, 1]
    assert [t.agents for t in by_source["ctgov"]][2] == ("agent10", "agent11")
    assert len({t.state_id for t in tasks}) == len(tasks)  # each task keeps its own source state
    assert [t.carries_extras for t in by_source["ctgov"]] == [True, False, False]


def test_given_a_class_then_only_its_enabled_sources() -> None:
    assert {t.source_id for t in plan_tasks(SOURCES, ["a"], source_class="news")} == {"feed"}
    assert {t.source_id for t in plan_tasks(SOURCES, ["a"], source_ids=["off"])} == {"off"}


def test_given_the_same_inputs_then_the_same_tasks_and_state_ids() -> None:
    agents = ["b", "a", "c", "a"]
    assert plan_tasks(SOURCES, agents, agents_per_task=2) == plan_tasks(
        SOURCES, sorted(agents), agents_per_task=2
    )
    whole = PollTask(source_id="ctgov")
    assert whole.state_id == "ctgov" and not whole.split


class ListQueue:
    def __init__(self) -> None:
        self.sent: list[PollTask] = []

    def send(self, tasks: list[PollTask]) -> int:
        self.sent.extend(tasks)
        return len(tasks)


def test_given_a_plan_request_then_the_service_enqueues_the_tasks() -> None:
    queue = ListQueue()
    report = PlanService(
        sources=lambda: SOURCES, agent_ids=lambda: ["a", "b", "c"], queue=queue, agents_per_task=2
    ).plan(PlanRequest(source_class="registry"))
    assert report.as_dict() == {"tasks": 3, "sources": ["ctgov", "pubmed-q"]}
    assert PollTask.from_json(queue.sent[0].to_json()) == queue.sent[0]


class CountedAgents:
    """The watchlist's agent ids, counting the reads (each read is the watchlist read and validated)."""

    def __init__(self, agents: list[str]) -> None:
        self.agents = agents
        self.reads = 0

    def __call__(self) -> list[str]:
        self.reads += 1
        return self.agents


def test_cold9web_given_no_planned_source_splits_by_agent_then_the_watchlist_is_not_read() -> None:
    """Issue 28 (cold9web): the news cycle (feeds only) plans the same tasks without the agents, so it does
    not read the watchlist; a cycle with a source split by agent reads it once."""
    agents = CountedAgents([f"agent{n}" for n in range(7)])
    service = PlanService(sources=lambda: SOURCES, agent_ids=agents, queue=ListQueue(), agents_per_task=2)
    news = service.plan(PlanRequest(source_class="news"))
    named = service.plan(PlanRequest(sources=("off", "pubmed-q")))  # pubmed with a term: not split
    assert (news.as_dict(), named.as_dict()) == (
        {"tasks": 1, "sources": ["feed"]},
        {"tasks": 2, "sources": ["off", "pubmed-q"]},
    )
    assert agents.reads == 0
    registry = service.plan(PlanRequest(source_class="registry"))
    assert registry.as_dict() == {"tasks": 5, "sources": ["ctgov", "pubmed-q"]}  # ctgov in 4 parts
    assert agents.reads == 1


def test_cold9web_given_any_request_then_the_tasks_are_those_planned_with_every_agent() -> None:
    """Skipping the agents never changes a plan: for each request, the service's tasks equal plan_tasks
    with the full agent list."""
    agents = [f"agent{n}" for n in range(7)]
    requests = [
        PlanRequest(),
        PlanRequest(source_class="news"),
        PlanRequest(source_class="registry"),
        PlanRequest(sources=("off",)),
        PlanRequest(sources=("ctgov", "feed")),
    ]
    for request in requests:
        queue = ListQueue()
        PlanService(sources=lambda: SOURCES, agent_ids=lambda: agents, queue=queue, agents_per_task=2).plan(
            request
        )
        expected = plan_tasks(
            SOURCES, agents, source_class=request.source_class, source_ids=request.sources, agents_per_task=2
        )
        assert queue.sent == expected, request

"""Fan-out bench: 1,000 agents x 5 sources of recorded payloads through plan -> poll -> store, under moto.

Prints tasks/s for the poll phase (in-process, one worker: Lambda runs PollConcurrency of these at once),
DynamoDB item writes per task, and the writes of a second, unchanged cycle (target: zero).
Run: .venv/bin/python bench/fanout.py [--agents 1000] [--agents-per-task 5]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }
)  # fmt: skip
WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}


def synthetic_watchlist(path: Path, agents: int) -> None:
    from pipewatch.config import packaged_data_path

    data = yaml.safe_load(packaged_data_path("watchlist.yaml").read_text(encoding="utf-8"))
    real = len(data["agents"])
    for n in range(agents - real):
        data["agents"].append(
            {"id": f"synth_{n:04d}", "name": f"Synthomab {n}", "sponsor": f"Synthetic Bio {n}",
             "aliases": {"generic": [f"synthomab{n:04d}"], "codes": [f"SYN-{n:04d}"]}}
        )  # fmt: skip
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@dataclass
class CycleFigures:
    source_class: str
    tasks: int = 0
    plan_seconds: float = 0.0
    poll_seconds: float = 0.0
    messages: int = 0
    failed: int = 0
    requests: Counter[str] = field(default_factory=Counter)  # "principal action" -> count

    def count(self, principal: str, prefix: str = "") -> int:
        return sum(n for k, n in self.requests.items() if k.startswith(f"{principal} {prefix}"))

    @property
    def item_writes(self) -> int:
        return sum(self.requests[f"poll {a}"] for a in WRITES)


def measure(agents: int, agents_per_task: int = 5, cycles: int = 2) -> list[list[CycleFigures]]:
    """Run `cycles` cycles; each is a list of per-class figures (registry, news)."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")

    from moto import mock_aws
    from stack_run import _mapping, _routes, sources_yaml

    from pipewatch.composition import build_plan_service, build_poll_service
    from pipewatch.config import clear_cache
    from pipewatch.handlers import plan, poll
    from pipewatch.settings import Settings, get_settings
    from pipewatch_local.call_recorder import CallRecorder
    from pipewatch_local.local_stack import (
        LambdaContext,
        QueuePump,
        create_local_stack,
        use_stack_environment,
    )
    from pipewatch_local.replay_server import ReplayServer

    recorder = CallRecorder()
    results: list[list[CycleFigures]] = []
    saved_env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp, mock_aws(), ReplayServer() as server:
        recorder.install()
        stack = create_local_stack(name=f"pipewatch-bench-{agents}")
        workdir = Path(tmp)
        synthetic_watchlist(workdir / "watchlist.yaml", agents)
        (workdir / "sources.yaml").write_text(yaml.safe_dump(sources_yaml(server.base_url)), encoding="utf-8")
        use_stack_environment(
            stack, {"PIPEWATCH_SOURCES": str(workdir / "sources.yaml"),
                    "PIPEWATCH_WATCHLIST": str(workdir / "watchlist.yaml")}
        )  # fmt: skip
        _routes(server)
        get_settings.cache_clear()
        clear_cache()
        settings = Settings.from_env()
        plan_service = build_plan_service(settings, agents_per_task=agents_per_task)
        poll_service = build_poll_service(settings)
        plan_handler = partial(plan.handler, service=plan_service)
        try:
            with recorder.acting_as("poll"):
                pump = QueuePump.from_mapping(
                    stack, _mapping(stack, "PollQueue"), partial(poll.handler, service=poll_service), "poll"
                )
            for _ in range(cycles):
                figures = []
                for source_class in ("registry", "news"):
                    fig = CycleFigures(source_class)
                    start, failed = len(recorder.calls), len(pump.failures)
                    t0 = time.perf_counter()
                    with recorder.acting_as("plan"):
                        fig.tasks = int(
                            plan_handler({"source_class": source_class}, LambdaContext("plan"))["tasks"]
                        )
                    t1 = time.perf_counter()
                    with recorder.acting_as("poll"):
                        fig.messages = pump.pump()
                    fig.plan_seconds, fig.poll_seconds = t1 - t0, time.perf_counter() - t1
                    fig.failed = len(pump.failures) - failed
                    fig.requests = Counter(
                        f"{c.principal} {c.request.action}" for c in recorder.calls[start:]
                    )
                    figures.append(fig)
                results.append(figures)
        finally:
            recorder.uninstall()
            os.environ.clear()
            os.environ.update(saved_env)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--agents-per-task", type=int, default=5)
    args = parser.parse_args()
    print(
        f"fan-out bench: {args.agents} agents x 5 sources, "
        f"{args.agents_per_task} agents per query task (moto)"
    )
    cycles = measure(args.agents, args.agents_per_task)
    for n, figures in enumerate(cycles, 1):
        tasks = sum(f.tasks for f in figures)
        messages = sum(f.messages for f in figures)
        poll_s = sum(f.poll_seconds for f in figures)
        plan_s = sum(f.plan_seconds for f in figures)
        writes = sum(f.item_writes for f in figures)
        reads = sum(f.count("poll", "dynamodb:") for f in figures) - writes
        print(
            f"cycle {n}: plan {tasks} tasks in {plan_s:.2f} s; poll {messages} messages in {poll_s:.2f} s "
            f"= {messages / poll_s:.1f} tasks/s (one in-process worker); DynamoDB item writes {writes} "
            f"({writes / max(tasks, 1):.2f} per task), reads {reads}; "
            f"failed tasks {sum(f.failed for f in figures)}"
        )
    last = cycles[-1]
    print(f"second, unchanged cycle: {sum(f.item_writes for f in last)} item writes (target 0)")
    totals: Counter[str] = Counter()
    for figures in cycles:
        for f in figures:
            totals.update(f.requests)
    print("AWS requests over both cycles:", ", ".join(f"{k} {n}" for k, n in sorted(totals.items())))


if __name__ == "__main__":
    main()

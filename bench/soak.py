"""Soak bench: N poll cycles over recorded and generated payloads, with injected faults and duplicate
deliveries, on the stack in moto; counts what was lost and what came twice.

Each cycle publishes new stories in four wire feeds (about a third syndicated to a second feed under another
URL and a reworded title), serves the recorded PubMed and ClinicalTrials.gov payloads, and injects faults
into the HTTP answers (5xx, timeouts, 429 throttling, garbage: truncated XML or deeply nested JSON, oversize:
a body over the cap or an item with a 250 KiB link). Every poll task is delivered twice at once (two
threads, two poll services: SQS's at-least-once), then the table stream is pumped through the alert
handler. Fault-free cycles at the end (until one has no failure, at most 4) let deferred and failed work
finish. Beside the polls, a thread runs the other paths each cycle (bench/_soak_paths.py): the digests due
(e-mail and Slack), the daily calendar check, and the delivery queue to Slack, Teams and webhook receivers
on 127.0.0.1, a slow-drip and a hostile one among them; each destination's lost and duplicates are printed.

Printed per watchlist size (10, 100, 1,000 agents by default): updates stored, alerts sent, duplicates
(stories stored twice plus alerts sent twice; target 0), items lost (stories never stored nor merged; target
0), time per cycle, and the CPU of matching 4,000 distinct relevant items in one task (target < 5 s).

Run: .venv/bin/python bench/soak.py [--cycles 6] [--agents 10 100 1000] [--seed 14]
Only 127.0.0.1 is contacted (a local server this script starts and stops).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import tempfile
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from _soak_paths import PathsResult, SidePaths
from pipewatch_local.replay_server import ReplayServer, Reply
from pipewatch_local.webhook_receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }
)  # fmt: skip
START = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
FEEDS = ("wire-a", "wire-b", "wire-c", "wire-d")
AGENT_WORDS = {
    "efgartigimod": "argenx efgartigimod",
    "brepocitinib": "Priovant brepocitinib",
    "dazukibart": "Pfizer dazukibart",
}
EVENTS = ("wins FDA approval for", "reports positive phase 3 results of", "halts phase 2 trial of")
FAULTS = ("5xx", "timeout", "throttle", "garbage", "oversize")
MAX_CLEAN_CYCLES = 4


# -- the fault-injecting local server -------------------------------------------------------------------


@dataclass
class Faults:
    rng: random.Random
    rate: float = 0.0  # chance that one answer is a fault (0 in the clean cycles)
    injected: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self) -> str:
        with self.lock:
            if self.rng.random() >= self.rate:
                return ""
            fault = self.rng.choice(FAULTS)
            self.injected[fault] += 1
            return fault


def faulty(fault: str, body: bytes, ctype: str, timeout_s: float) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, headers) of an answer carrying `fault` ("" for none)."""
    if fault == "5xx":
        return 503, b"busy", {}
    if fault == "throttle":
        return 429, b"slow down", {"Retry-After": "0"}
    if fault == "timeout":
        time.sleep(timeout_s * 1.6)
    elif fault == "garbage":
        return 200, (b"[" * 50_000 if "json" in ctype else body[: len(body) // 2]), {}
    elif fault == "oversize" and "json" in ctype:
        return 200, b" " * 3_000_000 + body, {}  # over the body cap
    elif fault == "oversize":  # one more item, with a 250 KiB link, at the top of the feed
        huge = b"<item><title>argenx efgartigimod oversize link</title><link>https://e.example/?"
        huge += b"x" * 250_000 + b"</link></item>"
        return 200, body.replace(b"<item>", huge + b"<item>", 1), {}
    return 200, body, {}


class FaultyRoutes:
    """The replay server's fallback: serves `routes` (path -> (body, content type)) with a fault now and
    then."""

    def __init__(self, faults: Faults, *, timeout_s: float) -> None:
        self.routes: dict[str, tuple[bytes, str]] = {}
        self._faults = faults
        self._timeout_s = timeout_s

    def __call__(self, path: str, query: str, headers: dict[str, str]) -> Reply:
        route = self.routes.get(path)
        if route is None:
            return Reply(404, b"not recorded", {"Content-Type": "text/plain"})
        body, ctype = route
        status, answer, extra = faulty(self._faults.pick(), body, ctype, self._timeout_s)
        return Reply(status, answer, {"Content-Type": ctype, **extra})


class AtomicCalls:
    """A boto3 client whose calls run one at a time. DynamoDB applies a conditional write atomically; moto in
    one process does not across threads (two threads can both pass `attribute_not_exists` and both write),
    which would measure moto, not pipewatch. Threads still interleave between calls, as pollers do."""

    _lock = threading.Lock()

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._real, name)
        if not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return call


# -- stories and feeds ----------------------------------------------------------------------------------


@dataclass
class Story:
    ref: str
    agent: str
    feeds: tuple[str, ...]
    published: datetime
    title: str


def new_stories(
    cycle: int, rng: random.Random, agents: list[str], per_cycle: int, now: datetime
) -> list[Story]:
    stories = []
    for k in range(per_cycle):
        agent = rng.choice(agents)
        words = " ".join(f"w{rng.randrange(10**6)}" for _ in range(10))  # distinct stories: little overlap
        ref = f"ref{cycle}x{k}"
        lead = AGENT_WORDS.get(agent) or f"Synthetic Bio {agent.replace('synth_', 'synthomab')}"
        # Each story is its own event (stories are grouped by what happened, not by their words): it names
        # its own trial, a decisive part two stories of one agent and one event never share.
        title = f"{lead} {rng.choice(EVENTS)} {words} {ref} in the {ref.upper()} trial"
        feeds = tuple(rng.sample(FEEDS, 2 if rng.random() < 0.35 else 1))
        stories.append(Story(ref, agent, feeds, now - timedelta(minutes=rng.randrange(60)), title))
    return stories


def feed_body(feed: str, stories: list[Story]) -> bytes:
    items = []
    for story in stories[-40:]:
        if feed not in story.feeds:
            continue
        title = story.title if feed == story.feeds[0] else f"UPDATE: {story.title}"  # the copy is reworded
        items.append(
            f"<item><title>{escape(title)}</title><link>https://{feed}.example/{story.ref}</link>"
            f"<guid>{feed}-{story.ref}</guid>"
            f"<pubDate>{format_datetime(story.published, usegmt=True)}</pubDate>"
            "</item>"
        )
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>w</title>' + "".join(items)).encode() + (
        b"</channel></rss>"
    )


def watchlist_file(path: Path, agents: int) -> list[str]:
    from pipewatch.config import packaged_data_path

    data = yaml.safe_load(packaged_data_path("watchlist.yaml").read_text(encoding="utf-8"))
    for n in range(agents - len(data["agents"])):
        data["agents"].append(
            {"id": f"synth_{n:04d}", "name": f"Synthomab {n}", "sponsor": f"Synthetic Bio {n}",
             "aliases": {"generic": [f"synthomab{n:04d}"], "codes": [f"SYN-{n:04d}"]}}
        )  # fmt: skip
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return [a["id"] for a in data["agents"]]


def sources_file(path: Path, base: str, timeout_s: float) -> None:
    sources: list[dict[str, Any]] = [
        {"id": feed, "kind": "rss", "url": f"{base}/{feed}.xml", "doc_type": "press_release"}
        for feed in FEEDS
    ]
    sources += [
        {"id": "pubmed", "kind": "pubmed", "doc_type": "publication", "source_class": "registry",
         "pubmed": {"base_url": f"{base}/pubmed", "email": "bench@example.com"}},
        {"id": "ctgov", "kind": "ctgov", "doc_type": "registry", "source_class": "registry",
         "ctgov": {"base_url": f"{base}/ctgov/api/v2", "max_pages": 1}},
    ]  # fmt: skip
    config = {
        "version": 1,
        "http": {"max_retries": 1, "backoff_base_s": 0, "backoff_cap_s": 0, "read_timeout_s": timeout_s,
                 "max_body_bytes": 2_000_000},
        "hosts": {"127.0.0.1": {"min_interval_s": 0}},
        "poll": {"alert_horizon_days": 3},
        "sources": sources,
    }  # fmt: skip
    path.write_text(yaml.safe_dump(config), encoding="utf-8")


# -- one soak -------------------------------------------------------------------------------------------


@dataclass
class SoakResult:
    agents: int
    cycles: int
    stories: int = 0
    updates_stored: int = 0
    other_updates: int = 0  # not one of the generated stories: injected oversize items, registry changes
    alerts_sent: int = 0
    duplicate_stories: int = 0
    duplicate_alerts: int = 0
    lost: list[str] = field(default_factory=list)
    cycle_seconds: list[float] = field(default_factory=list)
    tasks_per_cycle: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    failed_tasks: int = 0
    claim_conflicts: int = 0
    clean_cycles: int = 0
    alerted_not_stored: list[tuple[str, str]] = field(default_factory=list)  # (id, its item's kind)
    paths: PathsResult | None = None  # digests, chat, webhooks, calendar check (bench/_soak_paths.py)


def soak(
    agents: int, cycles: int, seed: int, *, fault_rate: float = 0.25, timeout_s: float = 0.4
) -> SoakResult:
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    from moto import mock_aws

    from pipewatch.adapters.aws import client
    from pipewatch.adapters.store import Store
    from pipewatch.composition import build_alert_service, build_poll_service
    from pipewatch.config import clear_cache, load_data_file
    from pipewatch.domain.ingest.sources import SourcesConfig
    from pipewatch.handlers import alert as alert_handler
    from pipewatch.observability import CountingMetrics
    from pipewatch.services.plan import plan_tasks
    from pipewatch.services.poll import PollTaskError
    from pipewatch.settings import Settings, get_settings
    from pipewatch_local.local_stack import (
        StreamPump,
        add_shadow_subscriber,
        create_local_stack,
        use_stack_environment,
    )

    rng = random.Random(seed)
    faults = Faults(random.Random(seed + 1))
    result = SoakResult(agents, cycles)
    saved_env = dict(os.environ)
    clock = {"now": START}
    feeds = FaultyRoutes(faults, timeout_s=timeout_s)
    with (
        tempfile.TemporaryDirectory() as tmp,
        mock_aws(),
        ReplayServer(fallback=feeds) as server,
        WebhookReceiver() as receiver,
    ):
        workdir = Path(tmp)
        agent_ids = watchlist_file(workdir / "watchlist.yaml", agents)
        sources_file(workdir / "sources.yaml", server.base_url, timeout_s)
        stack = create_local_stack(name=f"pipewatch-soak-{agents}")
        use_stack_environment(
            stack, {"PIPEWATCH_SOURCES": str(workdir / "sources.yaml"),
                    "PIPEWATCH_WATCHLIST": str(workdir / "watchlist.yaml")}
        )  # fmt: skip
        get_settings.cache_clear()
        clear_cache()
        settings = Settings.from_env()
        sources = load_data_file("sources.yaml", SourcesConfig, settings.sources_override)
        study = json.loads(
            (FIXTURES / "ctgov" / "v2_study_NCT04280705_full_2026-08-20_hkm30.json").read_text()
        )
        feeds.routes.update(
            {
                "/pubmed/esearch.fcgi": (
                    (FIXTURES / "pubmed" / "esearch_uid_31452104_found_2026-08-20_hkm30.json").read_bytes(),
                    "application/json",
                ),
                "/pubmed/esummary.fcgi": (
                    (FIXTURES / "pubmed" / "esummary_31452104_found_2026-08-20_hkm30.json").read_bytes(),
                    "application/json",
                ),
                "/ctgov/api/v2/studies": (json.dumps({"studies": [study]}).encode(), "application/json"),
            }
        )
        metrics = CountingMetrics()
        pollers = [
            build_poll_service(
                settings, metrics=metrics, dynamodb_client=AtomicCalls(client("dynamodb", settings))
            )
            for _ in range(2)
        ]
        for poller in pollers:
            poller._clock = lambda: clock["now"]  # type: ignore[method-assign]
        alert_service = build_alert_service(settings)
        pump = StreamPump(
            settings.table_name, partial(alert_handler.handler, service=alert_service), function_name="alert",
            filters=[{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["update"]}}}}],
        )  # fmt: skip
        inbox = add_shadow_subscriber(settings.topic_arn, "all", None)
        paths = SidePaths(settings, stack, receiver, AtomicCalls(client("dynamodb", settings)), START)
        received: list[dict[str, Any]] = []
        stories: list[Story] = []
        tasks = plan_tasks(sources, agent_ids, agents_per_task=50)
        result.tasks_per_cycle = len(tasks)

        def run_task(poller: Any, task: Any) -> bool:
            try:
                poller.poll_task(task, budget_seconds=20)
            except PollTaskError:
                return False
            return True

        try:
            for cycle in range(cycles + MAX_CLEAN_CYCLES):
                clean = cycle >= cycles  # then fault-free cycles until one has no failure: work deferred
                faults.rate = 0.0 if clean else fault_rate  # or failed under faults finishes there
                if not clean:
                    stories += new_stories(cycle, rng, agent_ids[:3] + agent_ids[3:][:7], 6, clock["now"])
                for feed in FEEDS:
                    feeds.routes[f"/{feed}.xml"] = (feed_body(feed, stories), "application/rss+xml")
                feeds.routes["/ctgov/api/v2/version"] = (
                    json.dumps({"apiVersion": "2.0.3", "dataTimestamp": clock["now"].isoformat()}).encode(),
                    "application/json",
                )
                started = time.perf_counter()
                side = threading.Thread(target=paths.round, args=(clock["now"],))
                side.start()  # digests, calendar check and deliveries while the polls write
                with ThreadPoolExecutor(max_workers=2) as pool:  # every task delivered twice, at once
                    outcomes = list(
                        pool.map(lambda pt: run_task(*pt), [(p, t) for t in tasks for p in pollers])
                    )
                side.join()
                result.failed_tasks += outcomes.count(False)
                pump.pump()
                received += [m for m in inbox.received() if "update_id" in m["MessageAttributes"]]
                result.cycle_seconds.append(time.perf_counter() - started)
                clock["now"] += timedelta(minutes=15)
                if clean:
                    result.clean_cycles += 1
                    if outcomes.count(False) == 0:
                        break
            paths.drain(clock["now"])
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            get_settings.cache_clear()
            clear_cache()

        stored = Store(client("dynamodb", settings), settings.table_name).scan_updates()
        result.stories = len(stories)
        result.updates_stored = len(stored)
        by_story = Counter(next((s.ref for s in stories if s.ref in u.title.split()), "") for u in stored)
        result.lost = [s.ref for s in stories if by_story[s.ref] == 0]
        result.other_updates = by_story.get("", 0)
        result.duplicate_stories = sum(n - 1 for ref, n in by_story.items() if ref and n > 1)
        copies = Counter(m["MessageAttributes"]["update_id"]["Value"] for m in received)
        result.alerts_sent = sum(copies.values())
        ddb = client("dynamodb", settings)

        def kind(uid: str) -> str:
            key = {"pk": {"S": f"UPDATE#{uid}"}, "sk": {"S": "UPDATE"}}
            item = ddb.get_item(TableName=settings.table_name, Key=key).get("Item", {})
            return str(item.get("kind", {}).get("S", "absent"))

        result.alerted_not_stored = [
            (u, kind(u)) for u in sorted(set(copies) - {u.update_id for u in stored})
        ]
        result.duplicate_alerts = sum(n - 1 for n in copies.values() if n > 1)
        result.faults = faults.injected
        result.claim_conflicts = int(metrics.total("StoryClaimConflicts"))
        titles = {u.update_id: u.title for u in stored}
        alerted = {
            ref for s in stories for uid in copies if s.ref in titles.get(uid, "").split() for ref in [s.ref]
        }
        result.paths = paths.tally(alerted, {ref for ref, n in by_story.items() if ref and n})
    return result


def matching_cpu(items: int = 4000, seed: int = 4000) -> float:
    """CPU seconds to match `items` distinct relevant items against each other in one task (StoryIndex)."""
    from pipewatch.domain.ingest.dedupe import StoryIndex
    from pipewatch.domain.models import Classification, Update

    rng = random.Random(seed)
    updates = [
        Update(
            update_id=f"u-{n}",
            title=f"{rng.choice(list(AGENT_WORDS))} "
            + " ".join(f"term{rng.randrange(3000)}" for _ in range(9)),
            url=f"https://example.com/{n}",
            source_id="bench",
            published=START - timedelta(hours=rng.randrange(72)),
            classification=Classification(
                relevant=True,
                agents=(rng.choice(list(AGENT_WORDS)),),
                event_type="regulatory",
                severity="high",
            ),
            first_seen=START,
        )
        for n in range(items)
    ]
    started = time.process_time()
    index = StoryIndex()
    for update in updates:
        if index.find(update) is None:
            index.add(update)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=6)
    parser.add_argument("--agents", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--fault-rate", type=float, default=0.25)
    args = parser.parse_args()
    print(
        f"soak: {args.cycles} faulty cycles (then clean ones until nothing fails) per watchlist size, "
        f"fault rate {args.fault_rate}, "
        "every task delivered twice at once; moto + a local fault-injecting server"
    )
    for agents in args.agents:
        r = soak(agents, args.cycles, args.seed, fault_rate=args.fault_rate)
        per_cycle = sum(r.cycle_seconds) / len(r.cycle_seconds)
        print(
            f"{agents:>5} agents ({r.tasks_per_cycle} tasks/cycle, x2 deliveries): {r.stories} stories, "
            f"{r.updates_stored} updates stored ({r.other_updates} of them injected items), "
            f"{r.alerts_sent} alerts sent, duplicates "
            f"{r.duplicate_stories + r.duplicate_alerts} (stories {r.duplicate_stories}, alerts "
            f"{r.duplicate_alerts}), items lost {len(r.lost)}{' ' + str(r.lost[:5]) if r.lost else ''}; "
            f"{per_cycle:.2f} s per cycle (max {max(r.cycle_seconds):.2f}); faults injected "
            f"{dict(sorted(r.faults.items()))}; failed task deliveries {r.failed_tasks}; "
            f"story-claim conflicts {r.claim_conflicts}"
        )
        for line in r.paths.lines() if r.paths else []:
            print(line)
    print(f"matching 4,000 distinct relevant items in one task: {matching_cpu():.2f} s CPU (target < 5 s)")


if __name__ == "__main__":
    main()

"""ClinicalTrials.gov at scale: requests, bytes, CPU time and store writes per poll cycle for 3, 100 and 1,000
agents, by agent (today: alias queries, one task per 5 agents) and by change (issue 25: one global query).

Replays recorded pages on 127.0.0.1 (pipewatch_local.replay_server) through the real fetcher, adapters and
poll service, with the in-memory store of tests/fakes.py:
  /api/v2/version        the recorded /version body (cycle 2: a hand-made later dataTimestamp)
  /api/v2/studies        any search: the two recorded Phelan-McDermid pages (5 studies each, nextPageToken),
                         then the recorded empty page; filter.ids: those of the recorded studies asked for
  /api/int/.../history   not recorded for these studies: 404, so the history falls back (counted)
Agents: the 3 of data/watchlist.yaml, plus hand-made agents ("benchagent_0004"...) that match nothing; the
source's extra_terms ["NNZ-2591"] (a drug of the recorded pages) makes 2 studies match in every run.

Cycle 1 is a source's first poll (a baseline: snapshots, no alerts); cycle 2 follows a registry refresh.
CPU time is the polling thread's (time.thread_time), the replay server excluded. Requests are broken down:
version, search (alias queries' pages), change (the global query's pages), ids (filter.ids batches), history,
direct (GET /studies/<NCT>: a watched study missing from a filter.ids answer, confirmed; the watchlist's
trials are not in the recorded pages, so here they answer 404 and count as vanished-but-never-stored).

    python bench/registry_scale.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakes import InMemoryStore  # noqa: E402
from pipewatch.adapters.http import HttpFetcher  # noqa: E402
from pipewatch.adapters.sources import poll_source  # noqa: E402
from pipewatch.config import load_classifier, load_data_file  # noqa: E402
from pipewatch.domain.ingest.polling import plan_tasks  # noqa: E402
from pipewatch.domain.ingest.sources import SourcesConfig  # noqa: E402
from pipewatch.domain.models import SourceState, Update  # noqa: E402
from pipewatch.domain.watch.watchlist import Agent, Aliases, Watchlist  # noqa: E402
from pipewatch.services.poll import PollService  # noqa: E402
from pipewatch_local.replay_server import ReplayServer, Reply  # noqa: E402

CTGOV = ROOT / "tests" / "fixtures" / "ctgov"
PAGE1 = (CTGOV / "v2_search_phelan-mcdermid_pageSize5_page1_2026-08-11_biomcp.json").read_bytes()
PAGE2 = (CTGOV / "v2_search_phelan-mcdermid_pageSize5_page2_2026-08-11_biomcp.json").read_bytes()
EMPTY = (CTGOV / "v2_search_empty_filter-ids_NCT99999999_2026-08-20_hkm30.json").read_bytes()
VERSION = (CTGOV / "v2_version_2026-08-20_hkm30.json").read_bytes()
HAND_MADE_VERSION_2 = b'{"apiVersion": "2.0.5", "dataTimestamp": "2026-08-20T09:00:00"}'
TOKEN1 = json.loads(PAGE1)["nextPageToken"]
RECORDED = {
    s["protocolSection"]["identificationModule"]["nctId"]: s
    for page in (PAGE1, PAGE2)
    for s in json.loads(page)["studies"]
}
JSON = {"Content-Type": "application/json"}
NOW = datetime(2026, 8, 21, 9, tzinfo=UTC)
AGENT_COUNTS = (3, 100, 1000)


class CountingStore(InMemoryStore):
    """The in-memory store, counting every write the poll makes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def put_source_state(self, state: SourceState) -> None:
        self.writes += 1
        super().put_source_state(state)

    def put_update(self, update: Update) -> bool:
        self.writes += 1
        return super().put_update(update)

    def save_snapshot_with_updates(
        self, nct_id: str, snapshot_json: str, previous_version: int | None, updates: Any
    ) -> bool:
        batch = list(updates)
        self.writes += 1 + len(batch)
        return super().save_snapshot_with_updates(nct_id, snapshot_json, previous_version, batch)


@dataclass
class Served:
    requests: int = 0
    bytes: int = 0
    version: bytes = VERSION
    kinds: Counter[str] = field(default_factory=Counter)

    def reply(self, body: bytes, status: int = 200, kind: str = "other") -> Reply:
        self.requests += 1
        self.bytes += len(body)
        self.kinds[kind] += 1
        return Reply(status, body, JSON if status == 200 else {"Content-Type": "text/plain"})


def serve(server: ReplayServer, served: Served) -> None:
    def studies(query: str, _headers: dict[str, str]) -> Reply:
        params = {k: v[0] for k, v in parse_qs(query).items()}
        if "filter.ids" in params:
            wanted = [RECORDED[n] for n in params["filter.ids"].split(",") if n in RECORDED]
            return served.reply(json.dumps({"studies": wanted}).encode(), kind="ids")
        token = params.get("pageToken", "")
        kind = "change" if "filter.advanced" in params else "search"
        return served.reply(PAGE1 if not token else PAGE2 if token == TOKEN1 else EMPTY, kind=kind)

    def not_recorded(path: str, _query: str, _headers: dict[str, str]) -> Reply:
        return served.reply(b"not found", 404, kind="history" if "/history" in path else "direct")

    server.handle("/api/v2/version", lambda _q, _h: served.reply(served.version, kind="version"))
    server.handle("/api/v2/studies", studies)
    server.fallback = not_recorded


def watchlist(agents: int) -> Watchlist:
    real = load_data_file("watchlist.yaml", Watchlist)
    hand_made = [
        Agent(
            id=f"benchagent_{n:04d}",
            name=f"Benchagent {n:04d}",
            sponsor=f"Bench Sponsor {n:04d}",
            aliases=Aliases(generic=(f"benchagent {n:04d}",), codes=(f"BCH-{n:04d}",)),
        )
        for n in range(len(real.agents) + 1, agents + 1)
    ]
    return real.model_copy(update={"agents": [*real.agents, *hand_made]})


def sources(base: str, strategy: str) -> SourcesConfig:
    ctgov: dict[str, Any] = {
        "strategy": strategy,
        "base_url": f"{base}/api/v2",
        "int_base_url": f"{base}/api/int",
        "extra_terms": ["NNZ-2591"],
        "max_pages": 10,
    }
    return SourcesConfig.model_validate(
        {
            "version": 1,
            "http": {"max_retries": 0, "backoff_base_s": 0, "backoff_cap_s": 0},
            "hosts": {"127.0.0.1": {"min_interval_s": 0}},
            "poll": {"alert_horizon_days": 36_500},
            "sources": [{"id": "ctgov", "kind": "ctgov", "source_class": "registry", "ctgov": ctgov}],
        }
    )


def run(strategy: str, agents: int) -> list[str]:
    lines = []
    with ReplayServer() as server:
        served = Served()
        serve(server, served)
        config = sources(server.base_url, strategy)
        watched = watchlist(agents)
        store = CountingStore()
        service = PollService(
            store=store,
            source_poller=poll_source,
            fetcher=HttpFetcher(
                max_retries=0, backoff_base=0, backoff_cap=0, host_intervals={"127.0.0.1": 0}
            ),
            classifier=load_classifier(),
            watchlist=watched,
            sources=config,
            clock=lambda: NOW,
        )
        tasks = plan_tasks(config, [a.id for a in watched.agents], source_class="registry")
        for cycle, stamp in ((1, VERSION), (2, HAND_MADE_VERSION_2)):
            served.version, served.requests, served.bytes, store.writes = stamp, 0, 0, 0
            served.kinds.clear()
            cpu = time.thread_time()
            fetched = sum(service.poll_task(task).fetched for task in tasks)
            cpu_ms = (time.thread_time() - cpu) * 1000
            breakdown = ", ".join(f"{k} {v}" for k, v in sorted(served.kinds.items()))
            lines.append(
                f"{strategy:9s} agents {agents:5d} cycle {cycle}: tasks {len(tasks):4d}  requests"
                f" {served.requests:5d}  bytes {served.bytes:9d}  cpu {cpu_ms:8.1f} ms  store writes"
                f" {store.writes:5d}  studies {fetched:5d}  ({breakdown})"
            )
    return lines


def main() -> None:
    for strategy in ("by_agent", "by_change"):
        for agents in AGENT_COUNTS:
            for line in run(strategy, agents):
                print(line, flush=True)


if __name__ == "__main__":
    main()

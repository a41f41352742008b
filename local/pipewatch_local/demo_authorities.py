"""The authorities' source kinds (openFDA, Federal Register, Europe PMC, EU CTIS) end to end on the local
stack: `pipewatch demo --authorities` and tests/integration/test_authority_stack.py.

Each kind answers one recorded payload (tests/fixtures/<kind>/README.md) through the replay server; the
deployed path runs as in the demo: the plan handler enqueues the tasks, the poll queue's mapping runs the
poll handler, the table stream runs the alert handler.

The recordings name no agent of the packaged watchlist, except the CTIS record (an argenx Phase 3 in
Graves' disease, read as efgartigimod by the packaged watchlist). So this scenario's watchlist is the
packaged one plus HAND-WRITTEN test agents that the recordings do name (imatinib for the openFDA
application, BRCA1 for the Europe PMC record, "Regional Center" for the Federal Register notice): they exist
only here, to show each kind flowing to an update, and say so in their names. The recorded items are years
old (2003, 2010), so the alert horizon is widened to 100 years here; the default demo is not changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipewatch_local.replay_server import ReplayServer, Route

# Hand-written test agents (not in the packaged watchlist), each named by one recording.
HAND_MADE_AGENTS: list[dict[str, Any]] = [
    {
        "id": "imatinib_hand_made",
        "name": "imatinib (hand-made test agent)",
        "sponsor": "Novartis",
        "aliases": {"generic": ["imatinib", "imatinib mesylate"], "brands": ["Gleevec"]},
    },
    {
        "id": "brca1_hand_made",
        "name": "BRCA1 (hand-made test agent)",
        "sponsor": "none (hand-made)",
        "aliases": {"codes": ["BRCA1"]},
    },
    {
        "id": "regional_center_hand_made",
        "name": "Regional Center (hand-made test agent)",
        "sponsor": "none (hand-made)",
        "aliases": {"brands": ["Regional Center"]},
    },
]
# The recorded openFDA and Europe PMC items date from 2003 and 2010: a wider horizon lets them alert.
HORIZON_DAYS = 36_500

# source id -> (route served, recorded file under tests/fixtures, content type)
RECORDED: dict[str, tuple[str, str, str]] = {
    "openfda": (
        "/openfda/drug/drugsfda.json",
        "openfda/drugsfda_imatinib_NDA021588_reduced_2026-08-11_biomcp.json",
        "application/json",
    ),
    "federal-register": (
        "/federalregister/api/v1/documents.json",
        "federal_register/documents_uscis_newest_perpage5_trimmed_2026-09-13_EXCERPT.json",
        "application/json",
    ),
    "europepmc": (
        "/europepmc/webservices/rest/search",
        "europepmc/search_ext-id-20516115_pageSize1_2026-08-05_biomcp.json",
        "application/json",
    ),
    "ctis": (
        "/ctis-public-api/retrieve/2025-523333-26-00",
        "ctis/retrieve_2025-523333-26-00_argenx-graves_reduced_2026-08_ctcm.json",
        "application/json",
    ),
}


def authority_sources(base: str) -> list[dict[str, Any]]:
    """The four kinds, each pointed at its recorded payload on the replay server at `base`. Federal
    Register reads one page: the recording's next_page_url names the real host, never fetched here."""
    return [
        {
            "id": "openfda",
            "name": "openFDA Drugs@FDA (recorded)",
            "kind": "openfda",
            "doc_type": "regulator",
            "openfda": {
                "base_url": f"{base}{RECORDED['openfda'][0]}",
                "application_numbers": ["NDA021588"],
                "use_watchlist": False,
            },
        },
        {
            "id": "federal-register",
            "name": "Federal Register (recorded)",
            "kind": "federal-register",
            "doc_type": "regulator",
            "federal_register": {"base_url": f"{base}{RECORDED['federal-register'][0]}", "max_pages": 1},
        },
        {
            "id": "europepmc",
            "name": "Europe PMC (recorded)",
            "kind": "europepmc",
            "doc_type": "publication",
            "europepmc": {
                "base_url": f"{base}{RECORDED['europepmc'][0]}",
                "query": "BRCA1",
                "use_watchlist": False,
            },
        },
        {
            "id": "ctis",
            "name": "EU CTIS (recorded)",
            "kind": "ctis",
            "doc_type": "registry",
            "source_class": "registry",
            "ctis": {"base_url": f"{base}/ctis-public-api", "ct_numbers": ["2025-523333-26-00"]},
        },
    ]


def authority_routes(fixtures: Path) -> dict[str, Route]:
    return {route: Route.file(fixtures / relative, kind) for route, relative, kind in RECORDED.values()}


def write_configuration(workdir: Path, base: str, packaged_watchlist: Path) -> tuple[Path, Path]:
    """(watchlist, sources) files: the packaged watchlist plus the hand-made agents; the four sources."""
    data = yaml.safe_load(packaged_watchlist.read_text(encoding="utf-8"))
    data["agents"].extend(a for a in HAND_MADE_AGENTS if a["id"] not in {x.get("id") for x in data["agents"]})
    watchlist = workdir / "watchlist-with-hand-made-agents.yaml"
    watchlist.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    sources = workdir / "sources-authorities.yaml"
    config = {
        "version": 1,
        "http": {"max_retries": 0, "backoff_base_s": 0, "backoff_cap_s": 0},
        "poll": {"alert_horizon_days": HORIZON_DAYS, "baseline_undated": False},
        "hosts": {"127.0.0.1": {"min_interval_s": 0}},
        "sources": authority_sources(base),
    }
    sources.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return watchlist, sources


@dataclass
class AuthorityRun:
    """What each kind gave: its updates (as stored) and how many alerts the topic published."""

    tasks: list[str] = field(default_factory=list)  # the poll tasks the plan handler enqueued
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # source id -> updates
    alerted: set[str] = field(default_factory=set)  # update ids the topic published
    parked: int = 0  # poll tasks left in the poll DLQ

    @property
    def ok(self) -> bool:
        """Every kind gave an update and no poll task was parked."""
        return all(self.updates.get(source_id) for source_id in RECORDED) and not self.parked

    def render(self) -> str:
        lines = ["Authorities (one recorded item each; hand-made test agents where the recording names none)"]
        for source_id, (_route, recording, _kind) in RECORDED.items():
            updates = self.updates.get(source_id, [])
            lines.append(f"  {source_id}: recorded {recording}")
            if not updates:
                lines.append("    no update")
            for update in updates:
                alert = "alerted" if update["update_id"] in self.alerted else "stored, not alerted"
                agents = ", ".join(update["agents"]) or "-"
                lines.append(f"    {alert:20} [{agents}] {update['title'][:80]}")
        lines.append(f"  poll tasks {len(self.tasks)}, parked {self.parked}")
        return "\n".join(lines)


def run_authorities(fixtures: Path, events: Path, workdir: Path, packaged_watchlist: Path) -> AuthorityRun:
    """One scheduled cycle of the four kinds through the stack created from template.yaml in moto (call
    inside `moto.mock_aws()`)."""
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.store import Store
    from pipewatch.services.plan import PollTask
    from pipewatch.settings import Settings
    from pipewatch_local.cycle_pumps import cycle_pumps, run_cycle
    from pipewatch_local.functions import load_handlers
    from pipewatch_local.local_stack import create_local_stack, queue_depth, use_stack_environment

    stack = create_local_stack(name="pipewatch-authorities")
    with ReplayServer() as server:
        watchlist, sources = write_configuration(workdir, server.base_url, packaged_watchlist)
        use_stack_environment(
            stack, {"PIPEWATCH_WATCHLIST": str(watchlist), "PIPEWATCH_SOURCES": str(sources)}
        )
        server.routes.update(authority_routes(fixtures))
        handlers = load_handlers()
        store = Store(client("dynamodb", Settings.from_env()), stack.output("TableName"))
        queue, stream = cycle_pumps(stack, handlers)
        run_cycle(stack, handlers["plan"], events, queue, stream)
        run = AuthorityRun()
        run.tasks = sorted(
            PollTask.from_json(r["body"]).state_id for e in queue.invocations for r in e["Records"]
        )
        for update in store.scan_updates():
            run.updates.setdefault(update.source_id, []).append(
                {
                    "update_id": update.update_id,
                    "title": update.title,
                    "url": update.url,
                    "agents": list(update.classification.agents),
                    "event_type": update.classification.event_type or "",
                    "severity": update.classification.severity or "",
                }
            )
        run.alerted = _published_update_ids(stack)
        run.parked = queue_depth(stack.output("PollDeadLetterQueueUrl"))
    return run


def _published_update_ids(stack: Any) -> set[str]:
    from moto.sns.models import sns_backends

    topic = sns_backends["123456789012"]["us-east-1"].topics[stack.output("AlertsTopicArn")]
    published: set[str] = set()
    for _id, _message, _subject, attributes, _group in topic.sent_notifications:
        attribute = (attributes or {}).get("update_id", {})
        update_id = attribute.get("StringValue") or attribute.get("Value", "")
        if update_id:
            published.add(str(update_id))
    return published

"""The demo scenario behind `pipewatch demo` (and the e2e test): two poll cycles over recorded payloads,
through the stack created from template.yaml in moto, with three example subscribers.

It runs the deployed shape: the subscribers are created through the subscription API handler with API
Gateway events; each cycle invokes the plan handler with its schedule's input, which enqueues one task per
(source, query) on the stack's poll queue (found by its Outputs); a QueuePump plays the SQS event-source
mapping (batches of the mapping's BatchSize, `batchItemFailures` honoured, failed tasks redriven to the poll
DLQ after the queue's maxReceiveCount); a StreamPump plays the stream mapping into the alert handler; the
digest handler runs on its schedule's input. The cycle figures are read from what an operator sees: the
table, the poll DLQ, the topic.

Cycle 1 replays the recorded feeds; cycle 2 replays them again (unchanged feeds answer 304 and cost no
write) plus a newer version of a registry record, which becomes a trial-change alert. Finally the last
stream batch is delivered a second time, as a Lambda retry would, and must publish nothing.
Call inside `moto.mock_aws()`.
"""

from __future__ import annotations

import copy
import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from pipewatch.adapters.aws import client
from pipewatch.adapters.store import Store
from pipewatch.config import packaged_data_path
from pipewatch.domain.models import SourceState
from pipewatch.domain.render import render_alert
from pipewatch.services.plan import PollTask
from pipewatch.settings import Settings
from pipewatch_local.local_stack import (
    LambdaContext,
    LocalStack,
    QueuePump,
    ShadowSubscriber,
    StreamPump,
    add_shadow_subscriber,
    api_gateway_event,
    create_local_stack,
    use_stack_environment,
)
from pipewatch_local.replay_server import ReplayServer, Route

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

# A registry record that is in the recorded fixtures. No recorded record of a myositis trial exists, so the
# demo watches this one through an agent added by configuration (which is also how agents are added).
DEMO_TRIAL = "NCT04280705"
DEMO_AGENT = {
    "id": "remdesivir",
    "name": "remdesivir",
    "sponsor": "Gilead",
    "aliases": {"generic": ["remdesivir"], "codes": ["GS-5734"], "brands": ["Veklury"], "trials": ["ACTT-1"]},
    "trials": [{"nct_id": DEMO_TRIAL, "acronym": "ACTT-1", "phase": "3", "indications": []}],
}

# Example subscribers: (name, subscription request), created through the subscription API (POST
# /subscriptions, whose body is the endpoint plus the preferences); the filter policy each gets is the one
# the API returned.
SUBSCRIBERS: list[tuple[str, dict[str, Any]]] = [
    ("CI analyst (email, instant, everything)", {"endpoint": "ci.analyst@example.com"}),
    (
        "Medical affairs (SMS, instant, high severity only)",
        {"endpoint": "+15555550123", "preferences": {"min_severity": "high"}},
    ),
    (
        "BD lead (email, daily digest 08:00 Europe/Brussels, brepocitinib + efgartigimod, medium and above)",
        {
            "endpoint": "bd.lead@example.com",
            "preferences": {
                "mode": "digest",
                "digest_hour": 8,
                "timezone": "Europe/Brussels",
                "agents": ["brepocitinib", "efgartigimod"],
                "min_severity": "medium",
            },
        },
    ),
]
DIGEST_ZONE = "Europe/Brussels"
DIGEST_HOUR = 8


@dataclass
class SubscriberView:
    name: str
    channel: str
    endpoint: str
    filter_policy: dict[str, Any] | None
    shadow: ShadowSubscriber
    mode: str = "instant"
    subscription_id: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    digests: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DemoResult:
    stack_name: str
    cycles: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    subscribers: list[SubscriberView]
    replayed_batch_new_messages: int
    topic_publishes: int
    digest_runs: list[dict[str, Any]] = field(default_factory=list)
    merged_copies: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.updates) and self.replayed_batch_new_messages == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack_name,
            "cycles": self.cycles,
            "updates": self.updates,
            "subscribers": [
                {
                    "name": s.name,
                    "channel": s.channel,
                    "endpoint": s.endpoint,
                    "mode": s.mode,
                    "subscription_id": s.subscription_id,
                    "filter_policy": s.filter_policy,
                    "alerts": s.messages,
                    "digests": s.digests,
                }
                for s in self.subscribers
            ],
            "replayed_batch_new_messages": self.replayed_batch_new_messages,
            "topic_publishes": self.topic_publishes,
            "digest_runs": self.digest_runs,
            "merged_copies": self.merged_copies,
        }

    def render(self) -> str:
        out: list[str] = [
            f"pipewatch demo - stack {self.stack_name} (template.yaml on moto, recorded payloads)",
            "",
        ]
        for cycle in self.cycles:
            out.append(
                f"poll cycle {cycle['cycle']}: {cycle['sources']} sources planned as {cycle['tasks']} queue "
                f"tasks ({cycle['deliveries']} deliveries in {cycle['batches']} batches), "
                f"{cycle['new_updates']} new updates, "
                f"{cycle['not_modified']} tasks unchanged (304), {cycle['merged']} syndicated copies merged, "
                f"{len(cycle['failed'])} failed; "
                f"{cycle['alerts_published']} alerts published"
            )
            for failure in cycle["failed"]:
                out.append(
                    f"  ! {failure['source']} (task {failure['task']}, parked in the poll DLQ after "
                    f"{failure['receives']} receives): {failure['error']}"
                )
        out += [
            "",
            "Classified updates",
            _table(
                ["#", "agents", "event", "sev", "indications", "title"],
                [
                    [
                        str(i + 1),
                        ",".join(u["agents"]),
                        u["event_type"],
                        u["severity"],
                        ",".join(u["indications"]) or "-",
                        u["title"],
                    ]
                    for i, u in enumerate(self.updates)
                ],
            ),
        ]
        with_sources = [u for u in self.updates if len(u["sources"]) > 1]
        if with_sources:
            out += [
                "",
                f"Syndicated copies merged into one update ({self.merged_copies} copies, no extra alert):",
            ]
            out += [f"  - {u['title'][:90]}: {'; '.join(u['sources'])}" for u in with_sources]
        for sub in self.subscribers:
            policy = json.dumps(sub.filter_policy, sort_keys=True)
            out += [
                "",
                f"{sub.name} <{sub.endpoint}>",
                f"  SNS filter policy: {policy}",
                f"  {len(sub.messages)} instant alerts, {len(sub.digests)} digests",
            ]
            for message in sub.messages:
                if sub.channel == "sms":
                    out.append(f"  - SMS ({len(message['sms'])} chars): {message['sms']}")
                else:
                    out.append("  - " + message["subject"])
            for digest in sub.digests:
                out.append(f"  digest: {digest['subject']}")
                out += ["    | " + line for line in digest["message"].splitlines()]
        for run in self.digest_runs:
            out.append(
                f"\ndigest run at {run['now']} ({run['label']}): {len(run['sent'])} sent, "
                f"{len(run['empty'])} empty (not sent), {run['due']} due"
            )
        out += [
            "",
            f"Replayed the last stream batch (a Lambda retry): {self.replayed_batch_new_messages} new alerts "
            f"(exactly-once: expected 0). SNS publishes in total: {self.topic_publishes}.",
        ]
        return "\n".join(out)


def _table(headers: list[str], rows: list[list[str]], width: int = 150) -> str:
    fixed = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers[:-1])]
    fixed = [min(w, 28) for w in fixed]
    last = max(20, width - sum(fixed) - 2 * len(fixed))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers[:-1], fixed, strict=True)) + "  " + headers[-1]]
    for row in rows:
        cells = [c[:w].ljust(w) for c, w in zip(row[:-1], fixed, strict=True)]
        lines.append("  ".join(cells) + "  " + textwrap.shorten(row[-1], last, placeholder="..."))
    return "\n".join(lines)


def derive_one_field(document: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    """A copy of a recorded document with exactly one field changed (named as derived wherever shown)."""
    derived = copy.deepcopy(document)
    node = derived
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return derived


class DemoRun:
    def __init__(self, *, fixtures: Path, events: Path, workdir: Path) -> None:
        self.fixtures = fixtures
        self.events = events
        self.workdir = workdir

    # -- configuration -----------------------------------------------------------------------------------
    def _write_watchlist(self) -> Path:
        data = yaml.safe_load(packaged_data_path("watchlist.yaml").read_text(encoding="utf-8"))
        data["agents"].append(DEMO_AGENT)
        path = self.workdir / "watchlist.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    def _write_sources(self, base: str) -> Path:
        sources = {
            "version": 1,
            "http": {"max_retries": 1, "backoff_base_s": 0, "backoff_cap_s": 0},
            # Recorded payloads are months or years old (some undated): widen the alert horizon so they alert.
            "poll": {"alert_horizon_days": 3650, "baseline_undated": False},
            "hosts": {"127.0.0.1": {"min_interval_s": 0}},
            "sources": [
                {
                    "id": "press-wire",
                    "name": "Press wire (recorded headlines)",
                    "kind": "rss",
                    "url": f"{base}/press/feed.xml",
                    "doc_type": "press_release",
                },
                {
                    "id": "sec-press",
                    "name": "SEC newsroom",
                    "kind": "rss",
                    "url": f"{base}/sec/pressreleases.rss",
                    "doc_type": "regulator",
                },
                {
                    "id": "ema-news",
                    "name": "EMA news",
                    "kind": "rss",
                    "url": f"{base}/ema/news.xml",
                    "doc_type": "regulator",
                },
                {
                    "id": "edgar-demo",
                    "name": "SEC EDGAR 8-K",
                    "kind": "edgar",
                    "doc_type": "filing",
                    "edgar": {
                        "base_url": f"{base}/edgar/browse-edgar",
                        "cik": "0001889983",
                        "forms": ["8-K"],
                    },
                },
                {
                    "id": "pubmed",
                    "name": "PubMed",
                    "kind": "pubmed",
                    "doc_type": "publication",
                    "source_class": "registry",
                    "pubmed": {"base_url": f"{base}/pubmed", "email": "demo@example.com"},
                },
                {
                    "id": "ctgov",
                    "name": "ClinicalTrials.gov",
                    "kind": "ctgov",
                    "doc_type": "registry",
                    "source_class": "registry",
                    "ctgov": {"base_url": f"{base}/ctgov/api/v2", "max_pages": 2},
                },
            ],
        }
        path = self.workdir / "sources.yaml"
        path.write_text(yaml.safe_dump(sources, sort_keys=False), encoding="utf-8")
        return path

    def _routes(self, server: ReplayServer, cycle: int) -> None:
        f = self.fixtures
        study = json.loads((f / "ctgov" / "v2_study_NCT04280705_full_2026-08-20_hkm30.json").read_text())
        version = json.loads((f / "ctgov" / "v2_version_2026-08-20_hkm30.json").read_text())
        if cycle == 1:
            # Derived: the recorded record as it would have read before completion (one field edited).
            study = derive_one_field(
                study, ["protocolSection", "statusModule", "overallStatus"], "ACTIVE_NOT_RECRUITING"
            )
            version_body = (f / "ctgov" / "v2_version_2026-08-20_hkm30.json").read_bytes()
        else:
            # Derived: the registry's data timestamp moves forward; the study is the recorded one, unedited.
            version = derive_one_field(version, ["dataTimestamp"], "2026-08-20T09:00:06")
            version_body = json.dumps(version).encode()
        server.routes.update(
            {
                "/press/feed.xml": Route.file(
                    f / "demo" / "press_feed_HANDMADE_from_labeled_headlines.xml", "application/rss+xml"
                ),
                "/sec/pressreleases.rss": Route.file(
                    f / "rss" / "sec_press_releases_rss_2025-01-24_edgarkit.xml", "application/rss+xml"
                ),
                "/ema/news.xml": Route.file(f / "demo" / "html_challenge_page_HANDMADE.html", "text/html"),
                "/edgar/browse-edgar": Route.file(
                    f / "edgar" / "company_atom_keen-vision_8K_2025-01-25_edgarkit.xml",
                    "application/atom+xml",
                ),
                "/pubmed/esearch.fcgi": Route.file(
                    f / "pubmed" / "esearch_uid_31452104_found_2026-08-20_hkm30.json", "application/json"
                ),
                "/pubmed/esummary.fcgi": Route.file(
                    f / "pubmed" / "esummary_31452104_found_2026-08-20_hkm30.json", "application/json"
                ),
                "/ctgov/api/v2/version": Route(version_body, "application/json"),
                "/ctgov/api/v2/studies": Route(json.dumps({"studies": [study]}).encode(), "application/json"),
                f"/ctgov/api/v2/studies/{DEMO_TRIAL}": Route(json.dumps(study).encode(), "application/json"),
            }
        )

    def _event(self, name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.events / name).read_text(encoding="utf-8"))
        return loaded

    # -- the run -------------------------------------------------------------------------------------------
    def run(self) -> DemoResult:
        stack = create_local_stack(name="pipewatch-demo")
        with ReplayServer() as server:
            use_stack_environment(
                stack,
                {
                    "PIPEWATCH_WATCHLIST": str(self._write_watchlist()),
                    "PIPEWATCH_SOURCES": str(self._write_sources(server.base_url)),
                },
            )
            handlers = load_handlers()
            subscribers = self._subscribe(stack, handlers["api"])
            store = Store(client("dynamodb", Settings.from_env()), stack.output("TableName"))
            queue = QueuePump.from_mapping(
                stack,
                _mapping(stack, "PollQueue"),
                handlers["poll"],
                function_name=stack.output("PollFunctionName"),
            )
            pump = StreamPump.from_mapping(
                stack,
                _mapping(stack, "Stream"),
                handlers["alert"],
                function_name=stack.output("AlertFunctionName"),
            )
            cycles = []
            for cycle in (1, 2):
                self._routes(server, cycle)
                cycles.append(
                    self._cycle(cycle, handlers["plan"], queue=queue, pump=pump, stack=stack, store=store)
                )
            replay = pump.invocations[-1]["Records"] if pump.invocations else []
            before = _topic_publish_count(stack)
            pump.deliver_batch(replay)
            replayed_new = _topic_publish_count(stack) - before
            digest_runs = self._digests(handlers["digest"], stack)
            for sub in subscribers:
                received = sub.shadow.received()
                sub.messages.extend(_alert_bodies([e for e in received if _delivery(e) == "instant"], store))
                sub.digests.extend(
                    {
                        "subject": e.get("Subject", ""),
                        "message": e.get("Message", ""),
                        "digest_key": e["MessageAttributes"]["digest_key"]["Value"],
                    }
                    for e in received
                    if _delivery(e) == "digest"
                )
        updates = [
            {
                "update_id": u.update_id,
                "agents": list(u.classification.agents),
                "event_type": u.classification.event_type or "",
                "severity": u.classification.severity or "",
                "indications": list(u.classification.indications),
                "title": u.title,
                "sources": list(u.sources),
                "reasons": list(u.classification.reasons),
            }
            for u in store.scan_updates()
        ]
        merged = sum(c["merged"] for c in cycles)
        return DemoResult(
            stack.name,
            cycles,
            updates,
            subscribers,
            replayed_new,
            _topic_publish_count(stack),
            digest_runs,
            merged,
        )

    def _subscribe(self, stack: LocalStack, api: Handler) -> list[SubscriberView]:
        topic = stack.output("AlertsTopicArn")
        context = LambdaContext(stack.output("ApiFunctionName"))
        views = []
        for name, request in SUBSCRIBERS:
            body = {"endpoint": request["endpoint"], **request.get("preferences", {})}
            answer = api(api_gateway_event("POST", "/subscriptions", body=body), context)
            created = json.loads(answer.get("body") or "{}")
            if answer["statusCode"] != 201:
                raise RuntimeError(f"subscribing {name}: {answer['statusCode']} {created}")
            policy = created["filter_policy"]
            endpoint = created["endpoint"]
            # moto records no email/SMS delivery: an SQS queue with the same policy receives what they would.
            shadow = add_shadow_subscriber(topic, endpoint.strip("+").split("@")[0], policy)
            views.append(
                SubscriberView(
                    name,
                    created["protocol"],
                    endpoint,
                    policy,
                    shadow,
                    created["mode"],
                    created["subscription_id"],
                )
            )
        return views

    def _digests(self, digest: Handler, stack: LocalStack) -> list[dict[str, Any]]:
        """The scheduled digest at the next 08:00 Brussels, then the same run again (a scheduler retry)."""
        zone = ZoneInfo(DIGEST_ZONE)
        local = datetime.now(UTC).astimezone(zone)
        at = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
        if at <= local:
            at += timedelta(days=1)
        event = {"scheduled_time": at.astimezone(UTC).isoformat()}
        context = LambdaContext(stack.output("DigestFunctionName"))
        runs = []
        for label in ("scheduled run", "retried run"):
            report = digest(event, context)
            runs.append({"label": label, **report})
        return runs

    def _cycle(
        self,
        cycle: int,
        plan: Handler,
        *,
        queue: QueuePump,
        pump: StreamPump,
        stack: LocalStack,
        store: Store,
    ) -> dict[str, Any]:
        """One scheduled cycle as deployed: plan enqueues, the queue mapping delivers, the stream alerts."""
        started = datetime.now(UTC)
        published_before = _topic_publish_count(stack)
        updates_before = store.scan_updates()
        invocations_before = len(queue.invocations)
        context = LambdaContext(stack.output("PlanFunctionName"))
        reports = [plan(self._event(name), context) for name in ("plan_registry.json", "plan_news.json")]
        queue.pump()
        pump.pump()
        batches = queue.invocations[invocations_before:]
        records = [r for event in batches for r in event["Records"]]
        tasks = {r["messageId"]: PollTask.model_validate_json(r["body"]) for r in records}
        failed = self._parked_tasks(stack, store, records)
        failed_ids = {f["task"] for f in failed}
        updates_after = store.scan_updates()
        unchanged = [
            task
            for task in {t.state_id: t for t in tasks.values()}.values()
            if task.state_id not in failed_ids
            and _untouched_since(store.get_source_state(task.state_id), started)
        ]
        return {
            "cycle": cycle,
            "sources": sum(len(r["sources"]) for r in reports),
            "tasks": sum(int(r["tasks"]) for r in reports),
            "deliveries": len(records),
            "batches": len(batches),
            "new_updates": len(updates_after) - len(updates_before),
            "not_modified": len(unchanged),
            "merged": _copies(updates_after) - _copies(updates_before),
            "failed": failed,
            "alerts_published": _topic_publish_count(stack) - published_before,
        }

    @staticmethod
    def _parked_tasks(stack: LocalStack, store: Store, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Tasks the poll queue redrove to its DLQ this cycle (read and cleared, as an operator would), with
        the reason their source state recorded and how often they were delivered."""
        sqs = client("sqs", Settings.from_env())
        dlq = stack.output("PollDeadLetterQueueUrl")
        parked: list[dict[str, Any]] = []
        while True:
            messages = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                break
            for message in messages:
                task = PollTask.model_validate_json(message["Body"])
                state = store.get_source_state(task.state_id)
                parked.append(
                    {
                        "source": task.source_id,
                        "task": task.state_id,
                        "receives": sum(1 for r in records if r["messageId"] == message["MessageId"]),
                        "error": state.last_error,
                    }
                )
                sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
        return sorted(parked, key=lambda p: p["task"])


def _untouched_since(state: SourceState, moment: datetime) -> bool:
    """A task whose source answered 304 writes no state: its last attempt predates the cycle."""
    return state.last_attempt is not None and state.last_attempt < moment


def _copies(updates: list[Any]) -> int:
    """Syndicated copies merged so far: each merge appends one outlet to the stored update's sources."""
    return sum(max(0, len(u.sources) - 1) for u in updates)


def load_handlers() -> dict[str, Handler]:
    """The Lambda entry points, with their per-process caches cleared (settings may have changed)."""
    from pipewatch.config import _cached_load
    from pipewatch.handlers import alert, api, digest, plan, poll
    from pipewatch.settings import get_settings

    get_settings.cache_clear()
    _cached_load.cache_clear()
    plan._service.cache_clear()
    poll._service.cache_clear()
    alert._service.cache_clear()
    digest._service.cache_clear()
    api._service.cache_clear()
    return {
        "plan": plan.handler,
        "poll": poll.handler,
        "alert": alert.handler,
        "digest": digest.handler,
        "api": api.handler,
    }


def _mapping(stack: LocalStack, source: str) -> dict[str, Any]:
    """The template's event-source mapping whose source (a queue or the table stream) names `source`."""
    for mapping in stack.mappings.values():
        if source in json.dumps(mapping["Properties"].get("EventSourceArn", "")):
            found: dict[str, Any] = mapping
            return found
    raise KeyError(f"the template has no event-source mapping reading {source}")


def _topic_publish_count(stack: LocalStack) -> int:
    from moto.sns.models import sns_backends

    backend = sns_backends["123456789012"]["us-east-1"]
    topic = backend.topics[stack.output("AlertsTopicArn")]
    return len(topic.sent_notifications)


def _delivery(envelope: dict[str, Any]) -> str:
    return str(envelope.get("MessageAttributes", {}).get("delivery", {}).get("Value", ""))


def _alert_bodies(envelopes: list[dict[str, Any]], store: Store) -> list[dict[str, Any]]:
    """SNS-to-SQS envelopes -> what the subscriber's endpoint receives. The shadow queue gets the topic's
    default (email) body; the SMS text SNS would send is the same update rendered for SMS."""
    bodies = []
    for envelope in envelopes:
        update_id = envelope.get("MessageAttributes", {}).get("update_id", {}).get("Value", "")
        update = store.get_update(update_id)
        bodies.append(
            {
                "update_id": update_id,
                "subject": envelope.get("Subject", ""),
                "message": envelope.get("Message", ""),
                "sms": render_alert(update).sms if update else "",
            }
        )
    return bodies

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
write) plus a newer version of a registry record, which becomes a trial-change alert. Then the last
stream batch is delivered a second time, as a Lambda retry would, and must publish nothing. The catalyst
calendar built from the replayed statements is checked as its schedule would today, the digests run, and
the daily check runs once more on the day the first open window will be overdue (demo_calendar.py).
Call inside `moto.mock_aws()`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from pipewatch.adapters.aws import client
from pipewatch.adapters.store import Store
from pipewatch.domain.models import SourceState
from pipewatch.domain.render.messages import render_alert, when_published
from pipewatch.domain.render.page import outlets
from pipewatch.services.plan import PollTask
from pipewatch.settings import Settings
from pipewatch_local.cycle_pumps import cycle_pumps, run_cycle
from pipewatch_local.demo_calendar import DemoCalendar
from pipewatch_local.demo_preflight import DEMO_AGENT_ID, DemoWatchlist, load_watchlist
from pipewatch_local.demo_sources import DEMO_TRIAL, replay_routes, write_sources
from pipewatch_local.demo_subscribers import (
    DIGEST_HOUR,
    DIGEST_ZONE,
    SUBSCRIBERS,
    SubscriberRefused,
    fit_examples,
    refusal,
)
from pipewatch_local.demo_view import DemoResult, SubscriberView
from pipewatch_local.demo_watchlist import (
    DEMO_ENVIRONMENT,
    WatchlistPushDemo,
    push_anifrolumab,
    push_demo_watchlist,
)
from pipewatch_local.demo_webhook import WebhookSubscriber
from pipewatch_local.functions import load_handlers
from pipewatch_local.local_stack import (
    Handler,
    LambdaContext,
    LocalStack,
    QueuePump,
    StreamPump,
    add_shadow_subscriber,
    api_gateway_event,
    create_local_stack,
    use_stack_environment,
)
from pipewatch_local.replay_server import ReplayServer

DEMO_AGENT = {
    "id": DEMO_AGENT_ID,
    "name": "remdesivir",
    "sponsor": "Gilead",
    "aliases": {"generic": ["remdesivir"], "codes": ["GS-5734"], "brands": ["Veklury"], "trials": ["ACTT-1"]},
    "trials": [{"nct_id": DEMO_TRIAL, "acronym": "ACTT-1", "phase": "3", "indications": []}],
}


class DemoRun:
    def __init__(
        self,
        *,
        fixtures: Path,
        events: Path,
        workdir: Path,
        extra_subscribers: list[tuple[str, dict[str, Any]]] | None = None,
        watchlist: DemoWatchlist | None = None,
    ) -> None:
        self.fixtures = fixtures
        self.events = events
        self.workdir = workdir
        # A user's own subscriber (`pipewatch demo --subscriber ...`), after the three examples.
        self.examples = list(SUBSCRIBERS)
        self.own = list(extra_subscribers or [])
        self.known_agents: set[str] = set()
        # The user's watchlist as checked before the run (demo_preflight.py), else $PIPEWATCH_WATCHLIST now.
        self.watchlist = watchlist

    # -- configuration -----------------------------------------------------------------------------------
    def _write_watchlist(self) -> Path:
        # $PIPEWATCH_WATCHLIST when set (a user's own watchlist), else the packaged one; plus the demo agent.
        if self.watchlist is None:
            self.watchlist = load_watchlist(Settings.from_env().watchlist_override)
        data = dict(self.watchlist.document)
        data["agents"] = list(data.get("agents", []))
        if all(agent.get("id") != DEMO_AGENT["id"] for agent in data.get("agents", [])):
            data["agents"].append(DEMO_AGENT)
        self.known_agents = {str(agent.get("id")) for agent in data["agents"]}
        path = self.workdir / "watchlist.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    # -- the run -------------------------------------------------------------------------------------------
    def run(self) -> DemoResult:
        stack = create_local_stack(name="pipewatch-demo")
        with ReplayServer() as server:
            watchlist = self._write_watchlist()
            sources_path = write_sources(self.workdir, server.base_url)
            use_stack_environment(stack, {**DEMO_ENVIRONMENT, "PIPEWATCH_SOURCES": str(sources_path)})
            first_version = push_demo_watchlist(watchlist)  # the stack's live watchlist (issue 26)
            source_names = {
                str(s["id"]): str(s.get("name") or s["id"])
                for s in yaml.safe_load(sources_path.read_text(encoding="utf-8"))["sources"]
            }
            handlers = load_handlers()
            subscribers = self._subscribe(stack, handlers["api"])
            webhook = WebhookSubscriber(stack).start()
            store = Store(client("dynamodb", Settings.from_env()), stack.output("TableName"))
            queue, pump = cycle_pumps(stack, handlers)
            cycles = []
            for cycle in (1, 2):
                replay_routes(server, self.fixtures, cycle)
                cycles.append(
                    self._cycle(cycle, handlers["plan"], queue=queue, pump=pump, stack=stack, store=store)
                )
            watchlist_push = self._push_anifrolumab(
                watchlist, first_version, handlers=handlers, queue=queue, pump=pump, stack=stack, store=store
            )
            replay = pump.invocations[-1]["Records"] if pump.invocations else []
            before = _topic_publish_count(stack)
            pump.deliver_batch(replay)
            replayed_new = _topic_publish_count(stack) - before
            calendar = DemoCalendar(stack, handlers["catalyst_check"])
            today = datetime.now(UTC)
            calendar.check("daily catalyst check, today", today)
            calendar.snapshot(today)
            digest_runs = self._digests(handlers["digest"], stack, subscribers)
            calendar.check_when_the_first_window_is_overdue(today)
            pump.pump()  # the overdue update goes out like any other
            webhook_result = webhook.finish()
            for sub in subscribers:
                received = sub.shadow.received()
                sub.messages.extend(
                    _alert_bodies(
                        [e for e in received if _delivery(e) in {"instant", "landscape"}],
                        store,
                        _sent_sms(stack),
                    )
                )
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
                # "landscape": a competitor's news (issue 26), for subscribers who opted in
                "tier": u.classification.tier,
                "competitor": u.classification.competitor,
                "competes_with": list(u.classification.competes_with),
                "event_type": u.classification.event_type or "",
                "severity": u.classification.severity or "",
                "indications": list(u.classification.indications),
                "title": u.title,
                "sources": list(u.sources),
                # as a reader sees it: each outlet with its link, and when it was published
                "outlets": [{"name": name, "url": url} for name, url in outlets(u)],
                "url": u.url,
                "when": when_published(u),
                "published": u.published.date().isoformat() if u.published else "",
                "first_seen": u.first_seen.date().isoformat(),
                "reasons": list(u.classification.reasons),
                # a calendar slip or registry stop its story already reported: stored, not alerted again
                "part_of": u.part_of,
            }
            for u in store.scan_updates()
        ]
        merged = sum(c["merged"] for c in cycles)
        calendar_result = calendar.finish(updates)
        return DemoResult(
            stack.name,
            cycles,
            updates,
            subscribers,
            replayed_new,
            _topic_publish_count(stack),
            digest_runs,
            merged,
            webhook_result,
            calendar_result,
            watchlist=self.watchlist,
            source_names=source_names,
            watchlist_push=watchlist_push,
        )

    def _push_anifrolumab(
        self,
        watchlist: Path,
        first_version: str,
        *,
        handlers: dict[str, Handler],
        queue: QueuePump,
        pump: StreamPump,
        stack: LocalStack,
        store: Store,
    ) -> WatchlistPushDemo:
        """Issue 26: an analyst pushes anifrolumab; the next cycle picks it up (demo_watchlist.py)."""

        def cycle() -> dict[str, Any]:
            return self._cycle(3, handlers["plan"], queue=queue, pump=pump, stack=stack, store=store)

        return push_anifrolumab(watchlist, first_version, cycle, store)

    def _subscribe(self, stack: LocalStack, api: Handler) -> list[SubscriberView]:
        topic = stack.output("AlertsTopicArn")
        context = LambdaContext(stack.output("ApiFunctionName"))
        views = []
        for name, request in [*fit_examples(self.examples, self.known_agents), *self.own]:
            body = {"endpoint": request["endpoint"], **request.get("preferences", {})}
            answer = api(api_gateway_event("POST", "/subscriptions", body=body), context)
            created = json.loads(answer.get("body") or "{}")
            if answer["statusCode"] != 201:
                raise SubscriberRefused(f"{name}, {request['endpoint']}: {refusal(created)}")
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
                    digest_hour=int(created.get("digest_hour", DIGEST_HOUR)),
                    timezone=str(created.get("timezone", "UTC")),
                    preferences={
                        k: created.get(k)
                        for k in ("agents", "indications", "event_types", "min_severity", "tiers")
                    },
                )
            )
        return views

    def _digests(
        self, digest: Handler, stack: LocalStack, subscribers: list[SubscriberView]
    ) -> list[dict[str, Any]]:
        """The scheduled digest at the next 08:00 Brussels, then the same run again (a scheduler retry);
        then, for a user's digest subscriber with another hour, a run at its next digest hour."""
        context = LambdaContext(stack.output("DigestFunctionName"))
        first = _next_hour(DIGEST_HOUR, DIGEST_ZONE)
        runs = []
        for label in ("scheduled run", "retried run"):
            report = digest({"scheduled_time": first.isoformat()}, context)
            runs.append({"label": label, **report})
        extra = {
            _next_hour(s.digest_hour, s.timezone)
            for s in subscribers
            if s.mode == "digest" and _next_hour(s.digest_hour, s.timezone) != first
        }
        for at in sorted(extra):
            report = digest({"scheduled_time": at.isoformat()}, context)
            runs.append({"label": "your digest hour", **report})
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
        reports = run_cycle(stack, plan, self.events, queue, pump)
        batches = queue.invocations[invocations_before:]
        records = [r for event in batches for r in event["Records"]]
        tasks = {r["messageId"]: PollTask.from_json(r["body"]) for r in records}
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
                task = PollTask.from_json(message["Body"])
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


def _next_hour(hour: int, zone: str) -> datetime:
    """The next time the clock reads `hour`:00 in `zone`, in UTC."""
    local = datetime.now(UTC).astimezone(ZoneInfo(zone))
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= local:
        at += timedelta(days=1)
    return at.astimezone(UTC)


def _untouched_since(state: SourceState, moment: datetime) -> bool:
    """A task whose source answered 304 writes no state: its last attempt predates the cycle."""
    return state.last_attempt is not None and state.last_attempt < moment


def _copies(updates: list[Any]) -> int:
    """Syndicated copies merged so far: each merge appends one outlet to the stored update's sources."""
    return sum(max(0, len(u.sources) - 1) for u in updates)


def _topic_publish_count(stack: LocalStack) -> int:
    from moto.sns.models import sns_backends

    backend = sns_backends["123456789012"]["us-east-1"]
    topic = backend.topics[stack.output("AlertsTopicArn")]
    return len(topic.sent_notifications)


def _delivery(envelope: dict[str, Any]) -> str:
    return str(envelope.get("MessageAttributes", {}).get("delivery", {}).get("Value", ""))


def _sent_sms(stack: LocalStack) -> dict[str, str]:
    """Update id -> the `sms` text of the alert the topic was asked to publish (what SNS sends to phones,
    with its short link)."""
    from moto.sns.models import sns_backends

    backend = sns_backends["123456789012"]["us-east-1"]
    topic = backend.topics[stack.output("AlertsTopicArn")]
    sent = {}
    for _id, message, _subject, attributes, _group in topic.sent_notifications:
        attribute = (attributes or {}).get("update_id", {})
        update_id = attribute.get("StringValue") or attribute.get("Value", "")
        body = json.loads(message) if message.startswith("{") else {}
        if update_id and isinstance(body, dict) and "sms" in body:
            sent[update_id] = str(body["sms"])
    return sent


def _alert_bodies(
    envelopes: list[dict[str, Any]], store: Store, sent_sms: dict[str, str]
) -> list[dict[str, Any]]:
    """SNS-to-SQS envelopes -> what the subscriber's endpoint receives. The shadow queue gets the topic's
    default (email) body; the SMS text is the one the alert published for phones."""
    bodies = []
    for envelope in envelopes:
        update_id = envelope.get("MessageAttributes", {}).get("update_id", {}).get("Value", "")
        update = store.get_update(update_id)
        message = envelope.get("Message", "")
        # The e-mail carries the signed page link (the SMS its short link).
        page = re.search(r"tell us if it was wrong: (\S+)", message)
        link = page.group(1) if page else ""
        bodies.append(
            {
                "update_id": update_id,
                "subject": envelope.get("Subject", ""),
                "message": message,
                "sms": sent_sms.get(update_id)
                or (render_alert(update, page_link=link).sms if update else ""),
                "page": link,
            }
        )
    return bodies

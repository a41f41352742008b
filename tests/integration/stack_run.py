"""One offline run of the deployed shape: template.yaml created in moto, plan -> poll -> store -> alert driven
by the test acting as the event sources, the subscription API driven with API Gateway REST events and the
digest with its schedule's input, every AWS call recorded per function role.

`stack_run()` runs once per test session (both test_stack.py and test_least_privilege.py read its result).
Payloads are recorded fixtures served by a replay server on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import yaml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
POISON_BODY = '{"source_id": "", "not": "a poll task"}'
FAILING_UPDATE = "u-stack-test-unpublishable"
ANALYST = "analyst@example.com"
SMS = "+15555550123"
DIGEST_READER = "digest.reader@example.com"
LEAVER = "leaving@example.com"
HALF_CREATED = "half-created@example.com"
DIGEST_ZONE = "Europe/Brussels"


@dataclass(frozen=True)
class ApiCall:
    method: str
    resource: str
    status: int
    body: Any


@dataclass(frozen=True)
class DigestRun:
    label: str
    report: dict[str, Any] | None  # None when the invocation raised
    error: str = ""


@dataclass
class StackRun:
    template: dict[str, Any]
    outputs: dict[str, str]
    created: dict[str, str]  # logical id -> resource type, as moto reports them
    policies: dict[str, list[dict[str, Any]]]  # function logical id -> resolved identity policies
    calls: dict[str, list[Any]]  # function logical id -> RecordedCall list
    cycle_writes: list[int] = field(default_factory=list)  # poll item writes per cycle
    tasks_per_cycle: list[int] = field(default_factory=list)
    plan_reports: list[dict[str, Any]] = field(default_factory=list)
    updates_stored: int = 0
    # stored as part of a story already alerted (a slip an outlet reported, a registry stop in the news)
    updates_joined: list[str] = field(default_factory=list)
    alerts_published: int = 0
    published_deliveries: list[str] = field(default_factory=list)  # each published alert's `delivery`
    alerted_update_ids: list[str] = field(default_factory=list)
    poll_dlq_bodies: list[str] = field(default_factory=list)
    poll_queue_left: int = 0
    alert_failure_messages: list[dict[str, Any]] = field(default_factory=list)
    poll_failures_reported: int = 0
    merged_story_sources: dict[str, list[str]] = field(default_factory=dict)  # title -> outlets (>1)
    api_responses: list[ApiCall] = field(default_factory=list)
    digest_subscription_id: str = ""
    half_created_deleted: int = 0  # the API's answer to deleting a half-created subscription
    digest_runs: list[DigestRun] = field(default_factory=list)
    digest_inbox: list[dict[str, Any]] = field(default_factory=list)  # what the digest subscriber got
    analyst_inbox: list[dict[str, Any]] = field(default_factory=list)  # what the instant subscriber got
    inbox_digests: int = 0  # digests seen by the unfiltered all-alerts queue
    catalyst_checks: list[dict[str, Any]] = field(default_factory=list)  # the daily check, run twice
    catalysts_listed: int = 0  # calendar entries the poll made from the recorded items and records
    catalysts_after_check: int = 0  # those the daily check kept (closed windows are pruned)
    reader_responses: list[ApiCall] = field(default_factory=list)  # the page function's answers, in order
    reader_feedback_stored: int = 0
    console_responses: list[ApiCall] = field(default_factory=list)  # the console's answers, in order
    # The SNS filter policy of the console's e-mail subscription: edited, paused, resumed (moto's SNS).
    console_sns_policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_subscription: dict[str, Any] = field(default_factory=dict)  # the API's answer (secret once)
    webhook_received: list[Any] = field(default_factory=list)  # what the webhook receiver got
    delivery_queue_left: int = 0
    delivery_dlq_left: int = 0
    gsi1_kinds: set[str] = field(default_factory=set)  # item kinds the day index (poll may query it) holds
    gsi1_pii: list[str] = field(default_factory=list)  # subscriber endpoints found anywhere in gsi1
    short_codes: dict[str, str] = field(default_factory=dict)  # SMS short code -> update id, as stored
    # Issue 26: a watchlist adding anifrolumab pushed to the config bucket mid-run (no deploy), then the
    # cycles at +4:59 and +5:00 of the container clock, and one after a fresh anifrolumab item appears.
    live_versions: dict[str, str] = field(default_factory=dict)  # cycle label -> watchlist version applied
    pushed_version: str = ""
    anifrolumab_seen: int = 0  # its back catalogue, remembered without an alert
    anifrolumab_alerts: list[str] = field(default_factory=list)  # titles of alerts about it, in order


def _routes(server: Any) -> None:
    from pipewatch_local.demo_sources import recorded_feed_routes
    from pipewatch_local.replay_server import Route

    f = FIXTURES
    study = json.loads((f / "ctgov" / "v2_study_NCT04280705_full_2026-08-20_hkm30.json").read_text())
    server.routes.update(
        {
            **recorded_feed_routes(f),
            "/ctgov/api/v2/version": Route.file(
                f / "ctgov" / "v2_version_2026-08-20_hkm30.json", "application/json"
            ),
            "/ctgov/api/v2/studies": Route(json.dumps({"studies": [study]}).encode(), "application/json"),
            "/lupus/feed.xml": Route(lupus_feed(*LUPUS_OLD), "application/rss+xml"),
        }
    )


# Hand-made (issue 26): a lupus news feed whose items name anifrolumab, watched only after the mid-run push.
# Its back catalogue (one dated, one undated) must bring no alert; an item published after the push must.
LUPUS_OLD = (
    (
        "Hand-made: Saphnelo (anifrolumab) approved for lupus in a new market",
        "Mon, 17 Nov 2025 12:00:00 +0000",
    ),
    ("Hand-made: anifrolumab phase 3 lupus nephritis study completes enrollment", ""),
)
LUPUS_UNRELATED = "Hand-made: lupus society opens registration for its annual meeting"
LUPUS_FRESH = "Hand-made: anifrolumab subcutaneous phase 3 trial in lupus meets primary endpoint"


def lupus_feed(*items: tuple[str, str]) -> bytes:
    from xml.sax.saxutils import escape

    rows = "".join(
        f"<item><title>{escape(title)}</title><link>https://lupus.example/{n}</link>"
        f'<guid isPermaLink="false">lupus-{n}</guid>'
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for n, (title, date) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Lupus news (HAND-MADE)</title>"
        f"<link>https://lupus.example/</link><description>hand-made</description>{rows}</channel></rss>"
    ).encode()


class _ContainerClock:
    """The live configuration's clock in the run (every function's container): stopped at the run's start
    plus an offset the run moves, so "4:59 after the push" is exact whatever the run's real duration."""

    def __init__(self) -> None:
        self.start = datetime.now(UTC)
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return self.start + self.offset


def sources_yaml(base: str) -> dict[str, Any]:
    return {
        "version": 1,
        "http": {"max_retries": 0, "backoff_base_s": 0, "backoff_cap_s": 0},
        # Recorded payloads are months or years old (some undated): widen the alert horizon so they alert.
        "poll": {"alert_horizon_days": 3650, "baseline_undated": False},
        "hosts": {"127.0.0.1": {"min_interval_s": 0}},
        "sources": [
            {"id": "press-wire", "kind": "rss", "url": f"{base}/press/feed.xml", "doc_type": "press_release"},
            # recorded catalyst statements: the poll folds them into the calendar (a slip among them)
            {"id": "catalyst-statements", "kind": "rss", "url": f"{base}/statements/feed.xml",
             "doc_type": "press_release"},
            {"id": "lupus-news", "kind": "rss", "url": f"{base}/lupus/feed.xml", "doc_type": "news"},
            {"id": "sec-press", "kind": "rss", "url": f"{base}/sec/pressreleases.rss",
             "doc_type": "regulator"},
            {"id": "edgar-demo", "kind": "edgar", "doc_type": "filing",
             "edgar": {"base_url": f"{base}/edgar/browse-edgar", "cik": "0001889983", "forms": ["8-K"],
                       "contact": "pipewatch tests tests@example.com"}},
            {"id": "pubmed", "kind": "pubmed", "doc_type": "publication", "source_class": "registry",
             "pubmed": {"base_url": f"{base}/pubmed", "email": "tests@example.com"}},
            {"id": "ctgov", "kind": "ctgov", "doc_type": "registry", "source_class": "registry",
             "ctgov": {"base_url": f"{base}/ctgov/api/v2", "max_pages": 1}},
        ],
    }  # fmt: skip


class _FailingSns:
    """The real (moto) SNS client, except that publishing one chosen update always fails (throttled)."""

    def __init__(self, real: Any, update_id: str) -> None:
        self._real = real
        self._update_id = update_id

    def publish(self, **kwargs: Any) -> Any:
        from botocore.exceptions import ClientError

        if kwargs["MessageAttributes"]["update_id"]["StringValue"] == self._update_id:
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "Publish")
        return self._real.publish(**kwargs)


class _FailingFirstDigestSns:
    """The real (moto) SNS client, except that the first digest publish fails (throttled), as a transient
    SNS error would: the digest run raises, the scheduler retries it."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.failed = 0

    def publish(self, **kwargs: Any) -> Any:
        from botocore.exceptions import ClientError

        if kwargs["MessageAttributes"]["delivery"]["StringValue"] == "digest" and not self.failed:
            self.failed += 1
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "Publish")
        return self._real.publish(**kwargs)


class _TickingClock:
    """The delivery service's clock in the run: real time, plus 15 s per delivery invocation, as if each
    deferred message's visibility timeout had passed (the pump makes it visible again at once)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def tick(self) -> None:
        self._offset += timedelta(seconds=15)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self._offset


def _recorder() -> Any:
    """The call recorder, plus `dynamodb:Attributes` (the item's top-level attribute names) on PutItem, so
    a policy that holds a write to some attributes is checked on the real items, never vacuously."""
    from pipewatch_local.call_recorder import CallRecorder
    from pipewatch_local.policy_eval import Request

    class AttributeRecorder(CallRecorder):
        def requests_for(self, service: str, operation: str, params: dict[str, Any]) -> list[Request]:
            requests = super().requests_for(service, operation, params)
            if service != "dynamodb":
                return requests
            if operation == "PutItem":
                items = [params.get("Item")]
            elif operation == "TransactWriteItems":  # one request per entry, in order
                items = [(entry.get("Put") or {}).get("Item") for entry in params.get("TransactItems", [])]
            else:
                return requests
            return [
                Request(r.action, r.resource, {**r.context, "dynamodb:Attributes": sorted(item)})
                if r.action == "dynamodb:PutItem" and item
                else r
                for r, item in zip(requests, items, strict=True)
            ]

    return AttributeRecorder()


def _api(handler: Any, method: str, resource: str, **kwargs: Any) -> ApiCall:
    from pipewatch_local.local_stack import LambdaContext, api_gateway_event

    answer = handler(api_gateway_event(method, resource, **kwargs), LambdaContext("api"))
    body = json.loads(answer["body"]) if answer.get("body") else None
    return ApiCall(method, resource, int(answer["statusCode"]), body)


def _drive_api(handler: Any, digest_at: datetime) -> list[ApiCall]:
    """Every route the API serves, as API Gateway invokes it: subscribe (create and change), list (all and
    by mode), unsubscribe (known and unknown), and a request the validation rejects."""
    local = digest_at.astimezone(ZoneInfo(DIGEST_ZONE))
    calls = [
        _api(handler, "POST", "/subscriptions", body={"endpoint": ANALYST}),
        _api(handler, "POST", "/subscriptions", body={"endpoint": SMS, "min_severity": "high"}),
        _api(
            handler,
            "POST",
            "/subscriptions",
            body={
                "endpoint": DIGEST_READER,
                "mode": "digest",
                "digest_hour": local.hour,
                "timezone": DIGEST_ZONE,
            },
        ),
        _api(handler, "POST", "/subscriptions", body={"endpoint": LEAVER}),
        # The same endpoint again: its preferences change (the SNS filter policy is replaced in place).
        _api(
            handler,
            "POST",
            "/subscriptions",
            body={"endpoint": SMS, "min_severity": "high", "agents": ["efgartigimod", "brepocitinib"]},
        ),
        _api(handler, "POST", "/subscriptions", body={"endpoint": "call me maybe"}),
        _api(handler, "GET", "/subscriptions"),
        _api(handler, "GET", "/subscriptions", query={"mode": "digest"}),
    ]
    leaver = next(
        c.body["subscription_id"] for c in calls if c.status == 201 and c.body["endpoint"] == LEAVER
    )
    calls += [
        _api(
            handler,
            "DELETE",
            "/subscriptions/{subscription_id}",
            path_parameters={"subscription_id": leaver},
        ),
        _api(
            handler,
            "DELETE",
            "/subscriptions/{subscription_id}",
            path_parameters={"subscription_id": "sub-0000000000000000"},
        ),
        _api(handler, "GET", "/subscriptions"),
    ]
    return calls


def _reader(
    handler: Any, method: str, route: str, token: str, form: dict[str, str] | None = None, name: str = "token"
) -> ApiCall:
    from pipewatch_local.local_stack import LambdaContext, api_gateway_event

    resource = f"/{route}/{{{name}}}"
    event = api_gateway_event(method, resource, path_parameters={name: token}, form=form)
    answer = handler(event, LambdaContext("page"))
    headers = {k: v[-1] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    body = headers.get("Location") if int(answer["statusCode"]) == 302 else answer.get("body")
    return ApiCall(method, resource, int(answer["statusCode"]), body)


def _drive_reader(
    handler: Any, digest: dict[str, Any], alert: dict[str, Any], short_code: str
) -> list[ApiCall]:
    """A digest reader follows the links in its digest (page, feedback twice, both feeds, the catalyst
    calendar, unsubscribe), an instant subscriber opens the topic-wide page link of an alert, and an SMS
    reader its short link (then a code no alert stored); one altered link is refused."""
    import re

    text = json.dumps(digest) + json.dumps(alert)

    def token(route: str, n: int = 0) -> str:
        return re.findall(rf"/{route}/([A-Za-z0-9_-]+)", text)[n]

    page_token = token("u")
    altered = page_token[:-2] + ("AA" if page_token[-2:] != "AA" else "BB")
    first_page = _reader(handler, "GET", "u", page_token)
    feedback_token = re.findall(r'action="../fb/([A-Za-z0-9_-]+)"', str(first_page.body))[0]
    feeds = re.findall(r'href="../feed/([A-Za-z0-9_-]+)"', str(first_page.body))
    return [
        first_page,
        _reader(handler, "POST", "fb", feedback_token, {"label": "wrong_event_type"}),
        _reader(handler, "POST", "fb", feedback_token, {"label": "wrong_event_type"}),
        *[_reader(handler, "GET", "feed", t) for t in feeds],
        _reader(handler, "GET", "cal", token("cal")),
        _reader(handler, "GET", "u", altered),
        _reader(handler, "GET", "u", re.findall(r"/u/([A-Za-z0-9_-]+)", json.dumps(alert))[0]),
        _reader(handler, "GET", "unsub", token("unsub")),
        _reader(handler, "POST", "unsub", token("unsub")),
        _reader(handler, "GET", "s", short_code, name="code"),
        _reader(handler, "GET", "s", "Zq4k7TnP2x", name="code"),
    ]


def _drive_console(
    handler: Any,
    token: str,
    story_id: str,
    hook: str,
    sns_policy: Callable[[str], dict[str, Any]],
    policies: dict[str, dict[str, Any]],
) -> list[ApiCall]:
    """An analyst signed in (a session cookie moto's pool issued) reads every page, exports, gives
    feedback, subscribes by e-mail and by webhook, changes, pauses, resumes and deletes a subscription
    (`policies` gets its SNS filter policy after each of the middle three); and a request with no session.
    Each answer as (method, path, status, body)."""
    from pipewatch.services.console_auth import csrf_token
    from pipewatch_local.console_local import proxy_event
    from pipewatch_local.local_stack import LambdaContext

    session = f"pw_session={token}"

    def call(method: str, target: str, form: dict[str, str] | None = None, cookie: str = session) -> ApiCall:
        body = ""
        if form is not None:
            csrf_key = handler.keywords["service"]._csrf_key()
            body = urlencode({"csrf": csrf_token(csrf_key, token), **form})
        headers = {"Host": "abc.execute-api.us-east-1.amazonaws.com", "Cookie": cookie}
        answer = handler(
            proxy_event(method, f"/dev/console{target}", headers, body, "dev"), LambdaContext("c")
        )
        return ApiCall(method, target, int(answer["statusCode"]), str(answer.get("body") or ""))

    calls = [
        call("GET", "/updates", cookie=""),
        call("GET", "/updates"),
        call("GET", "/updates?severity=high&q=efgartigimod"),
        call("GET", "/agent/efgartigimod"),
        call("GET", f"/story/{story_id}"),
        call("POST", f"/story/{story_id}/feedback", {"label": "wrong_event_type"}),
        call("GET", "/calendar"),
        call("GET", "/calendar.csv"),
        call("GET", "/sources"),
        call("GET", "/updates.csv?agent=efgartigimod"),
        call("POST", "/subscriptions", {"endpoint": "console-analyst@example.com", "action": "save"}),
        call("POST", "/subscriptions", {"protocol": "webhook", "endpoint": hook, "action": "save"}),
        call("GET", "/subscriptions"),
    ]
    own = re.findall(r"/subscriptions/(sub-[0-9a-f]+)\">", calls[-1].body or "")
    for sid in own[:1]:
        calls.append(call("POST", f"/subscriptions/{sid}", {"min_severity": "high", "action": "save"}))
        policies["edited"] = sns_policy(sid)
        calls.append(call("POST", f"/subscriptions/{sid}/pause", {}))
        policies["paused"] = sns_policy(sid)
        calls.append(call("GET", f"/subscriptions/{sid}"))
        calls.append(call("POST", f"/subscriptions/{sid}/resume", {}))
        policies["resumed"] = sns_policy(sid)
        calls.append(call("POST", f"/subscriptions/{sid}/delete", {}))
    return calls


def _drive_console_watchlist(handler: Any, token: str, admin_cookie: str) -> list[ApiCall]:
    """The watchlist page: the analyst is refused it, an admin sees the applied version and its history."""
    from pipewatch_local.console_local import proxy_event
    from pipewatch_local.local_stack import LambdaContext

    answers = []
    for cookie in (f"pw_session={token}", admin_cookie):
        headers = {"Host": "abc.execute-api.us-east-1.amazonaws.com", "Cookie": cookie}
        answer = handler(proxy_event("GET", "/dev/console/watchlist", headers, "", "dev"), LambdaContext("c"))
        answers.append(ApiCall("GET", "/watchlist", int(answer["statusCode"]), str(answer.get("body") or "")))
    return answers


def _sns_policy(recorder: Any, settings: Any, subscription_id: str) -> dict[str, Any]:
    """The filter policy SNS holds for a stored subscription, read by the test (not a function's call)."""
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.subscriptions import SubscriptionTable

    with recorder.acting_as("TestProbe"):
        record = SubscriptionTable(client("dynamodb", settings), settings.table_name).get(subscription_id)
        assert record is not None and record.sns_arn
        attributes = client("sns", settings).get_subscription_attributes(SubscriptionArn=record.sns_arn)
    policy: dict[str, Any] = json.loads(attributes["Attributes"]["FilterPolicy"])
    return policy


def _half_created(settings: Any, subscription_id: str) -> None:
    """The record as a subscribe call leaves it when it stops between SNS and its final write."""
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.subscriptions import SubscriptionTable

    table = SubscriptionTable(client("dynamodb", settings), settings.table_name)
    record = table.get(subscription_id)
    assert record is not None and record.sns_arn
    table.put(record.model_copy(update={"status": "pending", "sns_arn": ""}), expect=record.version)


def _mapping(stack: Any, source_logical_id: str) -> dict[str, Any]:
    for mapping in stack.mappings.values():
        if source_logical_id in json.dumps(mapping["Properties"]["EventSourceArn"]):
            return dict(mapping)
    raise KeyError(f"no event-source mapping reads {source_logical_id}")


def _run(workdir: Path) -> StackRun:
    from moto import mock_aws

    from pipewatch.adapters.aws import client
    from pipewatch.adapters.dynamo import paged
    from pipewatch.adapters.feedback import FeedbackTable
    from pipewatch.adapters.store import Store
    from pipewatch.adapters.webhook_http import HttpsPoster
    from pipewatch.composition import (
        build_alert_service,
        build_calendar_service,
        build_delivery_queue,
        build_delivery_service,
        build_digest_service,
        build_live_config,
        build_plan_service,
        build_poll_service,
        build_reader_service,
        build_subscription_service,
        live_service,
    )
    from pipewatch.config import clear_cache
    from pipewatch.domain.models import Classification, Update
    from pipewatch.domain.subscribers.channels import AddressPolicy
    from pipewatch.services.digest import DigestRunError
    from pipewatch.settings import Settings, get_settings
    from pipewatch_local.functions import LOGICAL_IDS, by_module
    from pipewatch_local.local_stack import (
        QueuePump,
        StreamPump,
        add_shadow_subscriber,
        create_local_stack,
        function_role_policies,
        queue_depth,
        use_stack_environment,
    )
    from pipewatch_local.replay_server import ReplayServer
    from pipewatch_local.webhook_receiver import Answer, WebhookReceiver

    recorder = _recorder()
    with mock_aws(), ReplayServer() as server, WebhookReceiver() as receiver:
        recorder.install()
        stack = create_local_stack(name="pipewatch-stack-test")
        sources_path = workdir / "sources.yaml"
        sources_path.write_text(yaml.safe_dump(sources_yaml(server.base_url)), encoding="utf-8")
        # The watchlist and taxonomy come from the config bucket (no override: an in-process run before, such
        # as the authorities' stack test, may have left one in the environment), at the deployed interval.
        use_stack_environment(
            stack,
            {
                "PIPEWATCH_SOURCES": str(sources_path),
                "PIPEWATCH_WATCHLIST": "",
                "PIPEWATCH_TAXONOMY": "",
                "PIPEWATCH_CONFIG_REFRESH_SECONDS": "300",
            },
        )
        _routes(server)
        get_settings.cache_clear()
        clear_cache()
        settings = Settings.from_env()
        # Handlers as Lambda runs them, built by the composition root; plan splits agents two by two so the
        # (source, query) fan-out is exercised with the packaged watchlist.
        # Plan, poll, API and catalyst check apply the live configuration (issue 26): each function's own
        # container cache, on a clock the run moves.
        container_clock = _ContainerClock()

        def live(build: Any) -> Any:
            return live_service(build_live_config(settings, clock=container_clock), build)

        plan_service = live(lambda c: build_plan_service(settings, agents_per_task=2, config=c))
        poll_service = live(lambda c: build_poll_service(settings, config=c))
        alert_service = build_alert_service(
            settings, sns_client=_FailingSns(client("sns", settings), FAILING_UPDATE)
        )
        # The receivers run on 127.0.0.1: only the explicit test policy lets the SSRF guard allow that.
        loopback = AddressPolicy.loopback_for_tests()
        subscription_service = live(
            lambda c: build_subscription_service(
                settings, destination_check=HttpsPoster(policy=loopback).check, config=c
            )
        )
        clock = _TickingClock()
        delivery_service = build_delivery_service(
            settings, poster=HttpsPoster(policy=loopback, read_timeout=2.0), clock=clock
        )
        # The webhook answers 500 once (a retry, deferred by visibility timeout), then accepts.
        receiver.scripts["/hook"] = [Answer(500), Answer(200)]
        digest_service = build_digest_service(
            settings, sns_client=_FailingFirstDigestSns(client("sns", settings))
        )
        handlers = {
            "plan": by_module("plan").handler(service=plan_service),
            "poll": by_module("poll").handler(service=poll_service),
            "alert": by_module("alert").handler(service=alert_service),
            "api": by_module("api").handler(service=subscription_service),
            "digest": by_module("digest").handler(service=digest_service),
            "page": by_module("page").handler(service=build_reader_service(settings)),
            "catalyst_check": by_module("catalyst_check").handler(
                service=live(lambda c: build_calendar_service(settings, watchlist=c.watchlist))
            ),
            "deliver": by_module("deliver").handler(
                service=delivery_service, queue=build_delivery_queue(settings)
            ),
        }

        def deliver_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            clock.tick()  # the pump skips the visibility wait; the clock moves as if it had passed
            return handlers["deliver"](event, context)

        try:
            inbox = add_shadow_subscriber(stack.output("AlertsTopicArn"), "all-alerts", None)
            with recorder.acting_as("PollFunction"):  # the SQS mapping acts with the function's role
                queue_pump = QueuePump.from_mapping(
                    stack, _mapping(stack, "PollQueue"), handlers["poll"], stack.output("PollFunctionName")
                )
            with recorder.acting_as("DeliverFunction"):
                delivery_pump = QueuePump.from_mapping(
                    stack,
                    _mapping(stack, "DeliveryQueue"),
                    deliver_handler,
                    stack.output("DeliverFunctionName"),
                )
            with recorder.acting_as("AlertFunction"):
                stream_pump = StreamPump.from_mapping(
                    stack,
                    _mapping(stack, "UpdatesTable"),
                    handlers["alert"],
                    stack.output("AlertFunctionName"),
                )
            from pipewatch_local.local_stack import LambdaContext

            run = StackRun(
                template=stack.template,
                outputs=dict(stack.outputs),
                created={
                    r["LogicalResourceId"]: r["ResourceType"]
                    for r in stack.resources
                    if "LogicalResourceId" in r
                },
                policies={},
                calls={},
            )
            # Analysts subscribe through the API before any update exists (a digest covers what follows).
            # The digest subscriber's hour is the next full hour, when the scheduled digest run fires.
            digest_at = (datetime.now(UTC) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
            with recorder.acting_as("ApiFunction"):
                run.api_responses = _drive_api(handlers["api"], digest_at)
            created = {c.body["endpoint"]: c.body for c in run.api_responses if c.status == 201}
            run.digest_subscription_id = created[DIGEST_READER]["subscription_id"]
            with recorder.acting_as("ApiFunction"):  # a webhook subscriber (its URL encrypted with KMS)
                run.channel_subscription = _api(
                    handlers["api"],
                    "POST",
                    "/subscriptions",
                    body={"channel": "webhook", "url": receiver.url("/hook"), "agents": ["efgartigimod"]},
                ).body
            # A subscribe that stopped after its pending record (the SNS subscription made, its ARN never
            # recorded) is removed through the API: the ARN is found by listing the topic, never subscribing.
            with recorder.acting_as("ApiFunction"):
                half = _api(handlers["api"], "POST", "/subscriptions", body={"endpoint": HALF_CREATED}).body
            _half_created(settings, half["subscription_id"])
            with recorder.acting_as("ApiFunction"):
                run.half_created_deleted = _api(
                    handlers["api"],
                    "DELETE",
                    "/subscriptions/{subscription_id}",
                    path_parameters={"subscription_id": half["subscription_id"]},
                ).status
            # moto records no email delivery: SQS queues with the policies the API derived receive it instead.
            analyst = add_shadow_subscriber(
                stack.output("AlertsTopicArn"), "analyst", created[ANALYST]["filter_policy"]
            )
            reader = add_shadow_subscriber(
                stack.output("AlertsTopicArn"), "digest-reader", created[DIGEST_READER]["filter_policy"]
            )
            for _cycle in (1, 2):
                before = len([c for c in recorder.for_principal("PollFunction") if _is_item_write(c)])
                tasks = 0
                with recorder.acting_as("PlanFunction"):
                    for source_class in ("registry", "news"):
                        report = handlers["plan"]({"source_class": source_class}, LambdaContext("plan"))
                        run.plan_reports.append(report)
                        tasks += int(report["tasks"])
                run.tasks_per_cycle.append(tasks)
                with recorder.acting_as("PollFunction"):
                    queue_pump.pump()
                with recorder.acting_as("AlertFunction"):
                    stream_pump.pump()
                with recorder.acting_as("DeliverFunction"):
                    delivery_pump.pump()
                after = len([c for c in recorder.for_principal("PollFunction") if _is_item_write(c)])
                run.cycle_writes.append(after - before)

            _live_watchlist_cycles(
                run,
                settings=settings,
                recorder=recorder,
                handlers=handlers,
                clock=container_clock,
                server=server,
                topic_arn=stack.output("AlertsTopicArn"),
                plan_service=plan_service,
                pumps=(queue_pump, stream_pump, delivery_pump),
            )

            # A message that is not a poll task: reported failed on every receive, then redriven to the DLQ.
            sqs = client("sqs", settings)
            sqs.send_message(QueueUrl=stack.output("PollQueueUrl"), MessageBody=POISON_BODY)
            with recorder.acting_as("PollFunction"):
                queue_pump.pump()
            run.poll_failures_reported = len(queue_pump.failures)
            run.poll_queue_left = queue_depth(stack.output("PollQueueUrl"))
            dlq = sqs.receive_message(QueueUrl=stack.output("PollDeadLetterQueueUrl"), MaxNumberOfMessages=10)
            run.poll_dlq_bodies = [m["Body"] for m in dlq.get("Messages", [])]

            # An update whose publish always fails: retried up to the cap, then its position goes to the
            # on-failure destination.
            store = Store(client("dynamodb", settings), settings.table_name)
            store.put_update(
                Update(
                    update_id=FAILING_UPDATE, title="Hand-made update that SNS refuses", url="https://example.com/x",
                    source_id="test", first_seen=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
                    classification=Classification(
                        relevant=True, agents=("brepocitinib",), event_type="regulatory", severity="high"
                    ),
                )
            )  # fmt: skip
            with recorder.acting_as("AlertFunction"):
                stream_pump.pump()
            failures = sqs.receive_message(
                QueueUrl=stack.output("AlertFailuresQueueUrl"), MaxNumberOfMessages=10
            )
            run.alert_failure_messages = [json.loads(m["Body"]) for m in failures.get("Messages", [])]

            stored = store.scan_updates()
            run.updates_stored = len(stored)
            run.updates_joined = [u.part_of for u in stored if u.part_of]
            run.merged_story_sources = {u.title: list(u.sources) for u in stored if len(u.sources) > 1}
            received = inbox.received()
            run.alerts_published = len(received)
            run.published_deliveries = [m["MessageAttributes"]["delivery"]["Value"] for m in received]
            run.alerted_update_ids = [m["MessageAttributes"]["update_id"]["Value"] for m in received]

            # The digest schedule fires at the subscriber's hour: the first publish fails (the run raises,
            # the scheduler retries), the retry sends it, a further retry sends nothing.
            event = {"scheduled_time": digest_at.isoformat()}
            with recorder.acting_as("DigestFunction"):
                for label in ("scheduled", "scheduler retry", "second retry"):
                    try:
                        report = handlers["digest"](event, LambdaContext("digest"))
                    except DigestRunError as exc:
                        run.digest_runs.append(DigestRun(label, None, str(exc)))
                    else:
                        run.digest_runs.append(DigestRun(label, report))
            run.inbox_digests = sum(
                1 for m in inbox.received() if m["MessageAttributes"]["delivery"]["Value"] == "digest"
            )
            with recorder.acting_as("DeliverFunction"):
                delivery_pump.pump()
            run.webhook_received = list(receiver.at("/hook"))
            run.delivery_queue_left = queue_depth(stack.output("DeliveryQueueUrl"))
            run.delivery_dlq_left = queue_depth(stack.output("DeliveryDeadLetterQueueUrl"))
            run.digest_inbox = reader.received()
            ddb = client("dynamodb", settings)
            indexed = list(paged(ddb.scan, TableName=settings.table_name, IndexName="gsi1"))
            run.gsi1_kinds = {i.get("kind", {}).get("S", "") for i in indexed}
            endpoints = (ANALYST, SMS, DIGEST_READER)
            run.gsi1_pii = [e for e in endpoints for i in indexed if e in json.dumps(i)]
            run.analyst_inbox = analyst.received()

            # The daily catalyst check, on a day after every window the poll calendared has closed: it marks
            # them overdue (one update each, except a catalyst whose window had closed before the calendar
            # heard of it: the recorded 2023 PDUFA date, marked silently); the scheduler's retry writes
            # nothing.
            from pipewatch.adapters.catalyst_store import CatalystStore

            run.catalysts_listed = len(
                CatalystStore(client("dynamodb", settings), settings.table_name).list()
            )
            with recorder.acting_as("CatalystCheckFunction"):
                for _attempt in (1, 2):
                    check_event = {"scheduled_time": "2027-06-15T06:00:00+00:00"}
                    run.catalyst_checks.append(
                        handlers["catalyst_check"](check_event, LambdaContext("catalyst-check"))
                    )
            # What the check kept: the ALKIVIA entry, overdue since 2027, stays (pruned a year after its
            # window); the 2023 PDUFA entry, closed for years, is pruned.
            run.catalysts_after_check = len(
                CatalystStore(client("dynamodb", settings), settings.table_name).list()
            )
            # Readers follow the signed links of what they received (the digest's are its subscriber's own).
            # The SMS short codes the alert function stored before publishing (an SMS reader's links).
            run.short_codes = {
                item["pk"]["S"].removeprefix("SHORT#"): item["update_id"]["S"]
                for item in paged(
                    ddb.scan,
                    TableName=settings.table_name,
                    FilterExpression="begins_with(pk, :p)",
                    ExpressionAttributeValues={":p": {"S": "SHORT#"}},
                )
            }
            # The digest reader's record is left half-created first: its one-click unsubscribe must find the
            # SNS subscription by listing (the page role has no sns:Subscribe).
            _half_created(settings, run.digest_subscription_id)
            with recorder.acting_as("PageFunction"):
                run.reader_responses = _drive_reader(
                    handlers["page"], run.digest_inbox[0], run.analyst_inbox[0], min(run.short_codes)
                )
            run.reader_feedback_stored = len(
                FeedbackTable(client("dynamodb", settings), settings.table_name).all()
            )
            # The analyst's console: signed in through the stack's pool (moto's, as the Hosted UI would).
            from pipewatch_local.console_local import LocalPool, console_service
            from pipewatch_local.moto_stack import aws_client

            cognito = aws_client("cognito-idp")  # the harness's client: the functions never call cognito-idp
            pool = LocalPool(stack.output("ConsoleUserPoolId"), stack.output("ConsoleClientId"), {})

            def sign_in(user: str, output: str) -> str:
                return str(
                    cognito.initiate_auth(
                        ClientId=pool.client_id,
                        AuthFlow="USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": user, "PASSWORD": stack.output(output)},
                    )["AuthenticationResult"]["IdToken"]
                )

            token = sign_in("analyst", "ConsoleAnalystPassword")
            admin = f"pw_session={sign_in('admin', 'ConsoleAdminPassword')}"
            # Built like the other functions: from the live configuration (the watchlist pushed above).
            console = by_module("console").handler(
                service=live(
                    lambda c: console_service(
                        settings,
                        cognito,
                        pool,
                        destination_check=HttpsPoster(policy=loopback).check,
                        config=c,
                    )
                )
            )
            with recorder.acting_as("ConsoleFunction"):
                run.console_responses = _drive_console(
                    console,
                    token,
                    run.alerted_update_ids[0],
                    receiver.url("/console-hook"),
                    lambda sid: _sns_policy(recorder, settings, sid),
                    run.console_sns_policies,
                )
                run.console_responses += _drive_console_watchlist(console, token, admin)
            for function in LOGICAL_IDS:
                run.policies[function] = function_role_policies(stack, function)
                run.calls[function] = recorder.for_principal(function)
        finally:
            recorder.uninstall()
    return run


def _live_watchlist_cycles(
    run: StackRun,
    *,
    settings: Any,
    recorder: Any,
    handlers: dict[str, Any],
    clock: _ContainerClock,
    server: Any,
    topic_arn: str,
    plan_service: Any,
    pumps: tuple[Any, Any, Any],
) -> None:
    """Issue 26 on the stack: an operator pushes a watchlist adding anifrolumab (no deploy). At +4:59 the
    containers still apply the version they hold; at +5:00 they read the new one; the lupus feed's
    anifrolumab back catalogue is remembered without an alert; a fresh anifrolumab item then alerts."""
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.dynamo import paged
    from pipewatch.composition import build_config_admin
    from pipewatch_local.local_stack import LambdaContext, add_shadow_subscriber
    from pipewatch_local.replay_server import Route
    from watchlist_edits import with_anifrolumab

    # What an anifrolumab analyst would get (the run's other inboxes are read, and drained, later).
    watcher = add_shadow_subscriber(topic_arn, "anifrolumab", {"agents": ["anifrolumab"]})
    admin = build_config_admin(settings)
    run.pushed_version = admin.push(
        "watchlist.yaml", with_anifrolumab(), changed_by="stack-test", note="watch anifrolumab"
    ).version_id

    def cycle(label: str) -> None:
        with recorder.acting_as("PlanFunction"):
            for source_class in ("registry", "news"):
                handlers["plan"]({"source_class": source_class}, LambdaContext("plan"))
        run.live_versions[label] = plan_service.config_versions()[0]
        for principal, pump in zip(("PollFunction", "AlertFunction", "DeliverFunction"), pumps, strict=True):
            with recorder.acting_as(principal):
                pump.pump()

    clock.offset = timedelta(minutes=4, seconds=59)
    cycle("+4:59")
    # The feed changes (an unrelated item): re-read whole, anifrolumab's items in it are now about a watched
    # agent, and older than its watching.
    server.routes["/lupus/feed.xml"] = Route(
        lupus_feed(*LUPUS_OLD, (LUPUS_UNRELATED, "")), "application/rss+xml"
    )
    clock.offset = timedelta(minutes=5)
    cycle("+5:00")
    import time

    time.sleep(1.1)  # the fresh item is published after anifrolumab's mark (RFC 822 dates have seconds)
    fresh_at = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    server.routes["/lupus/feed.xml"] = Route(
        lupus_feed(*LUPUS_OLD, (LUPUS_UNRELATED, ""), (LUPUS_FRESH, fresh_at)), "application/rss+xml"
    )
    time.sleep(1.1)
    cycle("fresh")
    run.anifrolumab_alerts = [str(m.get("Subject") or m["Message"]) for m in watcher.received()]
    ddb = client("dynamodb", settings)
    run.anifrolumab_seen = sum(
        1
        for item in paged(ddb.scan, TableName=settings.table_name)
        if item.get("kind", {}).get("S") == "seen" and item.get("source_id", {}).get("S") == "lupus-news"
    )


def _is_item_write(call: Any) -> bool:
    return call.request.action in {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}


@cache
def stack_run() -> StackRun:
    import tempfile

    saved = dict(os.environ)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return _run(Path(tmp))
    finally:
        os.environ.clear()
        os.environ.update(saved)
        from pipewatch.config import clear_cache
        from pipewatch.settings import get_settings

        get_settings.cache_clear()
        clear_cache()

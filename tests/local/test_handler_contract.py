"""The handler contract: every Lambda entry point is `handler(event, context, *, service=None)`, the default
service comes from the composition root on first invocation (handlers/_defaults.py), and nothing reaches a
service through a module attribute. The Powertools decorators (logger, metrics, tracing) must hand the
keyword through: each handler below is invoked, decorators and all, with a stub service it must use."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import pipewatch.handlers
from pipewatch.services.calendar import CheckReport
from pipewatch.services.digest import DigestReport
from pipewatch.services.plan import PlanReport
from pipewatch.services.poll import PollReport
from pipewatch.services.reader import WebResponse
from pipewatch_local.event_sources import LambdaContext

ROOT = Path(__file__).resolve().parents[2]
HANDLERS_DIR = ROOT / "functions" / "pipewatch" / "handlers"
ENTRY_MODULES = sorted(
    name
    for info in pkgutil.iter_modules(pipewatch.handlers.__path__)
    if hasattr(importlib.import_module(f"pipewatch.handlers.{(name := info.name)}"), "handler")
)


def _handler(module: str) -> Any:
    return importlib.import_module(f"pipewatch.handlers.{module}").handler


def test_given_the_handlers_package_then_its_entry_points_are_the_nine_functions() -> None:
    assert ENTRY_MODULES == [
        "alert", "api", "catalyst_check", "console", "deliver", "digest", "page", "plan", "poll",
    ]  # fmt: skip


@pytest.mark.parametrize("module", ENTRY_MODULES)
def test_given_a_handler_then_it_takes_event_context_and_a_keyword_only_service_defaulting_to_none(
    module: str,
) -> None:
    parameters = inspect.signature(_handler(module)).parameters  # follows the decorators' __wrapped__
    assert list(parameters)[:2] == ["event", "context"]
    service = parameters["service"]
    assert (service.kind, service.default) == (inspect.Parameter.KEYWORD_ONLY, None)
    extra = [p for p in list(parameters.values())[2:] if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    assert extra == []  # Lambda calls handler(event, context): everything else is keyword-only


def _module_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


@pytest.mark.parametrize("path", sorted(HANDLERS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_given_a_module_under_handlers_then_it_defines_no_module_level_service(path: Path) -> None:
    assert {"_service", "_queue"} & _module_level_names(path) == set()


def test_given_the_harness_tests_and_benches_then_none_reaches_a_handler_service_by_attribute() -> None:
    """No `x._service = ...`, `monkeypatch.setattr(handler, "_service", ...)`, `x._service.cache_clear()`."""
    pattern = re.compile(r"\._service\b|[\"']_service[\"']|\._queue\b|[\"']_queue[\"']")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("local", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_given_a_handler_module_imported_then_no_default_service_is_built_yet() -> None:
    from pipewatch.handlers import _defaults

    for module in ENTRY_MODULES:
        importlib.import_module(f"pipewatch.handlers.{module}")
    builders = [
        builder
        for builder in vars(_defaults).values()
        if hasattr(builder, "cache_info") and builder.__module__ == _defaults.__name__
    ]
    assert len(builders) == 11  # nine services, the delivery queue and the live configuration
    assert [b.__name__ for b in builders if b.cache_info().currsize] == []


# -- invoked through the decorators with a stub service --------------------------------------------------
class StubPlan:
    def __init__(self) -> None:
        self.requests: list[Any] = []

    def plan(self, request: Any) -> PlanReport:
        self.requests.append(request)
        return PlanReport(tasks=2, sources=["fda-press"])


class StubPoll:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def poll(self, sources: Any, *, source_class: Any, budget_seconds: float) -> PollReport:
        self.calls.append((tuple(sources), source_class))
        return PollReport()

    def poll_task(self, task: Any, *, budget_seconds: float) -> Any:
        self.calls.append((task.source_id,))
        return task


class StubClock:
    """The digest and calendar services: the handler gives them the run's time."""

    def __init__(self) -> None:
        self.runs: list[datetime] = []
        self.contexts: list[Any] = []

    def start_invocation(self, context: Any) -> None:
        self.contexts.append(context)

    def run(self, now: datetime) -> DigestReport:
        self.runs.append(now)
        return DigestReport(now=now.isoformat())

    def check(self, now: datetime) -> CheckReport:
        self.runs.append(now)
        return CheckReport(checked=1)


class StubAlert:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def start_invocation(self, context: Any) -> None:
        return None

    def handle_record(self, record: dict[str, Any]) -> None:
        self.records.append(record)


class StubDelivery:
    def __init__(self) -> None:
        self.budgets: list[float | None] = []

    def handle_body(self, body: str, receive_count: int, *, budget: float | None = None) -> str:
        from pipewatch.services.delivery import RetryLater

        self.budgets.append(budget)
        raise RetryLater(30, f"429 on {body}")


class RecordingQueue:
    def __init__(self) -> None:
        self.delays: list[tuple[str, float]] = []

    def delay(self, receipt_handle: str, seconds: float) -> None:
        self.delays.append((receipt_handle, seconds))


class StubSubscriptions:
    def __init__(self) -> None:
        self.listed: list[Any] = []

    def list(self, mode: Any, *, caller: Any) -> list[Any]:
        self.listed.append(mode)
        return []


class StubReader:
    def page(self, token: str) -> WebResponse:
        return WebResponse(200, "text/html; charset=utf-8", f"<p>{token}</p>")


SCHEDULED = "2026-11-25T07:00:00+00:00"


def test_given_a_stub_plan_service_then_the_plan_handler_plans_the_schedules_class_with_it() -> None:
    stub = StubPlan()
    report = _handler("plan")({"source_class": "news"}, LambdaContext("plan"), service=stub)
    assert report == {"tasks": 2, "sources": ["fda-press"]}
    assert [(r.source_class, r.sources) for r in stub.requests] == [("news", ())]


def test_given_tracing_on_then_the_keyword_still_reaches_the_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("aws_xray_sdk")
    monkeypatch.setenv("PIPEWATCH_XRAY_SDK", "true")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")  # the tracer wraps, no X-Ray daemon is called
    stub = StubPlan()
    _handler("plan")({"source_class": "registry"}, LambdaContext("plan"), service=stub)
    assert [r.source_class for r in stub.requests] == ["registry"]


def test_given_a_stub_poll_service_then_direct_and_queue_invocations_use_it() -> None:
    stub = StubPoll()
    direct = _handler("poll")({"sources": ["fda-press"]}, LambdaContext("poll"), service=stub)
    body = json.dumps({"source_id": "fda-press"})
    record = {
        "messageId": "m-1",
        "receiptHandle": "r-1",
        "body": body,
        "attributes": {},
        "eventSource": "aws:sqs",
    }
    queued = _handler("poll")({"Records": [record]}, LambdaContext("poll"), service=stub)
    assert (direct["sources"], direct["failed"]) == (0, [])
    assert queued == {"batchItemFailures": []}
    assert stub.calls == [(("fda-press",), None), ("fda-press",)]


@pytest.mark.parametrize("module", ["digest", "catalyst_check"])
def test_given_a_scheduled_time_then_the_clocked_handlers_run_their_stub_at_it(module: str) -> None:
    stub = StubClock()
    _handler(module)({"scheduled_time": SCHEDULED}, LambdaContext(module), service=stub)
    assert stub.runs == [datetime(2026, 11, 25, 7, tzinfo=UTC)]


def test_given_a_stub_alert_service_then_the_stream_record_reaches_it() -> None:
    stub = StubAlert()
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "dynamodb": {"SequenceNumber": "1"},
    }
    answer = _handler("alert")({"Records": [record]}, LambdaContext("alert"), service=stub)
    assert answer == {"batchItemFailures": []}
    assert [r["eventID"] for r in stub.records] == ["1"]


def test_given_a_job_to_retry_then_the_injected_queue_gets_the_wait_and_the_message_is_reported_failed() -> (
    None
):
    queue = RecordingQueue()
    record = {
        "messageId": "m-1",
        "receiptHandle": "r-1",
        "body": "job",
        "attributes": {"ApproximateReceiveCount": "1"},
        "eventSource": "aws:sqs",
    }
    stub = StubDelivery()
    answer = _handler("deliver")(
        {"Records": [record]}, LambdaContext("deliver", timeout_ms=30_000), service=stub, queue=queue
    )
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert queue.delays == [("r-1", 30)]
    # The job's budget: the function's remaining time less the finishing margin (and what has passed).
    (budget,) = stub.budgets
    assert budget is not None and 25.0 < budget <= 27.0


def test_given_a_stub_subscription_service_then_the_api_routes_use_it_for_that_request_only() -> None:
    from pipewatch_local.event_sources import api_gateway_event

    stub = StubSubscriptions()
    event = api_gateway_event("GET", "/subscriptions")
    event["requestContext"]["identity"] = {"userArn": "arn:aws:iam::123456789012:user/analyst"}
    answer = _handler("api")(event, LambdaContext("api"), service=stub)
    assert (answer["statusCode"], json.loads(answer["body"])) == (200, {"subscriptions": []})
    assert stub.listed == [None]
    assert "service" not in importlib.import_module("pipewatch.handlers.api").app.context


def test_given_a_stub_reader_then_the_page_route_answers_with_it() -> None:
    from pipewatch_local.event_sources import api_gateway_event

    event = api_gateway_event("GET", "/u/{token}", path_parameters={"token": "tok"})
    answer = _handler("page")(event, LambdaContext("page"), service=StubReader())
    assert (answer["statusCode"], answer["body"]) == (200, "<p>tok</p>")

"""The portable proof that what ships starts: each handler is imported and invoked from the build output in a
fresh interpreter that sees only the build and the standard library (not the dev venv), against a moto_server
on 127.0.0.1, with the sample events of events/ (the ones `sam local invoke` uses). A dependency missing from
the build fails here, as it would fail in Lambda."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipewatch_local.artifact import LAYER, Invocation, deployed_stack, invoke

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them

ROOT = Path(__file__).resolve().parents[2]


def _event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "events" / name).read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def deployed(moto_endpoint: str) -> Iterator[dict[str, Any]]:
    """template.yaml created as a stack in the moto_server, the functions' environment, a replay server."""
    with deployed_stack(moto_endpoint) as deployment:
        yield deployment


def _run(build: Path, function: str, event: str, deployed: dict[str, Any]) -> Invocation:
    result = invoke(build, function, _event(event), deployed["env"])
    assert result.ok, f"{result.describe()}\n{result.stderr}"
    # Every module the handler loaded came from the build or the standard library.
    assert result.modules_outside == []
    # ...and from its shipped .pyc: nothing of the build was compiled at import or during the invocation.
    assert result.compiled_from_source == []
    return result


def test_given_the_plan_event_then_the_built_plan_function_enqueues_a_task(
    host_build: Path, deployed: dict[str, Any]
) -> None:
    result = _run(host_build, "PlanFunction", "plan_news.json", deployed)
    assert result.response == {"tasks": 1, "sources": ["fda-press"]}
    depth = deployed["client"]("sqs").get_queue_attributes(
        QueueUrl=deployed["env"]["PIPEWATCH_POLL_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert int(depth) >= 1


def test_given_the_poll_task_then_the_built_poll_function_stores_the_recorded_feed(
    host_build: Path, deployed: dict[str, Any]
) -> None:
    result = _run(host_build, "PollFunction", "poll_sqs_task.json", deployed)
    assert result.response == {"batchItemFailures": []}
    items = deployed["client"]("dynamodb").scan(
        TableName=deployed["env"]["PIPEWATCH_TABLE"],
        FilterExpression="#k = :u",
        ExpressionAttributeNames={"#k": "kind"},
        ExpressionAttributeValues={":u": {"S": "update"}},
    )["Items"]
    assert {a["S"] for i in items for a in i["agents"]["L"]} >= {"efgartigimod", "brepocitinib"}


def test_given_the_stream_event_twice_then_the_built_alert_function_publishes_once(
    host_build: Path, deployed: dict[str, Any]
) -> None:
    first = _run(host_build, "AlertFunction", "alert_stream.json", deployed)
    again = _run(host_build, "AlertFunction", "alert_stream.json", deployed)
    assert first.response == again.response == {"batchItemFailures": []}
    received = deployed["inbox"].received()
    assert [m["MessageAttributes"]["update_id"]["Value"] for m in received] == ["u-sample-events-0001"]


def test_given_the_api_events_then_the_built_api_function_creates_and_lists(
    host_build: Path, deployed: dict[str, Any]
) -> None:
    created = _run(host_build, "ApiFunction", "api_post_subscription.json", deployed)
    assert created.response["statusCode"] == 201, created.response
    listed = _run(host_build, "ApiFunction", "api_list_subscriptions.json", deployed)
    endpoints = [s["endpoint"] for s in json.loads(listed.response["body"])["subscriptions"]]
    assert "analyst@example.com" in endpoints


def test_given_the_digest_event_then_the_built_digest_function_runs(
    host_build: Path, deployed: dict[str, Any]
) -> None:
    result = _run(host_build, "DigestFunction", "digest_schedule.json", deployed)
    assert "sent" in result.response


def test_given_a_build_missing_a_dependency_then_the_function_cannot_start(
    host_build: Path, deployed: dict[str, Any], tmp_path: Path
) -> None:
    """The proof can fail: the same build without pydantic fails at import, as Lambda would."""
    broken = tmp_path / "build"
    shutil.copytree(host_build / "ApiFunction", broken / "ApiFunction")
    shutil.copytree(
        host_build / LAYER, broken / LAYER, ignore=shutil.ignore_patterns("pydantic", "pydantic-*")
    )
    result = invoke(broken, "ApiFunction", _event("api_list_subscriptions.json"), deployed["env"])
    assert not result.ok
    assert (result.error_type, result.error_message) == ("ModuleNotFoundError", "No module named 'pydantic'")


def test_given_the_schedule_event_then_the_built_catalyst_check_runs(
    host_build: Path, deployed: dict[str, Any]
) -> None:
    result = _run(host_build, "CatalystCheckFunction", "catalyst_check_schedule.json", deployed)
    # It read the calendar the poll above filled (its rules are tested on moto); one update per overdue entry.
    report = result.response
    # The counters this test reads (the report gains others: refolded, repaired, pruned on main).
    assert {"checked", "due", "overdue", "updates"} <= set(report)
    assert all(isinstance(count, int) for count in report.values())
    assert report["checked"] >= report["due"] + report["overdue"] and report["updates"] == report["overdue"]

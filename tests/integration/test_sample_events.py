"""Every sample event in events/ drives its handler against the template's stack in moto: the files that
`sam local invoke` uses are proven to parse and to do what they say."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipewatch_local.local_stack import LambdaContext, add_shadow_subscriber, aws_client
from pipewatch_local.replay_server import ReplayServer, Route

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
PRESS_FEED = ROOT / "tests" / "fixtures" / "demo" / "press_feed_HANDMADE_from_labeled_headlines.xml"


def _event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def handlers(local_stack: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The stack's environment plus a sources file whose `fda-press` (the id the sample poll task names)
    is served from a recorded feed on 127.0.0.1."""
    from pipewatch_local.functions import load_handlers, reset_settings

    with ReplayServer() as server:
        server.routes["/fda/press.xml"] = Route.file(PRESS_FEED, "application/rss+xml")
        sources = {
            "version": 1,
            "http": {"max_retries": 0},
            # Recorded payloads are months or years old (some undated): widen the alert horizon so they alert.
            "poll": {"alert_horizon_days": 3650, "baseline_undated": False},
            "hosts": {"127.0.0.1": {"min_interval_s": 0}},
            "sources": [
                {
                    "id": "fda-press",
                    "name": "FDA press releases",
                    "kind": "rss",
                    "doc_type": "regulator",
                    "url": f"{server.base_url}/fda/press.xml",
                },
            ],
        }
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump(sources), encoding="utf-8")
        os.environ["PIPEWATCH_SOURCES"] = str(path)
        try:
            yield {"stack": local_stack, **load_handlers()}
        finally:
            os.environ.pop("PIPEWATCH_SOURCES", None)
            reset_settings()  # the settings and data files read for this stack


def test_given_the_plan_events_then_tasks_are_enqueued(handlers: dict[str, Any]) -> None:
    report = handlers["plan"](_event("plan_news.json"), LambdaContext("plan"))
    queue = handlers["stack"].output("PollQueueUrl")
    attributes = aws_client("sqs").get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    # The test's sources file has one news source (fda-press) and no registry source.
    assert report == {"tasks": 1, "sources": ["fda-press"]}
    assert int(attributes["ApproximateNumberOfMessages"]) == 1
    registry = handlers["plan"](_event("plan_registry.json"), LambdaContext("plan"))
    assert registry == {"tasks": 0, "sources": []}


def test_given_the_poll_task_event_then_the_feed_is_stored_and_no_item_fails(
    handlers: dict[str, Any],
) -> None:
    answer = handlers["poll"](_event("poll_sqs_task.json"), LambdaContext("poll"))
    assert answer == {"batchItemFailures": []}
    table = handlers["stack"].output("TableName")
    items = aws_client("dynamodb").scan(
        TableName=table,
        FilterExpression="#k = :u",
        ExpressionAttributeNames={"#k": "kind"},
        ExpressionAttributeValues={":u": {"S": "update"}},
    )["Items"]
    own = [i for i in items if "tier" not in i]  # a landscape update (a competitor's news) names no agent
    assert {i["agents"]["L"][0]["S"] for i in own} >= {"efgartigimod", "brepocitinib"}
    assert all("agents" not in i and i["competes_with"]["L"] for i in items if i not in own)


def test_given_the_direct_poll_event_then_it_polls_the_news_sources(handlers: dict[str, Any]) -> None:
    report = handlers["poll"](_event("poll_direct_news.json"), LambdaContext("poll"))
    assert report["sources"] == 1 and report["failed"] == []


def test_given_the_stream_event_twice_then_one_alert(handlers: dict[str, Any]) -> None:
    inbox = add_shadow_subscriber(handlers["stack"].output("AlertsTopicArn"), "events", None)
    first = handlers["alert"](_event("alert_stream.json"), LambdaContext("alert"))
    again = handlers["alert"](_event("alert_stream.json"), LambdaContext("alert"))
    assert first == again == {"batchItemFailures": []}
    received = inbox.received()
    assert [m["MessageAttributes"]["update_id"]["Value"] for m in received] == ["u-sample-events-0001"]
    assert received[0]["Subject"].startswith("[HIGH] efgartigimod")


def test_given_the_api_events_then_a_subscription_is_created_and_listed(handlers: dict[str, Any]) -> None:
    created = handlers["api"](_event("api_post_subscription.json"), LambdaContext("api"))
    assert created["statusCode"] == 201, created
    listed = handlers["api"](_event("api_list_subscriptions.json"), LambdaContext("api"))
    assert listed["statusCode"] == 200
    assert [s["endpoint"] for s in json.loads(listed["body"])["subscriptions"]] == ["analyst@example.com"]


def test_given_the_digest_event_with_no_digest_subscriber_then_nothing_is_sent(
    handlers: dict[str, Any],
) -> None:
    report = handlers["digest"](_event("digest_schedule.json"), LambdaContext("digest"))
    assert report["sent"] == []


def test_given_the_catalyst_check_event_twice_then_one_overdue_update_and_nothing_new_after(
    handlers: dict[str, Any],
) -> None:
    from datetime import UTC, datetime

    from pipewatch.composition import build_calendar_service
    from pipewatch.domain.models import Classification, Update
    from pipewatch.settings import get_settings

    # HAND-MADE statement shaped like the recorded argenx guidance for ALKIVIA (2H 2026)
    guided = Update(
        update_id="u-sample-catalyst-0001",
        title="argenx Q3 2025 business update",
        summary="ALKIVIA Phase 3 results expected in 2H 2026.",
        url="https://example.com/argenx-q3-2025",
        source_id="argenx-press",
        source_name="argenx",
        published=datetime(2025, 10, 30, tzinfo=UTC),
        classification=Classification(relevant=True, agents=("efgartigimod",), event_type="pipeline"),
        first_seen=datetime(2025, 10, 30, tzinfo=UTC),
    )
    build_calendar_service(get_settings()).observe_update(guided, guided.first_seen)
    check = handlers["catalyst_check"]
    first = check(_event("catalyst_check_schedule.json"), LambdaContext("catalyst-check"))
    again = check(_event("catalyst_check_schedule.json"), LambdaContext("catalyst-check"))
    assert (first["overdue"], first["updates"]) == (1, 1)
    assert (again["overdue"], again["updates"]) == (0, 0)
    table = handlers["stack"].output("TableName")
    updates = aws_client("dynamodb").scan(
        TableName=table,
        FilterExpression="event_type = :e",
        ExpressionAttributeValues={":e": {"S": "catalyst_overdue"}},
    )["Items"]
    assert len(updates) == 1


def test_given_the_unsigned_page_link_event_then_the_page_refuses_it(handlers: dict[str, Any]) -> None:
    answer = handlers["page"](_event("page_unsigned_link.json"), LambdaContext("page"))
    assert answer["statusCode"] == 403
    assert "This link is not valid" in answer["body"]
    headers = {k: v[-1] for k, v in answer["multiValueHeaders"].items()}
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_given_the_short_link_event_then_the_page_answers_not_found_for_a_code_no_alert_stored(
    handlers: dict[str, Any],
) -> None:
    answer = handlers["page"](_event("page_short_link.json"), LambdaContext("page"))
    assert answer["statusCode"] == 404
    assert "Location" not in (answer.get("multiValueHeaders") or {})


def test_given_lambdas_call_without_a_service_then_the_default_is_built_from_the_environment_once(
    handlers: dict[str, Any],
) -> None:
    """`handler(event, context)`, as Lambda calls it: the composition root builds the service on the first
    invocation (handlers/_defaults.py) and the warm container reuses it."""
    from pipewatch.handlers import _defaults, page

    _defaults.reader_service.cache_clear()
    try:
        first = page.handler(_event("page_unsigned_link.json"), LambdaContext("page"))
        again = page.handler(_event("page_unsigned_link.json"), LambdaContext("page"))
        built = _defaults.reader_service.cache_info()
    finally:
        _defaults.reader_service.cache_clear()  # built on this test's stack
    assert first["statusCode"] == again["statusCode"] == 403
    assert (built.misses, built.hits) == (1, 1)

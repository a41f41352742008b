"""The subscription API handler on the stack in moto: request validation, status codes, SNS in step, and the
committed OpenAPI document generated from the code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipewatch.adapters.aws import client
from pipewatch.handlers import api
from pipewatch.settings import Settings
from pipewatch_local.local_stack import LambdaContext

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


ANALYST_ARN = "arn:aws:sts::123456789012:assumed-role/Analyst/alice"
OTHER_ARN = "arn:aws:sts::123456789012:assumed-role/Analyst/bob"
ADMIN_ARN = "arn:aws:iam::123456789012:role/PipewatchAdmin"


def _event(
    method: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    caller: str | None = ANALYST_ARN,
) -> dict[str, Any]:
    resource = "/subscriptions/{subscription_id}" if path.count("/") > 1 else "/subscriptions"
    path_parameters = {"subscription_id": path.rsplit("/", 1)[1]} if resource.endswith("}") else None
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/dev{path}",
            "stage": "dev",
            "requestId": "test",
            "identity": {"sourceIp": "127.0.0.1", **({"userArn": caller} if caller else {})},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def _analyst_subscriptions() -> list[dict[str, Any]]:
    """The topic's SNS subscriptions except the template's own (the delivery queue's)."""
    sns = client("sns", Settings.from_env())
    listed = sns.list_subscriptions_by_topic(TopicArn=Settings.from_env().topic_arn)["Subscriptions"]
    return [s for s in listed if s["Protocol"] != "sqs"]


class ApiCall:
    """Invokes the api handler with `service`: built from the environment as a fresh container builds it
    (`rebuild()` after changing the environment), or one a test puts in its place."""

    def __init__(self) -> None:
        self.service: Any = None
        self.rebuild()

    def rebuild(self) -> None:
        from pipewatch.composition import build_subscription_service
        from pipewatch.settings import get_settings

        get_settings.cache_clear()
        self.service = build_subscription_service(get_settings())

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict[str, str] | None = None,
        caller: str | None = ANALYST_ARN,
    ) -> tuple[int, Any]:
        event = _event(method, path, body, query, caller)
        answer = api.handler(event, LambdaContext("api"), service=self.service)
        return answer["statusCode"], json.loads(answer["body"]) if answer.get("body") else None


@pytest.fixture
def call(local_stack: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pipewatch.settings import get_settings

    monkeypatch.setenv("PIPEWATCH_ADMIN_ARNS", "arn:aws:iam::123456789012:role/Pipewatch*")
    yield ApiCall()
    get_settings.cache_clear()


def test_given_a_valid_request_when_posted_then_201_and_sns_holds_the_policy(call: Any) -> None:
    status, body = call(
        "POST",
        "/subscriptions",
        {"endpoint": "+15555550123", "min_severity": "high", "agents": ["efgartigimod"]},
    )

    assert status == 201
    assert body["protocol"] == "sms" and body["status"] == "active"
    assert body["filter_policy"] == {
        "delivery": ["instant"],
        "agents": ["efgartigimod"],
        "severity_rank": [{"numeric": [">=", 2]}],
    }
    listed = _analyst_subscriptions()
    assert [(s["Protocol"], s["Endpoint"]) for s in listed] == [("sms", "+15555550123")]


@pytest.mark.parametrize(
    "request_body",
    [
        {"endpoint": "not-an-address"},
        {"endpoint": "+1 555 0123"},
        {"endpoint": "x@localhost"},
        {"endpoint": "x@example.com", "min_severity": "urgent"},
        {"endpoint": "x@example.com", "timezone": "Mars/Olympus"},
        {"endpoint": "x@example.com", "timezone": "localtime"},
        {"endpoint": "x@example.com", "timezone": "Factory"},
        {"endpoint": "x@example.com", "digest_hour": 24},
        {"endpoint": "x@example.com", "digest_hour": "7"},
        {"endpoint": "x@example.com", "surprise": True},
    ],
)
def test_given_an_invalid_request_then_422_names_the_problem_and_nothing_is_subscribed(
    call: Any, request_body: dict[str, Any]
) -> None:
    status, body = call("POST", "/subscriptions", request_body)

    assert status == 422
    assert body["detail"]
    assert call("GET", "/subscriptions") == (200, {"subscriptions": []})


def test_given_an_unknown_agent_then_400_lists_the_known_ones(call: Any) -> None:
    status, body = call("POST", "/subscriptions", {"endpoint": "x@example.com", "agents": ["aspirin"]})

    assert status == 400
    assert "unknown agents ['aspirin']" in body["message"] and "efgartigimod" in body["message"]


def test_given_subscriptions_when_listed_and_deleted_then_the_list_and_sns_follow_at_once(call: Any) -> None:
    call("POST", "/subscriptions", {"endpoint": "a@example.com"})
    _, digest = call("POST", "/subscriptions", {"endpoint": "b@example.com", "mode": "digest"})

    assert [s["endpoint"] for s in call("GET", "/subscriptions")[1]["subscriptions"]] == [
        "a@example.com",
        "b@example.com",
    ]
    assert [
        s["endpoint"] for s in call("GET", "/subscriptions", query={"mode": "digest"})[1]["subscriptions"]
    ] == ["b@example.com"]
    status, removed = call("DELETE", f"/subscriptions/{digest['subscription_id']}")
    assert (status, removed["endpoint"]) == (200, "b@example.com")
    assert call("DELETE", f"/subscriptions/{digest['subscription_id']}")[0] == 404
    assert [s["Endpoint"] for s in _analyst_subscriptions()] == ["a@example.com"]


def test_given_pause_then_sns_holds_a_policy_no_alert_matches_and_resume_restores_the_filter(
    call: Any,
) -> None:
    from pipewatch.domain.subscribers.subscriptions import PAUSED_FILTER_POLICY

    _, created = call("POST", "/subscriptions", {"endpoint": "a@example.com", "agents": ["efgartigimod"]})
    sns = client("sns", Settings.from_env())

    def sns_policy() -> Any:
        (subscription,) = _analyst_subscriptions()
        arn = subscription["SubscriptionArn"]
        return json.loads(sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["FilterPolicy"])

    status, paused = call("POST", f"/subscriptions/{created['subscription_id']}/pause")
    assert (status, paused["paused"], paused["filter_policy"]) == (200, True, created["filter_policy"])
    assert sns_policy() == PAUSED_FILTER_POLICY
    assert call("POST", "/subscriptions/a@example.com/resume", caller=OTHER_ARN)[0] == 404
    status, resumed = call("POST", "/subscriptions/a@example.com/resume")
    assert (status, resumed["paused"]) == (200, False)
    assert sns_policy() == created["filter_policy"]


def test_given_the_code_then_the_committed_openapi_document_is_in_sync() -> None:
    generated = api.openapi_document()

    assert json.loads(OPENAPI.read_text(encoding="utf-8")) == generated, (
        "regenerate: python -c 'import json; from pipewatch.handlers.api import openapi_document; "
        "print(json.dumps(openapi_document(), indent=2))' > docs/openapi.json"
    )
    assert set(generated["paths"]) == {
        "/subscriptions",
        "/subscriptions/{subscription_id}",
        "/subscriptions/{subscription_id}/pause",
        "/subscriptions/{subscription_id}/resume",
    }
    assert set(generated["paths"]["/subscriptions"]) == {"get", "post"}


# -- slack / teams / webhook subscriptions ------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://localhost/hook", "loopback"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://10.0.0.8/hook", "private"),
        ("https://[::1]/hook", "loopback"),
        ("http://hooks.slack.com/services/T/B/X", "only https"),
    ],
)
def test_given_a_destination_in_the_accounts_own_network_then_400_and_nothing_is_stored(
    call: Any, url: str, reason: str
) -> None:
    # The production composition: no test policy, the system resolver (IP literals and localhost only).
    status, body = call("POST", "/subscriptions", {"channel": "webhook", "url": url})
    assert status == 400
    assert reason in body["message"]
    assert "/hook" not in body["message"] and "meta-data" not in body["message"]
    assert call("GET", "/subscriptions") == (200, {"subscriptions": []})


def test_given_a_public_webhook_url_then_201_the_secret_is_shown_once_and_the_url_never(
    call: Any,
) -> None:
    from pipewatch.adapters.webhook_http import HttpsPoster
    from pipewatch.composition import build_subscription_service

    public = HttpsPoster(resolver=lambda host, port: ["93.184.216.34"])  # a public address, no DNS
    service = build_subscription_service(Settings.from_env(), destination_check=public.check)
    call.service = service
    url = "https://hooks.slack.com/services/T0001/B0001/SeCrEtToKeN"
    status, created = call(
        "POST", "/subscriptions", {"channel": "slack", "url": url, "owner": "o@example.com"}
    )
    assert status == 201
    assert created["protocol"] == "slack"
    assert created["webhook_secret"].startswith("whsec_")
    assert created["endpoint"].startswith("https://hooks.slack.com/…#")
    assert created["owner"] == "o@example.com"
    status, again = call("POST", "/subscriptions", {"channel": "slack", "url": url, "min_severity": "high"})
    assert (status, again["webhook_secret"], again["subscription_id"]) == (
        201,
        None,
        created["subscription_id"],
    )
    listed = json.dumps(call("GET", "/subscriptions")[1])
    assert "SeCrEtToKeN" not in listed and "T0001" not in listed
    assert created["webhook_secret"] not in listed
    assert _analyst_subscriptions() == []  # delivered by the delivery function, not an SNS subscription
    assert call("DELETE", f"/subscriptions/{created['subscription_id']}")[0] == 200


@pytest.mark.parametrize(
    "request_body",
    [
        {"channel": "webhook"},
        {"channel": "webhook", "url": "https://example.com/h", "endpoint": "a@example.com"},
        {"url": "https://example.com/h"},
        {"channel": "pager", "url": "https://example.com/h"},
    ],
)
def test_given_an_inconsistent_channel_request_then_422(call: Any, request_body: dict[str, Any]) -> None:
    status, _ = call("POST", "/subscriptions", request_body)
    assert status == 422


# -- per-caller authorisation and the SMS allowlist ---------------------------------------------------------


def test_given_two_callers_then_each_sees_and_removes_only_its_own_and_an_admin_manages_all(
    call: Any,
) -> None:
    assert call("POST", "/subscriptions", {"endpoint": "alice@example.com"})[0] == 201
    assert call("POST", "/subscriptions", {"endpoint": "bob@example.com"}, caller=OTHER_ARN)[0] == 201

    def endpoints(caller: str) -> list[str]:
        return [s["endpoint"] for s in call("GET", "/subscriptions", caller=caller)[1]["subscriptions"]]

    assert endpoints(ANALYST_ARN) == ["alice@example.com"]
    assert endpoints(OTHER_ARN) == ["bob@example.com"]
    assert endpoints(ADMIN_ARN) == ["alice@example.com", "bob@example.com"]
    # Bob can neither remove nor take over Alice's subscription (by e-mail or by id).
    assert call("DELETE", "/subscriptions/alice@example.com", caller=OTHER_ARN)[0] == 404
    status, body = call(
        "POST", "/subscriptions", {"endpoint": "alice@example.com", "mode": "digest"}, caller=OTHER_ARN
    )
    assert status == 403 and "another caller" in body["message"]
    assert call("DELETE", "/subscriptions/alice@example.com", caller=ADMIN_ARN)[0] == 200
    assert endpoints(ADMIN_ARN) == ["bob@example.com"]


def test_given_no_verified_caller_then_403(call: Any) -> None:
    assert call("GET", "/subscriptions", caller=None)[0] == 403
    assert call("POST", "/subscriptions", {"endpoint": "x@example.com"}, caller=None)[0] == 403


@pytest.mark.parametrize(
    ("number", "allowed"),
    [("+447700900123", False), ("+18765550123", False), ("+18095550123", False), ("+4915112345678", False),
     ("+15555550123", True), ("+14165550123", True)],
)  # fmt: skip
def test_given_the_sms_allowlist_then_only_its_countries_can_be_subscribed(
    call: Any, number: str, allowed: bool
) -> None:
    status, body = call("POST", "/subscriptions", {"endpoint": number})
    assert status == (201 if allowed else 400), body
    if not allowed:
        assert "not enabled" in body["message"] and "SmsCountries" in body["message"]


# -- validation ---------------------------------------------------------------------------------------------


def test_given_a_phone_number_with_a_trailing_newline_then_it_is_refused(call: Any) -> None:
    assert call("POST", "/subscriptions", {"endpoint": "+15555550123\n"})[0] == 422
    assert call("GET", "/subscriptions")[1] == {"subscriptions": []}


def test_given_an_agent_id_with_capitals_then_it_is_normalised_and_a_bad_one_is_a_clean_400(
    call: Any,
) -> None:
    status, body = call("POST", "/subscriptions", {"endpoint": "a@example.com", "agents": ["Efgartigimod "]})
    assert status == 201 and body["agents"] == ["efgartigimod"]
    status, body = call("POST", "/subscriptions", {"endpoint": "b@example.com", "agents": ["efgar-tigimod!"]})
    assert status == 400 and "is not an id" in body["message"]


def test_given_a_full_topic_then_a_new_subscriber_gets_409_with_guidance_and_existing_ones_can_change(
    call: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPEWATCH_MAX_FILTER_POLICIES", "2")
    call.rebuild()
    for n in range(2):
        assert call("POST", "/subscriptions", {"endpoint": f"s{n}@example.com"})[0] == 201

    status, body = call("POST", "/subscriptions", {"endpoint": "third@example.com"})

    assert status == 409 and "Filter policies per topic" in body["message"]
    assert call("POST", "/subscriptions", {"endpoint": "s0@example.com", "mode": "digest"})[0] == 201


def test_given_sns_reporting_its_filter_policy_limit_then_409_not_502(
    call: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    service = call.service

    def refuse(**kwargs: Any) -> Any:
        raise ClientError(
            {"Error": {"Code": "FilterPolicyLimitExceeded", "Message": "Filter policy limit exceeded"}},
            "Subscribe",
        )

    monkeypatch.setattr(service._sns._sns, "subscribe", refuse)
    status, _ = call("POST", "/subscriptions", {"endpoint": "x@example.com"})
    assert status == 409
    assert call("GET", "/subscriptions")[1] == {"subscriptions": []}  # nothing left pending


def test_given_a_subscription_sns_refused_then_no_record_is_left_and_an_old_pending_one_can_be_deleted(
    call: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from pipewatch.domain.subscribers.records import SubscriptionRecord
    from pipewatch.domain.subscribers.subscriptions import Subscription

    service = call.service

    def refuse(**kwargs: Any) -> Any:
        raise ClientError(
            {"Error": {"Code": "InvalidParameter", "Message": "Invalid parameter: Endpoint"}}, "Subscribe"
        )

    monkeypatch.setattr(service._sns._sns, "subscribe", refuse)
    status, _ = call("POST", "/subscriptions", {"endpoint": "refused@example.com"})
    assert status == 400
    assert call("GET", "/subscriptions")[1] == {"subscriptions": []}
    # A record left pending by the code before this fix (SNS refused, record stayed): it can be deleted.
    from datetime import UTC, datetime

    stale = SubscriptionRecord(
        subscription=Subscription.model_validate({"endpoint": "stale@example.com"}),
        status="pending",
        sns_attributes={"FilterPolicy": "{}", "FilterPolicyScope": "MessageAttributes"},
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
        owner=ANALYST_ARN,
    )
    service._table.put(stale)
    assert call("DELETE", "/subscriptions/stale@example.com")[0] == 200
    assert call("GET", "/subscriptions")[1] == {"subscriptions": []}

"""The api and page functions answer as they did when Powertools' resolver routed them (issue 28): the
same status, headers, body bytes, base64 flag and key order, and the same calls to the service, for every
hand-made request of http_answer_cases.py. The answers the resolver gave are in
tests/fixtures/hand_made/http_answers_resolver.json; the deliberate changes are pinned separately below."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from http_answer_cases import API_CASES, PAGE_CASES, StubReader, StubSubscriptions, event_of
from pipewatch.handlers import api, page
from pipewatch_local.local_stack import LambdaContext

RESOLVER_ANSWERS = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "hand_made" / "http_answers_resolver.json").read_text(
        encoding="utf-8"
    )
)
# Where the router answers differently on purpose: an unhandled error is a clean 500 (the resolver let the
# invocation fail: API Gateway said 502), a known path with another method is 405, and a multipart body
# (no client sends one to this IAM API) is refused as an unsupported content type.
CHANGED = {
    ("api", "subscribe_unexpected"),
    ("api", "delete_unexpected"),
    ("page", "unexpected"),
    ("api", "wrong_method"),
    ("page", "wrong_method"),
    ("api", "subscribe_multipart"),
}


def _answer(function: str, case: dict[str, Any]) -> dict[str, Any]:
    stub: Any = StubSubscriptions() if function == "api" else StubReader()
    module: Any = api if function == "api" else page
    answer: dict[str, Any] = module.handler(event_of(case), LambdaContext(function), service=stub)
    return {**answer, "calls": repr(stub.calls)}


CASES = [("api", name, case) for name, case in API_CASES.items()] + [
    ("page", name, case) for name, case in PAGE_CASES.items()
]


@pytest.mark.parametrize(
    ("function", "name", "case"),
    [c for c in CASES if c[:2] not in CHANGED],
    ids=[f"{c[0]}-{c[1]}" for c in CASES if c[:2] not in CHANGED],
)
def test_given_a_request_then_the_answer_is_the_resolvers_byte_for_byte(
    function: str, name: str, case: dict[str, Any]
) -> None:
    answer = _answer(function, case)
    recorded = RESOLVER_ANSWERS[function][name]

    assert answer == recorded
    assert list(answer) == list(recorded)  # key order too: the JSON API Gateway reads is the same text
    assert json.dumps(answer) == json.dumps(recorded)


def test_given_the_fixture_then_every_case_has_a_recorded_answer() -> None:
    assert set(RESOLVER_ANSWERS["api"]) == set(API_CASES)
    assert set(RESOLVER_ANSWERS["page"]) == set(PAGE_CASES)
    assert all(name in RESOLVER_ANSWERS[function] for function, name in CHANGED)


@pytest.mark.parametrize(
    ("function", "name"),
    [("api", "subscribe_unexpected"), ("api", "delete_unexpected"), ("page", "unexpected")],
)
def test_given_an_unhandled_error_then_500_without_internals_where_the_resolver_raised(
    function: str, name: str
) -> None:
    case = (API_CASES if function == "api" else PAGE_CASES)[name]
    answer = _answer(function, case)

    assert RESOLVER_ANSWERS[function][name]["raised"] == "RuntimeError"
    assert answer["statusCode"] == 500
    assert json.loads(answer["body"]) == {"statusCode": 500, "message": "Internal server error"}
    assert "secret" not in answer["body"] and "/var/task" not in answer["body"]


@pytest.mark.parametrize(("function", "allowed"), [("api", "GET, POST"), ("page", "GET")])
def test_given_a_known_path_and_another_method_then_405_where_the_resolver_said_404(
    function: str, allowed: str
) -> None:
    answer = _answer(function, (API_CASES if function == "api" else PAGE_CASES)["wrong_method"])

    assert RESOLVER_ANSWERS[function]["wrong_method"]["statusCode"] == 404
    assert (answer["statusCode"], answer["multiValueHeaders"]["Allow"]) == (405, [allowed])


def test_given_a_multipart_subscription_then_415_and_nothing_is_subscribed() -> None:
    answer = _answer("api", API_CASES["subscribe_multipart"])

    assert answer["statusCode"] == 415
    assert json.loads(answer["body"])["detail"] == [{"loc": ["body"], "type": "unsupported_content_type"}]
    assert answer["calls"] == "[]"


def test_given_the_openapi_document_then_its_paths_and_methods_are_the_routers_routes() -> None:
    document = api.openapi_document()
    documented = {
        (method.upper(), path.replace("{", "<").replace("}", ">"))
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert documented == set(api.app.routes)
    assert len(api.app.routes) == 5

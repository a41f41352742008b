"""The in-house REST router (pipewatch.handlers._rest): matching, answers, base64, errors. Pure: hand-made
API Gateway REST events, no AWS."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from pipewatch.handlers._rest import RequestRejected, Response, Router, json_response


def _event(method: str, path: str, body: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "httpMethod": method,
        "path": path,
        "headers": {"Content-Type": "text/plain"},
        "body": body,
        **extra,
    }


class Refused(LookupError):
    pass


class RefusedHarder(Refused):
    pass


@pytest.fixture
def router() -> Router:
    errors: list[str] = []
    app = Router(on_unhandled=errors.append)
    app.context["errors"] = errors  # cleared by resolve: the tests keep their own reference

    @app.get("/items/<item_id>")
    def item(item_id: str) -> Response:
        return Response(200, "text/plain", f"item {item_id} {app.context.get('who')}")

    @app.post("/items/<item_id>/notes/<note>")
    def note(item_id: str, note: str) -> Response:
        return json_response(201, {"item": item_id, "note": note, "body": app.current_event.decoded_body})

    @app.get("/boom")
    def boom() -> Response:
        raise RuntimeError("secret /var/task detail")

    @app.get("/refused")
    def refused() -> Response:
        raise RefusedHarder("no such thing")

    @app.get("/rejected")
    def rejected() -> Response:
        raise RequestRejected(422, [{"loc": ["query", "x"], "type": "missing"}])

    @app.get("/binary")
    def binary() -> Response:
        return Response(200, "image/png", b"\x89PNG", cookies=["a=1; Secure", "b=2; HttpOnly"])

    @app.exception_handler(Refused)
    def _refused(exc: Refused) -> Response:
        return Response(404, "application/json", json.dumps({"message": str(exc)}))

    return app


def test_given_a_template_then_params_are_passed_and_the_context_lasts_one_request(router: Router) -> None:
    router.append_context(who="alice")
    answer = router.resolve(_event("GET", "/items/a.b-c~d@e"))

    assert answer == {
        "statusCode": 200,
        "body": "item a.b-c~d@e alice",
        "isBase64Encoded": False,
        "multiValueHeaders": {"Content-Type": ["text/plain"]},
    }
    assert router.context == {}
    assert router.resolve(_event("GET", "/items/x/"))["body"] == "item x None"  # a trailing slash matches
    with pytest.raises(RuntimeError, match="no request"):
        _ = router.current_event


def test_given_a_base64_body_then_the_route_reads_it_decoded(router: Router) -> None:
    encoded = base64.b64encode("label=é".encode()).decode()
    answer = router.resolve(_event("POST", "/items/1/notes/n2", encoded, isBase64Encoded=True))

    assert answer["statusCode"] == 201
    assert answer["body"] == '{"item":"1","note":"n2","body":"label=\\u00e9"}'  # compact, ASCII-escaped
    broken = router.resolve(_event("POST", "/items/1/notes/n2", "abcde", isBase64Encoded=True))  # bad padding
    assert broken["statusCode"] == 400


def test_given_an_unknown_path_or_a_slash_inside_a_param_then_404(router: Router) -> None:
    for path in ("/nowhere", "/items/a/b", "/items"):
        answer = router.resolve(_event("GET", path))
        assert (answer["statusCode"], answer["body"]) == (404, '{"statusCode":404,"message":"Not found"}')


def test_given_a_known_path_and_another_method_then_405_with_allow(router: Router) -> None:
    answer = router.resolve(_event("DELETE", "/items/1"))

    assert answer["statusCode"] == 405
    assert answer["multiValueHeaders"]["Allow"] == ["GET"]


def test_given_an_unhandled_error_then_it_is_logged_and_answered_500_without_internals(
    router: Router,
) -> None:
    errors = router.context["errors"]
    answer = router.resolve(_event("GET", "/boom"))

    assert (answer["statusCode"], json.loads(answer["body"])) == (
        500,
        {"statusCode": 500, "message": "Internal server error"},
    )
    assert "secret" not in answer["body"]
    assert errors == ["unhandled error on GET /boom"]


def test_given_a_registered_base_exception_then_a_subclass_is_answered_by_its_handler(router: Router) -> None:
    answer = router.resolve(_event("GET", "/refused"))

    assert (answer["statusCode"], answer["body"]) == (404, '{"message": "no such thing"}')


def test_given_a_rejected_request_then_the_status_and_detail_are_answered(router: Router) -> None:
    answer = router.resolve(_event("GET", "/rejected"))

    assert answer["statusCode"] == 422
    assert answer["body"] == '{"statusCode":422,"detail":[{"loc":["query","x"],"type":"missing"}]}'


def test_given_bytes_and_cookies_then_base64_and_one_set_cookie_each(router: Router) -> None:
    answer = router.resolve(_event("GET", "/binary"))

    assert answer["isBase64Encoded"] is True
    assert base64.b64decode(answer["body"]) == b"\x89PNG"
    assert answer["multiValueHeaders"] == {
        "Content-Type": ["image/png"],
        "Set-Cookie": ["a=1; Secure", "b=2; HttpOnly"],
    }


def test_given_headers_then_they_come_first_and_an_explicit_content_type_wins() -> None:
    answer = Response(302, "text/plain", "", {"Location": "/x", "Content-Type": "text/html"}).proxy_answer()

    assert list(answer["multiValueHeaders"].items()) == [
        ("Location", ["/x"]),
        ("Content-Type", ["text/html"]),
    ]


def test_given_query_values_then_the_multi_value_form_wins_and_a_single_value_splits_at_commas(
    router: Router,
) -> None:
    seen: list[list[str]] = []

    @router.get("/q")
    def query() -> Response:
        seen.append(router.current_event.query_values("mode"))
        return Response(204)

    router.resolve(_event("GET", "/q", queryStringParameters={"mode": "a,b"}))
    router.resolve(
        _event(
            "GET",
            "/q",
            queryStringParameters={"mode": "b"},
            multiValueQueryStringParameters={"mode": ["a", "b"]},
        )
    )
    router.resolve(_event("GET", "/q"))
    assert seen == [["a", "b"], ["a", "b"], []]

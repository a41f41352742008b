"""The local HTTP servers share one loop (pipewatch_local/local_http.py): the reader pages' PageServer and
the console's ConsoleServer, each on 127.0.0.1 with a hand-made handler or service standing for the real
one, answer GET and POST through it, refuse other paths with 404, and the console streams a chunked export."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from typing import Any

from pipewatch.services.console import ConsoleRequest, ConsoleResponse
from pipewatch_local.console_local import ConsoleServer
from pipewatch_local.page_server import PageServer


def _ask(url: str, method: str = "GET", body: str = "") -> tuple[int, dict[str, str], bytes]:
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, port = host_port.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    connection.request(method, "/" + path, body=body or None, headers=headers)
    answer = connection.getresponse()
    result = answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    connection.close()
    return result


def test_given_a_page_request_then_the_handler_gets_its_event_and_its_answer_is_sent() -> None:
    events: list[dict[str, Any]] = []

    def page(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(event)
        return {"statusCode": 200, "headers": {"Content-Type": "text/html"}, "body": "<p>hand-made</p>"}

    with PageServer(page) as server:
        got = _ask(f"{server.base_url}/u/token-1")
        posted = _ask(f"{server.base_url}/fb/token-2", "POST", "label=not_about_drug")
        missing = _ask(f"{server.base_url}/nowhere/x")

    assert got[0] == 200 and got[2] == b"<p>hand-made</p>" and got[1]["content-length"] == "16"
    assert events[0]["pathParameters"] == {"token": "token-1"} and events[0]["httpMethod"] == "GET"
    assert events[1]["httpMethod"] == "POST" and "not_about_drug" in str(events[1]["body"])
    assert posted[0] == 200 and missing[0] == 404 and missing[2] == b"not found"
    assert [(m, status) for m, _, status in server.requests] == [("GET", 200), ("POST", 200)]


class HandMadeConsole:
    """Stands for ConsoleService: a page with a cookie, or (for /export) a chunked body."""

    def __init__(self) -> None:
        self.requests: list[ConsoleRequest] = []

    def handle(self, request: ConsoleRequest) -> ConsoleResponse:
        self.requests.append(request)
        if request.path.endswith("export"):
            chunks: Iterator[str] = iter(["a,b\n", "1,2\n"])
            return ConsoleResponse(200, "text/csv", "", {}, (), chunks)
        return ConsoleResponse(200, "text/html", "<p>page</p>", {"X-Frame-Options": "DENY"}, ("c=1; Path=/",))


def test_given_console_requests_then_the_service_answers_whole_or_chunked_and_other_paths_are_404() -> None:
    service = HandMadeConsole()

    with ConsoleServer(service) as server:  # type: ignore[arg-type]
        page = _ask(f"{server.url}/updates")
        export = _ask(f"{server.url}/export")
        posted = _ask(f"{server.url}/subscriptions", "POST", "endpoint=a%40example.com")
        missing = _ask(server.url.replace("/console", "/other"))

    assert page[0] == 200 and page[2] == b"<p>page</p>" and page[1]["set-cookie"] == "c=1; Path=/"
    assert page[1]["x-frame-options"] == "DENY" and page[1]["content-length"] == "11"
    assert export[1]["transfer-encoding"] == "chunked" and export[2] == b"a,b\n1,2\n"
    assert posted[0] == 200 and service.requests[-1].form == {"endpoint": "a@example.com"}
    assert missing[0] == 404 and missing[2] == b"not found"
    assert [(m, status) for m, _, status in server.requests] == [("GET", 200), ("GET", 200), ("POST", 200)]

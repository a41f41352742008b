"""GET /s/{code}: an SMS short link answers 302 to a freshly signed topic-wide page link of its update, 404
for a code not held (or not of a code's shape), 410 once expired: ReaderService.short on in-memory fakes, and
the page handler's route with a HAND-MADE API Gateway REST event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fakes import (
    FixedLinkKeys,
    InMemoryFeedback,
    InMemoryShortLinks,
    InMemorySubscriptionTable,
    StoredUpdates,
)
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.subscribers.links import ANY_READER, LinkKeys, SignedLinks
from pipewatch.handlers import page
from pipewatch.services.reader import ReaderService

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
BASE = "https://abcdef1234.execute-api.us-east-1.amazonaws.com/dev"
UPDATE = Update(
    update_id="u-" + "b" * 24,
    title="Argenx wins approval for Vyvgart in myositis",
    source_id="press",
    first_seen=NOW - timedelta(hours=1),
    classification=Classification(relevant=True, agents=("efgartigimod",), event_type="regulatory"),
)


def _reader(now: datetime = NOW) -> tuple[ReaderService, SignedLinks, str]:
    keys = FixedLinkKeys()
    links = SignedLinks(keys.keys, BASE, clock=lambda: NOW)
    short = links.short_link(UPDATE.update_id)
    service = ReaderService(
        store=StoredUpdates([UPDATE]),
        feedback=InMemoryFeedback(),
        subscriptions=InMemorySubscriptionTable.of(),
        keys=keys,
        short_links=InMemoryShortLinks({short.code: short}),
        clock=lambda: now,
    )
    return service, links, short.code


def test_given_a_stored_code_then_it_redirects_to_the_topic_wide_signed_page_of_its_update() -> None:
    service, links, code = _reader()

    answer = service.short(code, BASE)

    assert answer.status == 302 and answer.body == ""
    location = answer.headers["Location"]
    assert location.startswith(f"{BASE}/u/")
    claims = links.verify(location.rsplit("/", 1)[1], "page")
    assert (claims.subscription_id, claims.update_id) == (ANY_READER, UPDATE.update_id)
    assert answer.headers["Cache-Control"] == "private, no-store"  # the page link it names expires
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert service.page(location.rsplit("/", 1)[1]).status == 200  # and that page opens


@pytest.mark.parametrize("code", ["Zq4k7TnP2x", "short", "../u/abc", ""])
def test_given_a_code_not_held_then_404_and_no_location(code: str) -> None:
    service, _, _ = _reader()

    answer = service.short(code, BASE)

    assert answer.status == 404 and "Location" not in answer.headers
    assert "not one of ours" in answer.body


def test_given_an_expired_code_then_410() -> None:
    service, _, code = _reader(now=NOW + timedelta(days=91))
    assert service.short(code, BASE).status == 410


def test_given_no_short_link_store_then_every_code_is_404() -> None:
    service, _, code = _reader()
    bare = ReaderService(
        store=StoredUpdates([UPDATE]),
        feedback=InMemoryFeedback(),
        subscriptions=InMemorySubscriptionTable.of(),
        keys=FixedLinkKeys(),
        clock=lambda: NOW,
    )
    assert service.short(code, BASE).status == 302 and bare.short(code, BASE).status == 404


class _Context:
    function_name = "page"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:page"
    aws_request_id = "0f6f7c43-57b0-4d3c-a0a4-6a1f1f5d1d61"
    log_group_name = "/aws/lambda/page"
    log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 15_000


def _event(code: str) -> dict[str, Any]:
    """A HAND-MADE API Gateway REST proxy event for GET /dev/s/{code}, in the shape events/*.json have."""
    host = "abcdef1234.execute-api.us-east-1.amazonaws.com"
    return {
        "resource": "/s/{code}",
        "path": f"/s/{code}",
        "httpMethod": "GET",
        "headers": {"Host": host, "X-Forwarded-Proto": "https"},
        "multiValueHeaders": {"Host": [host], "X-Forwarded-Proto": ["https"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"code": code},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/s/{code}",
            "httpMethod": "GET",
            "path": f"/dev/s/{code}",
            "stage": "dev",
            "domainName": host,
            "requestId": "5b2e9d0a-8c1f-4f7e-9a53-2d6c0e4b7a19",
            "accountId": "123456789012",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def _headers(answer: dict[str, Any]) -> dict[str, str]:
    return {k: v[-1] for k, v in (answer.get("multiValueHeaders") or {}).items()} | (
        answer.get("headers") or {}
    )


def test_given_the_route_then_the_handler_answers_302_with_the_stage_url_of_the_page() -> None:
    service, links, code = _reader()

    answer = page.handler(_event(code), _Context(), service=service)

    assert answer["statusCode"] == 302
    location = _headers(answer)["Location"]
    assert location.startswith(f"{BASE}/u/")  # scheme, host and stage from the request
    assert links.verify(location.rsplit("/", 1)[1], "page").update_id == UPDATE.update_id


def test_given_the_route_with_an_unknown_code_then_the_handler_answers_404() -> None:
    service, _, _ = _reader()

    answer = page.handler(_event("Zq4k7TnP2x"), _Context(), service=service)

    assert answer["statusCode"] == 404 and "Location" not in _headers(answer)


def test_given_a_code_made_with_a_key_no_longer_accepted_then_403_like_any_revoked_link() -> None:
    service, links, code = _reader()
    revoked = ReaderService(
        store=StoredUpdates([UPDATE]),
        feedback=InMemoryFeedback(),
        subscriptions=InMemorySubscriptionTable.of(),
        keys=FixedLinkKeys(LinkKeys(2, {2: bytes(range(2, 34))})),  # rotated twice: key 1 is gone
        short_links=InMemoryShortLinks({code: links.short_link(UPDATE.update_id)}),
        clock=lambda: NOW,
    )
    assert service.short(code, BASE).status == 302 and revoked.short(code, BASE).status == 403

"""Hand-made requests for the api and page handlers, with stub services that answer each of them (or raise
the error the handler maps to a status)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from pipewatch.domain.subscribers.channels import ChannelUrlError
from pipewatch.domain.subscribers.records import SubscriptionRecord
from pipewatch.domain.subscribers.subscriptions import Subscription, SubscriptionError
from pipewatch.errors import SnsSubscriptionError, TopicFull
from pipewatch.services.reader import WebResponse
from pipewatch.services.subscriptions import (
    SubscriptionConflict,
    SubscriptionForbidden,
    SubscriptionNotFound,
)

ANALYST = "arn:aws:sts::123456789012:assumed-role/Analyst/alice"
WHEN = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


def record(endpoint: str = "a@example.com", paused: bool = False) -> SubscriptionRecord:
    return SubscriptionRecord(
        subscription=Subscription(subscription_id="sub-1", endpoint=endpoint, protocol="email"),
        status="active",
        sns_attributes={"FilterPolicy": json.dumps({"delivery": ["instant"]})},
        created_at=WHEN,
        updated_at=WHEN,
        owner=ANALYST,
        paused=paused,
    )


def _raise_for(key: str) -> None:
    errors: dict[str, Exception] = {
        "missing": SubscriptionNotFound(key),
        "forbidden": SubscriptionForbidden("belongs to another caller"),
        "conflict": SubscriptionConflict("changed concurrently, retry"),
        "full@example.com": TopicFull("the topic holds 200 filter policies"),
        "sns@example.com": SnsSubscriptionError("Invalid parameter: Endpoint"),
        "bad@example.com": SubscriptionError("unknown agents ['aspirin']"),
        "boom": RuntimeError("secret internals /var/task/x.py"),
        "boom@example.com": RuntimeError("secret internals /var/task/x.py"),
    }
    if key in errors:
        raise errors[key]


class StubSubscriptions:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def list(self, mode: Any, *, caller: Any) -> list[SubscriptionRecord]:
        self.calls.append(("list", (mode, caller.arn)))
        return [record()] if mode != "digest" else []

    def subscribe(self, request: dict[str, Any], *, caller: Any) -> SubscriptionRecord:
        self.calls.append(("subscribe", request))
        _raise_for(request["endpoint"])
        return record(request["endpoint"])

    def subscribe_channel(
        self, kind: str, url: str, preferences: dict[str, Any], *, owner: str, caller: Any
    ) -> tuple[SubscriptionRecord, str]:
        self.calls.append(("subscribe_channel", (kind, url, owner)))
        if "refused" in url:
            raise ChannelUrlError("the host is not public")
        channel = record("ops@example.com")
        subscription = channel.subscription.model_copy(update={"owner": owner})
        return channel.model_copy(update={"subscription": subscription}), "whsec_c2VjcmV0"

    def unsubscribe(self, key: str, *, caller: Any) -> SubscriptionRecord:
        self.calls.append(("unsubscribe", key))
        _raise_for(key)
        return record()

    def pause(self, key: str, *, caller: Any) -> SubscriptionRecord:
        self.calls.append(("pause", key))
        _raise_for(key)
        return record(paused=True)

    def resume(self, key: str, *, caller: Any) -> SubscriptionRecord:
        self.calls.append(("resume", key))
        _raise_for(key)
        return record()


class StubReader:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def _answer(self, name: str, *args: Any) -> WebResponse:
        self.calls.append((name, args))
        if args and args[0] == "boom":
            raise RuntimeError("secret internals /var/task/x.py")
        headers = {"Cache-Control": "no-store"} if name == "page" else {}
        if name == "short":
            return WebResponse(302, "text/plain; charset=utf-8", "", {"Location": f"{args[1]}/u/tok"})
        return WebResponse(200, "text/html; charset=utf-8", f"<p>{name} {args!r} é</p>", headers)

    def page(self, token: str) -> WebResponse:
        return self._answer("page", token)

    def short(self, code: str, base: str) -> WebResponse:
        return self._answer("short", code, base)

    def answer(self, token: str, label: str) -> WebResponse:
        return self._answer("answer", token, label)

    def feed(self, token: str, base: str) -> WebResponse:
        return self._answer("feed", token, base)

    def calendar(self, token: str, base: str) -> WebResponse:
        return self._answer("calendar", token, base)

    def unsubscribe_form(self, token: str) -> WebResponse:
        return self._answer("unsubscribe_form", token)

    def unsubscribe(self, token: str) -> WebResponse:
        return self._answer("unsubscribe", token)


def event_of(case: dict[str, Any]) -> dict[str, Any]:
    """An API Gateway REST proxy event for `case` (method, path, and optionally body, query, caller, raw
    body, base64)."""
    path: str = case["path"]
    headers = {"Content-Type": case.get("content_type", "application/json"), "Host": "abc.execute-api.test"}
    body = case.get("raw", json.dumps(case["body"]) if "body" in case else None)
    if case.get("base64") and body is not None:
        body = base64.b64encode(body.encode()).decode()
    query = case.get("query")
    identity: dict[str, str] = {"sourceIp": "127.0.0.1"}
    if case.get("caller", ANALYST):
        identity["userArn"] = case.get("caller", ANALYST)
    return {
        "resource": path,
        "path": path,
        "httpMethod": case["method"],
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": case.get(
            "multi_query", {k: [v] for k, v in (query or {}).items()} or None
        ),
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": case["method"],
            "path": f"/dev{path}",
            "stage": "dev",
            "requestId": "hand-made",
            "domainName": "abc.execute-api.test",
            "identity": identity,
        },
        "body": body,
        "isBase64Encoded": bool(case.get("base64")),
    }


API_CASES: dict[str, dict[str, Any]] = {
    "list": {"method": "GET", "path": "/subscriptions"},
    "list_digest": {"method": "GET", "path": "/subscriptions", "query": {"mode": "digest"}},
    "list_bad_mode": {"method": "GET", "path": "/subscriptions", "query": {"mode": "weekly"}},
    "list_no_caller": {"method": "GET", "path": "/subscriptions", "caller": ""},
    "subscribe": {"method": "POST", "path": "/subscriptions", "body": {"endpoint": "b@example.com"}},
    "subscribe_base64": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"endpoint": "b@example.com"},
        "base64": True,
    },
    "subscribe_full": {"method": "POST", "path": "/subscriptions", "body": {"endpoint": "full@example.com"}},
    "subscribe_sns": {"method": "POST", "path": "/subscriptions", "body": {"endpoint": "sns@example.com"}},
    "subscribe_rejected": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"endpoint": "bad@example.com"},
    },
    "subscribe_unexpected": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"endpoint": "boom@example.com"},
    },
    "subscribe_channel": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"channel": "webhook", "url": "https://hooks.example.com/x", "owner": "o@example.com"},
    },
    "subscribe_channel_refused": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"channel": "webhook", "url": "https://refused.example.com/x"},
    },
    "invalid_endpoint": {"method": "POST", "path": "/subscriptions", "body": {"endpoint": "not-an-address"}},
    "invalid_extra": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"endpoint": "x@example.com", "surprise": True},
    },
    "invalid_hour": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"endpoint": "x@example.com", "digest_hour": "7"},
    },
    "invalid_channel": {"method": "POST", "path": "/subscriptions", "body": {"channel": "webhook"}},
    "invalid_not_json": {"method": "POST", "path": "/subscriptions", "raw": "{not json"},
    "invalid_no_body": {"method": "POST", "path": "/subscriptions"},
    "invalid_empty_body": {"method": "POST", "path": "/subscriptions", "raw": ""},
    "invalid_null_body": {"method": "POST", "path": "/subscriptions", "raw": "null"},
    "subscribe_multipart": {
        "method": "POST",
        "path": "/subscriptions",
        "raw": '--b\r\nContent-Disposition: form-data; name="endpoint"\r\n\r\nb@example.com\r\n--b--\r\n',
        "content_type": "multipart/form-data; boundary=b",
    },
    "invalid_array": {"method": "POST", "path": "/subscriptions", "body": ["x@example.com"]},
    "delete": {"method": "DELETE", "path": "/subscriptions/sub-1"},
    "delete_email": {"method": "DELETE", "path": "/subscriptions/a%40example.com"},
    "delete_missing": {"method": "DELETE", "path": "/subscriptions/missing"},
    "delete_forbidden": {"method": "DELETE", "path": "/subscriptions/forbidden"},
    "delete_unexpected": {"method": "DELETE", "path": "/subscriptions/boom"},
    "pause": {"method": "POST", "path": "/subscriptions/sub-1/pause"},
    "pause_conflict": {"method": "POST", "path": "/subscriptions/conflict/pause"},
    "resume": {"method": "POST", "path": "/subscriptions/sub-1/resume"},
    "list_comma_mode": {"method": "GET", "path": "/subscriptions", "query": {"mode": "digest,instant"}},
    "list_repeated_mode": {
        "method": "GET",
        "path": "/subscriptions",
        "query": {"mode": "instant"},
        "multi_query": {"mode": ["digest", "instant"]},
    },
    "list_other_query": {"method": "GET", "path": "/subscriptions", "query": {"page": "2"}},
    "subscribe_form": {
        "method": "POST",
        "path": "/subscriptions",
        "raw": "endpoint=b%40example.com",
        "content_type": "application/x-www-form-urlencoded",
    },
    "subscribe_text": {
        "method": "POST",
        "path": "/subscriptions",
        "raw": '{"endpoint": "b@example.com"}',
        "content_type": "text/plain",
    },
    "subscribe_no_content_type": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"endpoint": "b@example.com"},
        "content_type": "",
    },
    "subscribe_json_charset": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"endpoint": "b@example.com", "owner": "é"},
        "content_type": "application/json; charset=utf-8",
    },
    "subscribe_unicode_owner": {
        "method": "POST",
        "path": "/subscriptions",
        "body": {"channel": "webhook", "url": "https://hooks.example.com/x", "owner": "zoë@example.com"},
    },
    "pause_slash": {"method": "POST", "path": "/subscriptions/a/b/pause"},
    "trailing_slash": {"method": "GET", "path": "/subscriptions/"},
    "unknown_path": {"method": "GET", "path": "/nowhere"},
    "wrong_method": {"method": "PUT", "path": "/subscriptions"},
}

PAGE_CASES: dict[str, dict[str, Any]] = {
    "page": {"method": "GET", "path": "/u/tok"},
    "short": {"method": "GET", "path": "/s/abc"},
    "feedback": {
        "method": "POST",
        "path": "/fb/tok",
        "raw": "label=high",
        "content_type": "application/x-www-form-urlencoded",
    },
    "feedback_base64": {
        "method": "POST",
        "path": "/fb/tok",
        "raw": "label=low&x=1",
        "base64": True,
        "content_type": "application/x-www-form-urlencoded",
    },
    "feedback_empty": {"method": "POST", "path": "/fb/tok"},
    "feedback_too_large": {"method": "POST", "path": "/fb/tok", "raw": "label=" + "x" * 2100},
    "feed": {"method": "GET", "path": "/feed/tok"},
    "calendar": {"method": "GET", "path": "/cal/tok"},
    "unsubscribe_form": {"method": "GET", "path": "/unsub/tok"},
    "unsubscribe": {"method": "POST", "path": "/unsub/tok"},
    "unknown_path": {"method": "GET", "path": "/nowhere/tok"},
    "wrong_method": {"method": "DELETE", "path": "/u/tok"},
    "unexpected": {"method": "GET", "path": "/u/boom"},
    "token_with_dots": {"method": "GET", "path": "/u/a.b-c_d~e"},
}

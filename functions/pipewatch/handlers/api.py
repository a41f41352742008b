"""Subscription API (API Gateway REST, IAM auth): list, subscribe (create or change), unsubscribe, pause,
resume.

Per-caller authorisation: the IAM principal API Gateway verified (`requestContext.identity.userArn`) owns the
subscriptions it creates and sees, changes and removes only those; principals matching the template
parameter AdminPrincipalArns manage all. A request without a verified caller is refused (403).

Routed by the in-house router (handlers/_rest.py; Powertools' resolver cost ~150 ms of import, ADR 0012),
request bodies validated with the pydantic models of handlers/api_models.py and refused the resolver's way
(422 with `{"statusCode": 422, "detail": [{"loc", "type"}]}`). Those models are imported by the first
request with a body (issue 28: a GET, the most common call, validates nothing and answers with plain
dicts of the same shape). The same models generate the OpenAPI document (`openapi_document()`, built by
handlers/_openapi.py with Powertools off the request path, committed as docs/openapi.json and checked by a
test).
"""

from __future__ import annotations

import json
from copy import copy
from typing import TYPE_CHECKING, Any, cast, get_args
from urllib.parse import parse_qs

from pipewatch.domain.subscribers.channels import ChannelUrlError
from pipewatch.domain.subscribers.terms import Mode, SubscriptionError
from pipewatch.errors import SnsSubscriptionError, TopicFull
from pipewatch.handlers import _defaults
from pipewatch.handlers._rest import RequestRejected, Response, Router, json_response
from pipewatch.observability import logger, metrics, traced_handler
from pipewatch.services.subscriptions import (
    Caller,
    SubscriptionConflict,
    SubscriptionForbidden,
    SubscriptionNotFound,
    SubscriptionService,
)
from pipewatch.settings import get_settings

if TYPE_CHECKING:
    from pydantic import ValidationError

    from pipewatch.domain.subscribers.records import SubscriptionRecord
    from pipewatch.handlers.api_models import SubscribeRequest

API_TITLE = "pipewatch subscriptions"
API_VERSION = "1.0.0"

app = Router(on_unhandled=logger.exception)


# SubscriptionOut's fields in order (handlers/api_models.py), with the defaults of those that have one: every
# route answers with this shape, built without pydantic (a test holds it equal to the model's JSON dump).
_OUT_FIELDS = (
    "subscription_id",
    "endpoint",
    "protocol",
    "owner",
    "agents",
    "indications",
    "event_types",
    "min_severity",
    "tiers",
    "mode",
    "digest_hour",
    "timezone",
    "status",
    "paused",
    "filter_policy",
    "created_at",
    "updated_at",
    "webhook_secret",
)
_OUT_DEFAULTS: dict[str, Any] = {"owner": None, "tiers": ["own"], "paused": False, "webhook_secret": None}


def subscription_out(record: SubscriptionRecord, webhook_secret: str | None = None) -> dict[str, Any]:
    """A subscription as the API answers it (the documented SubscriptionOut, as JSON)."""
    data = {**record.as_output(), "webhook_secret": webhook_secret}
    return {name: data[name] if name in data else copy(_OUT_DEFAULTS[name]) for name in _OUT_FIELDS}


def _subscriptions() -> SubscriptionService:
    """The service this invocation's handler was given (the router's context lasts one request)."""
    return cast(SubscriptionService, app.context["service"])


class NoCaller(PermissionError):
    """The request carries no IAM caller (the API is IAM-authorised; this should never reach the code)."""


def _caller() -> Caller:
    identity = (app.current_event.raw_event.get("requestContext") or {}).get("identity") or {}
    arn = str(identity.get("userArn") or "")
    if not arn:
        raise NoCaller("no verified IAM caller on the request")
    return Caller.of(arn, get_settings().admin_arns)


def _rejected_fields(exc: ValidationError, where: str) -> RequestRejected:
    return RequestRejected(422, [{"loc": [where, *e["loc"]], "type": e["type"]} for e in exc.errors()])


def _subscribe_request() -> SubscribeRequest:
    """The request body as SubscribeRequest, read as the resolver read it: JSON (or no content type), or
    a URL-encoded form (its values are lists, so a form is refused field by field)."""
    request = app.current_event
    content_type = request.headers.get("content-type", "").strip()
    text = request.decoded_body
    data: Any
    if not content_type or content_type.startswith("application/json"):
        try:
            data = json.loads(text) if text else None
        except json.JSONDecodeError as exc:
            raise RequestRejected(422, [{"loc": ["body", exc.pos], "type": "json_invalid"}]) from exc
    elif content_type.startswith("application/x-www-form-urlencoded"):
        data = parse_qs(text or "", keep_blank_values=True)
    else:
        raise RequestRejected(415, [{"loc": ["body"], "type": "unsupported_content_type"}])
    if data is None:
        raise RequestRejected(422, [{"loc": ["body"], "type": "missing"}])
    from pydantic import ValidationError

    from pipewatch.handlers.api_models import SubscribeRequest

    try:
        return SubscribeRequest.model_validate(data, from_attributes=True)  # the resolver's error types
    except ValidationError as exc:
        raise _rejected_fields(exc, "body") from exc


def _mode_query() -> Mode | None:
    values = app.current_event.query_values("mode")
    if not values:
        return None
    if len(values) == 1 and values[0] in get_args(Mode):
        return cast(Mode, values[0])
    raise RequestRejected(422, [{"loc": ["query", "mode"], "type": "literal_error"}])


def _json(status_code: int, record: SubscriptionRecord, webhook_secret: str | None = None) -> Response:
    return json_response(status_code, subscription_out(record, webhook_secret))


# Summaries and documented answers: the OpenAPI document (handlers/_openapi.py) reads them from here.
ROUTE_DOCS: dict[str, dict[str, Any]] = {
    "list_subscriptions": {
        "summary": "List subscriptions",
        "response_description": "The caller's subscriptions (an admin's: all)",
    },
    "subscribe": {
        "summary": "Subscribe, or change the preferences of an endpoint's subscription",
        "responses": {
            201: {"description": "Subscribed; SNS now routes by the returned filter policy"},
            400: {"description": "Rejected (unknown agent or indication, too many choices, SMS country)"},
            403: {"description": "The endpoint's subscription belongs to another caller"},
            409: {"description": "The topic is full (SNS filter policies), or a concurrent change: retry"},
            422: {"description": "Invalid request (e.g. not an email or E.164 phone number)"},
        },
    },
    "unsubscribe": {
        "summary": "Unsubscribe (takes effect at once)",
        "responses": {
            200: {"description": "Removed"},
            404: {"description": "No such subscription (or not the caller's)"},
            409: {"description": "Subscribed again concurrently: kept"},
        },
    },
    "pause": {
        "summary": "Pause (nothing is sent; the filter is kept)",
        "responses": {
            200: {"description": "Paused"},
            404: {"description": "No such subscription (or not the caller's)"},
            409: {"description": "Not active (pending or deleting), or changed concurrently"},
        },
    },
    "resume": {
        "summary": "Resume with the stored filter",
        "responses": {
            200: {"description": "Resumed"},
            404: {"description": "No such subscription (or not the caller's)"},
            409: {"description": "Not active (pending or deleting), or changed concurrently"},
        },
    },
}


@app.get("/subscriptions")
def list_subscriptions() -> Response:
    mode = _mode_query()
    records = _subscriptions().list(mode, caller=_caller())
    return json_response(200, {"subscriptions": [subscription_out(r) for r in records]})


@app.post("/subscriptions")
def subscribe() -> Response:
    request = _subscribe_request()
    secret: str | None = None
    if request.channel:
        record, secret = _subscriptions().subscribe_channel(
            request.channel, request.url, request.preferences(), owner=request.owner, caller=_caller()
        )
    else:
        record = _subscriptions().subscribe(request.as_subscription(), caller=_caller())
    return _json(201, record, secret)


@app.delete("/subscriptions/<subscription_id>")
def unsubscribe(subscription_id: str) -> Response:
    return _json(200, _subscriptions().unsubscribe(subscription_id, caller=_caller()))


@app.post("/subscriptions/<subscription_id>/pause")
def pause(subscription_id: str) -> Response:
    return _json(200, _subscriptions().pause(subscription_id, caller=_caller()))


@app.post("/subscriptions/<subscription_id>/resume")
def resume(subscription_id: str) -> Response:
    return _json(200, _subscriptions().resume(subscription_id, caller=_caller()))


def _message(status_code: int, message: str) -> Response:
    # json.dumps' default separators: these bodies kept the resolver-era bytes ({"message": "..."}).
    return Response(status_code, "application/json", json.dumps({"message": message}))


@app.exception_handler(SubscriptionNotFound)
def _not_found(exc: SubscriptionNotFound) -> Response:
    return _message(404, str(exc))


@app.exception_handler(SubscriptionError)
def _rejected(exc: SubscriptionError) -> Response:
    return _message(400, str(exc))


@app.exception_handler(ChannelUrlError)
def _url_refused(exc: ChannelUrlError) -> Response:
    return _message(400, str(exc))


@app.exception_handler(SubscriptionForbidden)
def _forbidden(exc: SubscriptionForbidden) -> Response:
    return _message(403, str(exc))


@app.exception_handler(NoCaller)
def _no_caller(exc: NoCaller) -> Response:
    return _message(403, str(exc))


@app.exception_handler(TopicFull)
def _topic_full(exc: TopicFull) -> Response:
    return _message(409, str(exc))


@app.exception_handler(SubscriptionConflict)
def _conflict(exc: SubscriptionConflict) -> Response:
    return _message(409, str(exc))


@app.exception_handler(SnsSubscriptionError)
def _sns_rejected(exc: SnsSubscriptionError) -> Response:
    return _message(400, f"SNS refused the subscription: {exc}")


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of these routes (Powertools generates it: imported here, never per request)."""
    from pipewatch.handlers._openapi import subscription_api_document

    return subscription_api_document()


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced_handler
def handler(
    event: dict[str, Any], context: Any, *, service: SubscriptionService | None = None
) -> dict[str, Any]:
    app.append_context(service=service or _defaults.subscription_service())
    return app.resolve(event, context)

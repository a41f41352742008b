"""Records the AWS calls made under a principal (a Lambda's role), from botocore's event hooks.

Each call becomes the IAM requests it needs (action, resource ARN, condition context): batch and transaction
operations are expanded into the per-item actions IAM authorises them as, and DynamoDB item calls carry
`dynamodb:LeadingKeys` (the partition keys touched). The least-privilege test evaluates them against the
function's policy (`pipewatch_local.policy_eval`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import boto3

from pipewatch_local.policy_eval import Request

ACCOUNT = "123456789012"

# Batch operations IAM authorises as their single-message action.
_SQS_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


@dataclass(frozen=True)
class RecordedCall:
    principal: str
    operation: str  # "dynamodb.TransactWriteItems"
    request: Request


def _pk(key: dict[str, Any] | None) -> list[str]:
    value = (key or {}).get("pk", {})
    return [value["S"]] if isinstance(value, dict) and "S" in value else []


@dataclass
class CallRecorder:
    region: str = "us-east-1"
    account: str = ACCOUNT
    calls: list[RecordedCall] = field(default_factory=list)
    _principal: str | None = None
    _last_stream_arn: str = ""

    def install(self, session: Any = None) -> None:
        """Hook every client the session creates from now on (boto3's default session unless given)."""
        if session is None:
            if boto3.DEFAULT_SESSION is None:
                boto3.setup_default_session()
            session = boto3.DEFAULT_SESSION
        session.events.register("before-parameter-build", self._on_call, unique_id="pipewatch-call-recorder")

    def uninstall(self, session: Any = None) -> None:
        target = session or boto3.DEFAULT_SESSION
        if target is not None:
            target.events.unregister("before-parameter-build", unique_id="pipewatch-call-recorder")

    @contextlib.contextmanager
    def acting_as(self, principal: str) -> Iterator[None]:
        previous, self._principal = self._principal, principal
        try:
            yield
        finally:
            self._principal = previous

    def for_principal(self, principal: str) -> list[RecordedCall]:
        return [c for c in self.calls if c.principal == principal]

    # -- hook ---------------------------------------------------------------------------------------------
    def _on_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self._principal is None:
            return
        service = model.service_model.endpoint_prefix
        service = "dynamodb" if service == "streams.dynamodb" else service
        for request in self.requests_for(service, model.name, params):
            self.calls.append(RecordedCall(self._principal, f"{service}.{model.name}", request))

    # -- call -> IAM requests -------------------------------------------------------------------------------
    def table_arn(self, name: str) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{name}"

    def queue_arn(self, url: str) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account}:{urlsplit(url).path.rstrip('/').split('/')[-1]}"

    def requests_for(  # noqa: PLR0911 - one return per service
        self, service: str, operation: str, params: dict[str, Any]
    ) -> list[Request]:
        if service == "dynamodb":
            return self._dynamodb(operation, params)
        if service == "sqs":
            action = _SQS_ACTIONS.get(operation, operation)
            return [Request(f"sqs:{action}", self.queue_arn(params.get("QueueUrl", "")))]
        if service == "sns":
            resource = params.get("SubscriptionArn") or params.get("TopicArn") or "*"
            return [Request(f"sns:{operation}", resource)]
        if service == "kms":  # the key the call names (pipewatch always passes the key ARN)
            return [Request(f"kms:{operation}", str(params.get("KeyId") or "*"))]
        if service in {"ses", "email"}:
            return self._ses(operation, params)
        if service == "s3":
            return self._s3(operation, params)
        return [Request(f"{service}:{operation}", "*")]

    def _s3(self, operation: str, params: dict[str, Any]) -> list[Request]:
        """An object call on the object's ARN; a bucket call (listing) on the bucket's."""
        bucket = f"arn:aws:s3:::{params.get('Bucket', '')}"
        action = {"HeadObject": "GetObject", "ListObjectVersions": "ListBucketVersions"}.get(
            operation, operation
        )
        if "Key" in params:
            versioned = "Version" if params.get("VersionId") and action == "GetObject" else ""
            return [Request(f"s3:{action}{versioned}", f"{bucket}/{params['Key']}")]
        return [Request(f"s3:{action}", bucket)]

    def _ses(self, operation: str, params: dict[str, Any]) -> list[Request]:
        """SES authorises a send on the sending identity (the From domain here) and on the configuration
        set named, if any."""
        arn = f"arn:aws:ses:{self.region}:{self.account}"
        domain = str(params.get("Source", "")).rsplit("@", 1)[-1]
        requests = [Request(f"ses:{operation}", f"{arn}:identity/{domain}")]
        if params.get("ConfigurationSetName"):
            requests.append(
                Request(f"ses:{operation}", f"{arn}:configuration-set/{params['ConfigurationSetName']}")
            )
        return requests

    def _dynamodb(self, operation: str, params: dict[str, Any]) -> list[Request]:
        if "StreamArn" in params:
            self._last_stream_arn = params["StreamArn"]
            return [Request(f"dynamodb:{operation}", params["StreamArn"])]
        if operation == "GetRecords":  # an iterator-only call: on the stream the iterator was taken from
            return [Request("dynamodb:GetRecords", self._last_stream_arn or "*")]
        if operation == "ListStreams":
            return [
                Request("dynamodb:ListStreams", self.table_arn(params.get("TableName", "")) + "/stream/*")
            ]
        if operation == "TransactWriteItems":
            out: list[Request] = []
            for entry in params.get("TransactItems", []):
                for kind, body in entry.items():
                    action = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}.get(
                        kind, "ConditionCheckItem"
                    )
                    key = body.get("Item") or body.get("Key")
                    out.append(self._item_request(action, body["TableName"], _pk(key)))
            return out
        if operation in {"BatchGetItem", "BatchWriteItem"}:
            out = []
            for table, body in params.get("RequestItems", {}).items():
                if operation == "BatchGetItem":
                    keys = [k for key in body.get("Keys", []) for k in _pk(key)]
                else:
                    keys = [
                        k
                        for r in body
                        for k in _pk(
                            (r.get("PutRequest") or {}).get("Item")
                            or (r.get("DeleteRequest") or {}).get("Key")
                        )
                    ]
                out.append(self._item_request(operation, table, keys))
            return out
        table = params.get("TableName", "")
        resource = self.table_arn(table)
        if params.get("IndexName"):
            resource += f"/index/{params['IndexName']}"
        keys = _pk(params.get("Key") or params.get("Item"))
        context: dict[str, list[str]] = {"dynamodb:LeadingKeys": keys} if keys else {}
        if operation == "Query":
            context = {}
        return [Request(f"dynamodb:{operation}", resource, context)]

    def _item_request(self, action: str, table: str, keys: list[str]) -> Request:
        return Request(f"dynamodb:{action}", self.table_arn(table), {"dynamodb:LeadingKeys": keys})

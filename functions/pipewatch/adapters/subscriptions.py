"""Subscription records in the pipewatch table and their SNS subscriptions on the alerts topic.

Table items (single table, not `kind=update`, so the alert stream filter never sees them):
  - `SUBSCRIPTION#<id>` / `SUBSCRIPTION`: the subscription, its SNS subscription ARN, status and the exact
    SNS attributes last requested (so a half-done call can be repeated with identical attributes, which SNS
    answers with the existing subscription instead of a new one). Listed through gsi2, the subscriber index
    (`SUBSCRIPTIONS` / `<mode>#<id>`), which only the API and digest roles may query: the day index gsi1,
    which the poll function reads, holds no e-mail address or phone number.
  - `DIGEST#<id>` / `DIGEST`: when the last digest was sent (written by the digest function only, so a
    preference change never resets it). Its own partition key lets IAM give the digest role this item and
    nothing of the subscription's (IAM conditions see partition keys, not sort keys).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from pipewatch.adapters.dynamo import ConditionFailed, from_item, paged, to_item, write_if
from pipewatch.errors import ConcurrentChange, SnsSubscriptionError, TopicFull

# The record models (pydantic) are imported by the first record read, not with the adapter: a function
# builds it at start-up, and a listing that finds nothing makes no record (issue 28).
if TYPE_CHECKING:
    from pipewatch.domain.subscribers.records import DigestState, SubscriptionRecord

SUBSCRIPTION_SK = "SUBSCRIPTION"
DIGEST_SK = "DIGEST"
SUBSCRIPTIONS_GSI_PK = "SUBSCRIPTIONS"
GSI = "gsi2"
LEGACY_GSI = "gsi1"  # where subscriptions were listed before gsi2 (see `move_to_subscriber_index`)


def _record(item: dict[str, Any]) -> SubscriptionRecord:
    from pipewatch.domain.subscribers.records import SubscriptionRecord

    plain = from_item(item)
    record = SubscriptionRecord.model_validate_json(plain["record"])
    return record.model_copy(update={"version": int(plain.get("version", 0))})


def _key(subscription_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": f"SUBSCRIPTION#{subscription_id}"}, "sk": {"S": sk}}


def _digest_key(subscription_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"DIGEST#{subscription_id}"}, "sk": {"S": DIGEST_SK}}


class SubscriptionTable:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._ddb = dynamodb_client
        self._table = table_name

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        item = self._ddb.get_item(
            TableName=self._table, Key=_key(subscription_id, SUBSCRIPTION_SK), ConsistentRead=True
        ).get("Item")
        return _record(item) if item else None

    @staticmethod
    def _expect(version: int | None) -> dict[str, Any]:
        """The condition of a write that expects the record at `version` (0: absent, or written before
        versions); None: unconditional (an operator's repair)."""
        if version is None:
            return {}
        if version == 0:
            return {"ConditionExpression": "attribute_not_exists(version)"}
        return {
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {":v": {"N": str(version)}},
        }

    def put(self, record: SubscriptionRecord, *, expect: int | None = None) -> SubscriptionRecord:
        """Write `record` at the next version; ConcurrentChange when the stored one is not at `expect`."""
        sid = record.subscription_id
        written = record.model_copy(
            update={"version": (expect if expect is not None else record.version) + 1}
        )
        try:
            write_if(
                self._ddb.put_item,
                TableName=self._table,
                Item=to_item(
                    {
                        "pk": f"SUBSCRIPTION#{sid}",
                        "sk": SUBSCRIPTION_SK,
                        "kind": "subscription",
                        "gsi2pk": SUBSCRIPTIONS_GSI_PK,
                        "gsi2sk": f"{record.subscription.mode}#{sid}",
                        "record": written.model_dump_json(),
                        "version": written.version,
                    }
                ),
                **self._expect(expect),
            )
        except ConditionFailed as exc:
            raise ConcurrentChange(sid) from exc
        return written

    def delete(self, subscription_id: str, *, expect: int | None = None) -> None:
        try:
            write_if(
                self._ddb.delete_item,
                TableName=self._table,
                Key=_key(subscription_id, SUBSCRIPTION_SK),
                **self._expect(expect),
            )
        except ConditionFailed as exc:
            raise ConcurrentChange(subscription_id) from exc
        self._ddb.delete_item(TableName=self._table, Key=_digest_key(subscription_id))

    def list(self, mode: str | None = None) -> list[SubscriptionRecord]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": GSI,
            "KeyConditionExpression": "gsi2pk = :p" + (" AND begins_with(gsi2sk, :m)" if mode else ""),
            "ExpressionAttributeValues": {":p": {"S": SUBSCRIPTIONS_GSI_PK}}
            | ({":m": {"S": f"{mode}#"}} if mode else {}),
        }
        return [_record(i) for i in paged(self._ddb.query, **kwargs)]

    def move_to_subscriber_index(self) -> int:
        """One-off upgrade (operator credentials): rewrite the subscriptions still listed in gsi1, as the
        code before gsi2 wrote them, so they leave the index the poll function reads. Returns how many."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": LEGACY_GSI,
            "KeyConditionExpression": "gsi1pk = :p",
            "ExpressionAttributeValues": {":p": {"S": SUBSCRIPTIONS_GSI_PK}},
        }
        from pipewatch.domain.subscribers.records import SubscriptionRecord

        moved = 0
        for item in paged(self._ddb.query, **kwargs):
            self.put(SubscriptionRecord.model_validate_json(from_item(item)["record"]))
            moved += 1
        return moved

    # -- digest state ------------------------------------------------------------------------------------
    def get_digest_state(self, subscription_id: str) -> DigestState | None:
        from pipewatch.domain.subscribers.records import DigestState

        item = self._ddb.get_item(TableName=self._table, Key=_digest_key(subscription_id)).get("Item")
        return DigestState.model_validate_json(from_item(item)["state"]) if item else None

    def put_digest_state(self, subscription_id: str, state: DigestState) -> None:
        self._ddb.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "pk": f"DIGEST#{subscription_id}",
                    "sk": DIGEST_SK,
                    "kind": "digest_state",
                    "state": state.model_dump_json(),
                }
            ),
        )


def _refused(exc: ClientError) -> None:
    """SNS's refusals as pipewatch errors: a full topic, or a request SNS will not take."""
    code = exc.response["Error"]["Code"]
    message = exc.response["Error"].get("Message", str(exc))
    if code in {"FilterPolicyLimitExceeded", "FilterPolicyLimitExceededException"}:
        raise TopicFull(message) from exc
    if code in {"InvalidParameter", "InvalidParameterValue"}:
        raise SnsSubscriptionError(message) from exc


class SnsSubscriptions:
    """The SNS side: one subscription per endpoint on the alerts topic, with a MessageAttributes policy."""

    def __init__(self, sns_client: Any, topic_arn: str) -> None:
        self._sns = sns_client
        self._topic_arn = topic_arn

    @staticmethod
    def attributes(policy: dict[str, Any]) -> dict[str, str]:
        return {"FilterPolicy": json.dumps(policy, sort_keys=True), "FilterPolicyScope": "MessageAttributes"}

    def subscribe(self, protocol: str, endpoint: str, attributes: dict[str, str]) -> str:
        """Create (or, with identical attributes, find) the endpoint's subscription; returns its ARN."""
        try:
            response = self._sns.subscribe(
                TopicArn=self._topic_arn,
                Protocol=protocol,
                Endpoint=endpoint,
                Attributes=attributes,
                ReturnSubscriptionArn=True,
            )
        except ClientError as exc:
            _refused(exc)
            raise
        return str(response["SubscriptionArn"])

    def set_attributes(self, arn: str, attributes: dict[str, str]) -> bool:
        """Apply the filter policy to an existing subscription. False when SNS no longer has it."""
        try:
            # The scope first: SNS validates the policy against the scope it holds.
            for name in ("FilterPolicyScope", "FilterPolicy"):
                self._sns.set_subscription_attributes(
                    SubscriptionArn=arn, AttributeName=name, AttributeValue=attributes[name]
                )
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            if code in {"NotFound", "NotFoundException"}:
                return False
            _refused(exc)
            raise
        return True

    def find(self, protocol: str, endpoint: str) -> str:
        """The ARN of the endpoint's subscription on the topic, or "" (none, or one still awaiting its
        e-mail confirmation, which SNS lists without an ARN and deletes unconfirmed after three days).
        sns:ListSubscriptionsByTopic only: the roles that may unsubscribe need not be able to subscribe."""
        pages = self._sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=self._topic_arn)
        for page in pages:
            for sub in page.get("Subscriptions", []):
                arn = str(sub.get("SubscriptionArn", ""))
                if (
                    sub.get("Protocol") == protocol
                    and sub.get("Endpoint") == endpoint
                    and arn.startswith("arn:")
                ):
                    return arn
        return ""

    def unsubscribe(self, arn: str) -> None:
        """Remove a subscription; one already gone is fine (a repeated or repaired call)."""
        try:
            self._sns.unsubscribe(SubscriptionArn=arn)
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in {"NotFound", "NotFoundException"}:
                raise

"""Delivery state in the pipewatch table: one claim per (subscription, message), one state per destination,
one suppression per e-mail address. All writes are conditional, so concurrent workers and redelivered
messages agree on who sends.

Items (each its own partition key prefix, so the delivery role's LeadingKeys condition names exactly these):
  - `DELIVERY#<subscription id>#<message key>` / `DELIVERY`: state `claimed` (by `token`, until
    `lease_until`) -> `sent`; a failed attempt `released` it. TTL `expiration` (30 days).
  - `DESTINATION#<subscription id>` / `DESTINATION`: `next_send_at` (the rate cap and a 429's Retry-After),
    `consecutive_failures`, `failing`.
  - `SUPPRESSED#<address>` / `SUPPRESSED`: an address SES reported as bouncing permanently or complaining.
Times are Unix seconds (numbers), passed in by the service.
"""

from __future__ import annotations

from typing import Any

from pipewatch.adapters.dynamo import ConditionFailed, conditional_update, write_if
from pipewatch.domain.subscribers.delivery import Claim, ClaimResult, FailureCount

DELIVERY_SK = "DELIVERY"
DESTINATION_SK = "DESTINATION"
SUPPRESSED_SK = "SUPPRESSED"
CLAIM_TTL_SECONDS = 30 * 24 * 3600

__all__ = ["Claim", "ClaimResult", "DeliveryStore", "FailureCount"]


class DeliveryStore:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._ddb = dynamodb_client
        self._table = table_name

    @staticmethod
    def _claim_key(subscription_id: str, message_key: str) -> dict[str, Any]:
        return {"pk": {"S": f"DELIVERY#{subscription_id}#{message_key}"}, "sk": {"S": DELIVERY_SK}}

    @staticmethod
    def _destination_key(subscription_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"DESTINATION#{subscription_id}"}, "sk": {"S": DESTINATION_SK}}

    # -- claims ----------------------------------------------------------------------------------------
    def claim(
        self, subscription_id: str, message_key: str, *, token: str, now: float, lease_seconds: float
    ) -> Claim:
        """Take the right to send: granted when nobody has, the last holder released it, or its lease
        expired (a worker that died mid-send). Refused with `sent` or `in_flight` otherwise."""
        try:
            response = write_if(
                self._ddb.update_item,
                TableName=self._table,
                Key=self._claim_key(subscription_id, message_key),
                UpdateExpression=(
                    "SET #s = :claimed, #t = :token, lease_until = :lease, expiration = :exp, kind = :kind "
                    "ADD attempts :one"
                ),
                ConditionExpression=(
                    "attribute_not_exists(pk) OR #s = :released OR (#s = :claimed AND lease_until < :now)"
                ),
                ExpressionAttributeNames={"#s": "state", "#t": "token"},
                ExpressionAttributeValues={
                    ":claimed": {"S": "claimed"},
                    ":released": {"S": "released"},
                    ":token": {"S": token},
                    ":lease": {"N": repr(now + lease_seconds)},
                    ":now": {"N": repr(now)},
                    ":exp": {"N": str(int(now) + CLAIM_TTL_SECONDS)},
                    ":kind": {"S": "delivery_claim"},
                    ":one": {"N": "1"},
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ConditionFailed as refused:
            old = refused.item
            if old.get("state", {}).get("S") == "sent":
                return Claim("sent")
            return Claim("in_flight", lease_until=float(old.get("lease_until", {}).get("N", now)))
        item = response["Attributes"]
        return Claim(
            "claimed",
            attempts=int(item["attempts"]["N"]),
            slot_at=float(item.get("slot_at", {}).get("N", 0)),
        )

    def _finish(
        self,
        subscription_id: str,
        message_key: str,
        *,
        token: str,
        state: str,
        now: float,
        slot_at: float = 0.0,
    ) -> bool:
        values = {
            ":state": {"S": state},
            ":claimed": {"S": "claimed"},
            ":token": {"S": token},
            ":now": {"N": repr(now)},
        }
        update = "SET #s = :state, finished_at = :now"
        if slot_at:  # the slot this message waits for travels with its claim to the next attempt
            update += ", slot_at = :slot"
            values[":slot"] = {"N": repr(slot_at)}
        else:
            update += " REMOVE slot_at"
        finished = conditional_update(
            self._ddb,
            TableName=self._table,
            Key=self._claim_key(subscription_id, message_key),
            UpdateExpression=update,
            ConditionExpression="#s = :claimed AND #t = :token",
            ExpressionAttributeNames={"#s": "state", "#t": "token"},
            ExpressionAttributeValues=values,
        )
        return finished is not None  # None: the lease expired and another worker took over

    def mark_sent(self, subscription_id: str, message_key: str, *, token: str, now: float) -> bool:
        return self._finish(subscription_id, message_key, token=token, state="sent", now=now)

    def release(
        self, subscription_id: str, message_key: str, *, token: str, now: float, slot_at: float = 0.0
    ) -> bool:
        return self._finish(
            subscription_id, message_key, token=token, state="released", now=now, slot_at=slot_at
        )

    # -- destinations ------------------------------------------------------------------------------------
    def take_slot(self, subscription_id: str, *, now: float, interval: float) -> float:
        """The rate cap: the time this send may go. `now` when the destination is free (the next send then
        waits until now + interval); else a reserved slot after every slot already handed out, so waiting
        messages queue up in order instead of contending (and burning receives) on every retry."""
        free = conditional_update(
            self._ddb,
            TableName=self._table,
            Key=self._destination_key(subscription_id),
            UpdateExpression="SET next_send_at = :next, kind = :kind",
            ConditionExpression="attribute_not_exists(next_send_at) OR next_send_at <= :now",
            ExpressionAttributeValues={
                ":next": {"N": repr(now + interval)},
                ":now": {"N": repr(now)},
                ":kind": {"S": "destination"},
            },
        )
        if free is not None:
            return now
        response = self._ddb.update_item(
            TableName=self._table,
            Key=self._destination_key(subscription_id),
            UpdateExpression="SET next_send_at = next_send_at + :interval",
            ExpressionAttributeValues={":interval": {"N": repr(interval)}},
            ReturnValues="UPDATED_NEW",
        )
        return float(response["Attributes"]["next_send_at"]["N"]) - interval

    def hold_until(self, subscription_id: str, until: float) -> None:
        """A 429's Retry-After: no send to this destination before `until` (never shortens a hold)."""
        # A later hold already in place stays (the condition fails, nothing is written).
        conditional_update(
            self._ddb,
            TableName=self._table,
            Key=self._destination_key(subscription_id),
            UpdateExpression="SET next_send_at = :until, kind = :kind",
            ConditionExpression="attribute_not_exists(next_send_at) OR next_send_at < :until",
            ExpressionAttributeValues={":until": {"N": repr(until)}, ":kind": {"S": "destination"}},
        )

    def record_failure(self, subscription_id: str, *, error: str, failing_after: int) -> FailureCount:
        response = self._ddb.update_item(
            TableName=self._table,
            Key=self._destination_key(subscription_id),
            UpdateExpression="SET last_error = :error, kind = :kind ADD consecutive_failures :one",
            ExpressionAttributeValues={
                ":error": {"S": error[:300]},
                ":one": {"N": "1"},
                ":kind": {"S": "destination"},
            },
            ReturnValues="ALL_NEW",
        )
        item = response["Attributes"]
        count = int(item["consecutive_failures"]["N"])
        newly = False
        if count >= failing_after and not item.get("failing", {}).get("BOOL", False):
            # Exactly one worker flips it, so the owner is told once.
            newly = (
                conditional_update(
                    self._ddb,
                    TableName=self._table,
                    Key=self._destination_key(subscription_id),
                    UpdateExpression="SET failing = :yes",
                    ConditionExpression="attribute_not_exists(failing) OR failing = :no",
                    ExpressionAttributeValues={":yes": {"BOOL": True}, ":no": {"BOOL": False}},
                )
                is not None
            )
        return FailureCount(count, newly)

    def record_success(self, subscription_id: str) -> bool:
        """Reset the failure streak; True if the destination was marked failing (it has resumed)."""
        response = self._ddb.update_item(
            TableName=self._table,
            Key=self._destination_key(subscription_id),
            UpdateExpression="SET consecutive_failures = :zero, failing = :no, kind = :kind",
            ExpressionAttributeValues={
                ":zero": {"N": "0"},
                ":no": {"BOOL": False},
                ":kind": {"S": "destination"},
            },
            ReturnValues="UPDATED_OLD",
        )
        return bool(response.get("Attributes", {}).get("failing", {}).get("BOOL", False))

    # -- suppression -------------------------------------------------------------------------------------
    def suppress(self, address: str, *, reason: str, now: float) -> None:
        self._ddb.put_item(
            TableName=self._table,
            Item={
                "pk": {"S": f"SUPPRESSED#{address.lower()}"},
                "sk": {"S": SUPPRESSED_SK},
                "kind": {"S": "suppressed_address"},
                "reason": {"S": reason[:300]},
                "at": {"N": repr(now)},
            },
        )

    def is_suppressed(self, address: str) -> bool:
        key = {"pk": {"S": f"SUPPRESSED#{address.lower()}"}, "sk": {"S": SUPPRESSED_SK}}
        return "Item" in self._ddb.get_item(TableName=self._table, Key=key)

"""A subscription as stored: its state in the subscribe/unsubscribe protocol (services/subscriptions.py), the
SNS attributes last requested, encrypted channel credentials, owner and version; and a digest subscriber's
last-digest state. Values only: the table adapter (adapters/subscriptions.py) reads and writes them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from pipewatch.domain.subscribers.subscriptions import Subscription

Status = Literal["pending", "active", "deleting"]


class SubscriptionRecord(BaseModel):
    model_config = ConfigDict(defer_build=True)
    subscription: Subscription
    status: Status
    sns_arn: str = ""
    sns_attributes: dict[str, str]
    created_at: datetime
    updated_at: datetime
    # slack/teams/webhook: the URL and signing secret, KMS-envelope encrypted (adapters/secrets.py); never
    # part of as_output(), never logged.
    credentials: str = ""
    # When the subscription last became what its mode says (created, or switched instant <-> digest): a
    # digest starts there, so nothing alerted while it was instant is sent again.
    mode_since: datetime | None = None
    # The IAM caller who created it (API Gateway's userArn); "" for records made by an operator or before
    # owners were recorded: only an admin manages those.
    owner: str = ""
    version: int = 0  # moved on by every write; each write is conditioned on the version read
    # Paused by its owner: `sns_attributes` keep the real filter (resume restores it) while the SNS
    # subscription carries PAUSED_FILTER_POLICY, and the delivery and digest functions skip the record.
    paused: bool = False

    @property
    def shown_status(self) -> str:
        """The status a person reads: "paused" for an active subscription its owner paused."""
        return "paused" if self.paused and self.status == "active" else self.status

    @property
    def subscription_id(self) -> str:
        return self.subscription.subscription_id

    def as_output(self) -> dict[str, Any]:
        return {
            "subscription_id": self.subscription_id,
            "endpoint": self.subscription.endpoint,
            "protocol": self.subscription.protocol,
            **({"owner": self.subscription.owner} if self.subscription.owner else {}),
            **self.subscription.preferences.model_dump(mode="json"),
            "status": self.status,
            "paused": self.paused,
            "filter_policy": json.loads(self.sns_attributes.get("FilterPolicy", "{}")),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class DigestState(BaseModel):
    model_config = ConfigDict(defer_build=True)
    last_digest_at: datetime
    last_digest_date: str
    # The updates already sent whose first-seen stamp lies in the overlap the next digest re-reads (id ->
    # first seen): an update is stamped when its poll started and written up to a run later, so each digest
    # reads back over that window and skips these (at most once per subscriber and update).
    sent: dict[str, datetime] = {}
    # False for a state written before `sent` was kept: its next digest starts at last_digest_at (no
    # re-read), so the upgrade sends nothing twice.
    tracks_sent: bool = False

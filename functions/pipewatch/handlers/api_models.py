"""The subscription API's request and answer models (pydantic): the request body a POST validates, and the
documented answer (the OpenAPI document is generated from these, handlers/_openapi.py). Imported by the
first request with a body, not with handlers/api.py (issue 28: a GET needs none of it; its answer is built
as plain data of the same shape, api.subscription_out)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipewatch.domain.models import EventType, Severity, Tier
from pipewatch.domain.subscribers.channels import ChannelKind, SubscriptionProtocol
from pipewatch.domain.subscribers.records import SubscriptionRecord
from pipewatch.domain.subscribers.subscriptions import Mode, parse_endpoint, validate_timezone


class SubscribeRequest(BaseModel):
    """A subscription: where to send, what to send, how. Empty lists mean "any". Subscribing an endpoint
    that already has a subscription replaces its preferences."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    endpoint: str = Field(
        default="",
        description="An email address, or an E.164 phone number for SMS (+ then 8 to 15 digits). "
        "Leave empty for a slack, teams or webhook subscription (give `channel` and `url`).",
        examples=["ci.analyst@example.com", "+15555550123"],
    )
    channel: ChannelKind | None = Field(
        default=None,
        description="slack (incoming-webhook URL), teams (Workflows webhook URL) or webhook (any HTTPS URL, "
        "signed the Standard Webhooks way, docs/webhook-schema.md).",
    )
    url: str = Field(
        default="",
        description="The destination URL for `channel`: a credential, stored encrypted and never returned.",
    )
    owner: str = Field(
        default="", description="E-mail address told when the slack/teams/webhook destination keeps failing."
    )
    agents: list[str] = Field(
        default_factory=list, description="Watchlist agent ids, e.g. efgartigimod (case does not matter)."
    )
    indications: list[str] = Field(default_factory=list, description="Indication ids, e.g. dermatomyositis.")
    event_types: list[EventType] = Field(default_factory=list)
    min_severity: Severity = "low"
    tiers: list[Tier] = Field(
        default=["own"],
        description='"own": news of the agents; add "landscape" for their competitors\' approvals, phase 3 '
        "results, programme drops and safety events in shared indications.",
    )
    mode: Mode = Field(default="instant", description="instant alerts, or one daily digest")
    digest_hour: int = Field(
        default=7, ge=0, le=23, strict=True, description="Local hour of the daily digest (an integer, 0-23)."
    )
    timezone: str = Field(
        default="UTC", description="IANA time zone of the digest hour.", examples=["Europe/Brussels"]
    )

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        return parse_endpoint(value)[1] if value else ""

    @model_validator(mode="after")
    def _one_destination(self) -> SubscribeRequest:
        if self.channel and (not self.url or self.endpoint):
            raise ValueError("a slack/teams/webhook subscription takes `url` and no `endpoint`")
        if not self.channel and (self.url or not self.endpoint):
            raise ValueError("give `endpoint` (email or phone), or `channel` and `url`")
        return self

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return validate_timezone(value)

    def as_subscription(self) -> dict[str, Any]:
        data = self.model_dump(exclude={"channel", "url", "owner"})
        return {"endpoint": data.pop("endpoint"), "preferences": data}

    def preferences(self) -> dict[str, Any]:
        return dict(self.as_subscription()["preferences"])


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(defer_build=True)
    subscription_id: str
    endpoint: str = Field(description="The address; for slack/teams/webhook the masked URL (host only).")
    protocol: SubscriptionProtocol
    owner: str | None = None
    agents: list[str]
    indications: list[str]
    event_types: list[EventType]
    min_severity: Severity
    tiers: list[Tier] = ["own"]
    mode: Mode
    digest_hour: int
    timezone: str
    status: Literal["pending", "active", "deleting"]
    paused: bool = Field(
        default=False, description="Paused by its owner: nothing is sent; `filter_policy` is kept for resume."
    )
    filter_policy: dict[str, Any]
    created_at: str
    updated_at: str

    webhook_secret: str | None = Field(
        default=None,
        description="The Standard Webhooks signing secret (whsec_...): returned once, by the call that "
        "created a slack/teams/webhook subscription, never again.",
    )

    @classmethod
    def of(cls, record: SubscriptionRecord, webhook_secret: str | None = None) -> SubscriptionOut:
        return cls.model_validate({**record.as_output(), "webhook_secret": webhook_secret})


class SubscriptionList(BaseModel):
    model_config = ConfigDict(defer_build=True)
    subscriptions: list[SubscriptionOut]

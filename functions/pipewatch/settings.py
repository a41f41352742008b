"""Runtime settings: one validated record read from the environment (once per cold start, via `get_settings`).

Domain code never reads the environment; handlers and the CLI pass settings down. A plain frozen dataclass
(not a pydantic model): every Lambda reads it at cold start, and a few range checks do not justify a
validation framework's import cost (~25 ms) on the path of handlers that otherwise never touch pydantic.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Settings:
    table_name: str = "pipewatch"
    topic_arn: str = ""
    poll_queue_url: str = ""
    region: str = "us-east-1"
    # Moto server or LocalStack; empty means the real AWS endpoints.
    endpoint_url: str = ""
    # Seconds a poll may spend on HTTP in total; kept below the Lambda timeout so state is always saved.
    poll_budget_seconds: float = 240.0
    edgar_contact: str = ""
    idempotency_ttl_seconds: int = 7 * 24 * 3600
    function_name: str = "pipewatch-local"
    # Base of the short links in SMS (`<base>/<update id>`), a redirect the operator serves.
    link_base: str = "https://pipewatch.example/u"
    # Subscription API: callers (IAM ARNs, `*` wildcards) who may manage every subscription; everyone else
    # manages only those they created. SMS only to these countries (ISO codes). SNS's filter policies per
    # topic (200 unless AWS raised the quota).
    admin_arns: tuple[str, ...] = ()
    sms_countries: tuple[str, ...] = ("US", "CA")
    max_filter_policies: int = 200
    # A source failing this many polls in a row is unhealthy: the operator alarm fires, digests say so.
    source_alarm_failures: int = 3

    def __post_init__(self) -> None:
        if not self.table_name:
            raise ValueError("table_name: should have at least 1 character")
        if not self.poll_budget_seconds > 0:
            raise ValueError(f"poll_budget_seconds: should be greater than 0, got {self.poll_budget_seconds}")
        if not self.idempotency_ttl_seconds > 0:
            raise ValueError(
                f"idempotency_ttl_seconds: should be greater than 0, got {self.idempotency_ttl_seconds}"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            "table_name": env.get("PIPEWATCH_TABLE", "pipewatch"),
            "topic_arn": env.get("PIPEWATCH_TOPIC_ARN", ""),
            "poll_queue_url": env.get("PIPEWATCH_POLL_QUEUE_URL", ""),
            "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            "endpoint_url": env.get("PIPEWATCH_ENDPOINT_URL", ""),
            "edgar_contact": env.get("PIPEWATCH_EDGAR_CONTACT", ""),
            "function_name": env.get("AWS_LAMBDA_FUNCTION_NAME", "pipewatch-local"),
        }
        if env.get("PIPEWATCH_LINK_BASE"):
            values["link_base"] = env["PIPEWATCH_LINK_BASE"].rstrip("/")
        if "PIPEWATCH_POLL_BUDGET_SECONDS" in env:
            values["poll_budget_seconds"] = _number(env, "PIPEWATCH_POLL_BUDGET_SECONDS", float)
        if env.get("PIPEWATCH_ADMIN_ARNS", "").strip():
            values["admin_arns"] = _list(env["PIPEWATCH_ADMIN_ARNS"])
        if "PIPEWATCH_SMS_COUNTRIES" in env:
            values["sms_countries"] = tuple(c.upper() for c in _list(env["PIPEWATCH_SMS_COUNTRIES"]))
        if "PIPEWATCH_MAX_FILTER_POLICIES" in env:
            values["max_filter_policies"] = _number(env, "PIPEWATCH_MAX_FILTER_POLICIES", int)
        if "PIPEWATCH_SOURCE_ALARM_FAILURES" in env:
            values["source_alarm_failures"] = _number(env, "PIPEWATCH_SOURCE_ALARM_FAILURES", int)
        if "PIPEWATCH_IDEMPOTENCY_TTL_SECONDS" in env:
            values["idempotency_ttl_seconds"] = _number(env, "PIPEWATCH_IDEMPOTENCY_TTL_SECONDS", int)
        return cls(**values)

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Settings:
        """A copy with some fields replaced (validated again); the name the CLI commands call."""
        return dataclasses.replace(self, **(update or {}))


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _number(env: Mapping[str, str], name: str, kind: type[float] | type[int]) -> Any:
    try:
        return kind(env[name])
    except ValueError:
        raise ValueError(f"${name}: not a valid {kind.__name__}: {env[name]!r}") from None


@cache
def get_settings() -> Settings:
    return Settings.from_env()

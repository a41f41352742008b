"""Runtime settings: one validated record read from the environment (once per cold start, via `get_settings`).

This is the only module that reads the environment: domain code, adapters and the configuration loader get
what they need from a Settings passed down by the composition root, the handlers or the CLI. A plain frozen
dataclass (not a pydantic model): every Lambda reads it at cold start, and a few range checks do not justify a
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
    # No default table name: a function that needs the table and finds none fails at once, naming the
    # variable, instead of writing to some other table called "pipewatch" (see `require`).
    table_name: str = ""
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
    # Replacements for the packaged data files: a path, or (sources only, for `sam local invoke`, where no
    # file can be mounted) the YAML/JSON text itself. Empty = the packaged file.
    watchlist_override: str = ""
    taxonomy_override: str = ""
    sources_override: str = ""
    # The versioned bucket holding the live watchlist, taxonomy and sources (issue 26, docs/decisions/0009):
    # empty = the packaged files. An override above still wins over the bucket (local runs, tests).
    config_bucket: str = ""
    # How long a container uses a configuration version before asking the bucket again (a conditional GET).
    config_refresh_seconds: float = 300.0
    # The variables sources.yaml may name for credentials and contacts (NCBI_API_KEY, PIPEWATCH_CONTACT_EMAIL,
    # PIPEWATCH_EDGAR_CONTACT, ...): read here once, so adapters never read the environment themselves.
    source_environment: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Days after a catalyst's window closes, with nothing fulfilling it, before it is overdue.
    catalyst_grace_days: int = 14
    # The site serving signed reader links (`<site>/u/<token>`): the stack's API stage URL by default.
    site_url: str = ""
    # The KMS key encrypting the link-signing keys (adapters/link_keys.py); empty: links are not signed.
    link_key_id: str = ""
    # Delivery (issue 17): the delivery queue, the KMS key of destination credentials, and SES (an empty
    # sender means minimal mode: e-mail goes through SNS e-mail subscriptions).
    delivery_queue_url: str = ""
    channels_key_id: str = ""
    ses_sender: str = ""
    ses_configuration_set: str = ""
    email_feedback_topic_arn: str = ""
    # Subscription API: callers (IAM ARNs, `*` wildcards) who may manage every subscription; everyone else
    # manages only those they created. SMS only to these countries (ISO codes). SNS's filter policies per
    # topic (200 unless AWS raised the quota).
    admin_arns: tuple[str, ...] = ()
    sms_countries: tuple[str, ...] = ("US", "CA")
    max_filter_policies: int = 200
    # A source failing this many polls in a row is unhealthy: the operator alarm fires, digests say so.
    source_alarm_failures: int = 3
    # The console (issue 24): its Cognito user pool, app client and Hosted UI domain (https://...).
    cognito_pool_id: str = ""
    cognito_client_id: str = ""
    cognito_domain: str = ""

    def __post_init__(self) -> None:
        if not self.poll_budget_seconds > 0:
            raise ValueError(f"poll_budget_seconds: should be greater than 0, got {self.poll_budget_seconds}")
        if not self.idempotency_ttl_seconds > 0:
            raise ValueError(
                f"idempotency_ttl_seconds: should be greater than 0, got {self.idempotency_ttl_seconds}"
            )
        if self.config_refresh_seconds < 0:
            raise ValueError(
                f"config_refresh_seconds: should be 0 or more, got {self.config_refresh_seconds}"
            )
        if self.catalyst_grace_days < 0:
            raise ValueError(f"catalyst_grace_days: should be 0 or more, got {self.catalyst_grace_days}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            "table_name": env.get("PIPEWATCH_TABLE", ""),
            "topic_arn": env.get("PIPEWATCH_TOPIC_ARN", ""),
            "poll_queue_url": env.get("PIPEWATCH_POLL_QUEUE_URL", ""),
            "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            "endpoint_url": env.get("PIPEWATCH_ENDPOINT_URL", ""),
            "edgar_contact": env.get("PIPEWATCH_EDGAR_CONTACT", ""),
            "function_name": env.get("AWS_LAMBDA_FUNCTION_NAME", "pipewatch-local"),
            "watchlist_override": env.get("PIPEWATCH_WATCHLIST", ""),
            "taxonomy_override": env.get("PIPEWATCH_TAXONOMY", ""),
            "sources_override": env.get("PIPEWATCH_SOURCES", ""),
            "config_bucket": env.get("PIPEWATCH_CONFIG_BUCKET", ""),
            "source_environment": {k: v for k, v in env.items() if k.startswith(SOURCE_ENV_PREFIXES)},
            "site_url": env.get("PIPEWATCH_SITE_URL", "").rstrip("/"),
            "link_key_id": env.get("PIPEWATCH_LINK_KEY_ID", ""),
            "delivery_queue_url": env.get("PIPEWATCH_DELIVERY_QUEUE_URL", ""),
            "channels_key_id": env.get("PIPEWATCH_CHANNELS_KEY_ID", ""),
            "ses_sender": env.get("PIPEWATCH_SES_SENDER", ""),
            "ses_configuration_set": env.get("PIPEWATCH_SES_CONFIGURATION_SET", ""),
            "email_feedback_topic_arn": env.get("PIPEWATCH_EMAIL_FEEDBACK_TOPIC_ARN", ""),
            "cognito_pool_id": env.get("PIPEWATCH_COGNITO_POOL_ID", ""),
            "cognito_client_id": env.get("PIPEWATCH_COGNITO_CLIENT_ID", ""),
            "cognito_domain": env.get("PIPEWATCH_COGNITO_DOMAIN", "").rstrip("/"),
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
        if "PIPEWATCH_CONFIG_REFRESH_SECONDS" in env:
            values["config_refresh_seconds"] = _number(env, "PIPEWATCH_CONFIG_REFRESH_SECONDS", float)
        if "PIPEWATCH_CATALYST_GRACE_DAYS" in env:
            values["catalyst_grace_days"] = _number(env, "PIPEWATCH_CATALYST_GRACE_DAYS", int)
        return cls(**values)

    def require(self, field: str) -> str:
        """The value of a setting a service cannot work without; ConfigError naming its variable if unset."""
        value = getattr(self, field)
        if not value:
            from pipewatch.errors import ConfigError

            raise ConfigError(f"${_ENV_NAMES.get(field, field)} is not set (needed for {field})")
        return str(value)

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Settings:
        """A copy with some fields replaced (validated again); the name the CLI commands call."""
        return dataclasses.replace(self, **(update or {}))


# Variables a sources.yaml `*_env` key may name (its validators restrict the names to these prefixes).
SOURCE_ENV_PREFIXES = ("PIPEWATCH_", "NCBI_")

_ENV_NAMES = {
    "table_name": "PIPEWATCH_TABLE",
    "topic_arn": "PIPEWATCH_TOPIC_ARN",
    "poll_queue_url": "PIPEWATCH_POLL_QUEUE_URL",
    "config_bucket": "PIPEWATCH_CONFIG_BUCKET",
    "cognito_pool_id": "PIPEWATCH_COGNITO_POOL_ID",
    "cognito_client_id": "PIPEWATCH_COGNITO_CLIENT_ID",
    "cognito_domain": "PIPEWATCH_COGNITO_DOMAIN",
}


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

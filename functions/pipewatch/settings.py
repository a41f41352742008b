"""Runtime settings: one validated model read from the environment (once per cold start, via `get_settings`).

Domain code never reads the environment; handlers and the CLI pass settings down.
"""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    table_name: str = Field(default="pipewatch", min_length=1)
    topic_arn: str = ""
    poll_queue_url: str = ""
    region: str = "us-east-1"
    # Moto server or LocalStack; empty means the real AWS endpoints.
    endpoint_url: str = ""
    # Seconds a poll may spend on HTTP in total; kept below the Lambda timeout so state is always saved.
    poll_budget_seconds: float = Field(default=240.0, gt=0)
    edgar_contact: str = ""
    idempotency_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    function_name: str = "pipewatch-local"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "table_name": env.get("PIPEWATCH_TABLE", "pipewatch"),
            "topic_arn": env.get("PIPEWATCH_TOPIC_ARN", ""),
            "poll_queue_url": env.get("PIPEWATCH_POLL_QUEUE_URL", ""),
            "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            "endpoint_url": env.get("PIPEWATCH_ENDPOINT_URL", ""),
            "edgar_contact": env.get("PIPEWATCH_EDGAR_CONTACT", ""),
            "function_name": env.get("AWS_LAMBDA_FUNCTION_NAME", "pipewatch-local"),
        }
        if "PIPEWATCH_POLL_BUDGET_SECONDS" in env:
            values["poll_budget_seconds"] = env["PIPEWATCH_POLL_BUDGET_SECONDS"]
        if "PIPEWATCH_IDEMPOTENCY_TTL_SECONDS" in env:
            values["idempotency_ttl_seconds"] = env["PIPEWATCH_IDEMPOTENCY_TTL_SECONDS"]
        return cls.model_validate(values)


@cache
def get_settings() -> Settings:
    return Settings.from_env()

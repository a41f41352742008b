"""The Powertools DynamoDB persistence layer of adapters/idempotency.py (imported on the first publish, not
when the service is built: importing Powertools idempotency and creating the layer, which registers itself
on the DynamoDB client and so creates it, cost a cold start ~120 ms of CPU).

One layer per publisher: a layer keeps the first config it sees, so sharing one between differently
configured functions would silently disable idempotency for the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from pipewatch.observability import NullMetrics, logger

if TYPE_CHECKING:
    from pipewatch.services.ports import MetricsSink

SAVE_ATTEMPTS = 5
SAVE_BACKOFF_S = 0.05


class ResilientPersistenceLayer(DynamoDBPersistenceLayer):
    """The DynamoDB layer, except that saving the result of a publish that already happened is retried, and
    never turns a sent message into a failure (which would re-send it, or park it until the in-progress
    record expires and drop it when the stream's retries run out)."""

    def __init__(
        self,
        *args: Any,
        metrics: MetricsSink | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._metrics = metrics or NullMetrics()
        self._sleep = sleep

    def _update_record(self, data_record: Any) -> None:
        for attempt in range(SAVE_ATTEMPTS):
            try:
                super()._update_record(data_record)
                return
            except Exception as exc:  # noqa: BLE001 - the publish is done: never raise for its bookkeeping
                if attempt == SAVE_ATTEMPTS - 1:
                    self._metrics.count("IdempotencySaveFailed", 1)
                    logger.warning(
                        "published, but the idempotency record could not be saved",
                        extra={"key": data_record.idempotency_key, "reason": str(exc)[:300]},
                    )
                    return
                self._sleep(SAVE_BACKOFF_S * 2**attempt)


def persistence_layer(
    table_name: str, dynamodb_client: Any, *, metrics: MetricsSink | None = None
) -> ResilientPersistenceLayer:
    """A new layer on the pipewatch table (pk/sk, TTL `expiration`); one per publisher, never shared."""
    return ResilientPersistenceLayer(
        table_name=table_name,
        key_attr="pk",
        sort_key_attr="sk",
        expiry_attr="expiration",
        boto3_client=dynamodb_client,
        metrics=metrics,
    )

"""Powertools Idempotency around the SNS publish, persisted in the pipewatch table (pk/sk, TTL `expiration`).

One persistence layer per publisher: a layer keeps the first config it sees, so sharing one between
differently configured functions would silently disable idempotency for the others.

The delivery guarantee (README "Delivery", measured by tests/integration/test_races.py): at least once, with
a deterministic dedupe key on every message (`update_id` on an alert, `digest_key` on a digest part). SNS
standard topics have no publish deduplication (FIFO topics do, but deliver to neither e-mail nor SMS), so a
second copy cannot be ruled out when SNS accepted a publish and pipewatch could not learn it:
  - the answer was lost (read timeout, connection closed): the publish is retried, `PublishOutcomeUnknown`;
  - the success record could not be saved even after `SAVE_ATTEMPTS` tries: the publish is reported done
    (nothing is retried, nothing lost) and `IdempotencySaveFailed` counted; only a replay of the same record
    after the in-progress record expires would publish again.
In every other case (a retried batch, a replayed stream, SNS refusing, a save throttled a few times) each
update is published exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

from pipewatch.domain.models import Alert
from pipewatch.domain.render.digest import DigestMessage
from pipewatch.errors import PublishError, PublishInProgress
from pipewatch.observability import NullMetrics, logger
from pipewatch.services.ports import MetricsSink

SAVE_ATTEMPTS = 5
SAVE_BACKOFF_S = 0.05
# Waiting for a record another invocation holds in progress: poll interval, the longest wait, and the time
# kept back for the rest of the batch.
IN_PROGRESS_POLL_S = 2.0
IN_PROGRESS_WAIT_S = 90.0
IN_PROGRESS_MARGIN_S = 15.0


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


def _counting_unknown(publish: Callable[..., str], metrics: MetricsSink) -> Callable[..., str]:
    def counted(*args: Any) -> str:
        try:
            return publish(*args)
        except PublishError as exc:
            if exc.outcome_unknown:
                metrics.count("PublishOutcomeUnknown", 1)
                logger.warning("publish outcome unknown: retried", extra={"key": exc.update_id})
            raise

    return counted


class IdempotentPublisher:
    """`publish_once(update_id=..., alert=...)`: the alert's publish at most once per update id, except as
    the module docstring says. A record another invocation holds in progress (a concurrent delivery, or an
    invocation that died between claiming and publishing) is waited for, within this invocation's time,
    until it completes (its result is returned) or its claim expires (then this one publishes): a stream
    retry that fails at once on it would use up the mapping's retries and drop the alert."""

    def __init__(
        self,
        decorated: Callable[..., str],
        config: IdempotencyConfig,
        persistence: ResilientPersistenceLayer,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._decorated = decorated
        self.config = config
        self.persistence = persistence
        self._sleep = sleep
        self._clock = clock

    def _wait_budget(self) -> float:
        context = self.config.lambda_context
        if context is None:
            return 0.0
        remaining = float(context.get_remaining_time_in_millis()) / 1000
        return max(0.0, min(IN_PROGRESS_WAIT_S, remaining - IN_PROGRESS_MARGIN_S))

    def publish_once(self, *, update_id: str, alert: Alert) -> str:
        deadline = self._clock() + self._wait_budget()
        while True:
            try:
                return self._decorated(update_id=update_id, alert=alert)
            except IdempotencyAlreadyInProgressError:
                if self._clock() + IN_PROGRESS_POLL_S > deadline:
                    raise
                self._sleep(IN_PROGRESS_POLL_S)

    def register_lambda_context(self, context: Any) -> None:
        """Lets Powertools expire an in-progress record when this invocation would time out."""
        if context is not None:
            self.config.register_lambda_context(context)


def make_idempotent_publish(
    publish: Callable[[Alert], str],
    *,
    table_name: str,
    dynamodb_client: Any,
    ttl_seconds: int,
    metrics: MetricsSink | None = None,
) -> IdempotentPublisher:
    sink = metrics or NullMetrics()
    persistence = persistence_layer(table_name, dynamodb_client, metrics=sink)
    # The local cache also remembers a publish whose success record could not be saved, so a redelivery
    # to this warm container returns it instead of publishing again.
    config = IdempotencyConfig(expires_after_seconds=ttl_seconds, use_local_cache=True)
    counted = _counting_unknown(publish, sink)

    @idempotent_function(  # type: ignore[untyped-decorator]  # Powertools ships the decorator untyped
        data_keyword_argument="update_id", persistence_store=persistence, config=config
    )
    def publish_once(*, update_id: str, alert: Alert) -> str:
        return counted(alert)

    return IdempotentPublisher(publish_once, config, persistence)


class IdempotentDigestPublisher:
    """Idempotency around one digest publish, keyed on subscriber + digest date, so a retried digest run (a
    scheduler retry, a re-invoked Lambda) never sends a subscriber the same day's digest twice."""

    def __init__(
        self,
        publish: Callable[[DigestMessage, int], str],  # (message, part index) -> SNS message id
        *,
        table_name: str,
        dynamodb_client: Any,
        ttl_seconds: int,
        metrics: MetricsSink | None = None,
    ) -> None:
        sink = metrics or NullMetrics()
        self.persistence = persistence_layer(table_name, dynamodb_client, metrics=sink)
        self.config = IdempotencyConfig(expires_after_seconds=ttl_seconds, use_local_cache=True)
        counted = _counting_unknown(publish, sink)

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="digest_key", persistence_store=self.persistence, config=self.config
        )
        def publish_once(*, digest_key: str, message: DigestMessage, part: int) -> dict[str, str]:
            # The ids sent go with the stored result: a retried run records what was sent, not what it
            # would send now (the digest's overlap re-read skips exactly those).
            return {
                "message_id": counted(message, part),
                "until": message.until,
                "update_ids": ",".join(message.update_ids),
            }

        self._publish_once = publish_once

    def publish_once(self, message: DigestMessage, part: int = 0) -> dict[str, str]:
        """{"message_id", "until", "update_ids"} of the first successful publish of this part (a retry gets
        the same; a result stored before "update_ids" existed has none).
        PublishInProgress when another run is publishing this part right now."""
        key = message.part_key(part)
        try:
            result: dict[str, str] = self._publish_once(digest_key=key, message=message, part=part)
        except IdempotencyAlreadyInProgressError as exc:
            raise PublishInProgress(key) from exc
        return result

    def register_lambda_context(self, context: Any) -> None:
        if context is not None:
            self.config.register_lambda_context(context)

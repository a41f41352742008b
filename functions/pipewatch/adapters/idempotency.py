"""Powertools Idempotency around the SNS publish, persisted in the pipewatch table (pk/sk, TTL `expiration`).

One persistence layer per publisher (adapters/idempotency_store.py), created with Powertools' machinery on
the publisher's first call, not when the service is built: a build (and an invocation with nothing to
publish) then neither imports Powertools idempotency nor creates the DynamoDB client (issue 28). The key of
a record is the function's name, the decorated function's module and qualified name, and the hash of the
key argument: the functions below keep theirs, so records written before still suppress a duplicate.

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

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipewatch.errors import PublishError, PublishInProgress
from pipewatch.observability import NullMetrics, logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    from pipewatch.adapters.idempotency_store import ResilientPersistenceLayer
    from pipewatch.domain.models import Alert
    from pipewatch.domain.render.digest import DigestMessage
    from pipewatch.services.ports import MetricsSink

# Waiting for a record another invocation holds in progress: poll interval, the longest wait, and the time
# kept back for the rest of the batch.
IN_PROGRESS_POLL_S = 2.0
IN_PROGRESS_WAIT_S = 90.0
IN_PROGRESS_MARGIN_S = 15.0


@dataclass(frozen=True)
class _Machinery:
    """Powertools' side of one publisher: the decorated function, its config and persistence layer, and
    the error it raises for a record another invocation holds in progress."""

    decorated: Callable[..., Any]
    config: IdempotencyConfig
    persistence: ResilientPersistenceLayer
    in_progress_error: type[Exception]


class _IdempotentOnFirstCall:
    """`function` made idempotent on `key_argument` (the pipewatch table, `ttl_seconds`), set up when first
    needed and then kept for the container's life (the layer's local cache with it). The Lambda context
    registered before then is handed over at set-up."""

    def __init__(
        self,
        function: Callable[..., Any],
        *,
        key_argument: str,
        table_name: str,
        dynamodb_client: Any,
        ttl_seconds: int,
        metrics: MetricsSink,
    ) -> None:
        self._function = function
        self._key_argument = key_argument
        self._table_name = table_name
        self._dynamodb_client = dynamodb_client
        self._ttl_seconds = ttl_seconds
        self._metrics = metrics
        self._context: Any = None
        self._machinery: _Machinery | None = None
        self._lock = threading.Lock()  # one set-up even if two threads publish first at once

    @property
    def lambda_context(self) -> Any:
        return self._context

    def register_lambda_context(self, context: Any) -> None:
        """Lets Powertools expire an in-progress record when this invocation would time out."""
        if context is None:
            return
        self._context = context
        if self._machinery is not None:
            self._machinery.config.register_lambda_context(context)

    def machinery(self) -> _Machinery:
        machinery = self._machinery
        if machinery is None:
            with self._lock:
                machinery = self._machinery or self._set_up()
                self._machinery = machinery
        return machinery

    def _set_up(self) -> _Machinery:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
        from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

        from pipewatch.adapters.idempotency_store import persistence_layer

        persistence = persistence_layer(self._table_name, self._dynamodb_client, metrics=self._metrics)
        # The local cache also remembers a publish whose success record could not be saved, so a redelivery
        # to this warm container returns it instead of publishing again.
        config = IdempotencyConfig(expires_after_seconds=self._ttl_seconds, use_local_cache=True)
        if self._context is not None:
            config.register_lambda_context(self._context)
        decorated = idempotent_function(
            self._function,
            data_keyword_argument=self._key_argument,
            persistence_store=persistence,
            config=config,
        )
        return _Machinery(decorated, config, persistence, IdempotencyAlreadyInProgressError)


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


class _PublisherBase:
    """What both publishers share: their Powertools machinery, set up on first use, seen through the config
    and persistence layer (tests and the stack harness inspect them), and the Lambda context handed over."""

    _idempotent: _IdempotentOnFirstCall

    @property
    def config(self) -> IdempotencyConfig:
        return self._idempotent.machinery().config

    @property
    def persistence(self) -> ResilientPersistenceLayer:
        return self._idempotent.machinery().persistence

    def register_lambda_context(self, context: Any) -> None:
        """Lets Powertools expire an in-progress record when this invocation would time out."""
        self._idempotent.register_lambda_context(context)


class IdempotentPublisher(_PublisherBase):
    """`publish_once(update_id=..., alert=...)`: the alert's publish at most once per update id, except as
    the module docstring says. A record another invocation holds in progress (a concurrent delivery, or an
    invocation that died between claiming and publishing) is waited for, within this invocation's time,
    until it completes (its result is returned) or its claim expires (then this one publishes): a stream
    retry that fails at once on it would use up the mapping's retries and drop the alert."""

    def __init__(
        self,
        idempotent: _IdempotentOnFirstCall,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._idempotent = idempotent
        self._sleep = sleep
        self._clock = clock

    def _wait_budget(self) -> float:
        context = self._idempotent.lambda_context
        if context is None:
            return 0.0
        remaining = float(context.get_remaining_time_in_millis()) / 1000
        return max(0.0, min(IN_PROGRESS_WAIT_S, remaining - IN_PROGRESS_MARGIN_S))

    def publish_once(self, *, update_id: str, alert: Alert) -> str:
        machinery = self._idempotent.machinery()
        deadline = self._clock() + self._wait_budget()
        while True:
            try:
                published: str = machinery.decorated(update_id=update_id, alert=alert)
                return published
            except machinery.in_progress_error:
                if self._clock() + IN_PROGRESS_POLL_S > deadline:
                    raise
                self._sleep(IN_PROGRESS_POLL_S)


def make_idempotent_publish(
    publish: Callable[[Alert], str],
    *,
    table_name: str,
    dynamodb_client: Any,
    ttl_seconds: int,
    metrics: MetricsSink | None = None,
) -> IdempotentPublisher:
    sink = metrics or NullMetrics()
    counted = _counting_unknown(publish, sink)

    # Its module and qualified name are part of every record's key (`make_idempotent_publish.<locals>.
    # publish_once`): renaming or moving it would let a replay of an old record publish again.
    def publish_once(*, update_id: str, alert: Alert) -> str:
        return counted(alert)

    return IdempotentPublisher(
        _IdempotentOnFirstCall(
            publish_once,
            key_argument="update_id",
            table_name=table_name,
            dynamodb_client=dynamodb_client,
            ttl_seconds=ttl_seconds,
            metrics=sink,
        )
    )


class IdempotentDigestPublisher(_PublisherBase):
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
        counted = _counting_unknown(publish, sink)

        # Part of every record's key (`IdempotentDigestPublisher.__init__.<locals>.publish_once`): keep it.
        def publish_once(*, digest_key: str, message: DigestMessage, part: int) -> dict[str, str]:
            # The ids sent go with the stored result: a retried run records what was sent, not what it
            # would send now (the digest's overlap re-read skips exactly those).
            return {
                "message_id": counted(message, part),
                "until": message.until,
                "update_ids": ",".join(message.update_ids),
            }

        self._idempotent = _IdempotentOnFirstCall(
            publish_once,
            key_argument="digest_key",
            table_name=table_name,
            dynamodb_client=dynamodb_client,
            ttl_seconds=ttl_seconds,
            metrics=sink,
        )

    def publish_once(self, message: DigestMessage, part: int = 0) -> dict[str, str]:
        """{"message_id", "until", "update_ids"} of the first successful publish of this part (a retry gets
        the same; a result stored before "update_ids" existed has none).
        PublishInProgress when another run is publishing this part right now."""
        machinery = self._idempotent.machinery()
        key = message.part_key(part)
        try:
            result: dict[str, str] = machinery.decorated(digest_key=key, message=message, part=part)
        except machinery.in_progress_error as exc:
            raise PublishInProgress(key) from exc
        return result

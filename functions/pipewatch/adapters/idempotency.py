"""Powertools Idempotency around the SNS publish, persisted in the pipewatch table (pk/sk, TTL `expiration`).

One persistence layer per publisher: a layer keeps the first config it sees, so sharing one between
differently configured functions would silently disable idempotency for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from pipewatch.domain.digest import DigestMessage
from pipewatch.domain.models import Alert


@dataclass(frozen=True)
class IdempotentPublisher:
    publish_once: Callable[..., str]
    config: IdempotencyConfig

    def register_lambda_context(self, context: Any) -> None:
        """Lets Powertools expire an in-progress record when this invocation would time out."""
        if context is not None:
            self.config.register_lambda_context(context)


def persistence_layer(table_name: str, dynamodb_client: Any) -> DynamoDBPersistenceLayer:
    """A new layer on the pipewatch table (pk/sk, TTL `expiration`); one per publisher, never shared."""
    return DynamoDBPersistenceLayer(
        table_name=table_name,
        key_attr="pk",
        sort_key_attr="sk",
        expiry_attr="expiration",
        boto3_client=dynamodb_client,
    )


def make_idempotent_publish(
    publish: Callable[[Alert], str],
    *,
    table_name: str,
    dynamodb_client: Any,
    ttl_seconds: int,
) -> IdempotentPublisher:
    persistence = persistence_layer(table_name, dynamodb_client)
    config = IdempotencyConfig(expires_after_seconds=ttl_seconds)

    @idempotent_function(  # type: ignore[untyped-decorator]  # Powertools ships the decorator untyped
        data_keyword_argument="update_id", persistence_store=persistence, config=config
    )
    def publish_once(*, update_id: str, alert: Alert) -> str:
        return publish(alert)

    return IdempotentPublisher(publish_once=publish_once, config=config)


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
    ) -> None:
        persistence = persistence_layer(table_name, dynamodb_client)
        self.config = IdempotencyConfig(expires_after_seconds=ttl_seconds)

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="digest_key", persistence_store=persistence, config=self.config
        )
        def publish_once(*, digest_key: str, message: DigestMessage, part: int) -> dict[str, str]:
            return {"message_id": publish(message, part), "until": message.until}

        self._publish_once = publish_once

    def publish_once(self, message: DigestMessage, part: int = 0) -> dict[str, str]:
        """{"message_id", "until"} of the first successful publish of this part (a retry gets the same)."""
        result: dict[str, str] = self._publish_once(
            digest_key=message.part_key(part), message=message, part=part
        )
        return result

    def register_lambda_context(self, context: Any) -> None:
        if context is not None:
            self.config.register_lambda_context(context)

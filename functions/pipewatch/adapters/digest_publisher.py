"""Powertools Idempotency around one digest publish, keyed on subscriber + digest date, so a retried digest
run (a scheduler retry, a re-invoked Lambda) never sends a subscriber the same day's digest twice.

Its own persistence layer (a layer keeps the first config it sees; see adapters/idempotency.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from pipewatch.domain.digest import DigestMessage


class IdempotentDigestPublisher:
    def __init__(
        self,
        publish: Callable[[DigestMessage], str],  # -> SNS message id
        *,
        table_name: str,
        dynamodb_client: Any,
        ttl_seconds: int,
    ) -> None:
        persistence = DynamoDBPersistenceLayer(
            table_name=table_name,
            key_attr="pk",
            sort_key_attr="sk",
            expiry_attr="expiration",
            boto3_client=dynamodb_client,
        )
        self.config = IdempotencyConfig(expires_after_seconds=ttl_seconds)

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="digest_key", persistence_store=persistence, config=self.config
        )
        def publish_once(*, digest_key: str, message: DigestMessage) -> dict[str, str]:
            return {"message_id": publish(message), "until": message.until}

        self._publish_once = publish_once

    def publish_once(self, message: DigestMessage) -> dict[str, str]:
        """{"message_id", "until"} of the first successful publish under this key (a retry gets the same)."""
        result: dict[str, str] = self._publish_once(digest_key=message.key, message=message)
        return result

    def register_lambda_context(self, context: Any) -> None:
        if context is not None:
            self.config.register_lambda_context(context)

"""Alert use case: a new stored update (a DynamoDB stream INSERT) becomes one SNS publish, exactly once.

The publish is wrapped in Powertools Idempotency keyed on the update id (DynamoDB persistence in the same
table), so a replayed stream record, a retried batch or a redelivered message finds the stored result and
publishes nothing. A failed publish raises PublishError: the batch reports only that record as failed and
the idempotency record is released, so the retry publishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from pipewatch.adapters.store import deserialize_image, update_from_item
from pipewatch.domain.models import Alert, Update
from pipewatch.domain.render.messages import DEFAULT_LINK_BASE, render_alert
from pipewatch.domain.subscribers.links import ANY_READER, SignedLinks
from pipewatch.observability import logger


class Notifier(Protocol):
    def publish(self, alert: Alert) -> str: ...


def update_from_stream_record(record: dict[str, Any]) -> Update | None:
    """The update a stream record announces, or None for records that are not new updates (state writes,
    snapshots, idempotency records, MODIFY/REMOVE). The template's filter criteria drop these before
    Lambda; this check keeps the handler correct without them (moto, sam local, a changed filter)."""
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage") or {}
    if image.get("kind", {}).get("S") != "update":
        return None
    return update_from_item(deserialize_image(image))


class Publisher(Protocol):
    """The idempotent publish: `publish_once(update_id=..., alert=...)` runs at most once per update id."""

    def publish_once(self, *, update_id: str, alert: Alert) -> str: ...

    def register_lambda_context(self, context: Any) -> None: ...


class AlertService:
    def __init__(
        self,
        notifier: Notifier,
        publisher: Publisher,
        *,
        link_base: str = DEFAULT_LINK_BASE,
        links: Callable[[], SignedLinks] | None = None,
    ) -> None:
        self._notifier = notifier
        self._publisher = publisher
        self._link_base = link_base
        # Signed page links (the stack's reader pages); None renders the plain links of before.
        self._links = links

    def start_invocation(self, context: Any) -> None:
        self._publisher.register_lambda_context(context)

    def handle_record(self, record: dict[str, Any]) -> str | None:
        update = update_from_stream_record(record)
        if update is None:
            return None
        if not update.classification.relevant or update.classification.event_type is None:
            logger.info("not alertable", extra={"update_id": update.update_id})
            return None
        # One SNS message reaches every matching subscriber, so its page link is the topic-wide one.
        page_link = self._links().update_url(ANY_READER, update.update_id) if self._links else ""
        alert = render_alert(update, link_base=self._link_base, page_link=page_link)
        message_id = self._publisher.publish_once(update_id=update.update_id, alert=alert)
        logger.info("alert published", extra={"update_id": update.update_id, "message_id": message_id})
        return message_id

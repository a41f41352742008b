"""Alert use case: a new stored update (a DynamoDB stream INSERT) becomes one SNS publish, exactly once.

The publish is wrapped in Powertools Idempotency keyed on the update id (DynamoDB persistence in the same
table), so a replayed stream record, a retried batch or a redelivered message finds the stored result and
publishes nothing. A failed publish raises PublishError: the batch reports only that record as failed and
the idempotency record is released, so the retry publishes it.

The SMS carries a short link (`<site>/s/<code>`, domain/subscribers/short_links.py) instead of the signed
page link, so the headline fits: the code is stored before the publish (an idempotent put: a retry writes
and sends the same code). Should another update hold the code, the SMS carries the signed page link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pipewatch.domain.render.messages import DEFAULT_LINK_BASE, render_alert
from pipewatch.domain.subscribers.links import ANY_READER, SignedLinks
from pipewatch.observability import logger

if TYPE_CHECKING:
    from pipewatch.services.ports import Publisher, ShortLinkWriter, StreamUpdates


class AlertService:
    def __init__(
        self,
        publisher: Publisher,
        *,
        stream_updates: StreamUpdates,
        link_base: str = DEFAULT_LINK_BASE,
        links: Callable[[], SignedLinks] | None = None,
        short_links: ShortLinkWriter | None = None,
    ) -> None:
        self._publisher = publisher
        self._stream_updates = stream_updates
        self._link_base = link_base
        # Signed page links (the stack's reader pages); None renders the plain links of before.
        self._links = links
        # Where SMS short codes are stored; None sends the signed page link in the SMS too.
        self._short_links = short_links

    def start_invocation(self, context: Any) -> None:
        self._publisher.register_lambda_context(context)

    def handle_record(self, record: dict[str, Any]) -> str | None:
        update = self._stream_updates(record)
        if update is None:
            return None
        if not update.classification.relevant or update.classification.event_type is None:
            logger.info("not alertable", extra={"update_id": update.update_id})
            return None
        # One SNS message reaches every matching subscriber, so its page link is the topic-wide one.
        if update.part_of:
            # A calendar slip or a registry stop that a stored story already reported: on the calendar, the
            # record's page and the story's, not a second alert of one event.
            logger.info(
                "reported by its story", extra={"update_id": update.update_id, "story": update.part_of}
            )
            return None
        story_id = update.escalates or update.update_id  # an escalation links to the story it raises
        page_link = sms_link = ""
        if self._links:
            links = self._links()
            page_link = links.update_url(ANY_READER, story_id)
            sms_link = self._short_url(links, story_id)
        if update.escalates:
            # A stored story's severity rose: said as "update:" (the headline carries it into every channel).
            update = replace(update, title=f"update: {update.title}")
        alert = render_alert(update, link_base=self._link_base, page_link=page_link, sms_link=sms_link)
        if update.escalates:
            alert = replace(alert, subject=f"update: {alert.subject}")
        message_id = self._publisher.publish_once(update_id=update.update_id, alert=alert)
        logger.info("alert published", extra={"update_id": update.update_id, "message_id": message_id})
        return message_id

    def _short_url(self, links: SignedLinks, update_id: str) -> str:
        """The stored short link of the update's page, or "" (the SMS then carries the page link)."""
        if self._short_links is None:
            return ""
        short = links.short_link(update_id)
        if not self._short_links.put(short):
            logger.warning("short code held by another update", extra={"update_id": update_id})
            return ""
        return links.short_url(short.code)

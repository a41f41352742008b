"""Digest use case: for each digest subscriber whose local digest hour has come and who has not had today's
digest, send the matching updates first seen since its last digest; an empty digest is not sent.

Exactly once: the publish is idempotent on subscriber + local digest date (Powertools, DynamoDB), and the
last-digest time is recorded only after the publish succeeded. A retried run re-publishes nothing (the stored
result is returned) and records what an interrupted run had not recorded yet. A failed publish is retried by
the next run (the run raises at the end so the scheduler retries it; the other subscribers are not held up).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pipewatch.domain.render.messages import DEFAULT_LINK_BASE
from pipewatch.errors import PipewatchError, PublishError, PublishInProgress
from pipewatch.observability import logger

if TYPE_CHECKING:
    from pipewatch.domain.models import SourceState
    from pipewatch.domain.subscribers.links import SignedLinks
    from pipewatch.domain.subscribers.records import DigestState
    from pipewatch.services.ports import CatalystLister, DigestPublisher, DigestSubscriptions, DigestUpdates

# A digest covers at most this far back (a subscriber silent for months gets the last week, not everything).
MAX_LOOKBACK = timedelta(days=8)
# How late an update may be written after the time it is stamped with (`first_seen`: its poll's start, or
# the calendar check's clock). No Lambda runs longer than 15 minutes; 5 more for clock skew and retries of
# the write. Each digest re-reads this far before the previous digest's end and skips what it already sent,
# so an update stored while a digest runs reaches the next digest instead of falling between the two.
WRITE_LAG = timedelta(minutes=20)
# The most ids a digest state remembers (its item stays far under DynamoDB's 400 KB).
MAX_REMEMBERED = 2000


class DigestRunError(PipewatchError):
    """Some digests could not be published; the run is retried and sends only those."""


@dataclass
class DigestReport:
    now: str
    subscribers: int = 0
    due: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    # Being published by an overlapping run at this moment: skipped here (that run sends and records it).
    in_progress: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "subscribers": self.subscribers,
            "due": self.due,
            "sent": self.sent,
            "empty": self.empty,
            "failed": self.failed,
            "in_progress": self.in_progress,
        }


class DigestService:
    def __init__(
        self,
        *,
        table: DigestSubscriptions,
        store: DigestUpdates,
        publisher: DigestPublisher,
        link_base: str = DEFAULT_LINK_BASE,
        calendar: CatalystLister | None = None,
        links: Callable[[], SignedLinks] | None = None,
        alarm_after_failures: int = 3,
    ) -> None:
        self._links = links
        self._alarm_after = alarm_after_failures
        self._table = table
        self._store = store
        self._calendar = calendar
        self._publisher = publisher
        self._link_base = link_base

    def start_invocation(self, context: Any) -> None:
        self._publisher.register_lambda_context(context)

    def _notices(self, states: Sequence[SourceState], since: datetime, now: datetime) -> list[str]:
        """Source health for the reader: which sources are failing now, which recovered since the last
        digest (so a gap in the updates is explained, not silent)."""
        lines = [n for n in (s.health_notice(self._alarm_after) for s in states) if n]
        for state in states:
            if state.last_outage and since <= state.last_outage[1] < now and not state.consecutive_failures:
                began, ended = state.last_outage
                lines.append(
                    f"Source {state.source_id} recovered at {ended:%Y-%m-%d %H:%M UTC} "
                    f"(failing since {began:%Y-%m-%d %H:%M UTC}); updates it missed are included as found."
                )
        return lines

    def run(self, now: datetime, *, raise_on_failure: bool = True) -> DigestReport:
        report = DigestReport(now=now.isoformat())
        # A paused subscriber gets no digest (SNS would drop it anyway, and its state must not move on).
        records = [r for r in self._table.list("digest") if r.status == "active" and not r.paused]
        report.subscribers = len(records)
        if not records:
            return report
        # Here, not at the top: the subscription models (pydantic) are needed once there are subscribers,
        # and the service is built before the first run (issue 28).
        from pipewatch.domain.subscribers.records import DigestState
        from pipewatch.domain.subscribers.subscriptions import digest_due, local_digest_date

        due: list[tuple[Any, datetime, DigestState | None]] = []
        for record in records:
            state = self._table.get_digest_state(record.subscription_id)
            prefs = record.subscription.preferences
            if not digest_due(prefs, now, state.last_digest_date if state else None):
                continue
            # Never before the subscription became a digest one: what it was alerted as instant stays sent.
            became_digest = record.mode_since or record.created_at
            since = max(
                (state.last_digest_at - (WRITE_LAG if state.tracks_sent else timedelta(0)))
                if state
                else became_digest,
                became_digest,
                now - MAX_LOOKBACK,
            )
            due.append((record, since, state))
        report.due = len(due)
        if not due:
            return report
        # Here, not at the top: most hourly runs have no digest due and never render one (issue 28).
        from pipewatch.domain.render.chat import CHAT_DIGEST_PART_BYTES
        from pipewatch.domain.render.digest import DIGEST_PART_BYTES, build_digest, select

        updates: Sequence[Any] = self._store.updates_between(min(since for _, since, _ in due), now)
        catalysts = self._calendar.list() if self._calendar is not None else []
        states = self._store.source_states()
        first_seen = {u.update_id: u.first_seen for u in updates}
        for record, since, state in due:
            subscription = record.subscription
            digest_date = local_digest_date(subscription.preferences, now)
            already = state.sent if state else {}
            message = build_digest(
                subscription,
                [u for u in select(subscription, updates, since, now) if u.update_id not in already],
                digest_date=digest_date,
                since=since,
                until=now,
                link_base=self._link_base,
                catalysts=catalysts,
                links=self._links() if self._links else None,
                notices=self._notices(states, since, now),
                # chat messages are far smaller than an SNS message: more, smaller parts, each with its footer
                part_bytes=CHAT_DIGEST_PART_BYTES.get(subscription.protocol, DIGEST_PART_BYTES),
            )
            if message is None:
                report.empty.append(subscription.subscription_id)
                continue
            # Every part of a long digest (an SMS subscriber gets the SMS summary once: it covers them all).
            parts = 1 if subscription.protocol == "sms" else len(message.all_parts)
            try:
                published = {}
                for part in range(parts):
                    published = self._publisher.publish_once(message, part)
            except PublishInProgress:
                logger.info("digest being sent by an overlapping run: skipped", extra={"key": message.key})
                report.in_progress.append(subscription.subscription_id)
                continue
            except PublishError as exc:
                logger.warning("digest publish failed", extra={"key": message.key, "reason": exc.reason})
                report.failed.append({"subscription_id": subscription.subscription_id, "error": exc.reason})
                continue
            # Only after a successful publish; a retried run records the time the first publish covered.
            until = datetime.fromisoformat(published["until"])
            stored_ids = published.get("update_ids")
            sent_ids = stored_ids.split(",") if stored_ids else message.update_ids
            self._table.put_digest_state(
                subscription.subscription_id,
                DigestState(
                    last_digest_at=until,
                    last_digest_date=digest_date,
                    sent=_remembered(already, sent_ids, first_seen, until),
                    tracks_sent=True,
                ),
            )
            report.sent.append(
                {
                    "subscription_id": subscription.subscription_id,
                    "digest_date": digest_date,
                    "updates": len(message.update_ids),
                    "parts": parts,
                    "omitted": message.omitted,
                    "message_id": published["message_id"],
                }
            )
        if report.failed and raise_on_failure:
            raise DigestRunError(f"{len(report.failed)} digests not sent: {report.failed}")
        return report


def _remembered(
    before: dict[str, datetime], sent_ids: Sequence[str], first_seen: dict[str, datetime], until: datetime
) -> dict[str, datetime]:
    """The sent updates the next digest's overlap re-reads: first seen at or after `until - WRITE_LAG`
    (the newest MAX_REMEMBERED of them)."""
    start = until - WRITE_LAG
    sent = {uid: at for uid, at in before.items() if at >= start}
    sent.update({uid: first_seen[uid] for uid in sent_ids if uid in first_seen and first_seen[uid] >= start})
    newest = sorted(sent.items(), key=lambda kv: (kv[1], kv[0]))[-MAX_REMEMBERED:]
    return dict(newest)

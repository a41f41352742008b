"""What a reader does with a signed link: read an update's page, answer it, read a feed, subscribe a
calendar app to the catalyst calendar, unsubscribe; and follow an SMS short link to the update's page.

Every entry point verifies its token first (purpose, signature, expiry, key id) and answers a refusal page
otherwise; nothing is read for a refused token. A page never shows another subscriber's choices: a
per-subscriber token shows that subscriber's own feed, calendar and unsubscribe links, a topic-wide token
(an SNS alert every matching subscriber shares) shows none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from pipewatch.domain.catalysts.bounds import ICS_BUDGET_BYTES
from pipewatch.domain.catalysts.ics import entries_for, render_ics_within
from pipewatch.domain.models import Update
from pipewatch.domain.render.page import (
    SECURITY_HEADERS,
    Catalyst,
    PageLinks,
    message_page,
    render_update_page,
)
from pipewatch.domain.render.syndication import ATOM_TYPE, JSON_FEED_TYPE, atom_feed, json_feed
from pipewatch.domain.subscribers.feedback import FeedbackError, feedback_for
from pipewatch.domain.subscribers.links import (
    ANY_READER,
    LinkClaims,
    LinkError,
    LinkExpired,
    Purpose,
    SignedLinks,
)
from pipewatch.domain.subscribers.short_links import is_short_code
from pipewatch.observability import logger
from pipewatch.services.ports import (
    CatalystLister,
    CatalystSource,
    FeedbackStore,
    KeySource,
    ShortLinkReader,
    Subscriptions,
    UpdateReader,
)

HTML = "text/html; charset=utf-8"
ICALENDAR = "text/calendar; charset=utf-8"
RECENT_WINDOW = timedelta(days=30)
RECENT_LIMIT = 5
# Calendar apps poll on their own schedule (hours); the calendar changes with a poll or the daily check.
CALENDAR_HEADERS = {
    "Cache-Control": "private, max-age=3600",
    "Content-Disposition": 'attachment; filename="pipewatch-catalysts.ics"',
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

if TYPE_CHECKING:  # subscriptions are validated models (pydantic): loaded by the routes that read one
    from pipewatch.domain.subscribers.records import SubscriptionRecord
    from pipewatch.services.subscriptions import SubscriptionService


@dataclass(frozen=True)
class WebResponse:
    status: int
    content_type: str
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)


class SubscriptionLookup:
    """SubscriptionService as `Subscriptions` (a missing subscription is None, not an error). The service
    is built by the first route that reads a subscription: a topic-wide page, a feed or a short link never
    imports the subscription models (pydantic, ~55 ms at a cold start; issue 28)."""

    def __init__(self, service: Callable[[], SubscriptionService]) -> None:
        self._build = service
        self._service: SubscriptionService | None = None

    def _subscriptions(self) -> SubscriptionService:
        if self._service is None:
            self._service = self._build()
        return self._service

    def find(self, subscription_id: str) -> SubscriptionRecord | None:
        from pipewatch.services.subscriptions import SubscriptionNotFound

        try:
            return self._subscriptions().get(subscription_id)
        except SubscriptionNotFound:
            return None

    def unsubscribe(self, key: str) -> SubscriptionRecord:
        return self._subscriptions().unsubscribe(key)


class CalendarCatalysts:
    """The calendar as the page's CatalystSource: an agent's upcoming or due catalysts, soonest first."""

    def __init__(self, calendar: CatalystLister, *, limit: int = 5) -> None:
        self._calendar = calendar
        self._limit = limit

    def upcoming(self, agents: Sequence[str], today: date) -> list[Catalyst]:
        entries = [
            entry
            for agent in dict.fromkeys(agents)
            for entry in self._calendar.list(agent)
            if entry.state in ("upcoming", "due") and entry.window_end >= today
        ]
        entries.sort(key=lambda e: (e.window_start, e.catalyst_id))
        return [
            Catalyst(
                when=max(e.window_start, today),
                agent=e.agent,
                title=f"{e.title()} ({e.window.label()})",
                confirmed=e.precision == "day",
            )
            for e in entries[: self._limit]
        ]


def _html(status: int, body: str, headers: Mapping[str, str] | None = None) -> WebResponse:
    return WebResponse(status, HTML, body, {**SECURITY_HEADERS, **(headers or {})})


class ReaderService:
    def __init__(
        self,
        *,
        store: UpdateReader,
        feedback: FeedbackStore,
        subscriptions: Subscriptions,
        keys: KeySource,
        catalysts: CatalystSource | None = None,
        calendar: CatalystLister | None = None,
        short_links: ShortLinkReader | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._feedback = feedback
        self._subscriptions = subscriptions
        self._keys = keys
        self._catalysts = catalysts
        self._calendar = calendar
        self._short_links = short_links
        self._clock = clock

    def links(self, base_url: str = "") -> SignedLinks:
        return SignedLinks(self._keys.get(), base_url, clock=self._clock)

    def _verify(self, token: str, purpose: Purpose) -> tuple[SignedLinks, LinkClaims] | WebResponse:
        try:
            links = self.links()
            return links, links.verify(token, purpose)
        except LinkExpired:
            return _html(
                410,
                message_page(
                    "This link has expired",
                    "Links in pipewatch alerts expire. Open a newer alert, or ask for a new link.",
                ),
            )
        except (LinkError, LookupError) as exc:
            logger.info("link refused", extra={"purpose": purpose, "reason": str(exc)})
            return _html(403, message_page("This link is not valid", "It may have been altered or revoked."))

    # -- the page ----------------------------------------------------------------------------------------
    def page(self, token: str) -> WebResponse:
        verified = self._verify(token, "page")
        if isinstance(verified, WebResponse):
            return verified
        links, claims = verified
        sid, uid = claims.subscription_id, claims.update_id
        update = self._store.get_update(uid)
        if update is None:
            return _html(404, message_page("Update not found", "This update is no longer stored."))
        now = self._clock()
        recent = self._recent(update, now)
        feeds: dict[str, str] = {}
        unsubscribe = calendar = ""
        if sid != ANY_READER and self._subscriptions.find(sid) is not None:
            feeds = {fmt: links.sign("feed", sid, fmt=fmt) for fmt in ("atom", "json")}
            unsubscribe = links.sign("unsub", sid)
            calendar = links.sign("calendar", sid) if self._calendar else ""
        catalysts = (
            self._catalysts.upcoming(update.classification.agents, now.date()) if self._catalysts else []
        )
        body = render_update_page(
            update,
            links=PageLinks(
                feedback=links.feedback_token(sid, uid),
                page_for=lambda other: links.sign("page", sid, update_id=other),
                feeds=feeds,
                unsubscribe=unsubscribe,
                calendar=calendar,
            ),
            recent=recent,
            catalysts=catalysts,
            feedback_given=self._feedback.given(uid, sid),
        )
        return _html(200, body)

    def _recent(self, update: Update, now: datetime) -> list[Update]:
        agents = set(update.classification.agents)
        if not agents:
            return []
        candidates = self._store.updates_between(now - RECENT_WINDOW, now + timedelta(seconds=1))
        same = [
            u
            for u in candidates
            if u.update_id != update.update_id
            and u.classification.relevant
            and agents & set(u.classification.agents)
        ]
        return sorted(same, key=lambda u: (u.first_seen, u.update_id), reverse=True)[:RECENT_LIMIT]

    # -- SMS short links ---------------------------------------------------------------------------------
    def short(self, code: str, base_url: str) -> WebResponse:
        """302 to a freshly signed topic-wide page link of the code's update (the code stands for the
        shared page every SMS reader of the alert gets); 404 for a code not held, 410 once it expired."""
        link = self._short_links.get(code) if self._short_links and is_short_code(code) else None
        if link is None:
            return _html(404, message_page("Link not found", "This short link is not one of ours."))
        if link.expired(self._clock()):
            return _html(
                410,
                message_page(
                    "This link has expired",
                    "Links in pipewatch alerts expire. Open a newer alert, or ask for a new link.",
                ),
            )
        try:
            links = self.links(base_url)
        except LookupError:  # no signing key: no link was ever signed, so no code can be genuine
            return _html(404, message_page("Link not found", "This short link is not one of ours."))
        if not links.accepts_key(link.key_id):  # made with a key since rotated away or revoked
            return _html(403, message_page("This link is not valid", "It may have been altered or revoked."))
        location = links.update_url(ANY_READER, link.update_id)
        # SECURITY_HEADERS forbid caching: the page link it names is signed now, and expires.
        return WebResponse(302, HTML, "", {**SECURITY_HEADERS, "Location": location})

    # -- feedback ----------------------------------------------------------------------------------------
    def answer(self, token: str, label: str) -> WebResponse:
        verified = self._verify(token, "feedback")
        if isinstance(verified, WebResponse):
            return verified
        links, claims = verified
        sid, uid = claims.subscription_id, claims.update_id
        update = self._store.get_update(uid)
        if update is None:
            return _html(404, message_page("Update not found", "This update is no longer stored."))
        try:
            feedback = feedback_for(update, sid, label, self._clock())
        except FeedbackError as exc:
            return _html(400, message_page("Not recorded", str(exc)))
        stored = self._feedback.record(feedback)
        logger.info("feedback", extra={"update_id": uid, "label": feedback.label, "new": stored})
        # Back to the page (Post/Redirect/Get), which now thanks the reader.
        page_token = links.sign("page", sid, update_id=uid)
        return WebResponse(303, HTML, "", {**SECURITY_HEADERS, "Location": f"../u/{page_token}"})

    # -- feeds -------------------------------------------------------------------------------------------
    def feed(self, token: str, base_url: str) -> WebResponse:
        verified = self._verify(token, "feed")
        if isinstance(verified, WebResponse):
            return verified
        _, claims = verified
        sid, fmt = claims.subscription_id, claims.fmt
        record = self._subscriptions.find(sid)
        if record is None:
            return _html(410, message_page("Subscription ended", "This feed's subscription was removed."))
        from pipewatch.domain.subscribers.subscriptions import matches  # loaded with the record it filters by

        links = self.links(base_url)
        prefs = record.subscription.preferences
        now = self._clock()
        updates = [
            u
            for u in self._store.updates_between(now - RECENT_WINDOW, now + timedelta(seconds=1))
            if matches(prefs, u)
        ]
        feed_url = links.url("feed", token)
        title = "pipewatch: " + (", ".join(prefs.agents) or "all watched agents")
        page_url = lambda uid: links.update_url(sid, uid)  # noqa: E731 - a one-line adapter
        if fmt == "atom":
            body = atom_feed(title=title, feed_url=feed_url, updates=updates, page_url=page_url, now=now)
            return WebResponse(200, ATOM_TYPE, body, {"Cache-Control": "private, max-age=300"})
        body = json_feed(title=title, feed_url=feed_url, updates=updates, page_url=page_url)
        return WebResponse(200, JSON_FEED_TYPE, body, {"Cache-Control": "private, max-age=300"})

    # -- the catalyst calendar ---------------------------------------------------------------------------
    def calendar(self, token: str, base_url: str = "") -> WebResponse:
        """The catalyst calendar as an RFC 5545 feed a calendar app subscribes to: the entries the
        subscription's filter covers (`ics.entries_for`, as `pipewatch catalysts list --subscription`), in
        at most `ICS_BUDGET_BYTES` (open and nearest first; what is left out is said, with the subscriber's
        feed, where each catalyst's slip and overdue updates are listed)."""
        verified = self._verify(token, "calendar")
        if isinstance(verified, WebResponse):
            return verified
        _, claims = verified
        record = self._subscriptions.find(claims.subscription_id)
        if record is None:
            return _html(410, message_page("Subscription ended", "This calendar's subscription was removed."))
        if self._calendar is None:
            return _html(404, message_page("No catalyst calendar", "This site keeps no catalyst calendar."))
        prefs = record.subscription.preferences
        entries = entries_for(prefs, self._calendar.list())
        # No comma: calendar apps read X-WR-CALNAME raw or as TEXT, and a comma would be escaped.
        name = "pipewatch catalysts: " + (" + ".join(prefs.agents) or "all watched agents")
        more_link = self.links(base_url).feed_url(claims.subscription_id, "atom")
        body, omitted = render_ics_within(
            entries, name=name, now=self._clock(), budget=ICS_BUDGET_BYTES, more_link=more_link
        )
        if omitted:
            logger.warning("catalyst calendar cut to its budget", extra={"omitted": omitted})
        return WebResponse(200, ICALENDAR, body, CALENDAR_HEADERS)

    # -- unsubscribe -------------------------------------------------------------------------------------
    def unsubscribe_form(self, token: str) -> WebResponse:
        """GET shows one button (a POST): link scanners that open every URL must not unsubscribe anyone."""
        verified = self._verify(token, "unsub")
        if isinstance(verified, WebResponse):
            return verified
        return _html(
            200,
            message_page(
                "Unsubscribe from pipewatch?",
                "You will receive no more alerts or digests from this subscription.",
                form_action=token,
                button="Unsubscribe",
            ),
        )

    def unsubscribe(self, token: str) -> WebResponse:
        """POST (the button, or a mail client's RFC 8058 one-click List-Unsubscribe-Post)."""
        verified = self._verify(token, "unsub")
        if isinstance(verified, WebResponse):
            return verified
        _, claims = verified
        sid = claims.subscription_id
        if self._subscriptions.find(sid) is not None:
            self._subscriptions.unsubscribe(sid)
        return _html(200, message_page("Unsubscribed", "You will receive no more pipewatch alerts."))

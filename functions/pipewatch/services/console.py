"""The analyst's console (issue 24): one signed-in place to see, search, export and subscribe.

`ConsoleService.handle` answers one request (routes below, relative to the console's base path); the
handler (handlers/console.py) and the local console turn HTTP into a `ConsoleRequest` and back. Every route
but sign-in, the callback and the feed stylesheet needs a verified session (services/console_auth.py), and
every POST a valid CSRF token. Analysts see every update, source and catalyst; subscriptions are each
analyst's own (another's answers 403), admins see and change all.

GET  /updates /updates.csv /story/{id} /agent/{agent} /calendar /calendar.csv /sources /subscriptions
     /subscriptions/{id} /watchlist (admins) /feed.atom /feed.json /feed.xsl /signin /callback
POST /story/{id}/feedback /subscriptions /subscriptions/{id} /subscriptions/{id}/delete
     /subscriptions/{id}/pause /subscriptions/{id}/resume /signin /signout
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from pipewatch.domain.models import Update
from pipewatch.domain.render.page import page_headline
from pipewatch.observability import logger
from pipewatch.services import console_views as views
from pipewatch.services.console_auth import (
    Viewer,
    csrf_valid,
)
from pipewatch.services.console_calendar import CalendarPages
from pipewatch.services.console_http import (
    CSV,
    HTML,
    SESSION_COOKIE,
    ConsoleRequest,
    ConsoleResponse,
    signin_redirect,
)
from pipewatch.services.console_query import (
    EVENT_TYPES,
    SEVERITIES,
    QueryError,
    UpdateQuery,
    csv_chunks,
    select,
)
from pipewatch.services.console_signin import SignInPages
from pipewatch.services.console_subscriptions import SubscriptionPages
from pipewatch.services.console_watchlist import WatchlistPages
from pipewatch.services.console_web import Vocabulary

if TYPE_CHECKING:
    from pipewatch.domain.catalysts.calendar import CalendarEntry

# What only some pages use is imported by them, not with the console (issue 28): the feeds' syndication
# (feed.atom, feed.json) and the feedback labels (a story and its feedback).


class ConsoleService(CalendarPages, SubscriptionPages, WatchlistPages, SignInPages):
    # -- routing -----------------------------------------------------------------------------------------
    def handle(self, request: ConsoleRequest) -> ConsoleResponse:  # noqa: PLR0911 - one return per route
        parts = [p for p in request.path.split("/") if p]
        route = "/" + "/".join(parts)
        if route == "/feed.xsl":
            return self._stylesheet()
        if route == "/signin":
            return self._signin_form(request) if request.method == "GET" else self._password_signin(request)
        if route == "/callback":
            return self._callback(request)
        redirect = signin_redirect(request)
        if redirect is not None:
            return redirect
        viewer = self.viewer(request)
        if viewer is None:
            cleared = self._cookie(request, SESSION_COOKIE, "", 0)
            response = self._message(
                request, 401, "Please sign in", "Your session is not valid or has ended."
            )
            return ConsoleResponse(response.status, HTML, response.body, response.headers, (cleared,))
        if request.method == "POST":
            session = request.cookies.get(SESSION_COOKIE, "")
            if not csrf_valid(self._csrf_key(), session, request.form.get("csrf", "")):
                return self._message(
                    request, 403, "Refused", "This form is stale or was not sent by the console.", viewer
                )
            return self._post(request, viewer, parts)
        return self._get(request, viewer, parts)

    def _get(self, request: ConsoleRequest, viewer: Viewer, parts: list[str]) -> ConsoleResponse:  # noqa: PLR0911
        head, rest = (parts[0] if parts else "updates"), parts[1:]
        if head == "updates" and not rest:
            return self.updates(request, viewer)
        if head == "updates.csv":
            return self.updates_csv(request)
        if head in ("feed.atom", "feed.json"):
            return self.feed(request, head.split(".")[1])
        if head == "story" and len(rest) == 1:
            return self.story(request, viewer, rest[0])
        if head == "agent" and len(rest) == 1:
            return self.agent(request, viewer, rest[0])
        if head == "calendar":
            return self.calendar_page(request, viewer)
        if head == "calendar.csv":
            return self.calendar_csv()
        if head == "sources":
            return self._page(
                request,
                viewer,
                "sources.html",
                title="Sources",
                section="sources",
                states=sorted(self._sources.source_states(), key=lambda s: s.source_id),
                threshold=self._failing_after,
            )
        if head == "subscriptions" and not rest:
            return self.subscriptions_page(request, viewer)
        if head == "subscriptions" and len(rest) == 1:
            return self.subscription_page(request, viewer, rest[0])
        if head == "watchlist" and not rest:
            return self.watchlist_page(request, viewer)
        return self._message(request, 404, "Not found", "There is no such console page.", viewer)

    def _post(self, request: ConsoleRequest, viewer: Viewer, parts: list[str]) -> ConsoleResponse:  # noqa: PLR0911
        if parts == ["signout"]:
            return self.signout(request)
        if len(parts) == 3 and parts[0] == "story" and parts[2] == "feedback":
            return self.give_feedback(request, viewer, parts[1])
        if parts == ["subscriptions"]:
            return self.save_subscription(request, viewer, "")
        if len(parts) == 2 and parts[0] == "subscriptions":
            return self.save_subscription(request, viewer, parts[1])
        if len(parts) == 3 and parts[0] == "subscriptions" and parts[2] == "delete":
            return self.delete_subscription(request, viewer, parts[1])
        if len(parts) == 3 and parts[0] == "subscriptions" and parts[2] in ("pause", "resume"):
            return self.pause_subscription(request, viewer, parts[1], pause=parts[2] == "pause")
        return self._message(request, 404, "Not found", "There is no such console action.", viewer)

    # -- updates -----------------------------------------------------------------------------------------
    def _query(self, request: ConsoleRequest) -> UpdateQuery:
        return UpdateQuery.from_params(request.params, self._clock().date())

    def updates(self, request: ConsoleRequest, viewer: Viewer) -> ConsoleResponse:
        context: dict[str, Any] = {
            "agents": self._vocabulary.agents,
            "indications": self._vocabulary.indications,
            "sources": self._vocabulary.sources,
            "event_types": EVENT_TYPES,
            "severities": SEVERITIES,
            "section": "updates",
            "title": "Updates",
        }
        try:
            query = self._query(request)
            cursor = request.params.get("cursor", "")
            page = select(self._index, query, cursor=cursor)
        except QueryError as exc:
            empty = UpdateQuery.from_params({}, self._clock().date())
            return self._page(
                request,
                viewer,
                "updates.html",
                400,
                query=empty,
                query_string="",
                page=select(self._index, empty, limit=0),
                cursor="",
                error=str(exc),
                **context,
            )
        return self._page(
            request,
            viewer,
            "updates.html",
            query=query,
            query_string=urlencode(query.params()),
            page=page,
            cursor=cursor,
            **context,
        )

    def updates_csv(self, request: ConsoleRequest) -> ConsoleResponse:
        try:
            query = self._query(request)
        except QueryError as exc:
            return ConsoleResponse(
                400, "text/plain; charset=utf-8", str(exc), {"X-Content-Type-Options": "nosniff"}
            )
        headers = {
            "Content-Disposition": 'attachment; filename="pipewatch-updates.csv"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        }
        return ConsoleResponse(200, CSV, "", headers, chunks=csv_chunks(self._index, query))

    def feed(self, request: ConsoleRequest, fmt: str) -> ConsoleResponse:
        from pipewatch.domain.render.syndication import ATOM_TYPE, JSON_FEED_TYPE, atom_feed, json_feed

        try:
            query = self._query(request)
        except QueryError as exc:
            return ConsoleResponse(400, "text/plain; charset=utf-8", str(exc))
        page = select(self._index, query)
        url = f"{request.site}{request.base}/feed.{fmt}"
        story = lambda uid: f"{request.site}{request.base}/story/{uid}"  # noqa: E731
        if fmt == "atom":
            body = atom_feed(
                title="pipewatch console",
                feed_url=url,
                updates=page.updates,
                page_url=story,
                now=self._clock(),
            )
            stylesheet = f'<?xml-stylesheet type="text/xsl" href="{request.base}/feed.xsl"?>\n'
            body = (
                body.replace("?>\n", "?>\n" + stylesheet, 1)
                if body.startswith("<?xml")
                else stylesheet + body
            )
            return ConsoleResponse(
                200,
                ATOM_TYPE.replace("application/atom+xml", "application/xml"),
                body,
                {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
            )
        body = json_feed(title="pipewatch console", feed_url=url, updates=page.updates, page_url=story)
        return ConsoleResponse(
            200,
            JSON_FEED_TYPE,
            body,
            {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
        )

    def _stylesheet(self) -> ConsoleResponse:
        body = views.stylesheet_for_feeds()
        return ConsoleResponse(
            200,
            "text/xsl; charset=utf-8",
            body,
            {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    # -- story and agent ---------------------------------------------------------------------------------
    def _upcoming(self, agents: Sequence[str]) -> list[CalendarEntry]:
        today = self._clock().date()
        entries = [
            e
            for agent in dict.fromkeys(agents)
            for e in self._calendar.list(agent)
            if e.state in ("upcoming", "due") and e.window_end >= today
        ]
        return sorted(entries, key=lambda e: (e.window_start, e.catalyst_id))

    @staticmethod
    def _catalyst_rows(entries: Sequence[CalendarEntry], today: Any) -> list[dict[str, Any]]:
        return [
            {
                "when": max(e.window_start, today),
                "agent": e.agent,
                "title": f"{e.title()} ({e.window.label()})",
                "confirmed": e.precision == "day",
            }
            for e in entries
        ]

    def story(self, request: ConsoleRequest, viewer: Viewer, update_id: str) -> ConsoleResponse:
        from pipewatch.domain.subscribers.feedback import FEEDBACK_LABELS

        update = self._updates.get_update(update_id[:200])
        if update is None:
            return self._message(request, 404, "Update not found", "This update is not stored.", viewer)
        now = self._clock()
        recent: list[Update] = []
        for agent in update.classification.agents[:3]:
            page = select(
                self._index,
                UpdateQuery(agent=agent, since=(now - timedelta(days=90)).date(), until=now.date()),
                limit=6,
            )
            recent.extend(u for u in page.updates if u.update_id != update.update_id and u not in recent)
        recent.sort(key=lambda u: u.first_seen, reverse=True)
        given = self._feedback.given(update.update_id, f"console:{viewer.subject}")
        return self._page(
            request,
            viewer,
            "story.html",
            title=page_headline(update)[:120],
            section="updates",
            update=update,
            outlets=views.story_outlets(update),
            recent=recent[:5],
            catalysts=self._catalyst_rows(self._upcoming(update.classification.agents)[:5], now.date()),
            given=[FEEDBACK_LABELS.get(g, g).lower() for g in given],  # type: ignore[call-overload]
            feedback_labels=list(FEEDBACK_LABELS.items()),
        )

    def give_feedback(self, request: ConsoleRequest, viewer: Viewer, update_id: str) -> ConsoleResponse:
        from pipewatch.domain.subscribers.feedback import FeedbackError, feedback_for

        update = self._updates.get_update(update_id[:200])
        if update is None:
            return self._message(request, 404, "Update not found", "This update is not stored.", viewer)
        try:
            answer = feedback_for(
                update, f"console:{viewer.subject}", request.form.get("label", ""), self._clock()
            )
        except FeedbackError as exc:
            return self._message(request, 400, "Not recorded", str(exc), viewer)
        self._feedback.record(answer)
        logger.info("console feedback", extra={"update_id": update.update_id, "label": answer.label})
        return self._redirect(f"{request.base}/story/{update.update_id}")

    def agent(self, request: ConsoleRequest, viewer: Viewer, agent: str) -> ConsoleResponse:
        agent = agent.lower()[:100]
        if agent not in self._vocabulary.agents:
            return self._message(request, 404, "Not watched", "This agent is not on the watchlist.", viewer)
        now = self._clock()
        query = UpdateQuery(agent=agent, since=(now - timedelta(days=365)).date(), until=now.date())
        try:
            page = select(self._index, query, cursor=request.params.get("cursor", ""), limit=100)
        except QueryError as exc:
            return self._message(request, 400, "Damaged link", str(exc), viewer)
        catalysts = self._catalyst_rows(self._upcoming([agent]), now.date())
        chart = views.timeline(page.updates, [(c["when"], c["title"]) for c in catalysts], now.date())
        return self._page(
            request,
            viewer,
            "agent.html",
            title=agent,
            section="updates",
            agent=agent,
            page=page,
            catalysts=catalysts,
            chart=chart,
        )


__all__ = ["ConsoleRequest", "ConsoleResponse", "ConsoleService", "Vocabulary"]

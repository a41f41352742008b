"""The console's shared parts: the watchlist's vocabulary its forms offer, and `ConsoleBase` (the
collaborators every console page uses, and how a page, a refusal, a redirect and a cookie are made; the
request and the answer are in services/console_http.py). The pages are in services/console*.py;
`ConsoleService` (services/console.py) combines them."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pipewatch.observability import logger
from pipewatch.services import console_views as views
from pipewatch.services.console_auth import (
    TokenRefused,
    TokenVerifier,
    Viewer,
    csrf_token,
)
from pipewatch.services.console_http import (
    HTML,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    ConsoleRequest,
    ConsoleResponse,
    redirect,
)

if TYPE_CHECKING:  # annotations only: the ports are Protocols, the history a watchlist page's
    from pipewatch.services.config_admin import ConfigAdmin
    from pipewatch.services.ports import (
        CatalystLister,
        FeedbackLabels,
        IdentityProvider,
        KeySource,
        SourceHealth,
        UpdateIndex,
        UpdateLookup,
    )
    from pipewatch.services.subscriptions import SubscriptionService

SIGNIN_COOKIE = "pw_signin"
PREVIEW_DAYS = 30
SESSION_SECONDS = 3600
PROTOCOLS = ("email", "sms", "slack", "teams", "webhook")


@dataclass(frozen=True)
class Vocabulary:
    """The watchlist's ids and the source ids the filters offer."""

    agents: Sequence[str] = ()
    indications: Sequence[str] = ()
    sources: Sequence[str] = ()


@dataclass(frozen=True)
class WatchlistStatus:
    """What the admins' watchlist page shows: the version this console applies (a store version id,
    "packaged" or "override") and, with a config bucket, its history (`ConfigAdmin`, read-only here)."""

    version: str = "packaged"
    history: ConfigAdmin | None = None
    packaged_text: str = ""  # the packaged file: the first stored version's change is told against it


class ConsoleBase:
    def __init__(
        self,
        *,
        index: UpdateIndex,
        updates: UpdateLookup,
        calendar: CatalystLister,
        sources: SourceHealth,
        feedback: FeedbackLabels,
        subscriptions: SubscriptionService,
        keys: KeySource,
        verifier: TokenVerifier,
        identity: IdentityProvider,
        vocabulary: Vocabulary | Callable[[], Vocabulary],
        hosted_ui: bool = True,
        links: Callable[[str], Mapping[str, str]] | None = None,
        failing_after: int = 3,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        random_bytes: Callable[[int], bytes] = os.urandom,
        watchlist: WatchlistStatus | Callable[[], WatchlistStatus] | None = None,
    ) -> None:
        """`vocabulary` and `watchlist` may be given as functions, called by the first page that shows them:
        both read the watchlist (the vocabulary the sources too), so a page that offers no filter (a story,
        the calendar, source health, a feed, an export) never reads or validates the configuration."""
        self._index = index
        self._updates = updates
        self._calendar = calendar
        self._sources = sources
        self._feedback = feedback
        self._subscriptions = subscriptions
        self._keys = keys
        self._verifier = verifier
        self._identity = identity
        self._vocabulary_of = vocabulary if callable(vocabulary) else lambda: vocabulary
        self._hosted_ui = hosted_ui
        self._links = links
        self._failing_after = failing_after
        self._clock = clock
        self._random_bytes = random_bytes
        status = watchlist or WatchlistStatus()
        self._watchlist_of = status if callable(status) else lambda: status

    @cached_property
    def _vocabulary(self) -> Vocabulary:
        return self._vocabulary_of()

    @cached_property
    def _watchlist(self) -> WatchlistStatus:
        return self._watchlist_of()

    # -- plumbing ----------------------------------------------------------------------------------------
    def _csrf_key(self) -> bytes:
        return self._keys.get(create=True).current

    def _cookie(self, request: ConsoleRequest, name: str, value: str, max_age: int) -> str:
        path = request.base or "/"
        return f"{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; Secure; SameSite=Lax"

    def _page(
        self, request: ConsoleRequest, viewer: Viewer | None, template: str, status: int = 200, **context: Any
    ) -> ConsoleResponse:
        session = request.cookies.get(SESSION_COOKIE, "")
        body = views.render(
            template,
            base=request.base,
            viewer=viewer,
            csrf=csrf_token(self._csrf_key(), session) if viewer else context.pop("csrf", ""),
            message=context.pop("message", ""),
            error=context.pop("error", ""),
            section=context.pop("section", ""),
            **context,
        )
        return ConsoleResponse(status, HTML, body, SECURITY_HEADERS)

    def _message(
        self, request: ConsoleRequest, status: int, title: str, text: str, viewer: Viewer | None = None
    ) -> ConsoleResponse:
        return self._page(
            request, viewer, "message.html", status, title=title, text=text, link="", link_text=""
        )

    def _redirect(self, location: str, cookies: Sequence[str] = ()) -> ConsoleResponse:
        return redirect(location, cookies)

    def viewer(self, request: ConsoleRequest) -> Viewer | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token:
            return None
        try:
            return self._verifier.verify(token)
        except TokenRefused as exc:
            logger.info("console session refused", extra={"reason": str(exc)[:200]})
            return None

"""The admins' watchlist page: the version this console applies (the live configuration, as every function
reads it) and the stored versions' history, each with its time, who pushed it, their note and what it
changed. Read-only: pushing and rolling back stay with `pipewatch watchlist push | rollback`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipewatch.errors import ConfigError
from pipewatch.observability import logger
from pipewatch.services.console_auth import Viewer
from pipewatch.services.console_http import ConsoleRequest, ConsoleResponse
from pipewatch.services.console_web import ConsoleBase

if TYPE_CHECKING:
    from pipewatch.services.config_admin import HistoryEntry

WATCHLIST = "watchlist.yaml"
HISTORY_LIMIT = 20
HISTORY_UNAVAILABLE = (
    "The watchlist history is unavailable: its store did not answer. The version applied is shown; "
    "try again in a few minutes (the rest of the console works as usual)."
)


class WatchlistPages(ConsoleBase):
    def watchlist_page(self, request: ConsoleRequest, viewer: Viewer) -> ConsoleResponse:
        if not viewer.admin:
            return self._message(request, 403, "Admins only", "The watchlist page is for admins.", viewer)
        status = self._watchlist
        entries: list[HistoryEntry] = []
        if status.history is not None:
            try:
                entries = status.history.history(
                    WATCHLIST, limit=HISTORY_LIMIT, packaged=status.packaged_text
                )
            except ConfigError as exc:
                # The store did not answer (ConfigStoreUnavailable: an S3 error) or held what cannot be
                # read: this page says so, and the rest of the console, which never reads it, carries on.
                logger.warning(
                    "watchlist history unavailable",
                    extra={
                        "source": "config store",
                        "key": WATCHLIST,
                        "error": type(exc).__name__,
                        "reason": str(exc)[:300],
                    },
                )
                return self._watchlist_view(request, viewer, [], 503, unavailable=True)
        return self._watchlist_view(request, viewer, entries)

    def _watchlist_view(
        self,
        request: ConsoleRequest,
        viewer: Viewer,
        entries: list[HistoryEntry],
        status: int = 200,
        *,
        unavailable: bool = False,
    ) -> ConsoleResponse:
        return self._page(
            request,
            viewer,
            "watchlist.html",
            status,
            title="Watchlist",
            section="watchlist",
            version=self._watchlist.version,
            has_store=self._watchlist.history is not None,
            unavailable=unavailable,
            entries=entries,
            agents=self._vocabulary.agents,
            error=HISTORY_UNAVAILABLE if unavailable else "",
        )

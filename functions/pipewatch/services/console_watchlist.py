"""The admins' watchlist page: the version this console applies (the live configuration, as every function
reads it) and the stored versions' history, each with its time, who pushed it, their note and what it
changed. Read-only: pushing and rolling back stay with `pipewatch watchlist push | rollback`."""

from __future__ import annotations

from pipewatch.errors import ConfigError
from pipewatch.observability import logger
from pipewatch.services.config_admin import HistoryEntry
from pipewatch.services.console_auth import Viewer
from pipewatch.services.console_web import ConsoleBase, ConsoleRequest, ConsoleResponse

WATCHLIST = "watchlist.yaml"
HISTORY_LIMIT = 20


class WatchlistPages(ConsoleBase):
    def watchlist_page(self, request: ConsoleRequest, viewer: Viewer) -> ConsoleResponse:
        if not viewer.admin:
            return self._message(request, 403, "Admins only", "The watchlist page is for admins.", viewer)
        status = self._watchlist
        entries: list[HistoryEntry] = []
        error = ""
        if status.history is not None:
            try:
                entries = status.history.history(
                    WATCHLIST, limit=HISTORY_LIMIT, packaged=status.packaged_text
                )
            except ConfigError as exc:
                logger.warning("watchlist history unavailable", extra={"reason": str(exc)[:300]})
                error = "The watchlist history cannot be read right now; the version applied is shown."
        return self._page(
            request,
            viewer,
            "watchlist.html",
            title="Watchlist",
            section="watchlist",
            version=status.version,
            has_store=status.history is not None,
            entries=entries,
            agents=self._vocabulary.agents,
            error=error,
        )

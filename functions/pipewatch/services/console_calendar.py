"""The console's catalyst calendar (coming, due, slipped, overdue by month; CSV) and source health."""

from __future__ import annotations

from typing import Any

from pipewatch.services.console_auth import (
    Viewer,
)
from pipewatch.services.console_http import CSV, ConsoleRequest, ConsoleResponse
from pipewatch.services.console_web import ConsoleBase


class CalendarPages(ConsoleBase):
    # -- calendar and sources ----------------------------------------------------------------------------
    def _calendar_groups(self) -> list[tuple[str, list[tuple[str, list[dict[str, Any]]]]]]:
        """Open catalysts as coming / due / slipped / overdue, each by the month its window opens."""
        groups: dict[str, dict[str, list[dict[str, Any]]]] = {
            k: {} for k in ("coming", "due", "slipped", "overdue")
        }
        for entry in sorted(self._calendar.list(), key=lambda e: (e.window_start, e.catalyst_id)):
            if entry.state == "overdue":
                state = "overdue"
            elif entry.state not in ("upcoming", "due"):
                continue
            elif entry.previous_windows:
                state = "slipped"
            else:
                state = "coming" if entry.state == "upcoming" else "due"
            month = entry.window_start.strftime("%B %Y")
            groups[state].setdefault(month, []).append(
                {
                    "window": entry.window.label(),
                    "agent": entry.agent,
                    "title": entry.title(),
                    "url": entry.links[0] if entry.links else "",
                    "source": entry.source or "source",
                }
            )
        return [(state, list(months.items())) for state, months in groups.items()]

    def calendar_page(self, request: ConsoleRequest, viewer: Viewer) -> ConsoleResponse:
        return self._page(
            request,
            viewer,
            "calendar.html",
            title="Catalyst calendar",
            section="calendar",
            groups=self._calendar_groups(),
            ics_url="",
        )

    def calendar_csv(self) -> ConsoleResponse:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(
            ("state", "agent", "catalyst", "window_start", "window_end", "window", "previous_windows", "link")
        )
        for e in sorted(self._calendar.list(), key=lambda e: (e.window_start, e.catalyst_id)):
            writer.writerow(
                (
                    e.state,
                    e.agent,
                    e.title(),
                    e.window_start.isoformat(),
                    e.window_end.isoformat(),
                    e.window.label(),
                    " | ".join(e.previous_windows),
                    e.links[0] if e.links else "",
                )
            )
        headers = {
            "Content-Disposition": 'attachment; filename="pipewatch-catalysts.csv"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        }
        return ConsoleResponse(200, CSV, buffer.getvalue(), headers)

"""`pipewatch sources check`: each configured source polled once, from a fresh state (so validators and
cursors cannot hide a broken URL), politely (the fetcher's per-host pace, a short budget each), and one row
per source saying whether it works from this network and, when it does not, what to fix. Nothing is stored.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipewatch.domain.ingest.sources import SourceConfig, SourcesConfig
from pipewatch.domain.models import SourceState
from pipewatch.errors import SourceError
from pipewatch.services.ports import Fetcher, HttpResponse, SourcePoller, WatchlistLike

_HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")
_CONTENT_TYPE = re.compile(r"content-type ([^\s,;)]+)")  # as the fetcher names it in a refused body


@dataclass(frozen=True)
class CheckRow:
    """One source's answer: ``status`` is ok, failed or skipped; ``fix`` says what to do ("" when ok)."""

    source_id: str
    kind: str
    enabled: bool
    status: str
    http_status: int | None = None
    content_type: str = ""
    items: int = 0
    latest: datetime | None = None
    requests: int = 0
    fix: str = ""

    def cells(self) -> list[str]:
        return [
            self.source_id,
            self.kind,
            "yes" if self.enabled else "no",
            self.status,
            str(self.http_status or "-"),
            self.content_type or "-",
            str(self.items),
            self.latest.date().isoformat() if self.latest else "-",
            self.fix or "-",
        ]


HEADERS = ["source", "kind", "enabled", "status", "http", "content type", "items", "latest", "what to fix"]


class _RecordingFetcher:
    """The real fetcher, remembering the last answer's status and content type (for the table)."""

    def __init__(self, inner: Fetcher) -> None:
        self._inner = inner
        self.contact = inner.contact
        self.last: HttpResponse | None = None

    def __getattr__(self, name: str) -> Any:  # project_url and the like, read by some pollers
        return getattr(self._inner, name)

    def get(self, url: str, **kwargs: Any) -> HttpResponse:
        response = self._inner.get(url, **kwargs)
        self.last = response
        return response


# (HTTP statuses, words in the reason, advice): the first rule that matches a failure says what to fix.
_ADVICE: tuple[tuple[frozenset[int], tuple[str, ...], str], ...] = (
    (
        frozenset(),
        ("html page", "challenge"),
        "an HTML page, not the feed: a challenge (bot protection) or an error page; open it in a browser",
    ),
    (
        frozenset({301, 302, 307, 308, 404, 410}),
        (),
        "URL moved or gone: find the current URL in the source's documentation",
    ),
    (
        frozenset({401, 403}),
        (),
        "refused: an API key, a contact in the User-Agent or the source's terms may be required",
    ),
    (frozenset({429}), (), "rate limited: raise hosts.<host>.min_interval_s, or add the source's API key"),
    (frozenset({500, 502, 503, 504}), (), "the source is failing: try again later"),
    (frozenset({400}), (), "the query was refused: check the source's settings against its API"),
    (
        frozenset(),
        ("timed out", "connection failed", "deadline"),
        "unreachable from this network (DNS, firewall, proxy) or too slow",
    ),
    (
        frozenset(),
        ("not json", "not xml", "not a", "expected", "not an"),
        "answers, but not in the expected format: the URL may point at another page",
    ),
    (frozenset(), ("contact", "user-agent"), "set the contact the source requires (see sources.yaml)"),
    (frozenset(), (" query: ", " needs "), "nothing to ask: check the source's settings in sources.yaml"),
    (
        frozenset(),
        ("terms_acknowledged", "non-commercial", "terms of"),
        "the source's terms must be acknowledged in sources.yaml first",
    ),
)


def advice(error: str) -> str:
    """What an operator should do about a failure, from the fetcher's or parser's one-line reason."""
    lowered = error.lower()
    status = _HTTP_STATUS.search(error)
    code = int(status.group(1)) if status else 0
    for codes, words, text in _ADVICE:
        if code in codes or any(word in lowered for word in words):
            return text
    return "see the error: " + error[:120]


def _failed_content_type(reason: str, last: HttpResponse | None) -> str:
    named = _CONTENT_TYPE.search(reason)
    if named:
        return named.group(1)
    return (last.headers.get("content-type", "") if last else "").split(";")[0]


class SourcesCheck:
    def __init__(
        self,
        *,
        sources: SourcesConfig,
        fetcher: Fetcher,
        source_poller: SourcePoller,
        watchlist: WatchlistLike | None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sources = sources
        self._fetcher = fetcher
        self._poll = source_poller
        self._watchlist = watchlist
        self._environ = dict(environ or {})
        self._clock = clock
        self._monotonic = monotonic

    def selected(
        self, source_ids: Iterable[str] = (), *, include_disabled: bool = False
    ) -> list[SourceConfig]:
        """The named sources (KeyError names unknown ids), else the enabled ones (all: include_disabled)."""
        wanted = set(source_ids)
        unknown = wanted - {s.id for s in self._sources.sources}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        return [
            s
            for s in self._sources.sources
            if (s.id in wanted if wanted else (s.enabled or include_disabled))
        ]

    def check(self, source: SourceConfig, *, budget_seconds: float = 30.0) -> CheckRow:
        fetcher = _RecordingFetcher(self._fetcher)
        try:
            result = self._poll(
                source,
                SourceState(source_id=source.id),
                fetcher,
                self._watchlist,
                now=self._clock(),
                deadline=self._monotonic() + budget_seconds,
                environ=self._environ,
            )
        except SourceError as exc:
            status = _HTTP_STATUS.search(str(exc))
            last = fetcher.last
            return CheckRow(
                source.id,
                source.kind,
                source.enabled,
                status="failed",
                http_status=int(status.group(1)) if status else (last.status if last else None),
                content_type=_failed_content_type(exc.reason, last),
                fix=advice(exc.reason),
            )
        last = fetcher.last
        dates = [item.published for item in result.items if item.published]
        return CheckRow(
            source.id,
            source.kind,
            source.enabled,
            status="ok",
            http_status=last.status if last else None,
            content_type=(last.headers.get("content-type", "") if last else "").split(";")[0],
            items=len(result.items),
            latest=max(dates) if dates else None,
            requests=result.requests,
            fix="" if result.items else "answers, but nothing parsed: check the query, window or URL",
        )

    def run(
        self, source_ids: Iterable[str] = (), *, include_disabled: bool = False, budget_seconds: float = 30.0
    ) -> list[CheckRow]:
        return [
            self.check(source, budget_seconds=budget_seconds)
            for source in self.selected(source_ids, include_disabled=include_disabled)
        ]


def render_table(rows: list[CheckRow]) -> str:
    """A plain-text table, one line per source (columns padded; the last column unpadded)."""
    table = [HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS) - 1)]
    lines = []
    for line in table:
        padded = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        lines.append("  ".join([*padded, line[-1]]).rstrip())
    return "\n".join(lines)

"""The sources check use case with a fake poller (no HTTP): which sources are checked, the row of a success
and of a failure, and the advice for each kind of failure reason the fetcher gives."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourceConfig, SourcesConfig
from pipewatch.domain.models import FetchedItem, SourceState
from pipewatch.errors import SourceError
from pipewatch.services.sources_check import SourcesCheck, advice, render_table

CONFIG = SourcesConfig.model_validate(
    {
        "sources": [
            {"id": "good", "kind": "rss", "url": "https://example.com/a.xml"},
            {"id": "bad", "kind": "rss", "url": "https://example.com/b.xml"},
            {"id": "off", "kind": "rss", "url": "https://example.com/c.xml", "enabled": False},
        ]
    }
)


class NoFetcher:
    contact = ""

    def get(self, url: str, **kwargs: Any) -> Any:
        raise AssertionError("the fake poller makes no request")


def fake_poller(
    config: SourceConfig,
    state: SourceState,
    fetcher: Any,
    watchlist: Any,
    *,
    now: datetime,
    deadline: float,
    environ: Mapping[str, str] | None = None,
) -> SourceResult:
    assert state == SourceState(source_id=config.id)  # always a fresh state: no validators, no cursor
    if config.id == "bad":
        raise SourceError("bad", "example.com: HTTP 403: Forbidden", retryable=False)
    published = [datetime(2026, 1, day, tzinfo=UTC) for day in (3, 9)]
    items = [FetchedItem(source_id=config.id, title=f"t{d}", published=d) for d in published]
    return SourceResult(items=items, new_state=state, requests=1)


def _check() -> SourcesCheck:
    return SourcesCheck(sources=CONFIG, fetcher=NoFetcher(), source_poller=fake_poller, watchlist=None)


def test_enabled_sources_by_default_all_with_include_disabled_and_named_ones_alone() -> None:
    check = _check()
    assert [s.id for s in check.selected()] == ["good", "bad"]
    assert [s.id for s in check.selected(include_disabled=True)] == ["good", "bad", "off"]
    assert [s.id for s in check.selected(["off"])] == ["off"]
    with pytest.raises(KeyError, match="nope"):
        check.selected(["nope"])


def test_rows_say_items_latest_date_and_what_to_fix() -> None:
    good, bad = _check().run()
    assert (good.status, good.items, good.latest, good.fix) == ("ok", 2, datetime(2026, 1, 9, tzinfo=UTC), "")
    assert (bad.status, bad.http_status, bad.items) == ("failed", 403, 0)
    assert bad.fix.startswith("refused: an API key")
    table = render_table([good, bad]).splitlines()
    assert table[0].startswith("source") and table[1].split()[:4] == ["good", "rss", "yes", "ok"]
    assert table[2].split()[3:5] == ["failed", "403"]


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (
            "www.ema.europa.eu: an HTML page (content-type text/html), not XML: challenge or error page?",
            "challenge",
        ),
        ("host: HTTP 404: Not Found", "URL moved or gone"),
        ("host: HTTP 301", "URL moved or gone"),
        ("host: HTTP 429 (gave up after 4 attempts)", "rate limited"),
        ("host: HTTP 503 (gave up after 4 attempts)", "failing"),
        ("host: timed out (ReadTimeoutError) (gave up after 1 attempts)", "unreachable"),
        ("esearch: not JSON (Expecting value; starts ['x'])", "not in the expected format"),
        ("no PubMed query: no watchlist terms and no pubmed.term", "check the source's settings"),
        ("something new", "see the error: something new"),
    ],
)
def test_advice_for_each_kind_of_failure(reason: str, expected: str) -> None:
    assert expected in advice(reason)

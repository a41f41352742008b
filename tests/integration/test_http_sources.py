"""HttpFetcher and poll_source against a real local HTTP server replaying recorded payloads.

Retry and politeness waits go through an injected ``sleep`` that records instead of sleeping; only the
timeout test really waits (well under a second)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from pipewatch.adapters.http import HttpFetcher
from pipewatch.adapters.sources import SourceResult, poll_source
from pipewatch.domain.ingest.sources import FeedSource, SourceConfig, parse_source_config
from pipewatch.domain.models import SourceState
from pipewatch.errors import SourceError
from pipewatch_local.replay_server import ReplayServer, Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
JSON = {"Content-Type": "application/json"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
CHALLENGE = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking</body></html>"
Read = Callable[[str], bytes]


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_fetcher(sleeps: Sleeps, **kwargs: Any) -> HttpFetcher:
    options: dict[str, Any] = {
        "contact": "ci-team@example.org",
        "project_url": "https://example.org/pipewatch",
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "default_interval": 0.0,
        "backoff_base": 0.5,
        "sleep": sleeps,
        "wall_clock": lambda: NOW,
    }
    options.update(kwargs)
    return HttpFetcher(**options)


def rss_source(url: str, source_id: str = "press") -> SourceConfig:
    return FeedSource(id=source_id, kind="rss", url=url, doc_type="press_release")


def deadline(seconds: float = 30.0) -> float:
    return time.monotonic() + seconds


def poll(
    config: SourceConfig, fetcher: HttpFetcher, state: SourceState | None = None, **kw: Any
) -> SourceResult:
    return poll_source(
        config,
        state or SourceState(source_id=config.id),
        fetcher,
        kw.pop("watchlist", None),
        now=NOW,
        deadline=kw.pop("deadline", deadline()),
        environ=kw.pop("environ", {}),
    )


# -- conditional GET ----------------------------------------------------------------------------------------


def test_etag_and_last_modified_then_304(server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps) -> None:
    feed = fixture_bytes("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml")
    validators = {"ETag": '"v1"', "Last-Modified": "Fri, 24 Jan 2025 21:00:00 GMT"}
    server.route(
        "/feed.xml",
        Reply(304, when=lambda h: h.get("if-none-match") == '"v1"'),
        Reply(200, feed, {**RSS, **validators}),
    )
    fetcher = make_fetcher(sleeps)
    config = rss_source(server.url("/feed.xml"))
    state = SourceState(source_id="press")
    first = poll(config, fetcher, state)
    assert len(first.items) == 25 and not first.not_modified and first.requests == 1
    assert first.new_state.etag == '"v1"' and first.new_state.last_modified == validators["Last-Modified"]
    assert first.new_state.last_success == NOW and first.new_state.consecutive_failures == 0
    assert state == SourceState(source_id="press")  # the caller's state is never mutated

    second = poll(config, fetcher, first.new_state)
    assert second.not_modified and second.items == []
    sent = server.hits("/feed.xml")[-1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == validators["Last-Modified"]
    assert second.new_state.etag == '"v1"'


def test_user_agent_names_the_project_and_contact(
    server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps
) -> None:
    server.route(
        "/feed.xml", Reply(200, fixture_bytes("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml"), RSS)
    )
    poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps))
    agent = server.hits("/feed.xml")[0].headers["user-agent"]
    assert (
        agent.startswith("pipewatch/")
        and "+https://example.org/pipewatch" in agent
        and "ci-team@example.org" in agent
    )


# -- retries, backoff, deadline -----


def test_429_retry_after_seconds_is_honoured(
    server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps
) -> None:
    feed = fixture_bytes("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml")
    server.route("/feed.xml", Reply(429, b"slow down", {"Retry-After": "7"}), Reply(200, feed, RSS))
    result = poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps))
    assert len(result.items) == 25
    assert sleeps == [7.0] and len(server.hits("/feed.xml")) == 2


def test_429_retry_after_http_date(server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps) -> None:
    when = format_datetime(NOW + timedelta(seconds=12), usegmt=True)
    feed = fixture_bytes("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml")
    server.route("/feed.xml", Reply(429, b"", {"Retry-After": when}), Reply(200, feed, RSS))
    poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps))
    assert sleeps == [12.0]


def test_500_then_success_backs_off_exponentially(
    server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps
) -> None:
    feed = fixture_bytes("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml")
    server.route("/feed.xml", Reply(500, b"oops"), Reply(503, b"busy"), Reply(200, feed, RSS))
    result = poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps))
    assert len(result.items) == 25 and sleeps == [0.5, 1.0] and result.requests == 1


def test_persistent_500_gives_up_retryable(server: ReplayServer, sleeps: Sleeps) -> None:
    server.route("/feed.xml", Reply(500, b"down"))
    with pytest.raises(SourceError) as err:
        poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps, max_retries=2))
    assert err.value.retryable and "HTTP 500" in err.value.reason and "3 attempts" in err.value.reason
    assert len(server.hits("/feed.xml")) == 3


def test_no_retry_sleep_past_the_deadline(server: ReplayServer, sleeps: Sleeps) -> None:
    server.route("/feed.xml", Reply(429, b"", {"Retry-After": "120"}))
    with pytest.raises(SourceError, match="would pass the poll deadline"):
        poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps), deadline=deadline(5))
    assert sleeps == [] and len(server.hits("/feed.xml")) == 1


def test_passed_deadline_sends_nothing(server: ReplayServer, sleeps: Sleeps) -> None:
    server.route("/feed.xml", Reply(200, b"<rss/>", RSS))
    with pytest.raises(SourceError, match="deadline"):
        poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps), deadline=time.monotonic() - 1)
    assert server.hits("/feed.xml") == []


def test_client_4xx_is_not_retried(server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps) -> None:
    body = fixture_bytes("ctgov/v2_error_400_search_filter-ids_ABC123_2026-08-20_hkm30.txt")
    server.route("/feed.xml", Reply(400, body, {"Content-Type": "text/plain; charset=UTF-8"}))
    with pytest.raises(SourceError) as err:
        poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps))
    assert not err.value.retryable and "HTTP 400" in err.value.reason and "filter.ids" in err.value.reason
    assert len(server.hits("/feed.xml")) == 1 and sleeps == []


def test_read_timeout(server: ReplayServer, sleeps: Sleeps) -> None:
    server.route("/slow.xml", Reply(200, b"<rss/>", RSS, delay=0.5))
    started = time.monotonic()
    with pytest.raises(SourceError, match="timed out"):
        poll(rss_source(server.url("/slow.xml")), make_fetcher(sleeps, read_timeout=0.15, max_retries=1))
    assert time.monotonic() - started < 1.5
    assert len(sleeps) == 1  # one backoff between the two attempts


# -- what the body is -----


def test_oversized_body_declared(server: ReplayServer, sleeps: Sleeps) -> None:
    server.route("/big.xml", Reply(200, b"<rss>" + b" " * 10_000 + b"</rss>", RSS))
    with pytest.raises(SourceError, match="body larger than 2048 bytes"):
        poll(rss_source(server.url("/big.xml")), make_fetcher(sleeps, max_bytes=2048))


def test_oversized_body_streamed_without_length(server: ReplayServer, sleeps: Sleeps) -> None:
    server.route("/big.xml", Reply(200, b"<rss>" + b" " * 200_000 + b"</rss>", RSS, send_length=False))
    with pytest.raises(SourceError, match="body larger than 4096 bytes"):
        poll(rss_source(server.url("/big.xml")), make_fetcher(sleeps, max_bytes=4096))


def test_html_challenge_with_200_is_a_failure_not_an_empty_feed(server: ReplayServer, sleeps: Sleeps) -> None:
    server.route("/feed.xml", Reply(200, CHALLENGE, HTML))
    with pytest.raises(SourceError, match="HTML page"):
        poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps))
    server.route(
        "/api/v2/version", Reply(200, CHALLENGE, {"Content-Type": "application/json"})
    )  # lies about type
    ctgov = parse_source_config(
        {"id": "ctgov", "kind": "ctgov", "ctgov": {"base_url": server.url("/api/v2"), "extra_terms": ["x"]}}
    )
    with pytest.raises(SourceError, match="HTML page"):
        poll(ctgov, make_fetcher(sleeps))


def test_empty_200_is_a_failure(server: ReplayServer, sleeps: Sleeps) -> None:
    server.route("/feed.xml", Reply(200, b"", RSS))
    with pytest.raises(SourceError, match="empty body"):
        poll(rss_source(server.url("/feed.xml")), make_fetcher(sleeps))


def test_per_host_minimum_interval(server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps) -> None:
    feed = fixture_bytes("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml")
    server.route("/feed.xml", Reply(200, feed, RSS))
    fetcher = make_fetcher(sleeps, host_intervals={"127.0.0.1": 5.0})
    config = rss_source(server.url("/feed.xml"))
    poll(config, fetcher)
    poll(config, fetcher)
    assert len(sleeps) == 1 and 4.0 < sleeps[0] <= 5.0


# -- whole sources -----


class FakeAgent:
    def __init__(self, agent_id: str, terms: list[str]) -> None:
        self.id = agent_id
        self._terms = terms

    def search_terms(self) -> list[str]:
        return self._terms


class FakeWatchlist:
    agents = (
        FakeAgent("efgartigimod", ["efgartigimod", "ARGX-113"]),
        FakeAgent("dazukibart", ["PF-06823859"]),
    )

    def watched_trials(self) -> list[tuple[str, str, str]]:
        return [("NCT05523167", "efgartigimod", "ALKIVIA")]


def test_ctgov_version_gate_and_paging(server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps) -> None:
    page1 = fixture_bytes("ctgov/v2_search_phelan-mcdermid_pageSize5_page1_2026-08-11_biomcp.json")
    page2 = fixture_bytes("ctgov/v2_search_phelan-mcdermid_pageSize5_page2_2026-08-11_biomcp.json")
    empty = fixture_bytes("ctgov/v2_search_empty_filter-ids_NCT99999999_2026-08-20_hkm30.json")
    token = "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4dnDeTsPkw"
    server.route("/api/v2/version", Reply(200, fixture_bytes("ctgov/v2_version_2026-08-20_hkm30.json"), JSON))
    served: list[str] = []

    def studies(query: str, _headers: dict[str, str]) -> Reply:
        served.append(query)
        if "filter.ids" in query:
            return Reply(200, empty, JSON)
        return Reply(200, page2 if f"pageToken={token}" in query else page1, JSON)

    server.handle("/api/v2/studies", studies)  # page 1, then (with its nextPageToken) page 2
    config = parse_source_config(
        {
            "id": "ctgov",
            "kind": "ctgov",
            "doc_type": "registry",
            "source_class": "registry",
            "ctgov": {"base_url": server.url("/api/v2"), "max_pages": 2, "page_size": 5},
        }
    )
    first = poll(config, make_fetcher(sleeps), watchlist=FakeWatchlist())
    assert len(first.studies) == 10 and len(first.items) == 10
    assert first.new_state.cursor["data_timestamp"] == "2026-08-19T09:00:06"
    assert first.requests == 1 + 2 + 1  # version, two pages of the alias search, one NCT-id search
    assert any("query.intr=efgartigimod+OR+ARGX-113+OR+PF-06823859" in q for q in served)
    assert any("filter.ids=NCT05523167" in q for q in served)
    assert all("fields=protocolSection" in q for q in served) and not any("filter.phase" in q for q in served)
    assert first.notes and "stopped after 2 pages" in first.notes[0]

    second = poll(config, make_fetcher(sleeps), first.new_state, watchlist=FakeWatchlist())
    assert second.not_modified and second.requests == 1 and second.studies == []


def test_pubmed_esearch_then_esummary(server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps) -> None:
    server.route(
        "/eutils/esearch.fcgi",
        Reply(200, fixture_bytes("pubmed/esearch_uid_31452104_found_2026-08-20_hkm30.json"), JSON),
    )
    server.route(
        "/eutils/esummary.fcgi",
        Reply(200, fixture_bytes("pubmed/esummary_31452104_found_2026-08-20_hkm30.json"), JSON),
    )
    config = parse_source_config(
        {
            "id": "pubmed",
            "kind": "pubmed",
            "doc_type": "publication",
            "pubmed": {"base_url": server.url("/eutils")},
        }
    )
    env = {"NCBI_API_KEY": "secret-key", "PIPEWATCH_CONTACT_EMAIL": "ci@example.org"}
    first = poll(config, make_fetcher(sleeps), watchlist=FakeWatchlist(), environ=env)
    [item] = first.items
    assert item.guid == "pmid:31452104" and item.doc_type == "publication"
    search = server.hits("/eutils/esearch.fcgi")[0].query
    assert (
        "tool=pipewatch" in search and "email=ci%40example.org" in search and "api_key=secret-key" in search
    )
    assert "ARGX-113" in search
    assert "id=31452104" in server.hits("/eutils/esummary.fcgi")[0].query
    second = poll(config, make_fetcher(sleeps), first.new_state, watchlist=FakeWatchlist(), environ=env)
    assert second.not_modified and second.requests == 1  # same ids: no esummary


def test_edgar_with_contact(server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps) -> None:
    atom = fixture_bytes("edgar/company_atom_keen-vision_8K_2025-01-25_edgarkit.xml")
    server.route("/cgi-bin/browse-edgar", Reply(200, atom, {"Content-Type": "application/atom+xml"}))
    config = parse_source_config(
        {
            "id": "edgar-x",
            "kind": "edgar",
            "doc_type": "filing",
            "edgar": {"base_url": server.url("/cgi-bin/browse-edgar"), "cik": "1889983", "forms": ["8-K"]},
        }
    )
    fetcher = make_fetcher(sleeps, contact="")
    result = poll(config, fetcher, environ={"PIPEWATCH_EDGAR_CONTACT": "Pipewatch CI ci@example.org"})
    assert len(result.items) == 11 and {i.extra["form"] for i in result.items} == {"8-K"}
    hit = server.hits("/cgi-bin/browse-edgar")[0]
    assert "ci@example.org" in hit.headers["user-agent"]
    assert "CIK=0001889983" in hit.query and "type=8-K" in hit.query and "output=atom" in hit.query
    with pytest.raises(SourceError) as err:
        poll(config, fetcher, environ={})
    assert not err.value.retryable and len(server.hits("/cgi-bin/browse-edgar")) == 1


def test_one_failing_source_does_not_stop_the_others(
    server: ReplayServer, fixture_bytes: Read, sleeps: Sleeps
) -> None:
    server.route(
        "/fda.xml", Reply(200, fixture_bytes("rss/sec_press_releases_rss_2025-01-24_edgarkit.xml"), RSS)
    )
    server.route("/broken.xml", Reply(500, b"down"))
    server.route("/challenge.xml", Reply(200, CHALLENGE, HTML))
    gn = "google_news/search_rss_q-bears-ears-monument_en-US_2026-07-14_monument-watch.xml"
    server.route("/news.xml", Reply(200, fixture_bytes(gn), RSS))
    fetcher = make_fetcher(sleeps, max_retries=1)
    sources = [
        rss_source(server.url("/fda.xml"), "fda-press"),
        rss_source(server.url("/broken.xml"), "broken"),
        rss_source(server.url("/challenge.xml"), "challenge"),
        rss_source(server.url("/news.xml"), "news"),
    ]
    results: dict[str, int] = {}
    failures: dict[str, str] = {}
    budget = deadline(20)
    for config in sources:  # what the poll service does: record the failure and carry on
        try:
            results[config.id] = len(poll(config, fetcher, deadline=budget).items)
        except SourceError as exc:
            failures[exc.source_id] = exc.reason
    assert results == {"fda-press": 25, "news": 92}
    assert set(failures) == {"broken", "challenge"}
    assert "HTTP 500" in failures["broken"] and "HTML page" in failures["challenge"]

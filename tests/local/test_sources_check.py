"""`pipewatch sources check` against a local replay server on 127.0.0.1 (never the network): each configured
source fetched once, one table row each with status, HTTP status, content type, items, latest date and what
to fix. The bodies served are the recorded fixtures, and hand-made failures (an HTML challenge page, a 404,
a 429) built here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipewatch.cli import main
from pipewatch_local.replay_server import ReplayServer, Reply, Route

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CHALLENGE = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>checking</body></html>"


def _sources(base: str) -> str:
    return json.dumps(
        {
            "version": 1,
            "http": {"max_retries": 0, "backoff_base_s": 0, "backoff_cap_s": 0},
            "hosts": {"127.0.0.1": {"min_interval_s": 0}},
            "sources": [
                {
                    "id": "openfda",
                    "kind": "openfda",
                    "openfda": {
                        "base_url": f"{base}/openfda/drugsfda.json",
                        "application_numbers": ["NDA021588"],
                        "use_watchlist": False,
                    },
                },
                {
                    "id": "fr",
                    "kind": "federal-register",
                    "federal_register": {"base_url": f"{base}/fr/documents.json", "use_watchlist": False},
                },
                {
                    "id": "epmc",
                    "kind": "europepmc",
                    "europepmc": {"base_url": f"{base}/epmc/search", "query": "x", "use_watchlist": False},
                },
                {
                    "id": "ctis",
                    "kind": "ctis",
                    "enabled": False,
                    "ctis": {"base_url": f"{base}/ctis", "ct_numbers": ["2025-523333-26-00"]},
                },
                {"id": "busy-feed", "kind": "rss", "url": f"{base}/feed.xml"},
            ],
        }
    )


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    with ReplayServer() as replay:
        replay.routes["/openfda/drugsfda.json"] = Route.file(
            FIXTURES / "openfda/drugsfda_imatinib_NDA021588_reduced_2026-08-11_biomcp.json",
            "application/json",
        )
        replay.routes["/fr/documents.json"] = Route(CHALLENGE, "text/html; charset=utf-8")
        replay.routes["/ctis/retrieve/2025-523333-26-00"] = Route.file(
            FIXTURES / "ctis/retrieve_2025-523333-26-00_argenx-graves_reduced_2026-08_ctcm.json",
            "application/json",
        )
        replay.route("/feed.xml", Reply(429, b"slow down", {"Retry-After": "0"}))
        # /epmc/search is not served: the replay server answers 404
        monkeypatch.setenv("PIPEWATCH_SOURCES", _sources(replay.base_url))
        yield replay


def test_check_prints_one_row_per_enabled_source_with_what_to_fix(
    server: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "check"]) == 1  # a source failed
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["source", "kind", "enabled", "status"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"openfda", "fr", "epmc", "busy-feed"}  # ctis is disabled
    assert rows["openfda"].split()[3:8] == ["ok", "200", "application/json", "1", "2003-04-18"]
    assert rows["fr"].split()[3:6] == ["failed", "-", "text/html"] and "challenge" in rows["fr"]
    assert "404" in rows["epmc"] and "URL moved or gone" in rows["epmc"]
    assert "429" in rows["busy-feed"] and "rate limited" in rows["busy-feed"]
    assert len(server.hits("/openfda/drugsfda.json")) == 1 and len(server.hits("/fr/documents.json")) == 1


def test_check_all_as_json_includes_disabled_sources(
    server: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "check", "--all", "--source", "ctis", "--json"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["source"] == "ctis" and row["enabled"] == "no" and row["status"] == "ok"
    assert row["items"] == "1" and row["latest"] == "2026-08-07" and row["requests"] == 1


def test_check_an_unknown_source_is_one_line_and_exit_1(
    server: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "check", "--source", "nope"]) == 1
    assert capsys.readouterr().err.strip() == "pipewatch sources: no such source: nope"


def test_openfda_rate_limit_is_honoured_then_the_poll_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """openFDA's 429 (hand-made here) is retried after its Retry-After, through the shared fetcher."""
    body = (FIXTURES / "openfda/drugsfda_imatinib_NDA021588_reduced_2026-08-11_biomcp.json").read_bytes()
    with ReplayServer() as replay:
        replay.route(
            "/openfda/drugsfda.json",
            Reply(429, b'{"error": {"code": "OVER_RATE_LIMIT"}}', {"Retry-After": "0"}),
            Reply(200, body, {"Content-Type": "application/json"}),
        )
        config = json.loads(_sources(replay.base_url))
        config["http"]["max_retries"] = 1
        config["sources"] = config["sources"][:1]
        monkeypatch.setenv("PIPEWATCH_SOURCES", json.dumps(config))
        assert main(["sources", "check", "--json"]) == 0
        [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert row["status"] == "ok" and row["items"] == "1"
        assert len(replay.hits("/openfda/drugsfda.json")) == 2

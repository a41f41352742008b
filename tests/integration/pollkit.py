"""Helpers for poll tests on the moto stack: a poll service over hand-written sources served by the replay
server (the real fetcher, adapters, classifier and store), RSS and registry documents built in the test."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pipewatch.adapters.aws import client
from pipewatch.adapters.http import HttpFetcher
from pipewatch.adapters.store import Store
from pipewatch.config import load_data_file
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.observability import CountingMetrics
from pipewatch.services.poll import PollService
from pipewatch.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
STUDY = FIXTURES / "ctgov" / "v2_study_NCT04280705_full_2026-08-20_hkm30.json"

# Distinct, relevant headlines (each names a watched agent and an event), no two the same story.
HEADLINES = (
    "argenx wins FDA approval for efgartigimod in generalized myasthenia gravis",
    "Priovant starts phase 3 trial of brepocitinib in dermatomyositis",
    "Pfizer reports dazukibart phase 2 results in dermatomyositis",
    "argenx stops efgartigimod trial in thyroid eye disease after futility analysis",
    "EMA validates brepocitinib marketing application for dermatomyositis",
)


def rss(items: Sequence[dict[str, str]], *, close: bool = True) -> bytes:
    """An RSS 2.0 document; each item: title, link, guid, description, pubDate (any may be missing)."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>t</title>']
    for item in items:
        parts.append("<item>")
        for tag in ("title", "link", "guid", "description", "pubDate"):
            if tag in item:
                parts.append(f"<{tag}>{escape(item[tag])}</{tag}>")
        parts.append("</item>\n")
    if close:
        parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def feed_source(base: str, source_id: str = "feed", path: str = "/feed.xml", **extra: Any) -> dict[str, Any]:
    return {"id": source_id, "kind": "rss", "url": f"{base}{path}", "doc_type": "press_release", **extra}


def ctgov_source(base: str, source_id: str = "ctgov") -> dict[str, Any]:
    return {
        "id": source_id,
        "kind": "ctgov",
        "doc_type": "registry",
        "source_class": "registry",
        "ctgov": {"base_url": f"{base}/ctgov/api/v2", "max_pages": 1},
    }


def study(nct_id: str, status: str = "RECRUITING", **protocol_extra: Any) -> dict[str, Any]:
    """The recorded ACTT-1 record re-labelled as another study (id, status) for registry tests."""
    document: dict[str, Any] = json.loads(STUDY.read_text(encoding="utf-8"))
    protocol = document["protocolSection"]
    protocol["identificationModule"]["nctId"] = nct_id
    protocol["statusModule"]["overallStatus"] = status
    for key, value in protocol_extra.items():
        protocol[key] = value
    return document


def build(
    sources: Sequence[dict[str, Any]],
    *,
    metrics: CountingMetrics | None = None,
    clock: Callable[[], datetime] = lambda: NOW,
    watchlist: Watchlist | None = None,
    dynamodb_client: Any = None,
    poll: dict[str, Any] | None = None,
    **service_options: Any,
) -> PollService:
    settings = Settings.from_env()
    config = SourcesConfig.model_validate(
        {
            "version": 1,
            "http": {"max_retries": 0, "backoff_base_s": 0, "backoff_cap_s": 0},
            "hosts": {"127.0.0.1": {"min_interval_s": 0}},
            "poll": poll or {},
            "sources": list(sources),
        }
    )
    watchlist = watchlist or load_data_file("watchlist.yaml", Watchlist)
    taxonomy = load_data_file("taxonomy.yaml", Taxonomy)
    fetcher = HttpFetcher(
        max_retries=0, backoff_base=0, backoff_cap=0, host_intervals=config.host_intervals()
    )
    from pipewatch.adapters.sources import poll_source

    return PollService(
        store=Store(dynamodb_client or client("dynamodb", settings), settings.table_name),
        source_poller=poll_source,
        fetcher=fetcher,
        classifier=Classifier(watchlist, taxonomy),
        watchlist=watchlist,
        sources=config,
        metrics=metrics or CountingMetrics(),
        clock=clock,
        **service_options,
    )


def store() -> Store:
    settings = Settings.from_env()
    return Store(client("dynamodb", settings), settings.table_name)


def json_route(document: Any) -> Any:
    from pipewatch_local.replay_server import Route

    return Route(json.dumps(document).encode(), "application/json")


def ctgov_routes(server: Any, studies: Sequence[dict[str, Any]], stamp: str) -> None:
    server.routes["/ctgov/api/v2/version"] = json_route({"apiVersion": "2.0.3", "dataTimestamp": stamp})
    server.routes["/ctgov/api/v2/studies"] = json_route({"studies": list(studies)})

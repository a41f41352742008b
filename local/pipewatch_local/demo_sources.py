"""The demo's sources and what the local replay server answers for each, cycle by cycle: recorded payloads
(tests/fixtures), the hand-made envelopes around recorded text, and one registry record edited in one field
(named as derived wherever shown)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from pipewatch_local.replay_server import ReplayServer, Route

# A registry record that is in the recorded fixtures. No recorded record of a myositis trial exists, so the
# demo watches this one through an agent added by configuration (which is also how agents are added).
DEMO_TRIAL = "NCT04280705"


def derive_one_field(document: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    """A copy of a recorded document with exactly one field changed (named as derived wherever shown)."""
    derived = copy.deepcopy(document)
    node = derived
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return derived


def write_sources(workdir: Path, base: str) -> Path:
    """The demo's sources: each recorded payload served by the replay server at `base`."""
    sources = {
        "version": 1,
        "http": {"max_retries": 1, "backoff_base_s": 0, "backoff_cap_s": 0},
        # Recorded payloads are months or years old (some undated): widen the alert horizon so they alert.
        "poll": {"alert_horizon_days": 3650, "baseline_undated": False},
        "hosts": {"127.0.0.1": {"min_interval_s": 0}},
        "sources": [
            {
                "id": "press-wire",
                "name": "Press wire (recorded headlines)",
                "kind": "rss",
                "url": f"{base}/press/feed.xml",
                "doc_type": "press_release",
            },
            {
                "id": "catalyst-statements",
                "name": "Sponsor statements (recorded catalyst sentences)",
                "kind": "rss",
                "url": f"{base}/statements/feed.xml",
                "doc_type": "press_release",
            },
            {
                "id": "sec-press",
                "name": "SEC newsroom",
                "kind": "rss",
                "url": f"{base}/sec/pressreleases.rss",
                "doc_type": "regulator",
            },
            {
                "id": "ema-news",
                "name": "EMA news",
                "kind": "rss",
                "url": f"{base}/ema/news.xml",
                "doc_type": "regulator",
            },
            {
                "id": "edgar-demo",
                "name": "SEC EDGAR 8-K",
                "kind": "edgar",
                "doc_type": "filing",
                "edgar": {
                    "base_url": f"{base}/edgar/browse-edgar",
                    "cik": "0001889983",
                    "forms": ["8-K"],
                },
            },
            {
                "id": "pubmed",
                "name": "PubMed",
                "kind": "pubmed",
                "doc_type": "publication",
                "source_class": "registry",
                "pubmed": {"base_url": f"{base}/pubmed", "email": "demo@example.com"},
            },
            {
                "id": "ctgov",
                "name": "ClinicalTrials.gov",
                "kind": "ctgov",
                "doc_type": "registry",
                "source_class": "registry",
                "ctgov": {"base_url": f"{base}/ctgov/api/v2", "max_pages": 2},
            },
        ],
    }
    path = workdir / "sources.yaml"
    path.write_text(yaml.safe_dump(sources, sort_keys=False), encoding="utf-8")
    return path


def recorded_feed_routes(fixtures: Path) -> dict[str, Route]:
    """The news, filing and PubMed routes the demo and the stack test share: recorded payloads, and the
    hand-made envelopes around recorded headlines and catalyst statements."""
    f = fixtures
    return {
        "/press/feed.xml": Route.file(
            f / "demo" / "press_feed_HANDMADE_from_labeled_headlines.xml", "application/rss+xml"
        ),
        "/statements/feed.xml": Route.file(
            f / "demo" / "catalyst_feed_HANDMADE_from_labeled_catalysts.xml", "application/rss+xml"
        ),
        "/sec/pressreleases.rss": Route.file(
            f / "rss" / "sec_press_releases_rss_2025-01-24_edgarkit.xml", "application/rss+xml"
        ),
        "/edgar/browse-edgar": Route.file(
            f / "edgar" / "company_atom_keen-vision_8K_2025-01-25_edgarkit.xml", "application/atom+xml"
        ),
        "/pubmed/esearch.fcgi": Route.file(
            f / "pubmed" / "esearch_uid_31452104_found_2026-08-20_hkm30.json", "application/json"
        ),
        "/pubmed/esummary.fcgi": Route.file(
            f / "pubmed" / "esummary_31452104_found_2026-08-20_hkm30.json", "application/json"
        ),
    }


def replay_routes(server: ReplayServer, fixtures: Path, cycle: int) -> None:
    """What each source answers in poll cycle `cycle` (1 or 2)."""
    f = fixtures
    study = json.loads((f / "ctgov" / "v2_study_NCT04280705_full_2026-08-20_hkm30.json").read_text())
    version = json.loads((f / "ctgov" / "v2_version_2026-08-20_hkm30.json").read_text())
    if cycle == 1:
        # Derived: the recorded record as it would have read before completion (one field edited).
        study = derive_one_field(
            study, ["protocolSection", "statusModule", "overallStatus"], "ACTIVE_NOT_RECRUITING"
        )
        version_body = (f / "ctgov" / "v2_version_2026-08-20_hkm30.json").read_bytes()
    else:
        # Derived: the registry's data timestamp moves forward; the study is the recorded one, unedited.
        version = derive_one_field(version, ["dataTimestamp"], "2026-08-20T09:00:06")
        version_body = json.dumps(version).encode()
    server.routes.update(
        {
            **recorded_feed_routes(f),
            "/ema/news.xml": Route.file(f / "demo" / "html_challenge_page_HANDMADE.html", "text/html"),
            "/ctgov/api/v2/version": Route(version_body, "application/json"),
            "/ctgov/api/v2/studies": Route(json.dumps({"studies": [study]}).encode(), "application/json"),
            f"/ctgov/api/v2/studies/{DEMO_TRIAL}": Route(json.dumps(study).encode(), "application/json"),
        }
    )

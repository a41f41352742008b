"""How often the poll path climbs between the service and the domain.

A climb is a call made from code in `pipewatch/services/` into code in `pipewatch/domain/` while
`PollService.poll_task` runs, down to the store writes. One scripted cycle on in-memory fakes
(tests/fakes.py): a feed with a relevant item, an irrelevant one and another outlet's copy of the first,
then a registry source polled twice (a baseline, then a changed record: recorded registry documents).

Prints every call site (caller file:line -> domain function, and how often it was called), then
`climbs: call sites S, calls C`. Call sites are distinct caller lines; calls are all calls made.

    python bench/poll_climbs.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakes import InMemoryStore, ScriptedPoller  # noqa: E402
from pipewatch.config import load_classifier, load_data_file  # noqa: E402
from pipewatch.domain.ingest.polling import PollTask, SourceResult  # noqa: E402
from pipewatch.domain.ingest.sources import SourcesConfig  # noqa: E402
from pipewatch.domain.models import FetchedItem, SourceState  # noqa: E402
from pipewatch.domain.watch.watchlist import Watchlist  # noqa: E402
from pipewatch.services.poll import PollService  # noqa: E402

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
FIXTURES = ROOT / "tests" / "fixtures" / "ctgov"
PACKAGE = ROOT / "functions" / "pipewatch"
TITLE = (
    "Priovant Announces Positive Topline Results from Phase 3 VALOR Study of Brepocitinib in Dermatomyositis"
)
COPY = "Priovant announces positive topline results of Phase 3 VALOR study of brepocitinib in dermatomyositis"
SOURCES = SourcesConfig.model_validate(
    {
        "version": 1,
        "sources": [
            {"id": "wire-a", "name": "Wire A", "kind": "rss", "url": "https://a.example/feed.xml"},
            {"id": "reg", "name": "Registry", "kind": "ctgov"},
        ],
    }
)


def _studies(name: str) -> list[dict[str, Any]]:
    doc = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    studies: list[dict[str, Any]] = doc.get("studies", [doc]) if isinstance(doc, dict) else doc
    return studies


def main() -> None:
    items = [
        FetchedItem(source_id="wire-a", title=TITLE, url="https://a.example/1", published=NOW),
        FetchedItem(
            source_id="wire-a", title="Pfizer reports third-quarter results", url="https://a.example/2"
        ),
        FetchedItem(source_id="wire-a", title=COPY, url="https://b.example/3", published=NOW),
    ]
    rounds = [
        _studies("derived_NCT06171568_status_recruiting"),
        _studies("derived_NCT06171568_primary_completion_2025-09-01"),
    ]

    def feed(state: SourceState) -> SourceResult:
        return SourceResult(items=items, new_state=state)

    def registry(state: SourceState) -> SourceResult:
        return SourceResult(items=[], studies=rounds.pop(0), new_state=state)

    store = InMemoryStore()
    service = PollService(
        store=store,
        source_poller=ScriptedPoller({"wire-a": feed, "reg": registry}),
        fetcher=None,
        classifier=load_classifier(),
        watchlist=load_data_file("watchlist.yaml", Watchlist),
        sources=SOURCES,
        clock=lambda: NOW,
        monotonic=lambda: 0.0,
    )
    services, domain = str(PACKAGE / "services"), str(PACKAGE / "domain")
    sites: Counter[tuple[str, int, str]] = Counter()

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        caller = frame.f_back
        if event != "call" or caller is None:
            return
        if frame.f_code.co_filename.startswith(domain) and caller.f_code.co_filename.startswith(services):
            where = Path(caller.f_code.co_filename).relative_to(PACKAGE).as_posix()
            sites[(where, caller.f_lineno, frame.f_code.co_name)] += 1

    sys.setprofile(profile)
    try:
        for task in ("wire-a", "reg", "reg"):
            service.poll_task(PollTask(source_id=task))
    finally:
        sys.setprofile(None)
    for (where, line, name), count in sorted(sites.items()):
        print(f"{where}:{line} -> {name} x{count}")
    print(f"stored {len(store.updates)}, merged {len(store.merged)}, seen {len(store.seen)}")
    print(f"climbs: call sites {len(sites)}, calls {sum(sites.values())}")


if __name__ == "__main__":
    main()

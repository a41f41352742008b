"""The demo's live watchlist (issue 26): the demo's watchlist is the stack's current version in its config
bucket; after the replayed cycles an analyst pushes a version adding anifrolumab, and the next cycle picks
it up with no deploy and no restart. The demo's functions re-read the bucket at every invocation
(PIPEWATCH_CONFIG_REFRESH_SECONDS=0); a deployed stack does so at most every 5 minutes.

The anifrolumab entry is hand-made from its public label (generic anifrolumab / anifrolumab-fnia, code
MEDI-546, brand Saphnelo; AstraZeneca); its TULIP and JASMINE acronyms are left out on purpose (ordinary
words, issue 26). It is the one definition: the live-configuration tests (tests/watchlist_edits.py) add the
same agent, so this module loads no AWS client code until a push runs (a unit test may import it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipewatch.settings import Settings

ANIFROLUMAB: dict[str, Any] = {
    "id": "anifrolumab",
    "name": "anifrolumab",
    "sponsor": "AstraZeneca",
    "aliases": {
        "generic": ["anifrolumab", "anifrolumab-fnia"],
        "codes": ["MEDI-546"],
        "brands": ["Saphnelo"],
    },
}
# Demo settings: no watchlist override (the bucket is the source), and the bucket re-read at each call.
DEMO_ENVIRONMENT = {"PIPEWATCH_WATCHLIST": "", "PIPEWATCH_CONFIG_REFRESH_SECONDS": "0"}


@dataclass
class WatchlistPushDemo:
    first_version: str = ""
    pushed_version: str = ""
    change: list[str] = field(default_factory=list)
    picked_up: bool = False  # the next cycle's poll watched anifrolumab (and wrote its "watched since" mark)
    new_agent_alerts: int = 0  # alerts about anifrolumab in that cycle (its back catalogue brings none)
    watched_since: str = ""
    news: dict[str, int] = field(default_factory=dict)  # agent -> updates stored in that cycle

    def as_dict(self) -> dict[str, Any]:
        return {
            "first_version": self.first_version,
            "pushed_version": self.pushed_version,
            "change": self.change,
            "picked_up": self.picked_up,
            "new_agent_alerts": self.new_agent_alerts,
            "watched_since": self.watched_since,
            "news": self.news,
        }

    def lines(self) -> list[str]:
        picked = f"picked up by the poll (watched since {self.watched_since[:19]} UTC)"
        out = [
            f"Watchlist pushed as version {self.pushed_version} (no deploy): " + "; ".join(self.change),
            f"  next cycle: anifrolumab {picked if self.picked_up else 'NOT picked up'}, "
            f"{self.new_agent_alerts} alert(s) from its back catalogue",
        ]
        for agent, count in self.news.items():
            out.append(f"  {agent}: " + (f"{count} new update(s)" if count else "watched, nothing new"))
        return out


def push_demo_watchlist(path: Path) -> str:
    """The demo's starting watchlist as the bucket's first version; returns its version id."""
    from pipewatch.composition import build_config_admin

    admin = build_config_admin(Settings.from_env())
    return admin.push(
        "watchlist.yaml", path.read_text(encoding="utf-8"), changed_by="demo", note="the demo's watchlist"
    ).version_id


def push_anifrolumab(
    path: Path, first_version: str, cycle: Callable[[], dict[str, Any]], store: Any
) -> WatchlistPushDemo:
    """Push the demo's watchlist plus anifrolumab, run one more cycle (`cycle`), and say what it did."""
    from pipewatch.composition import build_config_admin

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["agents"].append(ANIFROLUMAB)
    admin = build_config_admin(Settings.from_env())
    pushed = admin.push(
        "watchlist.yaml",
        yaml.safe_dump(data, sort_keys=False),
        changed_by="analyst",
        note="watch anifrolumab",
    )
    before = {u.update_id for u in store.scan_updates()}
    cycle()
    new = [u for u in store.scan_updates() if u.update_id not in before]
    agents = [str(a["id"]) for a in data["agents"]]
    marks = _marks()
    return WatchlistPushDemo(
        first_version=first_version,
        pushed_version=pushed.version_id,
        change=pushed.change.lines(),
        picked_up="anifrolumab" in marks,
        new_agent_alerts=sum(1 for u in new if "anifrolumab" in u.classification.agents),
        watched_since=marks.get("anifrolumab", ""),
        news={a: sum(1 for u in new if a in u.classification.agents) for a in agents},
    )


def _marks() -> dict[str, str]:
    """The "watched since" marks the poll wrote (adapters/watch_marks.py) of the agents added later."""
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.watch_marks import DynamoWatchMarks
    from pipewatch.domain.ingest.back_catalogue import EPOCH

    settings = Settings.from_env()
    marks = DynamoWatchMarks(client("dynamodb", settings), settings.table_name).read() or {}
    return {agent: when.isoformat() for agent, when in marks.items() if when != EPOCH}

"""Hand-made watchlist edits for the live-configuration tests (issue 26): the packaged watchlist with an agent
added (anifrolumab, AstraZeneca's anti-IFNAR1 antibody: the demo's hand-made entry, one definition in
pipewatch_local/demo_watchlist.py, without trial acronyms on purpose) or removed, and a version no
validation accepts."""

from __future__ import annotations

from typing import Any

import yaml

from pipewatch.config import packaged_data_path
from pipewatch_local.demo_watchlist import ANIFROLUMAB

# Not YAML a validation accepts: an agent without a name or aliases.
INVALID_WATCHLIST = "version: 1\nagents:\n  - id: nameless\n"


def packaged_watchlist() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(
        packaged_data_path("watchlist.yaml").read_text(encoding="utf-8")
    )
    return document


def with_anifrolumab() -> str:
    document = packaged_watchlist()
    document["agents"].append(ANIFROLUMAB)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def without(agent_id: str) -> str:
    document = packaged_watchlist()
    document["agents"] = [a for a in document["agents"] if a["id"] != agent_id]
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)

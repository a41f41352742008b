"""What one poll did, per source and in all (returned by PollService, printed by the CLI, logged by the
poll function)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipewatch.domain.models import Update


@dataclass
class SourceOutcome:
    source_id: str
    ok: bool
    not_modified: bool = False
    fetched: int = 0
    relevant: int = 0
    stored: int = 0
    merged: int = 0  # copies of a stored story from other outlets, merged into it (no alert)
    trial_changes: int = 0
    rejected: int = 0  # records skipped (over a size limit, refused by DynamoDB): counted, logged, not fatal
    baselined: int = 0  # old news (or a first poll's undated items) remembered without an alert
    deferred: int = 0  # past the per-poll caps: left for the next poll (validators kept)
    error: str = ""


@dataclass
class PollReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    new_updates: list[Update] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if not o.ok]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": len(self.outcomes),
            "failed": [{"source": o.source_id, "error": o.error} for o in self.failed],
            "new_updates": len(self.new_updates),
            "outcomes": [o.__dict__ for o in self.outcomes],
        }

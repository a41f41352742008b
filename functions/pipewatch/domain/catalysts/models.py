"""What extraction finds: one forward-looking statement with its kind, drug, trial and window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

CatalystKind = Literal[
    "readout",
    "filing",
    "decision",
    "launch",
    "trial_start",
    "trial_completion",
    "enrollment_complete",
    "congress",
    "other",
]
Precision = Literal["day", "month", "quarter", "half", "year", "vague"]

KIND_LABELS: dict[str, str] = {
    "readout": "readout",
    "filing": "filing",
    "decision": "regulatory decision",
    "launch": "launch",
    "trial_start": "trial start",
    "trial_completion": "trial completion",
    "enrollment_complete": "enrollment completion",
    "congress": "congress presentation",
    "other": "milestone",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedCatalyst:
    """One statement that something will happen within a window. `window_start`/`window_end` are None when
    the text gives no year and the item has no date to resolve it from (still reported: it is a catalyst).
    A record, never read from outside: a plain dataclass (no pydantic at a cold start, issue 28)."""

    kind: CatalystKind
    drug: str | None = None
    agent: str | None = None
    trial: str | None = None
    window_start: date | None = None
    window_end: date | None = None
    precision: Precision
    sentence: str

    def as_output(self) -> dict[str, object]:
        """The JSON shape `pipewatch catalysts extract` prints."""
        return {
            "kind": self.kind,
            "drug": self.drug,
            "agent": self.agent,
            "trial": self.trial,
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "window_end": self.window_end.isoformat() if self.window_end else None,
            "precision": self.precision,
            "sentence": self.sentence,
        }

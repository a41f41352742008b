"""Reported moves (domain/catalysts/moves), pure: recorded sentences (the K-* and E-* rows of
tests/fixtures/labeled/, real text) and HAND-MADE ones. The moves on the calendar (catalyst cycles, silent old
overdues, phase-aware resolution, the daily refold) are tests/integration/test_catalyst_calendar_moves.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipewatch.domain.catalysts.moves import reported_move
from pipewatch.domain.catalysts.windows import Window

LABELED = Path(__file__).parents[2] / "fixtures" / "labeled"


def _rows(name: str) -> dict[str, dict[str, Any]]:
    lines = (LABELED / name).read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


CATALYSTS = _rows("catalysts_dev.jsonl")
HEADLINES = _rows("headlines_dev.jsonl")


# -- reported moves (pure) -----------------------------------------------------------------------------------


def test_given_recorded_extensions_then_each_reports_a_move_and_the_date_left_when_named() -> None:
    k006, k039, k041 = CATALYSTS["K-006"], CATALYSTS["K-039"], CATALYSTS["K-041"]
    assert reported_move(k006["sentence"], date(2023, 6, 20), date(2023, 1, 27)) is not None
    assert reported_move(CATALYSTS["K-007"]["sentence"], date(2023, 6, 20), date(2023, 2, 2)) is not None
    moved = reported_move(k039["sentence"], date(2025, 12, 28), date(2025, 9, 22))
    assert moved is not None and moved.previous == Window(date(2025, 9, 28), date(2025, 9, 28), "day")
    beyond = reported_move(k041["sentence"], date(2025, 12, 29), date(2025, 12, 15))
    assert beyond is not None and beyond.previous == Window(date(2025, 12, 28), date(2025, 12, 28), "day")


def test_given_recorded_french_and_german_copies_then_the_extension_is_a_move() -> None:
    for row_id in ("E-001", "E-002"):
        assert reported_move(HEADLINES[row_id]["summary"], date(2023, 6, 20), date(2023, 1, 27)) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "Ongoing clinical trial results expected in 2H 2026",  # K-004, recorded: plain guidance
        "hm-1: argenx plans to extend the VYVGART label to CIDP with a filing in 2H 2026.",
        "hm-2: Any delay in the review could harm us; the PDUFA target action date is June 21, 2024.",
        "hm-3: Results from the open-label extension study are expected in 2H 2026.",
        "hm-4: The review may be extended to June 2026 if a major amendment is submitted.",
        "hm-5: Topline data are now expected in 2H 2026.",  # "now expected" names no earlier date
    ],
)
def test_given_no_reported_move_then_none(sentence: str) -> None:
    assert reported_move(sentence, date(2026, 7, 1), date(2026, 1, 15)) is None


def test_given_now_expected_with_the_earlier_window_then_it_is_a_move() -> None:
    moved = reported_move(
        "hm-6: Topline data are now expected in the third quarter of 2026, instead of the second quarter.",
        date(2026, 7, 1),
        date(2026, 3, 2),
    )
    assert moved is not None and moved.previous == Window(date(2026, 4, 1), date(2026, 6, 30), "quarter")

"""The soak bench, small: faulty cycles with duplicate deliveries lose nothing and send nothing twice, and
the digests, chat channels and webhooks run beside the polls (a slow-drip and a hostile receiver among
them) lose nothing and send nothing twice."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_given_faults_and_duplicate_deliveries_then_no_item_is_lost_and_none_comes_twice() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import soak
    finally:
        sys.path.remove(str(BENCH))

    result = soak.soak(agents=10, cycles=3, seed=7, fault_rate=0.3)

    assert sum(result.faults.values()) > 5 and result.failed_tasks > 0  # the faults were real
    assert result.stories >= 18
    assert result.lost == []
    assert (result.duplicate_stories, result.duplicate_alerts) == (0, 0)
    assert result.alerts_sent >= result.stories
    # the other paths, run beside the polls: every destination and digest subscriber had each story once
    paths = result.paths
    assert paths is not None and len(paths.counts) == 8
    for name, counts in paths.counts.items():
        assert (counts.lost, counts.duplicates) == ([], 0), name
        assert counts.expected >= 18, name
    assert paths.drip_posts > 0 and paths.hostile_posts > 0  # both hostile receivers were reached
    assert paths.digest_runs >= 4 and paths.calendar_checks >= 4 and not paths.side_errors

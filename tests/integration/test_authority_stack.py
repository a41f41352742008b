"""The authorities' source kinds end to end on the moto stack (local/pipewatch_local/demo_authorities.py):
plan -> poll queue -> poll handler (real fetcher against the replay server) -> table -> stream -> alert
handler. One recorded item each (tests/fixtures/<kind>/README.md). The recordings name no agent of the
packaged watchlist except CTIS's argenx trial, so the scenario's watchlist adds HAND-WRITTEN test agents
the recordings do name (imatinib, BRCA1, "Regional Center"), named as hand-made in their ids."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipewatch.config import resolve_data_path
from pipewatch_local.demo_authorities import HAND_MADE_AGENTS, RECORDED, AuthorityRun, run_authorities

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthorityRun]:
    from moto import mock_aws

    warnings.filterwarnings("ignore", message="Tried to parse AWS::")
    logging.getLogger("moto").setLevel(logging.ERROR)
    with mock_aws():
        yield run_authorities(
            ROOT / "tests" / "fixtures",
            ROOT / "events",
            tmp_path_factory.mktemp("authorities"),
            resolve_data_path("watchlist.yaml", None),
        )


def test_each_authority_kind_polls_as_one_task_and_none_is_parked(run: AuthorityRun) -> None:
    assert run.tasks == sorted(RECORDED)
    assert run.parked == 0


@pytest.mark.parametrize(
    ("source_id", "agent", "title"),
    [
        ("openfda", "imatinib_hand_made", "GLEEVEC"),
        ("federal-register", "regional_center_hand_made", "Application for Regional Center Designation"),
        ("europepmc", "brca1_hand_made", "missense variations in the BRCT domain of BRCA1"),
        ("ctis", "efgartigimod", "2025-523333-26-00"),  # the packaged watchlist's agent (argenx, Graves')
    ],
)
def test_each_recorded_item_becomes_one_update_of_the_agent_it_names(
    run: AuthorityRun, source_id: str, agent: str, title: str
) -> None:
    (update,) = run.updates[source_id]
    assert title in update["title"]
    assert agent in update["agents"]
    assert agent == "efgartigimod" or agent in {a["id"] for a in HAND_MADE_AGENTS}


def test_the_alerts_published_are_the_updates_stored(run: AuthorityRun) -> None:
    stored = {u["update_id"] for updates in run.updates.values() for u in updates}
    assert len(stored) == 4
    assert run.alerted == stored  # each kind's one update reached the topic, nothing else did

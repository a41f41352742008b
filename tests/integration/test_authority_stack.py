"""The authorities' source kinds end to end on the moto stack (local/pipewatch_local/demo_authorities.py):
plan -> poll queue -> poll handler (real fetcher against the replay server) -> table -> stream -> alert
handler. One recorded item each (tests/fixtures/<kind>/README.md). The recordings name no agent of the
packaged watchlist except CTIS's argenx trial, so the scenario's watchlist adds HAND-WRITTEN test agents
the recordings do name (imatinib, BRCA1, "Regional Center"), named as hand-made in their ids."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipewatch.config import resolve_data_path
from pipewatch_local.demo_authorities import HAND_MADE_AGENTS, RECORDED, AuthorityRun, run_authorities

ROOT = Path(__file__).resolve().parents[2]


def undone_by(env: pytest.MonkeyPatch, sets_environment: Callable[..., None]) -> Callable[..., None]:
    """`sets_environment` (the harness's use_stack_environment, which writes os.environ, PIPEWATCH_WATCHLIST
    among it) with each change it makes handed to `env`, so the end of `env` gives later tests their
    environment back."""

    def through_monkeypatch(*args: Any, **kwargs: Any) -> None:
        before = dict(os.environ)
        sets_environment(*args, **kwargs)
        for name, value in dict(os.environ).items():
            if before.get(name) != value:
                if name in before:
                    os.environ[name] = before[name]
                else:
                    del os.environ[name]
                env.setenv(name, value)

    return through_monkeypatch


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthorityRun]:
    from moto import mock_aws

    import pipewatch_local.local_stack as local_stack

    warnings.filterwarnings("ignore", message="Tried to parse AWS::")
    logging.getLogger("moto").setLevel(logging.ERROR)
    with pytest.MonkeyPatch.context() as env, mock_aws():
        env.setattr(local_stack, "use_stack_environment", undone_by(env, local_stack.use_stack_environment))
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


def test_given_the_stack_environment_set_through_monkeypatch_then_its_end_restores_the_watchlist() -> None:
    from pipewatch_local.local_stack import use_stack_environment

    class HandMadeStack:
        def __init__(self) -> None:
            self.outputs = {"TableName": "t", "AlertsTopicArn": "arn:aws:sns:us-east-1:123456789012:alerts"}

        def output(self, name: str) -> str:
            return self.outputs[name]

    before = {n: os.environ.get(n) for n in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TABLE", "PIPEWATCH_TOPIC_ARN")}
    with pytest.MonkeyPatch.context() as env:
        undone_by(env, use_stack_environment)(HandMadeStack(), {"PIPEWATCH_WATCHLIST": "/tmp/hand-made.yaml"})
        assert (os.environ["PIPEWATCH_WATCHLIST"], os.environ["PIPEWATCH_TABLE"]) == (
            "/tmp/hand-made.yaml",
            "t",
        )

    assert {n: os.environ.get(n) for n in before} == before

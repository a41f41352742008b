"""`pipewatch demo --authorities` (local/pipewatch_local/demo_authorities.py): the option parses, the sources
it writes are valid configuration pointing at the replay server, the test watchlist adds only hand-made
agents, and a run's verdict needs an update from every kind. The run itself is tested on the moto stack
(tests/integration/test_authority_stack.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipewatch.cli import build_parser
from pipewatch.config import resolve_data_path
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch_local.demo_authorities import RECORDED, AuthorityRun, write_configuration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_the_demo_accepts_authorities() -> None:
    parser, _runners = build_parser()
    assert parser.parse_args(["demo", "--authorities"]).authorities is True
    assert parser.parse_args(["demo"]).authorities is False


def test_the_scenario_configuration_is_valid_and_adds_only_hand_made_agents(tmp_path: Path) -> None:
    packaged = resolve_data_path("watchlist.yaml", None)
    watchlist_path, sources_path = write_configuration(tmp_path, "http://127.0.0.1:9", packaged)
    config = SourcesConfig.model_validate(yaml.safe_load(sources_path.read_text(encoding="utf-8")))
    assert sorted(s.id for s in config.enabled()) == sorted(RECORDED)
    watchlist = Watchlist.model_validate(yaml.safe_load(watchlist_path.read_text(encoding="utf-8")))
    original = Watchlist.model_validate(yaml.safe_load(packaged.read_text(encoding="utf-8")))
    added = {a.id for a in watchlist.agents} - {a.id for a in original.agents}
    assert added and all(agent_id.endswith("_hand_made") for agent_id in added)
    for _route, recording, _kind in RECORDED.values():
        assert (FIXTURES / recording).is_file(), recording


def test_a_run_is_ok_only_when_every_kind_gave_an_update() -> None:
    update = {"update_id": "u-1", "title": "t", "agents": ["a"]}
    run = AuthorityRun(tasks=sorted(RECORDED), updates={s: [update] for s in RECORDED}, alerted={"u-1"})
    assert run.ok and "alerted" in run.render()
    run.updates.pop("ctis")
    assert not run.ok and "no update" in run.render()

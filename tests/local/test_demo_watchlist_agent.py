"""The agent the demo pushes live (pipewatch_local/demo_watchlist.py) is the one the live-configuration tests
add (tests/watchlist_edits.py): one hand-made definition, a watchlist the product accepts, and importing it
loads no AWS client code (unit tests reach it through watchlist_edits)."""

from __future__ import annotations

import os
import subprocess
import sys

from pipewatch.config import validate_config_document
from pipewatch_local import demo_watchlist
from watchlist_edits import with_anifrolumab


def test_given_the_tests_watchlist_edit_then_it_adds_the_demos_agent_and_validates() -> None:
    document = validate_config_document("watchlist.yaml", with_anifrolumab(), origin="hand-made edit")

    added = [agent for agent in document.model_dump()["agents"] if agent["id"] == "anifrolumab"]
    demo_agent = demo_watchlist.ANIFROLUMAB
    assert len(added) == 1
    assert added[0]["sponsor"] == demo_agent["sponsor"] == "AstraZeneca"
    assert list(added[0]["aliases"]["codes"]) == demo_agent["aliases"]["codes"] == ["MEDI-546"]


def test_given_the_demo_watchlist_module_then_importing_it_loads_no_boto3() -> None:
    probe = (
        "import sys, watchlist_edits, pipewatch_local.demo_watchlist; "
        "print(sorted(m for m in ('boto3', 'botocore', 'pipewatch.composition') if m in sys.modules))"
    )

    # the child sees what this process sees (pytest's `pythonpath = ["tests"]` is not in the environment)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment
    )

    assert done.stdout.strip() == "[]"

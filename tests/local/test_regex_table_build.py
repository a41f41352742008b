"""The build step of the precompiled patterns (pipewatch_local.regex_table, issue 28), run on a build-shaped
copy of the poll function (its code, and this environment's packages as the layer): the table it writes holds
what the poll's first documents compile (the date patterns, the classifier's cue index, the catalyst cues),
and a fresh interpreter importing the handler finds them compiled: `re` compiles none of them again."""

from __future__ import annotations

import marshal
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from pipewatch import regex_table
from pipewatch_local.regex_table import LAYER, record_function

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


@pytest.fixture(scope="module")
def poll_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = tmp_path_factory.mktemp("build")
    shutil.copytree(FUNCTIONS / "pipewatch", build / "PollFunction" / "pipewatch",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    (build / LAYER).mkdir()
    (build / LAYER / "python").symlink_to(sysconfig.get_paths()["purelib"])
    summary = record_function(build, "PollFunction", "poll", "poll_service")
    assert summary["entries"] == summary["recorded"] > 100
    return build


def test_given_the_poll_then_its_table_holds_the_date_and_cue_patterns(poll_build: Path) -> None:
    from pipewatch.domain.catalysts import date_patterns

    cache: dict[object, object] = {}
    table = poll_build / "PollFunction" / "pipewatch" / "data" / regex_table.TABLE
    assert regex_table.install(str(table), cache) > 100
    for _, pattern in date_patterns.compiled():
        assert cache[(str, pattern.pattern, int(re.IGNORECASE))] == pattern


def test_given_the_poll_then_its_lazy_table_holds_every_cue_word_regex_of_the_classifier(
    poll_build: Path,
) -> None:
    from pipewatch.config import load_classifier

    lazy = poll_build / "PollFunction" / "pipewatch" / "data" / regex_table.LAZY_TABLE
    _, packed = marshal.loads(lazy.read_bytes())
    assert {(source, 0) for source in load_classifier()._index.stem_sources.every().values()} <= set(packed)


def test_given_the_table_then_the_handler_and_its_first_documents_compile_no_pattern_again(
    poll_build: Path,
) -> None:
    probe = (
        "import sys, re._compiler as c; sys.path[:0] = sys.argv[1:3]; compiled = []; original = c.compile\n"
        "c.compile = lambda p, f=0: compiled.append(p) or original(p, f)\n"
        "import pipewatch.handlers; compiled.clear()\n"  # the package installs the table
        "import pipewatch.handlers.poll\n"
        "from pipewatch.domain.catalysts import date_patterns, cues\n"
        "date_patterns.compiled(); cues.KIND_CUES, cues.FORWARD\n"
        "from pipewatch.config import load_classifier\n"  # the first documents: cue words from the lazy table
        "load_classifier().classify('FDA approves efgartigimod after positive phase 3 results', "
        "'The trial met its primary endpoint; the company plans to file in Japan.')\n"
        "print([p for p in compiled if isinstance(p, str)])"
    )
    function, layer = poll_build / "PollFunction", poll_build / LAYER / "python"
    env = {"PATH": os.environ.get("PATH", "/usr/bin")}
    out = subprocess.run(
        [sys.executable, "-S", "-E", "-s", "-B", "-c", probe, str(function), str(layer)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "[]"

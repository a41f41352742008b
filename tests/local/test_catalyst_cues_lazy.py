"""Cold start: importing the catalyst cues compiles none of the lexicon's cues (they are compiled on first
read, tests/unit/domain/test_compile_on_first_use.py); checked in a fresh interpreter, where nothing has
read them yet."""

from __future__ import annotations

import os
import subprocess
import sys

LAZY_CUES = ("KIND_CUES", "FORWARD", "PAST", "FINANCIAL")


def test_given_the_catalyst_cues_module_then_importing_it_compiles_no_lexicon_cue() -> None:
    code = (
        "import pipewatch.domain.catalysts.cues as c; "
        f"print(','.join(n for n in {LAZY_CUES!r} if n in vars(c)) or '-')"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "-"

"""What the development-set benches (classify_eval.py, catalyst_eval.py) share: the `--data` option and its
labelled rows, the real command run on them in a subprocess, and detection precision / recall / F1.

The benches are run as scripts (`python bench/classify_eval.py`), so this module is imported from bench/."""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LABELED = ROOT / "tests" / "fixtures" / "labeled"


def load_devset(doc: str | None, default_data: Path) -> tuple[Path, list[dict[str, Any]]]:
    """Parse the command line (`--data PATH`, help text `doc`):
    the data file and its rows, blank lines skipped."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=default_data)
    data: Path = parser.parse_args().data
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    return data, rows


def run_cli(command: list[str], inputs: list[dict[str, object]]) -> list[dict[str, Any]]:
    """`python -m pipewatch.cli <command>` on the inputs as JSON lines: one output object per input, in order.
    Exits the bench when the command fails outright or answers a different number of lines."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", *command],
        input="\n".join(json.dumps(record) for record in inputs) + "\n",
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    name = " ".join(command)
    if proc.returncode not in (0, 1):
        sys.exit(f"pipewatch {name} failed ({proc.returncode}): {proc.stderr}")
    outputs = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(outputs) != len(inputs):
        sys.exit(f"expected {len(inputs)} output lines, got {len(outputs)}")
    return outputs


def detection(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0.0 where a denominator is 0)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def half(row_id: str) -> str:
    """The row's half, fixed by a hash of its id: "tuning" (rules may be written from its misses) or "checking"."""
    return "tuning" if hashlib.sha256(row_id.encode("utf-8")).digest()[0] % 2 == 0 else "checking"

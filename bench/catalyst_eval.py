"""Accuracy of `pipewatch catalysts extract` on the labelled development sentences.

Runs the real command (`python -m pipewatch.cli catalysts extract`) in a subprocess on
tests/fixtures/labeled/catalysts_dev.jsonl (each row's sentence as the summary, with its title, date, source
and URL) and prints: detection precision / recall / F1 (a row has a catalyst or not), kind accuracy and window
exactness (start and end both equal) on true catalysts, and every miss with its id. A row's label names one
catalyst; the prediction compared with it is the first catalyst extracted (sentence order), and the lenient
figure counts a row when any extracted catalyst matches.

    .venv/bin/python bench/catalyst_eval.py [--data PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "tests" / "fixtures" / "labeled" / "catalysts_dev.jsonl"


def run_cli(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    lines = [
        json.dumps(
            {
                "title": row.get("title"),
                "summary": row.get("sentence"),
                "published": row.get("published"),
                "source": row.get("source"),
                "url": row.get("url"),
            }
        )
        for row in rows
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "catalysts", "extract"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"pipewatch catalysts extract failed ({proc.returncode}): {proc.stderr}")
    return [json.loads(line) for line in proc.stdout.splitlines()]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    outputs = run_cli(rows)
    tp = fp = fn = 0
    kind_ok = window_ok = kind_any = window_any = positives = 0
    misses: list[str] = []
    for row, out in zip(rows, outputs, strict=True):
        label = row["label"]
        found = out.get("catalysts") or []
        if "error" in out:
            misses.append(f"{row['id']}: error {out['error']}")
        truth = bool(label["is_catalyst"])
        if truth and found:
            tp += 1
        elif found:
            fp += 1
            first = found[0]
            misses.append(
                f"{row['id']}: false positive {first['kind']} {first['window_start']}..{first['window_end']}"
            )
        elif truth:
            fn += 1
            misses.append(
                f"{row['id']}: missed {label['kind']} {label['window_start']}..{label['window_end']}"
            )
        if not truth:
            continue
        positives += 1
        if not found:
            continue
        first = found[0]
        want_window = (label["window_start"], label["window_end"])
        if first["kind"] == label["kind"]:
            kind_ok += 1
        else:
            misses.append(f"{row['id']}: kind {first['kind']} (label {label['kind']})")
        if (first["window_start"], first["window_end"]) == want_window:
            window_ok += 1
        else:
            misses.append(
                f"{row['id']}: window {first['window_start']}..{first['window_end']} {first['precision']}"
                f" (label {want_window[0]}..{want_window[1]} {label['precision']})"
            )
        kind_any += any(c["kind"] == label["kind"] for c in found)
        window_any += any((c["window_start"], c["window_end"]) == want_window for c in found)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"rows: {len(rows)}  catalysts labelled: {positives}")
    print(
        f"detection: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})"
    )
    print(f"kind accuracy (first extracted): {kind_ok}/{positives} = {kind_ok / positives:.3f}")
    print(f"window start+end exact (first extracted): {window_ok}/{positives} = {window_ok / positives:.3f}")
    print(f"lenient (any extracted): kind {kind_any}/{positives}, window {window_any}/{positives}")
    print("misses:" if misses else "misses: none")
    for miss in misses:
        print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

import sys
from typing import Any

from _devset import LABELED, detection, load_devset, run_cli

DEFAULT_DATA = LABELED / "catalysts_dev.jsonl"


def extract(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    inputs: list[dict[str, object]] = [
        {
            "title": row.get("title"),
            "summary": row.get("sentence"),
            "published": row.get("published"),
            "source": row.get("source"),
            "url": row.get("url"),
        }
        for row in rows
    ]
    return run_cli(["catalysts", "extract"], inputs)


def main() -> int:
    _, rows = load_devset(__doc__, DEFAULT_DATA)
    outputs = extract(rows)
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
    precision, recall, f1 = detection(tp, fp, fn)
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

"""Accuracy of `pipewatch classify` on the labelled development headlines.

Runs the real command (`python -m pipewatch.cli classify`, the same code path as the installed `pipewatch`
script) in a subprocess on tests/fixtures/labeled/headlines_dev.jsonl and prints: precision / recall / F1 of
relevance, agent-set accuracy on relevant rows, IIM accuracy (any myositis indication among the predicted
indications vs label `iim`), event-type and severity accuracy (a prediction counts when it is in the label's
list; null labels are skipped), a confusion table of event types and every miss with its id.

    .venv/bin/python bench/classify_eval.py [--data PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "tests" / "fixtures" / "labeled" / "headlines_dev.jsonl"


def run_cli(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    lines = []
    for row in rows:
        lines.append(
            json.dumps({key: row.get(key) for key in ("title", "summary", "source", "url", "published")})
        )
    proc = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "classify"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"pipewatch classify failed ({proc.returncode}): {proc.stderr}")
    outputs = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(outputs) != len(rows):
        sys.exit(f"expected {len(rows)} output lines, got {len(outputs)}")
    return outputs


def iim_ids() -> frozenset[str]:
    from pipewatch.config import load_data_file
    from pipewatch.domain.watchlist import Watchlist

    return load_data_file("watchlist.yaml", Watchlist).iim_ids()


def ratio(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a (0 rows)"


def main() -> int:  # noqa: C901 - a flat report
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    outputs = run_cli(rows)
    iim = iim_ids()

    tp = fp = fn = tn = 0
    agent_ok = agent_n = iim_ok = iim_n = ev_ok = ev_n = sev_ok = sev_n = 0
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    for row, out in zip(rows, outputs, strict=True):
        label = row["label"]
        rid = row["id"]
        if "error" in out:
            misses.append(f"{rid}: CLI error {out['error']}")
            continue
        relevant = bool(out["relevant"])
        if label["relevant"] is not None:
            if relevant and label["relevant"]:
                tp += 1
            elif relevant:
                fp += 1
                misses.append(f"{rid}: relevance: predicted relevant {out['agents']}, label not relevant")
            elif label["relevant"]:
                fn += 1
                misses.append(f"{rid}: relevance: predicted not relevant, label relevant {label['agents']}")
            else:
                tn += 1
        if label["relevant"]:
            agent_n += 1
            if sorted(out["agents"]) == sorted(label["agents"]):
                agent_ok += 1
            else:
                misses.append(f"{rid}: agents: predicted {out['agents']}, label {label['agents']}")
        if label["iim"] is not None:
            iim_n += 1
            predicted_iim = any(ind in iim for ind in out["indications"])
            if predicted_iim == label["iim"]:
                iim_ok += 1
            else:
                misses.append(
                    f"{rid}: iim: predicted {predicted_iim} {out['indications']}, label {label['iim']}"
                )
        if label["event_type"]:
            ev_n += 1
            predicted = out["event_type"] or "null"
            confusion[(label["event_type"][0], predicted)] += 1
            if predicted in label["event_type"]:
                ev_ok += 1
            else:
                misses.append(f"{rid}: event: predicted {predicted}, label {label['event_type']}")
        if label["severity"]:
            sev_n += 1
            if out["severity"] in label["severity"]:
                sev_ok += 1
            else:
                misses.append(f"{rid}: severity: predicted {out['severity']}, label {label['severity']}")

    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"rows: {len(rows)} ({args.data.name})")
    print(
        f"relevance: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
        f"(tp {tp} fp {fp} fn {fn} tn {tn})"
    )
    print(f"agent-set accuracy (relevant rows): {ratio(agent_ok, agent_n)}")
    print(f"IIM accuracy: {ratio(iim_ok, iim_n)}")
    print(f"event-type accuracy: {ratio(ev_ok, ev_n)}")
    print(f"severity accuracy: {ratio(sev_ok, sev_n)}")
    print("\nevent-type confusion (label's first value -> predicted):")
    labels = sorted({gold for gold, _ in confusion})
    predicted_values = sorted({pred for _, pred in confusion})
    width = max([len(v) for v in labels + predicted_values] + [12])
    print(" " * width + " | " + " ".join(p[:width].rjust(width) for p in predicted_values))
    for gold in labels:
        cells = " ".join(str(confusion[(gold, pred)] or ".").rjust(width) for pred in predicted_values)
        print(f"{gold.ljust(width)} | {cells}")
    print(f"\nmisses: {len(misses)}")
    for miss in misses:
        print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of the classifier on one core, against one compiled-regex scan of the alias alternation.

Corpus: >= 100,000 items built from the labelled titles and summaries (cycled, each varied with an index
appended), so text length and hit rate follow real headlines. Prints items/second through
`Classifier.classify` (the code path of `pipewatch classify`, minus JSON), items/second of a single
`re.compile(alias alternation).findall` over the same titles and summaries, and the ratio. No asserts.

    .venv/bin/python bench/classify_speed.py [--items N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "labeled" / "headlines_dev.jsonl"


def corpus(size: int) -> list[tuple[str, str, str]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = []
    for index in range(size):
        row = rows[index % len(rows)]
        items.append(
            (f"{row['title']} #{index}", f"{row.get('summary') or ''} ({index})", row.get("source") or "")
        )
    return items


def best_of(repeat: int, func: object) -> float:
    assert callable(func)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from pipewatch.domain.classify import Classifier

    classifier = Classifier.from_files()
    items = corpus(max(args.items, 1))
    aliases = sorted(
        {alias for agent in classifier.watchlist.agents for _, alias in agent.aliases.by_kind()},
        key=len,
        reverse=True,
    )
    baseline = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in aliases) + r")\b", re.IGNORECASE)

    def run_classifier() -> None:
        for title, summary, source in items:
            classifier.classify(title, summary, source=source)

    def run_baseline() -> None:
        for title, summary, _ in items:
            baseline.findall(title)
            baseline.findall(summary)

    run_classifier()  # warm up (first-use caches)
    t_classify = best_of(args.repeat, run_classifier)
    t_regex = best_of(args.repeat, run_baseline)
    n = len(items)
    relevant = sum(classifier.classify(t, s, source=src).relevant for t, s, src in items[: min(n, 5000)])
    print(f"items: {n} (relevant in the first {min(n, 5000)}: {relevant})")
    print(
        f"classifier: {n / t_classify:,.0f} items/s "
        f"({t_classify * 1e6 / n:.1f} us/item, best of {args.repeat})"
    )
    print(f"single alias-regex scan: {n / t_regex:,.0f} items/s ({t_regex * 1e6 / n:.1f} us/item)")
    print(f"ratio classifier / single regex (time): {t_classify / t_regex:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of the classifier on one core, against one compiled-regex scan of the alias alternation.

Corpus: >= 100,000 items built from the labelled titles and summaries (cycled, each varied with an index
appended), so text length and hit rate follow real headlines. Nothing may cache results keyed on the text:
the corpus repeats each labelled text with only the index changed, so a cache would measure dict look-ups.

"On one core" is CPU time of this process (`time.process_time()`): other jobs on a loaded machine slow the
wall clock but not the CPU time we spend. Wall-clock figures are printed too. Each figure is the best of
`--repeat` runs after one warm-up run (first-use caches, lazy compiles).

Prints items/second through `Classifier.classify` (the code path of `pipewatch classify`, minus JSON),
items/second of a single `re.compile(alias alternation).findall` over the same titles and summaries, the
ratio, the cold build time of `load_classifier()` and the machine's load average. Then the same classifier
throughput with a watchlist built from tests/fixtures/labeled/headlines_broad_dev.jsonl (one agent per drug,
60 agents beside the packaged indications; see classify_eval.py) over a corpus of those rows, and with the
packaged watchlist grown to `--agents` agents (the real ones, then synthetic ones with a generic name and a
code each, as bench/cold_start.py's large-watchlist poll row makes them; 0 skips it) over the first corpus.
No asserts.

    .venv/bin/python bench/classify_speed.py [--items N] [--repeat R] [--agents 1000]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "labeled" / "headlines_dev.jsonl"
BROAD = ROOT / "tests" / "fixtures" / "labeled" / "headlines_broad_dev.jsonl"
MIN_ITEMS = 100_000


def corpus(size: int, data: Path = DATA) -> list[tuple[str, str, str]]:
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = []
    for index in range(size):
        row = rows[index % len(rows)]
        items.append(
            (f"{row['title']} #{index}", f"{row.get('summary') or ''} ({index})", row.get("source") or "")
        )
    return items


def best_of(repeat: int, func: Callable[[], None]) -> tuple[float, float]:
    """Best process-CPU seconds and best wall seconds of `repeat` runs (garbage collector paused)."""
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            func()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        finally:
            gc.enable()
        best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
    return best_cpu, best_wall


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=MIN_ITEMS, help=f"corpus size (at least {MIN_ITEMS:,})")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--agents", type=int, default=1000, help="agents of the large run (0: none)")
    args = parser.parse_args()

    import_wall, import_cpu = time.perf_counter(), time.process_time()
    from pipewatch.config import load_classifier

    import_cpu, import_wall = time.process_time() - import_cpu, time.perf_counter() - import_wall
    build_wall, build_cpu = time.perf_counter(), time.process_time()
    classifier = load_classifier()
    build_cpu, build_wall = time.process_time() - build_cpu, time.perf_counter() - build_wall

    items = corpus(max(args.items, MIN_ITEMS))
    aliases = sorted(
        {alias for agent in classifier.watchlist.agents for _, alias in agent.aliases.by_kind()},
        key=len,
        reverse=True,
    )
    baseline = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in aliases) + r")\b", re.IGNORECASE)
    classify = classifier.classify

    def run_classifier() -> None:
        for title, summary, source in items:
            classify(title, summary, source=source)

    def run_baseline() -> None:
        findall = baseline.findall
        for title, summary, _ in items:
            findall(title)
            findall(summary)

    load_before = load()
    first_wall, first_cpu = time.perf_counter(), time.process_time()
    run_classifier()  # warm-up (first-use caches, lazy compiles); reported, not counted
    first_cpu, first_wall = time.process_time() - first_cpu, time.perf_counter() - first_wall
    run_baseline()
    cpu_classify, wall_classify = best_of(args.repeat, run_classifier)
    cpu_regex, wall_regex = best_of(args.repeat, run_baseline)
    n = len(items)
    sample = min(n, 5000)
    relevant = sum(classifier.classify(t, s, source=src).relevant for t, s, src in items[:sample])

    print(
        f"items: {n:,} (relevant in the first {sample:,}: {relevant:,}); best of {args.repeat} after warm-up"
    )
    print(
        "import pipewatch.domain.watch.classify: "
        f"{import_cpu * 1e3:.0f} ms CPU ({import_wall * 1e3:.0f} ms wall)"
    )
    print(f"cold build load_classifier(): {build_cpu * 1e3:.0f} ms CPU ({build_wall * 1e3:.0f} ms wall)")
    print(f"warm-up run: {n / first_cpu:,.0f} items/s CPU ({n / first_wall:,.0f} items/s wall)")

    def line(name: str, cpu: float, wall: float) -> str:
        return (
            f"{name:<24} {n / cpu:>9,.0f} items/s CPU ({cpu * 1e6 / n:5.1f} us/item)"
            f"   {n / wall:>9,.0f} items/s wall ({wall * 1e6 / n:5.1f} us/item)"
        )

    print(line("classifier:", cpu_classify, wall_classify))
    print(line("single alias-regex scan:", cpu_regex, wall_regex))
    print(
        f"ratio classifier / single regex (time): {cpu_classify / cpu_regex:.2f}x CPU, "
        f"{wall_classify / wall_regex:.2f}x wall"
    )
    print(f"load average before / after: {load_before} / {load()} ({os.cpu_count()} CPUs)")
    broad(max(args.items, MIN_ITEMS), args.repeat)
    if args.agents:
        large(args.agents, items, args.repeat)
    return 0


def large(agents: int, items: list[tuple[str, str, str]], repeat: int) -> None:
    """Classifier throughput with the packaged watchlist grown to `agents` agents, on the first corpus."""
    from pipewatch.config import load_data_file
    from pipewatch.domain.watch.classify import Classifier
    from pipewatch.domain.watch.taxonomy import Taxonomy
    from pipewatch.domain.watch.watchlist import Watchlist

    data = load_data_file("watchlist.yaml", Watchlist).model_dump()
    data["agents"] = list(data["agents"])
    for n in range(agents - len(data["agents"])):
        data["agents"].append(
            {"id": f"synth_{n:04d}", "name": f"Synthomab {n}", "sponsor": f"Synthetic Bio {n}",
             "aliases": {"generic": [f"synthomab{n:04d}"], "codes": [f"SYN-{n:04d}"]}}
        )  # fmt: skip
    build_wall, build_cpu = time.perf_counter(), time.process_time()
    classifier = Classifier(Watchlist.model_validate(data), load_data_file("taxonomy.yaml", Taxonomy))
    classifier.classify("", "")  # the name matcher is built for the first document
    build_cpu, build_wall = time.process_time() - build_cpu, time.perf_counter() - build_wall
    classify = classifier.classify

    def run() -> None:
        for title, summary, source in items:
            classify(title, summary, source=source)

    run()  # warm-up
    cpu, wall = best_of(repeat, run)
    print(
        f"{len(classifier.watchlist.agents)} agents, first corpus: {len(items) / cpu:>9,.0f} items/s CPU "
        f"({cpu * 1e6 / len(items):5.1f} us/item)   {len(items) / wall:>9,.0f} items/s wall; "
        f"validate + build + first document {build_cpu * 1e3:.0f} ms CPU"
    )


def broad(size: int, repeat: int) -> None:
    """Classifier throughput with the watchlist built from the broad set, on a corpus of its rows."""
    from classify_eval import broad_watchlist
    from pipewatch.config import load_data_file
    from pipewatch.domain.watch.classify import Classifier
    from pipewatch.domain.watch.taxonomy import Taxonomy
    from pipewatch.domain.watch.watchlist import Watchlist

    rows = [json.loads(line) for line in BROAD.read_text(encoding="utf-8").splitlines() if line.strip()]
    classifier = Classifier(
        Watchlist.model_validate(broad_watchlist(rows)), load_data_file("taxonomy.yaml", Taxonomy)
    )
    items = corpus(size, BROAD)
    classify = classifier.classify

    def run() -> None:
        for title, summary, source in items:
            classify(title, summary, source=source)

    run()  # warm-up
    cpu, wall = best_of(repeat, run)
    agents = len(classifier.watchlist.agents)
    print(
        f"broad watchlist ({agents} agents), broad corpus: {len(items) / cpu:>9,.0f} items/s CPU "
        f"({cpu * 1e6 / len(items):5.1f} us/item)   {len(items) / wall:>9,.0f} items/s wall"
    )


if __name__ == "__main__":
    sys.exit(main())

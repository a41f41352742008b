"""Cold-start bench: import time of each Lambda handler module in a fresh interpreter, beside `import boto3`
alone (median of N runs, warm file cache). Target: each handler within 1.5x of boto3 - what a cold path does
not need (the X-Ray SDK, the classifier for the alert function, moto, HTTP for plan) is imported lazily.
Run: .venv/bin/python bench/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys

HANDLERS = ["plan", "poll", "alert", "digest", "api"]
TARGET = 1.5
ENV = {
    **os.environ,
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "pipewatch",
    "POWERTOOLS_METRICS_NAMESPACE": "Pipewatch",
}


def import_seconds(statement: str, runs: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True
        )
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def heavy_modules(module: str) -> list[str]:
    code = (
        f"import sys; import {module}; "
        "print(' '.join(m for m in ('aws_xray_sdk', 'moto', 'feedparser', 'samtranslator', "
        "'pipewatch.domain.classify', 'pipewatch.adapters.http') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True)
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    base = import_seconds("import boto3", args.runs)
    bare = import_seconds("pass", args.runs)
    print(f"cold-start imports, median of {args.runs} fresh interpreters ({sys.executable})")
    print(f"  {'bare interpreter':34s} {bare * 1000:7.1f} ms")
    print(f"  {'import boto3':34s} {base * 1000:7.1f} ms   (reference)")
    for name in HANDLERS:
        module = f"pipewatch.handlers.{name}"
        if importlib.util.find_spec(module) is None:
            print(f"  {module:34s}     n/a   (not written yet)")
            continue
        seconds = import_seconds(f"import {module}", args.runs)
        ratio = seconds / base
        verdict = "ok" if ratio <= TARGET else f"over the {TARGET}x target"
        loaded = heavy_modules(module)
        print(
            f"  {module:34s} {seconds * 1000:7.1f} ms   {ratio:4.2f}x boto3  {verdict}"
            f"   heavy modules loaded at import: {', '.join(loaded) or 'none'}"
        )


if __name__ == "__main__":
    main()

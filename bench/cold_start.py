"""Cold-start bench on what ships: per Lambda handler, imported from the `sam build` output in fresh
interpreters that see only the build and the standard library (`-S -E -s`, sys.path = the function's code,
then the layer, as Lambda's /var/task and /opt/python), median of N, warm file cache:

  (a) import    - `import pipewatch.handlers.<name>` (Lambda's INIT phase)
  (b) + build   - (a) and then `<module>._service()`: settings, config files, boto3 clients and every module
                  the service imports - the work of the first invocation before its first AWS call,

each beside `import boto3` alone (target for (a): within 1.5x). Both columns are printed so that cost moved
from import to the first call stays visible: a cold start pays (b), wherever the work sits. The bench sets
the environment a Lambda has (region, static credentials, resource names), so no client creation probes
instance metadata, and no AWS call is made. Runs are interleaved (boto3, then each handler, per round) so a
change in machine load hits every row alike; the load average is printed before and after.

The build is `.aws-sam/build-<host arch>` (`make build`; the same template, pins and code as the arm64 build
that ships, with wheels this machine can load). `import boto3` is timed from the same layer.

Run: .venv/bin/python bench/cold_start.py [--runs 9] [--build-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HANDLERS = ["plan", "poll", "alert", "digest", "api"]
TARGET = 1.5
ENV = {
    **os.environ,
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_LAMBDA_FUNCTION_NAME": "pipewatch-bench",
    "POWERTOOLS_SERVICE_NAME": "pipewatch",
    "POWERTOOLS_METRICS_NAMESPACE": "Pipewatch",
    "PIPEWATCH_TABLE": "pipewatch-bench",
    "PIPEWATCH_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:pipewatch-bench-alerts",
    "PIPEWATCH_POLL_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/pipewatch-bench-poll",
    "PIPEWATCH_EDGAR_CONTACT": "bench@example.com",
}
HEAVY = (
    "pydantic",
    "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.utilities.idempotency",
    "aws_lambda_powertools.utilities.parser",
    "aws_xray_sdk",
    "feedparser",
    "yaml",
    "pipewatch.domain.classify",
    "pipewatch.adapters.http",
    "moto",
)
# Timed statement -> printed seconds. The module is imported first, then (for "build") its service built.
TIMED = "import time; t = time.perf_counter(); {body}; print(time.perf_counter() - t)"


PATHS: list[str] = []  # the function's code and the layer, set in main()


def _run(code: str) -> str:
    prefix = f"import sys; sys.path[:0] = {PATHS!r}; "
    interpreter = getattr(sys, "_base_executable", sys.executable)
    out = subprocess.run(
        [interpreter, "-S", "-E", "-s", "-c", prefix + code],
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"bench statement failed:\n{code}\n{out.stderr}")
    return out.stdout.strip().splitlines()[-1]


def statements(module: str) -> dict[str, str]:
    return {
        "import": f"import {module}",
        "build": f"import {module} as m; m._service()",
    }


def heavy_loaded(body: str) -> list[str]:
    code = f"import sys; {body}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules) or '-')"
    return [m for m in _run(code).split() if m != "-"]


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--build-dir", type=Path, default=None, help="sam build output (default: host build)")
    args = parser.parse_args()
    import platform

    arch = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    build = args.build_dir or Path(__file__).resolve().parents[1] / ".aws-sam" / f"build-{arch}"
    if not (build / "template.yaml").is_file():
        raise SystemExit(f"{build}: no sam build output (run `make build`)")
    # Every handler's function directory holds the same package; PlanFunction's stands for all of them.
    PATHS[:] = [str(build / "PlanFunction"), str(build / "RuntimeDependencies" / "python")]
    modules = [f"pipewatch.handlers.{name}" for name in HANDLERS]
    present = [m for m in modules if (Path(PATHS[0]) / (m.replace(".", "/") + ".py")).is_file()]
    cases: dict[tuple[str, str], str] = {
        ("bare interpreter", ""): "pass",
        ("import boto3", ""): "import boto3",
        ("boto3 + dynamodb, sns, sqs clients", ""): (
            "import boto3; [boto3.client(s) for s in ('dynamodb', 'sns', 'sqs')]"
        ),
    }
    for module in present:
        for kind, body in statements(module).items():
            cases[(module, kind)] = body
    load_before = loadavg()
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in cases}
    for _ in range(args.runs):  # interleaved rounds
        for key, body in cases.items():
            samples[key].append(float(_run(TIMED.format(body=body))))
    median = {key: statistics.median(values) for key, values in samples.items()}
    load_after = loadavg()

    base = median[("import boto3", "")]
    print(
        f"cold start from {build}, median of {args.runs} fresh interpreters per cell "
        f"({os.cpu_count()} CPUs)\nload average (1/5/15 min): before {load_before}, after {load_after}"
    )
    print(f"  {'bare interpreter':36s} {median[('bare interpreter', '')] * 1000:7.1f} ms")
    print(f"  {'import boto3':36s} {base * 1000:7.1f} ms   (reference, 1.00x)")
    clients = median[("boto3 + dynamodb, sns, sqs clients", "")]
    print(f"  {'import boto3 + 3 clients':36s} {clients * 1000:7.1f} ms   {clients / base:4.2f}x")
    print()
    print(f"  {'handler':28s} {'(a) import':>18s}   {'(b) import + build service':>28s}   verdict (a)")
    for module in modules:
        if module not in present:
            print(f"  {module:28s}  n/a (not written yet)")
            continue
        a = median[(module, "import")]
        b = median[(module, "build")]
        verdict = "ok" if a / base <= TARGET else f"over {TARGET}x"
        print(
            f"  {module:28s} {a * 1000:7.1f} ms {a / base:4.2f}x   "
            f"{b * 1000:7.1f} ms {b / base:4.2f}x (+{(b - a) * 1000:5.1f})   {verdict}"
        )
    print()
    print("  heavy modules loaded (at import | after building the service):")
    for module in present:
        at_import = heavy_loaded(statements(module)["import"])
        at_build = [m for m in heavy_loaded(statements(module)["build"]) if m not in at_import]
        print(f"    {module:28s} {', '.join(at_import) or 'none'} | + {', '.join(at_build) or 'nothing'}")


if __name__ == "__main__":
    main()

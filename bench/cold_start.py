"""Cold-start bench on what ships: per Lambda handler, imported from the `sam build` output in fresh
interpreters that see only the build and the standard library (`-S -E -s`, sys.path = the function's code,
then the layer, as Lambda's /var/task and /opt/python), median of N, warm file cache:

  (a) import    - `import pipewatch.handlers.<name>` (Lambda's INIT phase)
  (b) + build   - (a) and then the handler's default service built (handlers/_defaults.py): settings, config
                  files, boto3 clients and every module the service imports - the work of the first
                  invocation before its first AWS call,
  (c) + invoke  - (a) and then the FIRST INVOCATION of the handler with its sample event from events/,
                  against a moto_server on 127.0.0.1 with template.yaml created as a stack in it (a fresh
                  stack every round, so each round's invocation is a first one: a new table, queue and
                  topic, the feed never seen); moto's latency (every AWS call the invocation makes, served
                  by moto in this process) is INCLUDED in (c),

each beside `import boto3` alone from the same layer (target for (b): within 1.5x). The three columns are
printed so that cost moved from import or build to the first call stays visible: a cold start pays (c),
wherever the work sits. (a) and (b) run with the environment a Lambda has (region, static credentials,
resource names), so no client creation probes instance metadata and no AWS call is made; (c) runs with the
environment the stack gives the functions (pipewatch_local.artifact.deployed_stack, as tests/build does).
Runs are interleaved (boto3, then each handler's cells, per round) so a change in machine load hits every
row alike; the load average is printed before and after. Wall-clock time is the measure; the CPU time of
the fresh interpreter is printed beside it (less sensitive to a loaded machine; in (c) it leaves out
moto's work, which runs in the bench's process).

Every interpreter runs with `-B`, as Lambda does in effect (its code directories are read-only, so no
bytecode cache is ever written): `sam build` ships no `.pyc`, so every cold start compiles each module it
imports, and a bench that let the first run write `__pycache__` into the build would time a cache the
shipped artifact does not have. A build that holds `__pycache__` is refused (rebuild it).

The build is `.aws-sam/build-<host arch>` (`make build`; the same template, pins and code as the arm64 build
that ships, with wheels this machine can load). `import boto3` is timed from the same layer.

`--bytecode` times a copy of the build with every module compiled beforehand (`compileall`, checked-hash
.pyc, valid whatever the files' timestamps after zipping): what shipping bytecode would give. It is NOT what
`sam build` ships today; the header says which one a table is.

Run: .venv/bin/python bench/cold_start.py [--runs 9] [--build-dir DIR] [--no-invoke] [--bytecode]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

from pipewatch_local.functions import by_module

HANDLERS = ["plan", "poll", "alert", "digest", "api"]
# The sample event of events/ each handler's first invocation gets in (c).
EVENTS = {name: by_module(name).sample_events[0] for name in HANDLERS}
TARGET = 1.5
ROOT = Path(__file__).resolve().parents[1]
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
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.utilities.idempotency",
    "aws_lambda_powertools.utilities.parser",
    "aws_xray_sdk",
    "feedparser",
    "yaml",
    "pipewatch.domain.watch.classify",
    "pipewatch.adapters.http",
    "moto",
)
# Timed statement -> printed wall and CPU seconds. The module is imported first, then (for "build") its
# service built.
TIMED = (
    "import time; t, c = time.perf_counter(), time.process_time(); {body}; "
    "print(time.perf_counter() - t, time.process_time() - c)"
)
Sample = tuple[float, float]  # (wall, cpu) seconds


PATHS: list[str] = []  # the function's code and the layer, set in main()


def _run(code: str) -> str:
    prefix = f"import sys; sys.path[:0] = {PATHS!r}; "
    interpreter = getattr(sys, "_base_executable", sys.executable)
    out = subprocess.run(
        [interpreter, "-S", "-E", "-s", "-B", "-c", prefix + code],
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"bench statement failed:\n{code}\n{out.stderr}")
    return out.stdout.strip().splitlines()[-1]


def _timed(body: str) -> Sample:
    wall, cpu = _run(TIMED.format(body=body)).split()
    return float(wall), float(cpu)


def statements(module: str) -> dict[str, str]:
    """`build` is what the first invocation does before its event: the handler's default service."""
    from pipewatch_local.functions import by_module

    default = by_module(module.rsplit(".", 1)[1]).defaults["service"]
    return {
        "import": f"import {module}",
        "build": f"import {module}; from pipewatch.handlers import _defaults; _defaults.{default}()",
    }


def heavy_loaded(body: str) -> list[str]:
    code = f"import sys; {body}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules) or '-')"
    return [m for m in _run(code).split() if m != "-"]


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def first_invocation(build: Path, name: str, deployment: dict[str, Any]) -> Sample:
    """Import + the first invocation of a handler from the build (pipewatch_local.artifact.invoke: a fresh
    interpreter seeing only the build), timed inside that interpreter."""
    from pipewatch_local.artifact import invoke

    event = json.loads((ROOT / "events" / EVENTS[name]).read_text(encoding="utf-8"))
    result = invoke(build, f"{name.capitalize()}Function", event, deployment["env"])
    if not result.ok or not result.seconds:
        raise SystemExit(f"first invocation failed: {result.describe()}\n{result.stderr}")
    if name in ("alert", "poll") and result.response != {"batchItemFailures": []}:
        raise SystemExit(f"first invocation reported failures: {result.describe()}")
    seconds = result.seconds["invoke"]
    return seconds["wall"], seconds["cpu"]


def _bytecode_in(build: Path) -> list[Path]:
    return sorted(build.rglob("__pycache__"))


def _compiled_copy(build: Path) -> Path:
    import atexit
    import shutil
    import tempfile

    scratch = tempfile.mkdtemp(prefix="pipewatch-bench-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    copy = Path(scratch) / build.name
    shutil.copytree(build, copy)
    interpreter = getattr(sys, "_base_executable", sys.executable)
    command = [interpreter, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash", str(copy)]
    subprocess.run(command, check=True, capture_output=True)
    return copy


def _cells(build: Path, args: argparse.Namespace, present: list[str]) -> dict[tuple[str, str], list[Sample]]:
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
    samples: dict[tuple[str, str], list[Sample]] = {key: [] for key in cases}
    if not args.invoke:
        for _ in range(args.runs):  # interleaved rounds
            for key, body in cases.items():
                samples[key].append(_timed(body))
        return samples
    from pipewatch_local.artifact import deployed_stack, moto_server

    # moto's request log and its notes on resources its CloudFormation does not create are not results.
    for name in ("werkzeug", "moto", "moto.cloudformation"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="moto")
    with moto_server() as endpoint:
        for round_no in range(args.runs):  # interleaved rounds, a fresh stack each
            with deployed_stack(endpoint, name=f"pipewatch-bench-{round_no}") as deployment:
                for key, body in cases.items():
                    samples[key].append(_timed(body))
                    module, kind = key
                    if kind == "build":
                        name = module.rsplit(".", 1)[1]
                        samples.setdefault((module, "invoke"), []).append(
                            first_invocation(build, name, deployment)
                        )
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--build-dir", type=Path, default=None, help="sam build output (default: host build)")
    parser.add_argument(
        "--no-invoke", dest="invoke", action="store_false", help="skip (c) (no moto_server needed)"
    )
    parser.add_argument(
        "--bytecode", action="store_true", help="time a copy of the build with .pyc compiled (not what ships)"
    )
    args = parser.parse_args()
    import platform

    arch = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    build = args.build_dir or ROOT / ".aws-sam" / f"build-{arch}"
    if not (build / "template.yaml").is_file():
        raise SystemExit(f"{build}: no sam build output (run `make build`)")
    if cached := _bytecode_in(build):
        raise SystemExit(
            f"{build}: holds {len(cached)} __pycache__ directories (e.g. {cached[0]}) "
            "that sam build does not ship; something ran the build without -B. Rebuild it (`make build`)."
        )
    bytecode = "no bytecode cache: -B on a build without __pycache__, as Lambda runs it"
    if args.bytecode:
        build = _compiled_copy(build)
        bytecode = "a COPY of the build with .pyc compiled (checked-hash), NOT what sam build ships"
    # Every handler's function directory holds the same package; PlanFunction's stands for all of them.
    PATHS[:] = [str(build / "PlanFunction"), str(build / "RuntimeDependencies" / "python")]
    modules = [f"pipewatch.handlers.{name}" for name in HANDLERS]
    present = [m for m in modules if (Path(PATHS[0]) / (m.replace(".", "/") + ".py")).is_file()]
    load_before = loadavg()
    samples = _cells(build, args, present)
    load_after = loadavg()
    wall = {key: statistics.median(v[0] for v in values) for key, values in samples.items()}
    cpu = {key: statistics.median(v[1] for v in values) for key, values in samples.items()}

    print(
        f"cold start from {build}, median of {args.runs} fresh interpreters per cell "
        f"({os.cpu_count()} CPUs; {bytecode})\n"
        f"load average (1/5/15 min): before {load_before}, after {load_after}"
    )
    for clock, median in (("wall clock", wall), ("CPU time of the interpreter", cpu)):
        _table(clock, median, modules, present, invoke=args.invoke)
    print()
    print("  heavy modules loaded (at import | after building the service):")
    for module in present:
        at_import = heavy_loaded(statements(module)["import"])
        at_build = [m for m in heavy_loaded(statements(module)["build"]) if m not in at_import]
        print(f"    {module:28s} {', '.join(at_import) or 'none'} | + {', '.join(at_build) or 'nothing'}")


def _table(
    clock: str, median: dict[tuple[str, str], float], modules: list[str], present: list[str], *, invoke: bool
) -> None:
    base = median[("import boto3", "")]
    print(f"\n  -- {clock}")
    print(f"  {'bare interpreter':36s} {median[('bare interpreter', '')] * 1000:7.1f} ms")
    print(f"  {'import boto3':36s} {base * 1000:7.1f} ms   (reference, 1.00x)")
    clients = median[("boto3 + dynamodb, sns, sqs clients", "")]
    print(f"  {'import boto3 + 3 clients':36s} {clients * 1000:7.1f} ms   {clients / base:4.2f}x")
    print()
    third = "(c) + first invocation, moto incl." if invoke else ""
    print(
        f"  {'handler':28s} {'(a) import':>17s}   {'(b) + build service':>26s}   {third:>36s}   verdict (b)"
    )
    for module in modules:
        if module not in present:
            print(f"  {module:28s}  n/a (not written yet)")
            continue
        a = median[(module, "import")]
        b = median[(module, "build")]
        verdict = "ok" if b / base <= TARGET else f"over {TARGET}x"
        c_cell = ""
        if invoke:
            c = median[(module, "invoke")]
            c_cell = f"{c * 1000:7.1f} ms {c / base:4.2f}x (+{(c - a) * 1000:6.1f})"
        print(
            f"  {module:28s} {a * 1000:7.1f} ms {a / base:4.2f}x   "
            f"{b * 1000:7.1f} ms {b / base:4.2f}x (+{(b - a) * 1000:6.1f})   {c_cell:>36s}   {verdict}"
        )


if __name__ == "__main__":
    main()

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
bytecode cache is ever written). The build ships bytecode (issue 28: `make build` compiles every module of
every function and of the layer, checked-hash .pyc for the runtime's version, pipewatch_local.bytecode), so
the default is the shipped layout as it is: a build with a module lacking a valid .pyc is refused (rebuild
it). `--source-only` times a copy with every .pyc removed: the layout before issue 28, for comparison.

Poll is also timed at a 1,000-agent watchlist: a copy of its function directory whose packaged watchlist
(the JSON copy a deployed function reads) holds the real agents plus synthetic ones (target for (b): within
2.0x).

The build is `.aws-sam/build-<host arch>` (`make build`; the same template, pins and code as the arm64 build
that ships, with wheels this machine can load). `import boto3` is timed from the same layer, compiled the
same way.

Run: .venv/bin/python bench/cold_start.py [--runs 9] [--build-dir DIR] [--no-invoke] [--source-only]
     [--agents 1000]
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipewatch_local.functions import FUNCTIONS, by_module

# Every handler with a sample event in events/ (the one its first invocation gets in (c)).
HANDLERS = [f.module for f in FUNCTIONS if f.sample_events]
EVENTS = {name: by_module(name).sample_events[0] for name in HANDLERS}
TARGET = 1.5  # (b) import + build, beside import boto3
TARGET_INVOKE = 2.0  # (c) + first invocation
TARGET_AGENTS = 2.0  # (b) of poll at the large watchlist
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
# The console's user pool (moto's CloudFormation does not create it). Its sample event has no session: the
# first invocation answers with the sign-in redirect, so no key set is fetched.
CONSOLE_ENV = {
    "PIPEWATCH_COGNITO_POOL_ID": "us-east-1_bench",
    "PIPEWATCH_COGNITO_CLIENT_ID": "bench-client",
    "PIPEWATCH_COGNITO_DOMAIN": "https://pipewatch-bench.auth.us-east-1.amazoncognito.com",
}
ENV.update(CONSOLE_ENV)
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


LARGE = "@{agents} agents"  # the row label suffix of the large-watchlist poll


@dataclass(frozen=True)
class Row:
    """One handler row of the table: its module, the build its function is timed from, its label."""

    name: str  # handler module (plan, poll, ...)
    build: Path
    label: str

    @property
    def module(self) -> str:
        return f"pipewatch.handlers.{self.name}"

    @property
    def function(self) -> str:
        return by_module(self.name).logical_id

    @property
    def paths(self) -> list[str]:
        """Lambda's sys.path order: the function's code, then the layer."""
        return [str(self.build / self.function), str(self.build / "RuntimeDependencies" / "python")]


def _run(code: str, paths: list[str]) -> str:
    prefix = f"import sys; sys.path[:0] = {paths!r}; "
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


def _timed(body: str, paths: list[str]) -> Sample:
    wall, cpu = _run(TIMED.format(body=body), paths).split()
    return float(wall), float(cpu)


def statements(module: str) -> dict[str, str]:
    """`build` is what the first invocation does before its event: the handler's default service (a live
    service, issue 26, builds on its first call: `current()` is that call)."""
    default = by_module(module.rsplit(".", 1)[1]).defaults["service"]
    return {
        "import": f"import {module}",
        "build": (
            f"import {module}; from pipewatch.handlers import _defaults; s = _defaults.{default}(); "
            "getattr(s, 'current', lambda: s)()"
        ),
    }


def heavy_loaded(body: str, paths: list[str]) -> list[str]:
    code = f"import sys; {body}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules) or '-')"
    return [m for m in _run(code, paths).split() if m != "-"]


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def first_invocation(row: Row, deployment: dict[str, Any]) -> Sample:
    """Import + the first invocation of a handler from the build (pipewatch_local.artifact.invoke: a fresh
    interpreter seeing only the build), timed inside that interpreter."""
    from pipewatch_local.artifact import invoke

    event = json.loads((ROOT / "events" / EVENTS[row.name]).read_text(encoding="utf-8"))
    result = invoke(row.build, row.function, event, {**deployment["env"], **CONSOLE_ENV})
    if not result.ok or not result.seconds:
        raise SystemExit(f"first invocation failed: {result.describe()}\n{result.stderr}")
    if row.name in ("alert", "poll") and result.response != {"batchItemFailures": []}:
        raise SystemExit(f"first invocation reported failures: {result.describe()}")
    if result.compiled_from_source:
        raise SystemExit(f"{row.label}: compiled {result.compiled_from_source[:3]} at import (stale .pyc?)")
    seconds = result.seconds["invoke"]
    return seconds["wall"], seconds["cpu"]


def _scratch() -> Path:
    import atexit
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="pipewatch-bench-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    return scratch


def _source_only_copy(build: Path) -> Path:
    """A copy of the build without any .pyc: the layout `sam build` shipped before issue 28."""
    import shutil

    copy = _scratch() / build.name
    shutil.copytree(build, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _large_watchlist_build(build: Path, agents: int) -> Path:
    """The poll function with `agents` agents in its packaged watchlist (the real ones, then synthetic ones
    with a generic name and a code each, as bench/fanout.py makes them), and the same layer."""
    import shutil

    copy = _scratch() / f"{build.name}-{agents}-agents"
    copy.mkdir()
    function = by_module("poll").logical_id
    shutil.copytree(build / function, copy / function)
    (copy / "RuntimeDependencies").symlink_to(build / "RuntimeDependencies")
    packaged = copy / function / "pipewatch" / "data" / "watchlist.json"
    data = json.loads(packaged.read_text(encoding="utf-8"))
    for n in range(agents - len(data["agents"])):
        data["agents"].append(
            {"id": f"synth_{n:04d}", "name": f"Synthomab {n}", "sponsor": f"Synthetic Bio {n}",
             "aliases": {"generic": [f"synthomab{n:04d}"], "codes": [f"SYN-{n:04d}"]}}
        )  # fmt: skip
    packaged.write_text(json.dumps(data), encoding="utf-8")
    return copy


def _cells(
    rows: list[Row], args: argparse.Namespace, reference: list[str]
) -> dict[tuple[str, str], list[Sample]]:
    cases: dict[tuple[str, str], tuple[str, list[str]]] = {
        ("bare interpreter", ""): ("pass", reference),
        ("import boto3", ""): ("import boto3", reference),
        ("boto3 + dynamodb, sns, sqs clients", ""): (
            "import boto3; [boto3.client(s) for s in ('dynamodb', 'sns', 'sqs')]",
            reference,
        ),
    }
    by_label = {row.label: row for row in rows}
    for row in rows:
        for kind, body in statements(row.module).items():
            cases[(row.label, kind)] = (body, row.paths)
    samples: dict[tuple[str, str], list[Sample]] = {key: [] for key in cases}
    if not args.invoke:
        for _ in range(args.runs):  # interleaved rounds
            for key, (body, paths) in cases.items():
                samples[key].append(_timed(body, paths))
        return samples
    from pipewatch_local.artifact import deployed_stack, moto_server

    # moto's request log and its notes on resources its CloudFormation does not create are not results.
    for name in ("werkzeug", "moto", "moto.cloudformation"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="moto")
    with moto_server() as endpoint:
        for round_no in range(args.runs):  # interleaved rounds, a fresh stack each
            with deployed_stack(endpoint, name=f"pipewatch-bench-{round_no}") as deployment:
                invoked: set[str] = set()
                for key, (body, paths) in cases.items():
                    samples[key].append(_timed(body, paths))
                    label, kind = key
                    if kind != "build":
                        continue
                    row = by_label[label]
                    if row.name in invoked:
                        # The same handler again (poll at a large watchlist): on the stack its first row
                        # filled, its items would already be stored and it would store nothing, so it gets
                        # a stack of its own, and its first invocation is a first one too.
                        with deployed_stack(
                            endpoint, name=f"pipewatch-bench-{round_no}-{row.name}-again"
                        ) as own:
                            samples.setdefault((label, "invoke"), []).append(first_invocation(row, own))
                    else:
                        samples.setdefault((label, "invoke"), []).append(first_invocation(row, deployment))
                    invoked.add(row.name)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--build-dir", type=Path, default=None, help="sam build output (default: host build)")
    parser.add_argument(
        "--no-invoke", dest="invoke", action="store_false", help="skip (c) (no moto_server needed)"
    )
    parser.add_argument(
        "--source-only",
        action="store_true",
        help="time a copy of the build without its .pyc (before issue 28)",
    )
    parser.add_argument("--agents", type=int, default=1000, help="agents of the large-watchlist poll row")
    args = parser.parse_args()
    import platform

    from pipewatch_local.bytecode import bytecode_problems

    arch = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    build = args.build_dir or ROOT / ".aws-sam" / f"build-{arch}"
    if not (build / "template.yaml").is_file():
        raise SystemExit(f"{build}: no sam build output (run `make build`)")
    function_dir, layer_dir = build / "PlanFunction", build / "RuntimeDependencies" / "python"
    problems = bytecode_problems(function_dir) + bytecode_problems(layer_dir)
    if args.source_only:
        build = _source_only_copy(build)
        layout = "a COPY of the build with every .pyc removed (the layout before issue 28), -B"
    elif problems:
        raise SystemExit(
            f"{build}: {len(problems)} modules without a valid .pyc (e.g. {problems[0].source}: "
            f"{problems[0].problem}); the shipped build compiles every module. Rebuild it (`make build`)."
        )
    else:
        modules = sum(1 for _ in function_dir.rglob("*.py")) + sum(1 for _ in layer_dir.rglob("*.py"))
        layout = (
            f"the shipped layout: checked-hash .pyc for all {modules} modules of a function and the layer, -B"
        )
    rows = [Row(name, build, f"pipewatch.handlers.{name}") for name in HANDLERS]
    if args.agents:
        large = _large_watchlist_build(build, args.agents)
        rows.append(Row("poll", large, f"pipewatch.handlers.poll {LARGE.format(agents=args.agents)}"))
    reference = rows[0].paths
    load_before = loadavg()
    samples = _cells(rows, args, reference)
    load_after = loadavg()
    wall = {key: statistics.median(v[0] for v in values) for key, values in samples.items()}
    cpu = {key: statistics.median(v[1] for v in values) for key, values in samples.items()}

    print(
        f"cold start from {build}, median of {args.runs} fresh interpreters per cell "
        f"({os.cpu_count()} CPUs; {layout})\n"
        f"load average (1/5/15 min): before {load_before}, after {load_after}"
    )
    for clock, median in (("wall clock", wall), ("CPU time of the interpreter", cpu)):
        _table(clock, median, rows, invoke=args.invoke)
    print()
    print("  heavy modules loaded (at import | after building the service):")
    for row in rows:
        at_import = heavy_loaded(statements(row.module)["import"], row.paths)
        at_build = [m for m in heavy_loaded(statements(row.module)["build"], row.paths) if m not in at_import]
        print(f"    {row.label:40s} {', '.join(at_import) or 'none'} | + {', '.join(at_build) or 'nothing'}")


def _table(clock: str, median: dict[tuple[str, str], float], rows: list[Row], *, invoke: bool) -> None:
    base = median[("import boto3", "")]
    print(f"\n  -- {clock}")
    print(f"  {'bare interpreter':40s} {median[('bare interpreter', '')] * 1000:7.1f} ms")
    print(f"  {'import boto3':40s} {base * 1000:7.1f} ms   (reference, 1.00x)")
    clients = median[("boto3 + dynamodb, sns, sqs clients", "")]
    print(f"  {'import boto3 + 3 clients':40s} {clients * 1000:7.1f} ms   {clients / base:4.2f}x")
    print()
    third = "(c) + first invocation, moto incl." if invoke else ""
    print(
        f"  {'handler':40s} {'(a) import':>17s}   {'(b) + build service':>26s}   {third:>36s}   verdict (b)"
        + (" / (c)" if invoke else "")
    )
    for row in rows:
        a = median[(row.label, "import")]
        b = median[(row.label, "build")]
        target = TARGET_AGENTS if "agents" in row.label else TARGET
        verdicts = ["ok" if b / base <= target else f"over {target}x"]
        c_cell = ""
        if invoke:
            c = median[(row.label, "invoke")]
            c_cell = f"{c * 1000:7.1f} ms {c / base:4.2f}x (+{(c - a) * 1000:6.1f})"
            verdicts.append("ok" if c / base <= TARGET_INVOKE else f"over {TARGET_INVOKE}x")
        print(
            f"  {row.label:40s} {a * 1000:7.1f} ms {a / base:4.2f}x   "
            f"{b * 1000:7.1f} ms {b / base:4.2f}x (+{(b - a) * 1000:6.1f})   {c_cell:>36s}   "
            + " / ".join(verdicts)
        )


if __name__ == "__main__":
    main()

"""The built Lambda artifact: build it with `sam build`, and run a handler from it in a fresh interpreter.

What ships is what `sam build` makes from template.yaml: one directory per function (the `pipewatch` package
only) and the RuntimeDependencies layer (`python/`, pinned third-party code). `sam build` targets the
template's architecture (arm64); compiled wheels for it cannot load on an x86_64 host, so the portable proof
builds the same template for the host architecture too (`derived_template`: only the architecture differs,
same requirements, same code) and imports and invokes every handler from that build in an interpreter that
sees nothing but the build and the standard library (`-S -E -s`: no site-packages, PYTHONPATH or dev venv).

After `sam build`, the build step compiles every module of every function and of the layer (checked-hash
.pyc for the template's runtime version, pipewatch_local.bytecode): a cold start then loads bytecode
instead of compiling each module it imports. `make build` and this module's `build` always do both; a
bare `sam build` ships sources only (see docs/deploy.md).

    python -m pipewatch_local.artifact build [--arch arm64|x86_64] [--build-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipewatch_local.bytecode import SPY_ON_COMPILES
from pipewatch_local.functions import LOGICAL_IDS
from pipewatch_local.local_stack import repo_root


def template_functions(template_text: str | None = None) -> tuple[str, ...]:
    """The logical ids of every AWS::Serverless::Function in template.yaml, in template order."""
    text = template_text or (repo_root() / "template.yaml").read_text(encoding="utf-8")
    return tuple(re.findall(r"^  (\w+):\n    Type: AWS::Serverless::Function$", text, flags=re.M))


FUNCTIONS = LOGICAL_IDS  # pipewatch_local.functions: the one list (held equal to the template by a test)
LAYER = "RuntimeDependencies"
SHIPPED_ARCH = "arm64"
# Where the SAM CLI lives (its own venv: it pins an older boto3 than the project's).
SAM = os.environ.get("PIPEWATCH_SAM", str(repo_root() / ".venv-sam" / "bin" / "sam"))


def host_arch() -> str:
    return {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]


def default_build_dir(arch: str) -> Path:
    return repo_root() / ".aws-sam" / f"build-{arch}"


def derived_template(text: str, arch: str, root: Path) -> str:
    """template.yaml for another architecture, with local code paths made absolute (the derived file lives
    elsewhere). Refuses a template whose architecture lines it does not recognise, so it cannot silently
    build the shipped architecture under another name."""
    replaced = text
    for pattern, repl in (
        (r"CompatibleArchitectures: \[arm64\]", f"CompatibleArchitectures: [{arch}]"),
        (r"\bArchitectures: \[arm64\]", f"Architectures: [{arch}]"),
        (r"BuildArchitecture: arm64", f"BuildArchitecture: {arch}"),
    ):
        replaced, count = re.subn(pattern, repl, replaced)
        if count == 0:
            raise ValueError(f"template.yaml: no `{pattern}` line to retarget to {arch}")
    for key in ("CodeUri", "ContentUri"):
        replaced = re.sub(
            rf"^(\s+{key}: )([A-Za-z0-9_./-]+/)\s*$",
            lambda m: f"{m.group(1)}{(root / m.group(2)).as_posix()}/",
            replaced,
            flags=re.M,
        )
    return replaced


def build(arch: str = SHIPPED_ARCH, build_dir: Path | None = None, *, quiet: bool = True) -> Path:
    """`sam build` of template.yaml for `arch` into `build_dir` (default .aws-sam/build-<arch>), then the
    post-build step (pipewatch_local.bytecode.finish_build: botocore cut to the declared services, every
    module compiled to the runtime's bytecode, each function's precompiled patterns written). The patterns
    are recorded by running the build's code, so a build for another architecture borrows the host build's
    layer (same pins; the engine code does not depend on the machine): `make build` builds the host's
    first. Without one the build has no tables, and its patterns compile at run time as before."""
    from pipewatch_local.bytecode import finish_build, runtime_interpreter, runtime_version
    from pipewatch_local.regex_table import LAYER

    # Checked before the minutes of `sam build`: no interpreter of the runtime's version, no build.
    interpreter = runtime_interpreter(runtime_version())
    root = repo_root()
    out = build_dir or default_build_dir(arch)
    template = root / "template.yaml"
    if arch != SHIPPED_ARCH:
        derived = root / ".aws-sam" / f"template-{arch}.yaml"
        derived.parent.mkdir(parents=True, exist_ok=True)
        derived.write_text(
            derived_template(template.read_text(encoding="utf-8"), arch, root), encoding="utf-8"
        )
        template = derived
    if out.exists():
        shutil.rmtree(out)  # a stale file from an earlier build must not make a broken build pass
    command = [SAM, "build", "--template-file", str(template), "--build-dir", str(out)]
    command += ["--cached", "--cache-dir", str(root / ".aws-sam" / f"cache-{arch}")]
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
    # The command is built here from fixed parts and repository paths, never from outside input.
    done = subprocess.run(command, cwd=root, env=env, capture_output=quiet, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout or "")[-2000:] if quiet else ""
        raise RuntimeError(f"sam build ({arch}) failed with exit {done.returncode}\n{detail}")
    host_layer = None if arch == host_arch() else default_build_dir(host_arch()) / LAYER / "python"
    finish_build(out, interpreter, layer_dir=host_layer)
    return out


# -- running a handler from the build ---------------------------------------------------------------------

_RUNNER_BODY = textwrap.dedent(
    """
    import json, sys, sysconfig, uuid
    function_dir, layer_dir, handler_path = sys.argv[1], sys.argv[2], sys.argv[3]
    # Lambda's order: the function's code, then the layer (/var/task, /opt/python), then the runtime.
    sys.path[:0] = [function_dir, layer_dir]

    class Context:
        function_name = sys.argv[4]
        function_version = "$LATEST"
        memory_limit_in_mb = 512
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function_name
        aws_request_id = str(uuid.uuid4())
        log_group_name = "/aws/lambda/" + function_name
        log_stream_name = "artifact"

        def get_remaining_time_in_millis(self):
            return 60000

    event = json.load(sys.stdin)
    context = Context()
    module_name, _, attribute = handler_path.rpartition(".")
    import time
    clock = {"wall": time.perf_counter, "cpu": time.process_time}
    started = {name: now() for name, now in clock.items()}
    seconds = {}
    try:
        module = __import__(module_name, fromlist=[attribute])
        seconds["import"] = {name: now() - started[name] for name, now in clock.items()}
        result = {"ok": True, "response": getattr(module, attribute)(event, context)}
        seconds["invoke"] = {name: now() - started[name] for name, now in clock.items()}
    except Exception as exc:  # reported to the parent like Lambda's errorType/errorMessage
        result = {"ok": False, "errorType": type(exc).__name__, "errorMessage": str(exc)}
    result["seconds"] = seconds
    stdlib = [sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]]
    allowed = [function_dir, layer_dir, *stdlib]
    outside = sorted(
        name for name, mod in list(sys.modules.items())
        if getattr(mod, "__file__", None) and not any(mod.__file__.startswith(p) for p in allowed)
    )
    result["modules_from_outside_the_build"] = outside
    # Modules of the build compiled from source at import: none when the build ships valid bytecode.
    build_dirs = (function_dir, layer_dir)
    result["compiled_from_source"] = [p for p in COMPILED_FROM_SOURCE if p.startswith(build_dirs)]
    print("\\n@@RESULT@@" + json.dumps(result, default=str))
    """
)
_RUNNER = SPY_ON_COMPILES + _RUNNER_BODY


@dataclass(frozen=True)
class Invocation:
    function: str
    ok: bool
    response: Any
    error_type: str
    error_message: str
    modules_outside: list[str]
    stderr: str
    # From the start of the handler module's import to the end of "import" and of "invoke" (import and the
    # invocation), each as {"wall": s, "cpu": s} measured inside the fresh interpreter.
    seconds: dict[str, dict[str, float]] | None = None
    # Source files of the build that the import system compiled (no valid .pyc for them).
    compiled_from_source: list[str] | None = None

    def describe(self) -> str:
        if self.ok:
            return f"{self.function}: {json.dumps(self.response, default=str)[:300]}"
        return f"{self.function}: {self.error_type}: {self.error_message}"


def handler_of(function: str, template_text: str | None = None) -> str:
    """The `Handler:` of a function in template.yaml (read, not duplicated here)."""
    text = template_text or (repo_root() / "template.yaml").read_text(encoding="utf-8")
    match = re.search(rf"^  {function}:\n(?:(?!^  \S).*\n)*?\s+Handler: (\S+)", text, flags=re.M)
    if not match:
        raise KeyError(f"template.yaml: no Handler for {function}")
    return match.group(1)


def invoke(
    build_dir: Path, function: str, event: dict[str, Any], env: dict[str, str], *, timeout: float = 120
) -> Invocation:
    """Import and invoke `function`'s handler from `build_dir` in a fresh interpreter that sees only the
    build and the standard library; `env` is its whole environment (plus PATH). `-B`: like Lambda, whose
    code directories are read-only, it writes no bytecode into the build (a later run must not find a
    cache the shipped artifact does not have); it reads the .pyc the build ships, and reports every module
    of the build it had to compile instead (`compiled_from_source`)."""
    function_dir = build_dir / function
    layer_dir = build_dir / LAYER / "python"
    for path in (function_dir, layer_dir):
        if not path.is_dir():
            raise FileNotFoundError(f"{path}: not built (run `make build`)")
    interpreter = getattr(sys, "_base_executable", sys.executable)
    command = [interpreter, "-S", "-E", "-s", "-B", "-c", _RUNNER, str(function_dir), str(layer_dir)]
    done = subprocess.run(  # noqa: S603 - our interpreter, our runner, repository paths
        [*command, handler_of(function), function],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": os.environ.get("PATH", "/usr/bin"), **env},
        check=False,
    )
    marker = done.stdout.rfind("@@RESULT@@")
    if marker < 0:
        return Invocation(
            function, False, None, "NoResult", f"exit {done.returncode}", [], done.stderr[-3000:]
        )
    result = json.loads(done.stdout[marker + len("@@RESULT@@") :])
    return Invocation(
        function=function,
        ok=bool(result["ok"]),
        response=result.get("response"),
        error_type=result.get("errorType", ""),
        error_message=result.get("errorMessage", ""),
        modules_outside=list(result["modules_from_outside_the_build"]),
        stderr=done.stderr[-3000:],
        seconds=result.get("seconds"),
        compiled_from_source=list(result.get("compiled_from_source", [])),
    )


# -- a deployed stack on a moto_server ----------------------------------------------------------------------

# The recorded feed that the poll task of events/poll_sqs_task.json (source fda-press) reads.
PRESS_FEED = "tests/fixtures/demo/press_feed_HANDMADE_from_labeled_headlines.xml"


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto_server on 127.0.0.1 (another process's view of AWS, as a deployed function would have)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@contextmanager
def deployed_stack(moto_endpoint: str, name: str = "pipewatch-artifact") -> Iterator[dict[str, Any]]:
    """template.yaml created as a stack in the moto_server; the environment a deployed function would get
    (the template's variables with the stack's values), and a replay server for the recorded feed.

    Yields {"env": the functions' environment, "stack", "inbox": a shadow subscriber of the topic for
    instant alerts, "client": a boto3 client factory for the moto_server}. This process's environment
    points at the moto_server while the stack is in use, and is restored after.
    """
    from pipewatch_local.local_stack import add_shadow_subscriber, aws_client, create_local_stack
    from pipewatch_local.replay_server import ReplayServer, Route

    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
    )
    try:
        with ReplayServer() as replay:
            replay.routes["/fda/press.xml"] = Route.file(repo_root() / PRESS_FEED, "application/rss+xml")
            stack = create_local_stack(name=name)
            sources = {
                "version": 1,
                "http": {"max_retries": 0},
                # The recorded items are months old: widen the alert horizon as the sample-event tests do,
                # or the first poll would remember them all as old news and store no update.
                "poll": {"alert_horizon_days": 3650, "baseline_undated": False},
                "hosts": {"127.0.0.1": {"min_interval_s": 0}},
                "sources": [
                    {"id": "fda-press", "name": "FDA press releases", "kind": "rss", "doc_type": "regulator",
                     "url": f"{replay.base_url}/fda/press.xml"},
                ],
            }  # fmt: skip
            env = {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_REGION": "us-east-1",
                "AWS_DEFAULT_REGION": "us-east-1",
                "POWERTOOLS_SERVICE_NAME": "pipewatch",
                "POWERTOOLS_METRICS_NAMESPACE": "Pipewatch",
                "POWERTOOLS_LOG_LEVEL": "WARNING",
                "PIPEWATCH_ENDPOINT_URL": moto_endpoint,
                "PIPEWATCH_TABLE": stack.output("TableName"),
                "PIPEWATCH_TOPIC_ARN": stack.output("AlertsTopicArn"),
                "PIPEWATCH_POLL_QUEUE_URL": stack.output("PollQueueUrl"),
                "PIPEWATCH_SOURCES": json.dumps(sources),
            }
            inbox = add_shadow_subscriber(
                stack.output("AlertsTopicArn"), "artifact", {"delivery": ["instant"]}
            )
            yield {"env": env, "stack": stack, "inbox": inbox, "client": aws_client}
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipewatch_local.artifact", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build_parser = sub.add_parser("build", help="sam build for an architecture")
    build_parser.add_argument("--arch", choices=["arm64", "x86_64", "host"], default=SHIPPED_ARCH)
    build_parser.add_argument("--build-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    arch = host_arch() if args.arch == "host" else args.arch
    if args.arch == "host" and arch == SHIPPED_ARCH and args.build_dir is None:
        print(f"host architecture is {arch}, the shipped one: its build serves both")
        return 0
    try:
        out = build(arch, args.build_dir, quiet=False)
    except (RuntimeError, ValueError) as exc:
        print(f"pipewatch build: {exc}", file=sys.stderr)
        return 1
    print(f"built {arch} into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Host side of `make sam-local` (pipewatch_local/sam_local.py): the processes it starts and stops by PID,
moto_server, and the Lambda-compatible image built offline."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from pipewatch_local.sam_local_plan import BRIDGE, Arch, SamLocalError

# -- processes ---------------------------------------------------------------------------------------------


def run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Run a set-up command, its output shown; a failure stops the run."""
    completed = subprocess.run(cmd, cwd=cwd, env=env, check=False)  # noqa: S603 - fixed commands
    if completed.returncode != 0:
        raise SamLocalError(f"{' '.join(cmd)} exited {completed.returncode}")


def output_of(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout  # noqa: S603


def stop_pid(pid: int, what: str, timeout_s: float = 30.0) -> None:
    """SIGTERM a process this run started, wait for it, SIGKILL if it lingers."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print(f"sam-local: stopped {what} (pid {pid})")
            return
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    print(f"sam-local: killed {what} (pid {pid}) after {timeout_s:.0f} s")


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_http(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - a local URL built here
                return
        except (urllib.error.URLError, OSError) as exc:
            if time.monotonic() > deadline:
                raise SamLocalError(f"{url} did not answer within {timeout_s:.0f} s") from exc
            time.sleep(0.3)


@contextlib.contextmanager
def moto_server(work: Path) -> Iterator[str]:
    """moto_server on the docker bridge address; yields its endpoint URL; stopped by PID on exit."""
    port = free_port(BRIDGE)
    log = (work / "moto_server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - this interpreter's moto
        [sys.executable, "-m", "moto.server", "-H", BRIDGE, "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://{BRIDGE}:{port}"
    print(f"sam-local: moto_server pid {process.pid} on {endpoint} (log {log.name})")
    try:
        wait_for_http(f"{endpoint}/moto-api/")
        yield endpoint
    finally:
        stop_pid(process.pid, "moto_server")
        process.wait(timeout=10)
        log.close()


# -- the image ---------------------------------------------------------------------------------------------

BOOTSTRAP = """#!/bin/sh
# Lambda's python3.11 layout: the function, then layers, then the runtime client.
export PYTHONPATH="/var/task:/opt/python/lib/python3.11/site-packages:/opt/python:/var/runtime"
exec /usr/bin/python3 -m awslambdaric "$_HANDLER"
"""

DOCKERFILE = """FROM scratch
COPY rootfs/ /
COPY runtime/ /var/runtime/
COPY bootstrap /var/runtime/bootstrap
COPY aws-lambda-rie /usr/local/bin/aws-lambda-rie
ENV LANG=C.UTF-8 TZ=:/etc/localtime LAMBDA_TASK_ROOT=/var/task LAMBDA_RUNTIME_DIR=/var/runtime \\
    PATH=/usr/local/bin:/usr/bin:/bin
WORKDIR /var/task
# SAM replaces the entrypoint with its own copy of the RIE (/var/rapid/aws-lambda-rie); run alone, the image
# behaves the same: the RIE finds /var/runtime/bootstrap.
ENTRYPOINT ["/usr/local/bin/aws-lambda-rie"]
"""


def rie_binary(sam: Path, arch: Arch) -> Path:
    """The runtime interface emulator that ships inside the SAM CLI package."""
    venv = sam.resolve().parent.parent
    found = sorted(venv.glob(f"lib/python*/site-packages/samcli/local/rapid/aws-lambda-rie-{arch.name}"))
    if not found:
        raise SamLocalError(f"no aws-lambda-rie-{arch.name} in the SAM CLI package under {venv}")
    return found[0]


def build_image(work: Path, arch: Arch, sam: Path, host_sh: Path, requirements: Path) -> str:
    """A Lambda-compatible python3.11 image, offline; rebuilt only when one of its inputs changed. One
    repository per architecture: SAM deletes older images of the repository it derives its own from."""
    context = work / arch.name
    context.mkdir(parents=True, exist_ok=True)
    run([str(host_sh), "rootfs", arch.debian, str(context / "rootfs")])
    runtime = context / "runtime"
    wanted = hashlib.sha256(requirements.read_bytes() + arch.pip_platform.encode()).hexdigest()
    stamp = context / "runtime.sha256"
    if not (stamp.exists() and stamp.read_text() == wanted):
        shutil.rmtree(runtime, ignore_errors=True)
        # fmt: off
        run([
            sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(runtime),
            "--platform", arch.pip_platform, "--only-binary=:all:", "--python-version", "3.11",
            "--implementation", "cp", "-r", str(requirements),
        ])
        # fmt: on
        stamp.write_text(wanted)
    (context / "bootstrap").write_text(BOOTSTRAP)
    (context / "bootstrap").chmod(0o755)
    shutil.copy2(rie_binary(sam, arch), context / "aws-lambda-rie")
    (context / "Dockerfile").write_text(DOCKERFILE)
    (context / ".dockerignore").write_text("rootfs/dev\nrootfs/proc\nrootfs/sys\n")
    digest = hashlib.sha256()
    for name in ("Dockerfile", "bootstrap", "aws-lambda-rie", "runtime.sha256", "rootfs/var/lib/dpkg/status"):
        digest.update((context / name).read_bytes())
    repository = f"pipewatch-sam-local-{arch.name.replace('_', '-')}"
    tag = f"{repository}:{digest.hexdigest()[:12]}"
    inspect = ["docker", "image", "inspect", tag]
    if subprocess.run(inspect, capture_output=True, check=False).returncode == 0:  # noqa: S603
        print(f"sam-local: image {tag} cached")
        return tag
    env = {**os.environ, "DOCKER_BUILDKIT": "0"}  # the daemon is Debian's 20.10: classic builder
    run(["docker", "build", "-q", "--platform", arch.docker_platform, "-t", tag, str(context)], env=env)
    for old in output_of(["docker", "images", repository, "--format", "{{.Repository}}:{{.Tag}}"]).split():
        if old != tag:
            run(["docker", "rmi", old])
    return tag


def image_ids(*filters: str) -> set[str]:
    args = ["docker", "images", "-q", "--no-trunc"]
    for f in filters:
        args += ["-f", f]
    return set(output_of(args).split())

"""Only the declared botocore models ship (issue 28): the layer's botocore/data of each build holds the
service directories of pipewatch.adapters.aws.SHIPPED_SERVICES and every top-level file, and from the layer
alone a client of each declared service is created while an undeclared one is unknown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipewatch.adapters.aws import SHIPPED_SERVICES
from pipewatch_local.artifact import LAYER

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them

TOP_LEVEL_FILES = {"_retry.json", "endpoints.json", "partitions.json", "sdk-default-configuration.json"}

_CLIENT_PROBE = """
import json, sys
sys.path[:0] = [sys.argv[1]]
import boto3
from botocore.exceptions import UnknownServiceError
made = {s: boto3.client(s, region_name="us-east-1").meta.service_model.service_name for s in sys.argv[2:]}
try:
    boto3.client("cloudformation", region_name="us-east-1")
    undeclared = "created"
except UnknownServiceError:
    undeclared = "unknown"
print("@@PROBE@@" + json.dumps({"made": made, "undeclared": undeclared, "boto3": boto3.__file__}))
"""


@pytest.mark.parametrize("which", ["shipped_build", "host_build"])
def test_given_a_build_then_its_botocore_holds_only_the_declared_services(
    which: str, request: pytest.FixtureRequest
) -> None:
    build: Path = request.getfixturevalue(which)
    data = build / LAYER / "python" / "botocore" / "data"
    assert sorted(p.name for p in data.iterdir() if p.is_dir()) == sorted(SHIPPED_SERVICES)
    files = {p.name for p in data.iterdir() if p.is_file()}
    assert files >= TOP_LEVEL_FILES, sorted(files)


def test_given_the_host_build_then_its_layer_alone_makes_every_declared_client(host_build: Path) -> None:
    layer = host_build / LAYER / "python"
    interpreter = getattr(sys, "_base_executable", sys.executable)
    # Our interpreter, our probe, the build's paths.
    done = subprocess.run(
        [interpreter, "-S", "-s", "-B", "-c", _CLIENT_PROBE, str(layer), *sorted(SHIPPED_SERVICES)],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin")},
        check=False,
    )
    marker = done.stdout.rfind("@@PROBE@@")
    assert done.returncode == 0 and marker >= 0, done.stderr[-2000:]
    probe = json.loads(done.stdout[marker + len("@@PROBE@@") :])
    assert probe["boto3"].startswith(str(layer))
    assert probe["made"] == {s: s for s in SHIPPED_SERVICES}
    assert probe["undeclared"] == "unknown"

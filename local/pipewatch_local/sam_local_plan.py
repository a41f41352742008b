"""Pure parts of `make sam-local` (pipewatch_local/sam_local.py): the architectures, the derived template, the
documents handed to the functions, and reading what `sam local invoke` printed. Tested in
tests/local/test_sam_local.py."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BRIDGE = "172.17.0.1"  # docker0 on the host: reachable from the containers, never off this machine
REGION = "us-east-1"
FDA_PRESS_PATH = "/fda/press.xml"
PRESS_FEED = Path("tests/fixtures/demo/press_feed_HANDMADE_from_labeled_headlines.xml")
INVOKE_TIMEOUT_S = 600


class SamLocalError(RuntimeError):
    """The run cannot go on (set-up failed)."""


class CheckFailed(AssertionError):
    """A function's response or effect is not what its step expects."""


@dataclass(frozen=True)
class Arch:
    name: str  # Lambda's name for it
    debian: str  # debootstrap --arch
    pip_platform: str
    docker_platform: str
    note: str
    machine: str  # platform.machine() of a host that runs it natively


ARCHES = {
    "arm64": Arch("arm64", "arm64", "manylinux2014_aarch64", "linux/arm64", "what ships", "aarch64"),
    "x86_64": Arch("x86_64", "amd64", "manylinux2014_x86_64", "linux/amd64", "derived template", "x86_64"),
}


EMULATED_MINIMUM_TIMEOUT_S = 300


def is_native(arch: Arch) -> bool:
    return platform.machine() == arch.machine


def describe(arch: Arch) -> str:
    how = "native" if is_native(arch) else "emulated by qemu-aarch64"
    return f"{arch.name} ({arch.note}; {how})"


# -- pure parts (tests/local/test_sam_local.py) -------------------------------------------------------------


def derive_template(sam: dict[str, Any], arch: str, template_dir: Path) -> dict[str, Any]:
    """The template for another architecture: every Architectures, CompatibleArchitectures and layer
    BuildArchitecture set to `arch`, and local code paths made absolute so the copy can live elsewhere."""
    derived = copy.deepcopy(sam)
    function_globals = derived.get("Globals", {}).get("Function", {})
    if "Architectures" in function_globals:
        function_globals["Architectures"] = [arch]
    _absolute(function_globals, "CodeUri", template_dir)
    for resource in derived.get("Resources", {}).values():
        props = resource.get("Properties", {})
        kind = resource.get("Type")
        if kind == "AWS::Serverless::Function":
            if "Architectures" in props:
                props["Architectures"] = [arch]
            _absolute(props, "CodeUri", template_dir)
        elif kind in {"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"}:
            if "CompatibleArchitectures" in props:
                props["CompatibleArchitectures"] = [arch]
            _absolute(props, "ContentUri", template_dir)
            metadata = resource.get("Metadata", {})
            if "BuildArchitecture" in metadata:
                metadata["BuildArchitecture"] = arch
    leftover = sorted(_architecture_mentions(derived) - {arch})
    if leftover:
        raise ValueError(f"derived template still names architectures {leftover}: derive_template misses one")
    return derived


def _absolute(props: dict[str, Any], key: str, base: Path) -> None:
    value = props.get(key)
    if isinstance(value, str) and "://" not in value and not Path(value).is_absolute():
        props[key] = str((base / value).resolve())


def _architecture_mentions(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_architecture_mentions(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_architecture_mentions(v) for v in node)) if node else set()
    return {node} if node in {"arm64", "x86_64"} else set()


def raise_timeouts(
    built: dict[str, Any], minimum_s: int
) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """A copy of the built template whose function timeouts are at least `minimum_s`, and what changed
    (name -> (template's, emulation's)). For emulated runs only: qemu runs the arm64 interpreter many times
    slower than Graviton, so the shipped timeouts (15 s for the API) would measure qemu, not the code."""
    raised = copy.deepcopy(built)
    changes: dict[str, tuple[int, int]] = {}
    function_globals = raised.get("Globals", {}).get("Function", {})
    if isinstance(function_globals.get("Timeout"), int) and function_globals["Timeout"] < minimum_s:
        changes["Globals"] = (function_globals["Timeout"], minimum_s)
        function_globals["Timeout"] = minimum_s
    for name, resource in raised.get("Resources", {}).items():
        props = resource.get("Properties", {})
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        timeout = props.get("Timeout")
        if isinstance(timeout, int) and timeout < minimum_s:
            changes[name] = (timeout, minimum_s)
            props["Timeout"] = minimum_s
    return raised, changes


def sources_document(feed_url: str, host: str) -> dict[str, Any]:
    """The sources the functions see: `fda-press` (the source the sample poll task names) served from the
    recorded feed, no retries and no politeness delay for the local host."""
    return {
        "version": 1,
        "http": {"max_retries": 0},
        # The recorded items are months old: widen the alert horizon as the sample-event tests do,
        # or the first poll would remember them all as old news and store no update.
        "poll": {"alert_horizon_days": 3650, "baseline_undated": False},
        "hosts": {host: {"min_interval_s": 0}},
        "sources": [
            {
                "id": "fda-press",
                "name": "FDA press releases",
                "kind": "rss",
                "doc_type": "regulator",
                "url": feed_url,
            }
        ],
    }


def env_vars_document(outputs: dict[str, str], endpoint: str, sources: dict[str, Any]) -> dict[str, Any]:
    """`sam local invoke --env-vars`: SAM passes only variables the template declares (Globals declare the
    endpoint and sources overrides), so every name here must be declared; AWS_* come from SAM's own
    environment (fake credentials, see `sam_environment`)."""
    return {
        "Parameters": {
            "PIPEWATCH_TABLE": outputs["TableName"],
            "PIPEWATCH_TOPIC_ARN": outputs["AlertsTopicArn"],
            "PIPEWATCH_POLL_QUEUE_URL": outputs["PollQueueUrl"],
            "PIPEWATCH_ENDPOINT_URL": endpoint,
            "PIPEWATCH_SOURCES": json.dumps(sources, separators=(",", ":")),
            # Stack resources the template hands some functions through GetAtt/Ref, which `sam local`
            # cannot resolve (it would pass a made-up ARN): the stack's real values from moto.
            **{
                name: outputs[output]
                for name, output in (
                    ("PIPEWATCH_LINK_KEY_ID", "LinkKeyArn"),
                    ("PIPEWATCH_SITE_URL", "SiteUrl"),
                    ("PIPEWATCH_DELIVERY_QUEUE_URL", "DeliveryQueueUrl"),
                    ("PIPEWATCH_CHANNELS_KEY_ID", "ChannelsKeyArn"),
                    ("PIPEWATCH_CONFIG_BUCKET", "ConfigBucketName"),
                )
                if output in outputs
            },
        }
    }


def sam_environment(base: dict[str, str], endpoint: str) -> dict[str, str]:
    """SAM's environment: no real AWS identity can leak in (profiles, config files, tokens), fake keys that
    SAM hands the function, and every AWS call SAM itself makes (`sam local invoke` asks STS for the
    account id on each invoke) sent to moto_server instead of AWS; no metadata service, no telemetry."""
    env = {k: v for k, v in base.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": endpoint,
            "SAM_CLI_TELEMETRY": "0",
        }
    )
    return env


def parse_response(stdout: str) -> Any:
    """The function's response as `sam local invoke` prints it on stdout (its logs go to stderr)."""
    text = stdout.strip()
    if not text:
        raise CheckFailed("no response on stdout (the invoke failed or timed out; see its log)")
    for candidate in (text, text.splitlines()[-1]):
        with contextlib.suppress(json.JSONDecodeError):
            return json.loads(candidate)
    raise CheckFailed(f"response is not JSON: {text[-300:]!r}")


def function_error(response: Any) -> str | None:
    """The error a function returned instead of a result (Runtime.ImportModuleError, an unhandled
    exception...): Lambda's error JSON, which `sam local invoke` prints with exit status 0."""
    if isinstance(response, dict) and ("errorType" in response or "errorMessage" in response):
        return f"{response.get('errorType', '?')}: {response.get('errorMessage', '')}"
    return None


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def checked_response(stdout: str) -> Any:
    response = parse_response(stdout)
    error = function_error(response)
    if error is not None:
        raise CheckFailed(f"function error {error}")
    return response


def short(value: Any, limit: int = 240) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class StepResult:
    name: str
    function: str
    seconds: float
    ok: bool
    detail: str
    response: Any = None


def results_table(results: list[StepResult], arch: Arch) -> str:
    rows = [f"sam-local results, architecture {describe(arch)}"]
    rows.append(f"{'step':<28} {'function':<16} {'seconds':>8}  result")
    for r in results:
        verdict = "PASS" if r.ok else "FAIL"
        rows.append(f"{r.name:<28} {r.function:<16} {r.seconds:>8.1f}  {verdict} {r.detail}")
    passed = sum(r.ok for r in results)
    rows.append(f"{passed}/{len(results)} steps passed")
    return "\n".join(rows)

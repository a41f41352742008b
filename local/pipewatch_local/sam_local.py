"""`make sam-local`: `sam local invoke` on every function of the built template, each with its sample event,
in a Lambda-compatible container, against moto_server and a replay server on the docker bridge address.

Every step is checked twice: the function's response (sam exits 0 even when the function fails, so the JSON
it prints is read) and its effect on the local AWS (queue depth, table scan, SNS deliveries seen through SQS
queues subscribed with a subscriber's filter policy, the subscription API's records).

    python -m pipewatch_local.sam_local [--arch arm64|x86_64] [--sam PATH]

arm64 is what ships and runs under qemu (slow); x86_64 is a derived template built into its own build dir,
native and fast. The image is built offline (debootstrap + awslambdaric + the RIE from the SAM CLI package)
and cached under .sam-local/. Only what this run started is stopped at the end, by PID.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from pipewatch_local.local_stack import LocalStack, add_shadow_subscriber, aws_client, repo_root
from pipewatch_local.sam_local_host import (
    build_image,
    image_ids,
    moto_server,
    run,
    stop_pid,
)
from pipewatch_local.sam_local_plan import (
    ARCHES,
    BRIDGE,
    EMULATED_MINIMUM_TIMEOUT_S,
    FDA_PRESS_PATH,
    INVOKE_TIMEOUT_S,
    PRESS_FEED,
    REGION,
    Arch,
    CheckFailed,
    SamLocalError,
    StepResult,
    derive_template,
    describe,
    env_vars_document,
    expect,
    function_error,
    is_native,
    parse_response,
    raise_timeouts,
    results_table,
    sam_environment,
    short,
    sources_document,
)

# -- the run -----------------------------------------------------------------------------------------------


@dataclass
class Invoker:
    sam: Path
    template: Path
    env_file: Path
    image: str
    logs: Path
    env: dict[str, str]
    root: Path
    results: list[StepResult] = field(default_factory=list)

    def invoke(self, function: str, event: str, label: str) -> tuple[str, float]:
        # fmt: off
        cmd = [
            str(self.sam), "local", "invoke", function, "-e", f"events/{event}",
            "--template", str(self.template), "--env-vars", str(self.env_file),
            "--invoke-image", self.image, "--skip-pull-image", "--region", REGION,
        ]
        # fmt: on
        started = time.monotonic()
        try:
            completed = subprocess.run(  # noqa: S603 - the SAM CLI
                cmd,
                check=False,
                cwd=self.root,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=INVOKE_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as exc:
            raise CheckFailed(f"sam local invoke did not return within {INVOKE_TIMEOUT_S} s") from exc
        seconds = time.monotonic() - started
        log = self.logs / f"{label}.log"
        log.write_text(f"$ {' '.join(cmd)}\n--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}")
        if completed.returncode != 0:
            raise CheckFailed(f"sam exited {completed.returncode} (see {log})")
        return completed.stdout, seconds

    def step(
        self, label: str, function: str, event: str, check: Callable[[Any], str], repeat: int = 1
    ) -> None:
        """Invoke `repeat` times; `check` gets the last response and returns a summary of the effect."""
        total = 0.0
        response: Any = None
        try:
            for n in range(repeat):
                stdout, seconds = self.invoke(function, event, f"{label}-{n + 1}")
                total += seconds
                response = parse_response(stdout)
                print(f"  {label} #{n + 1} ({seconds:.1f} s) response: {short(response, 600)}")
                error = function_error(response)
                if error is not None:
                    raise CheckFailed(f"function error {error}")
            detail = check(response)
            ok = True
        except CheckFailed as exc:
            ok, detail = False, str(exc)
            print(f"  {label}: FAIL {detail}")
        except (BotoCoreError, ClientError) as exc:
            ok, detail = False, f"reading the effect from moto_server failed: {exc}"
            print(f"  {label}: FAIL {detail}")
        except (KeyError, TypeError, ValueError) as exc:
            ok, detail = False, f"unexpected response shape: {exc!r}"
            print(f"  {label}: FAIL {detail}")
        self.results.append(StepResult(label, function, total, ok, short(detail, 160), response))


@dataclass
class Effects:
    """Reads the local AWS to check what each function did."""

    stack: LocalStack
    replay_requests: list[str]
    api_policy: dict[str, Any] = field(default_factory=dict)

    def queue_depth(self) -> int:
        attrs = aws_client("sqs").get_queue_attributes(
            QueueUrl=self.stack.output("PollQueueUrl"), AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"])

    def stored_agents(self) -> set[str]:
        items = aws_client("dynamodb").scan(
            TableName=self.stack.output("TableName"),
            FilterExpression="#k = :u",
            ExpressionAttributeNames={"#k": "kind"},
            ExpressionAttributeValues={":u": {"S": "update"}},
        )["Items"]
        return {agent["S"] for item in items for agent in item.get("agents", {}).get("L", [])}

    def topic_subscriptions(self) -> list[dict[str, Any]]:
        subs: list[dict[str, Any]] = aws_client("sns").list_subscriptions_by_topic(
            TopicArn=self.stack.output("AlertsTopicArn")
        )["Subscriptions"]
        return subs


def run_steps(invoker: Invoker, effects: Effects) -> None:  # noqa: PLR0915 - one block per step
    def plan_news(response: Any) -> str:
        expect(response == {"tasks": 1, "sources": ["fda-press"]}, f"unexpected plan report {response}")
        depth = effects.queue_depth()
        expect(depth == 1, f"poll queue holds {depth} messages, expected 1")
        return "1 task enqueued (queue depth 1)"

    def plan_registry(response: Any) -> str:
        expect(response == {"tasks": 0, "sources": []}, f"unexpected plan report {response}")
        depth = effects.queue_depth()
        expect(depth == 1, f"poll queue holds {depth} messages, expected still 1")
        return "no registry source, queue depth still 1"

    def poll_task(response: Any) -> str:
        expect(response == {"batchItemFailures": []}, f"batch item failures {response}")
        expect(FDA_PRESS_PATH in [r.split("?")[0] for r in effects.replay_requests], "feed never requested")
        agents = effects.stored_agents()
        expect({"efgartigimod", "brepocitinib"} <= agents, f"stored updates name agents {sorted(agents)}")
        return f"feed fetched from the replay server; updates stored for {sorted(agents)}"

    def poll_direct(response: Any) -> str:
        ok = isinstance(response, dict) and response.get("sources") == 1 and response.get("failed") == []
        expect(ok, f"unexpected poll report {response}")
        return "1 news source polled, none failed"

    def api_post(response: Any) -> str:
        expect(isinstance(response, dict) and response.get("statusCode") == 201, f"not 201: {response}")
        subs = [s for s in effects.topic_subscriptions() if s["Endpoint"] == "analyst@example.com"]
        expect(len(subs) == 1, f"{len(subs)} SNS subscriptions for analyst@example.com, expected 1")
        attributes = aws_client("sns").get_subscription_attributes(SubscriptionArn=subs[0]["SubscriptionArn"])
        effects.api_policy = json.loads(attributes["Attributes"].get("FilterPolicy", "{}"))
        expect(bool(effects.api_policy), "the API's SNS subscription has no filter policy")
        return f"201; SNS subscription with filter policy {short(effects.api_policy, 100)}"

    def api_list(response: Any) -> str:
        expect(isinstance(response, dict) and response.get("statusCode") == 200, f"not 200: {response}")
        listed = [s["endpoint"] for s in json.loads(response["body"])["subscriptions"]]
        expect(listed == ["analyst@example.com"], f"listed {listed}")
        return "200; lists analyst@example.com"

    invoker.step("plan news", "PlanFunction", "plan_news.json", plan_news)
    invoker.step("plan registry", "PlanFunction", "plan_registry.json", plan_registry)
    invoker.step("poll sqs task", "PollFunction", "poll_sqs_task.json", poll_task)
    invoker.step("poll direct news", "PollFunction", "poll_direct_news.json", poll_direct)
    invoker.step("api post subscription", "ApiFunction", "api_post_subscription.json", api_post)
    invoker.step("api list subscriptions", "ApiFunction", "api_list_subscriptions.json", api_list)

    # Alerts, seen through SQS queues subscribed to the topic: one with no policy (every alert), one with
    # the policy of an efgartigimod subscriber (the sample update matches), one with the policy the API
    # gave its brepocitinib subscriber (it must not match).
    from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription, filter_policy

    topic = effects.stack.output("AlertsTopicArn")
    wanted = Subscription(
        endpoint="efgartigimod-watcher@example.com",
        preferences=Preferences(agents=("efgartigimod",), min_severity="high"),
    )
    inbox_all = add_shadow_subscriber(topic, "all", None)
    inbox_match = add_shadow_subscriber(topic, "efgartigimod", filter_policy(wanted))
    inbox_api = add_shadow_subscriber(topic, "api-subscriber", effects.api_policy or None)

    def alert_twice(response: Any) -> str:
        expect(response == {"batchItemFailures": []}, f"batch item failures {response}")
        every = [m["MessageAttributes"]["update_id"]["Value"] for m in inbox_all.received()]
        expect(
            every == ["u-sample-events-0001"], f"topic published {every}, expected u-sample-events-0001 once"
        )
        matched = inbox_match.received()
        expect(len(matched) == 1, f"efgartigimod subscriber's queue got {len(matched)}, expected 1")
        expect(matched[0]["Subject"].startswith("[HIGH] efgartigimod"), f"subject {matched[0]['Subject']!r}")
        other = inbox_api.received()
        expect(effects.api_policy != {} and other == [], f"brepocitinib subscriber got {len(other)} messages")
        return "2 invokes, 1 publish; matching policy got it, the API subscriber's policy did not"

    def digest(response: Any) -> str:
        ok = isinstance(response, dict) and response.get("sent") == []
        expect(ok, f"unexpected digest report {response}")
        return f"ran; report {short(response, 100)}"

    invoker.step("alert stream event x2", "AlertFunction", "alert_stream.json", alert_twice, repeat=2)
    invoker.step("digest schedule", "DigestFunction", "digest_schedule.json", digest)


def sam_build(sam: Path, root: Path, work: Path, arch: Arch, env: dict[str, str]) -> Path:
    """`sam build` of template.yaml (arm64, what ships) or of a derived x86_64 template, each into its own
    build dir. Returns the template to invoke (see `prepare_build_for_invoke`)."""
    template = root / "template.yaml"
    if arch.name != "arm64":
        from samtranslator.yaml_helper import yaml_parse

        derived = derive_template(yaml_parse(template.read_text(encoding="utf-8")), arch.name, root)
        template = work / f"template-{arch.name}.json"
        template.write_text(json.dumps(derived, indent=1), encoding="utf-8")
    build_dir = work / f"build-{arch.name}"
    run(
        [str(sam), "build", "--template-file", str(template), "--build-dir", str(build_dir)],
        cwd=root,
        env=env,
    )
    return prepare_build_for_invoke(build_dir, arch)


def prepare_build_for_invoke(build_dir: Path, arch: Arch) -> Path:
    """Two concessions to emulation, neither changing the code that runs. Bytecode: /var/task and /opt are
    mounted read-only, so each cold start compiles every module again (~900; the API's import took 57 s
    under qemu without .pyc, 20 s with); compiled here by this interpreter (same 3.11 bytecode). Timeouts:
    under qemu, raised to EMULATED_MINIMUM_TIMEOUT_S in a copy of the built template; native runs keep the
    template's."""
    import yaml

    for part in sorted(p for p in build_dir.iterdir() if p.is_dir()):
        # File names as the container sees them (tracebacks): layers at /opt, function code at /var/task.
        inside = "/opt" if (part / "python").is_dir() else "/var/task"
        run([sys.executable, "-m", "compileall", "-q", "-j", "0", "-s", str(part), "-p", inside, str(part)])
    built = build_dir / "template.yaml"
    if is_native(arch):
        return built
    document = yaml.safe_load(built.read_text(encoding="utf-8"))
    raised, changes = raise_timeouts(document, EMULATED_MINIMUM_TIMEOUT_S)
    emulation = build_dir / "template.emulated.json"
    emulation.write_text(json.dumps(raised, indent=1), encoding="utf-8")
    listed = ", ".join(f"{name} {old}->{new} s" for name, (old, new) in sorted(changes.items()))
    print(
        f"sam-local: emulated run: timeouts raised in {emulation.name} ({listed or 'none below the minimum'})"
    )
    return emulation


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - the run, phase by phase
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", choices=sorted(ARCHES), default=os.environ.get("SAM_LOCAL_ARCH", "arm64"))
    parser.add_argument("--sam", type=Path, default=Path(shutil.which("sam") or "sam"))
    parser.add_argument("--skip-host-setup", action="store_true", help="no apt/binfmt step (already done)")
    args = parser.parse_args(argv)
    arch = ARCHES[args.arch]
    root = repo_root()
    work = root / ".sam-local"
    logs = work / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    host_sh = root / "infra" / "sam-local" / "host.sh"
    requirements = root / "infra" / "sam-local" / "runtime-requirements.txt"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below
    print(f"sam-local: architecture {describe(arch)}")
    phases: list[tuple[str, float]] = []
    started = time.monotonic()

    def phase(name: str, since: float) -> float:
        now = time.monotonic()
        phases.append((name, now - since))
        return now

    results: list[StepResult] = []
    with contextlib.ExitStack() as cleanup:
        mark = started
        if not args.skip_host_setup:
            run([str(host_sh), "install"])
        pidfile = work / "dockerd.pid"
        run([str(host_sh), "dockerd", str(pidfile), str(work / "dockerd.log")])
        if pidfile.exists():
            dockerd_pid = int(pidfile.read_text())
            cleanup.callback(stop_pid, dockerd_pid, "dockerd")
        mark = phase("host set-up (packages, binfmt, dockerd)", mark)
        image = build_image(work, arch, args.sam, host_sh, requirements)
        mark = phase("image (debootstrap when not cached)", mark)
        # moto_server first: SAM's own AWS calls go to it (see sam_environment).
        endpoint = cleanup.enter_context(moto_server(work))
        sam_env = sam_environment(dict(os.environ), endpoint)
        built = sam_build(args.sam, root, work, arch, sam_env)
        mark = phase("moto_server start, sam build, byte-compile", mark)

        os.environ.update(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            }
        )
        from pipewatch_local.local_stack import create_local_stack
        from pipewatch_local.replay_server import ReplayServer, Route

        replay = cleanup.enter_context(ReplayServer(host=BRIDGE))
        replay.routes[FDA_PRESS_PATH] = Route.file(root / PRESS_FEED, "application/rss+xml")
        print(f"sam-local: replay server on {replay.base_url} (in this process)")
        stack = create_local_stack(root / "template.yaml", name="pipewatch-sam-local")
        env_file = work / "env-vars.json"
        document = env_vars_document(
            stack.outputs, endpoint, sources_document(f"{replay.base_url}{FDA_PRESS_PATH}", BRIDGE)
        )
        env_file.write_text(json.dumps(document, indent=2), encoding="utf-8")
        mark = phase("replay server, stack in moto, env-vars", mark)

        cleanup.callback(_remove_new_dangling_images, image_ids("dangling=true"))
        invoker = Invoker(args.sam, built, env_file, image, logs, sam_env, root, results)
        run_steps(invoker, Effects(stack, replay.requests))
        phase("invokes", mark)

    total = time.monotonic() - started
    print()
    print(results_table(results, arch))
    print("phases: " + "; ".join(f"{name} {seconds:.1f} s" for name, seconds in phases))
    ok = bool(results) and all(r.ok for r in results)
    verdict = "PASS" if ok else "FAIL"
    print(f"sam-local: {verdict} on architecture {describe(arch)} in {total:.1f} s (logs in {logs})")
    return 0 if ok else 1


def _remove_new_dangling_images(dangling_before: set[str]) -> None:
    """SAM rebuilds its image on every invoke when the template defines a layer; when the layer changed, the
    previous build loses its tag. Remove only the images that became untagged during this run."""
    stale = sorted(image_ids("dangling=true") - dangling_before)
    if stale:
        subprocess.run(["docker", "rmi", *stale], capture_output=True, check=False)  # noqa: S603, S607


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SamLocalError as exc:
        print(f"sam-local: FAIL: {exc}", file=sys.stderr)
        sys.exit(2)

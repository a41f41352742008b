"""AWS calls of poll's first invocation, by operation (issue 28: the review called the poll "chatty").

The sample event (events/poll_sqs_task.json: the recorded FDA press feed, HAND-MADE from labelled headlines,
through a replay server) is handled once on a fresh stack in a moto_server, as bench/cold_start.py's (c) does,
but in this process from the tree's sources, with a botocore `before-call` hook counting every call. Each call
costs several ms of CPU in botocore (serialisation, signing, parsing) before any network.

    python bench/poll_calls.py
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class _Context:
    function_name = "PollFunction"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:PollFunction"
    aws_request_id = "poll-calls"
    log_group_name = "/aws/lambda/PollFunction"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 60000


def count_calls() -> tuple[Counter[str], Any]:
    import botocore.session

    from pipewatch_local.artifact import deployed_stack, moto_server

    for name in ("werkzeug", "moto", "moto.cloudformation"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="moto")
    event = json.loads((ROOT / "events" / "poll_sqs_task.json").read_text(encoding="utf-8"))
    calls: Counter[str] = Counter()
    create_client = botocore.session.Session.create_client

    def counted_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = create_client(self, *args, **kwargs)
        service = client.meta.service_model.service_name
        client.meta.events.register(
            "before-call", lambda model, **_: calls.update([f"{service}.{model.name}"])
        )
        return client

    with moto_server() as endpoint, deployed_stack(endpoint, name="pipewatch-poll-calls") as deployment:
        saved = dict(os.environ)
        os.environ.update(deployment["env"])
        botocore.session.Session.create_client = counted_client  # type: ignore[method-assign]
        try:
            from pipewatch.handlers import poll

            response = poll.handler(event, _Context())
        finally:
            botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
            os.environ.clear()
            os.environ.update(saved)
    return calls, response


def main() -> None:
    calls, response = count_calls()
    if response != {"batchItemFailures": []}:
        raise SystemExit(f"the first invocation reported failures: {response}")
    print("AWS calls of poll's first invocation (events/poll_sqs_task.json, fresh stack), by operation:")
    for operation, count in sorted(calls.items()):
        print(f"  {count:4d}  {operation}")
    print(f"  {sum(calls.values()):4d}  total")


if __name__ == "__main__":
    main()

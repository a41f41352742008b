"""The poll queue (SQS): poll tasks go out in batches of ten; a partly failed batch is retried once for the
failed entries, then reported as an error naming them (the scheduler retries the whole plan; duplicate tasks
are harmless because every store write is conditional)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from pipewatch.errors import PipewatchError

if TYPE_CHECKING:
    from pipewatch.domain.ingest.polling import PollTask

_BATCH = 10  # SQS SendMessageBatch limit


class EnqueueError(PipewatchError):
    def __init__(self, failed: list[str], reason: str) -> None:
        super().__init__(f"{len(failed)} poll tasks not enqueued ({reason}): {', '.join(failed[:5])}")
        self.failed = failed
        self.reason = reason


class SqsTaskQueue:
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        if not queue_url:
            raise ValueError("no poll queue URL (PIPEWATCH_POLL_QUEUE_URL)")
        self._sqs = sqs_client
        self._url = queue_url

    def send(self, tasks: Sequence[PollTask]) -> int:
        sent = 0
        for start in range(0, len(tasks), _BATCH):
            entries = {str(n): task.to_json() for n, task in enumerate(tasks[start : start + _BATCH], start)}
            reason = "SendMessageBatch failed"
            for _attempt in range(2):
                try:
                    entries = self._send_batch(entries)
                except (ClientError, BotoCoreError) as exc:
                    raise EnqueueError([tasks[int(k)].state_id for k in entries], str(exc)) from exc
                if not entries:
                    break
            if entries:
                raise EnqueueError([tasks[int(k)].state_id for k in entries], reason)
            sent += min(_BATCH, len(tasks) - start)
        return sent

    def _send_batch(self, entries: dict[str, str]) -> dict[str, str]:
        """Send; return the entries that failed."""
        response = self._sqs.send_message_batch(
            QueueUrl=self._url,
            Entries=[{"Id": key, "MessageBody": body} for key, body in entries.items()],
        )
        return {f["Id"]: entries[f["Id"]] for f in response.get("Failed", [])}

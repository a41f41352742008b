"""The delivery queue: enqueue delivery jobs (fan-out) and push a failed job's next attempt into the future
(its visibility timeout), so retries wait in SQS rather than in a sleeping Lambda."""

from __future__ import annotations

from typing import Any

MAX_VISIBILITY_SECONDS = 12 * 3600


class SqsDeliveryQueue:
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._url = queue_url

    def send_jobs(self, bodies: list[str]) -> None:
        for start in range(0, len(bodies), 10):
            chunk = bodies[start : start + 10]
            response = self._sqs.send_message_batch(
                QueueUrl=self._url,
                Entries=[{"Id": str(n), "MessageBody": body} for n, body in enumerate(chunk)],
            )
            failed = response.get("Failed") or []
            if failed:  # the fan-out message fails and is retried; jobs already sent dedupe on their claim
                raise RuntimeError(f"{len(failed)} delivery jobs not enqueued: {failed[0].get('Code')}")

    def delay(self, receipt_handle: str, seconds: float) -> None:
        self._sqs.change_message_visibility(
            QueueUrl=self._url,
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=int(min(max(seconds, 1), MAX_VISIBILITY_SECONDS)),
        )

"""The poll's SQS partial batch response (handlers/_batch.sqs_partial_response): the answer Powertools'
BatchProcessor (SQS, raise_on_entire_batch_failure=False) gave, without importing its batch utility.
Records are hand-made."""

from __future__ import annotations

from typing import Any

import pytest

from pipewatch.handlers._batch import SqsRecord, sqs_partial_response


def _record(message_id: str, body: str) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"r-{message_id}",
        "body": body,
        "eventSource": "aws:sqs",
    }


def test_given_a_batch_with_one_failing_record_then_only_it_is_reported_and_the_rest_run_in_order() -> None:
    seen: list[str] = []

    def handle(record: SqsRecord) -> None:
        seen.append(record["messageId"])
        if record["body"] == "bad":
            raise ValueError("not a task")

    event = {"Records": [_record("m-1", "ok"), _record("m-2", "bad"), _record("m-3", "ok")]}
    assert sqs_partial_response(event, handle) == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}
    assert seen == ["m-1", "m-2", "m-3"]


def test_given_every_record_failing_then_the_answer_is_still_partial_not_an_error() -> None:
    def handle(record: SqsRecord) -> None:
        raise RuntimeError(record["body"])

    event = {"Records": [_record("m-1", "a"), _record("m-2", "b")]}
    assert sqs_partial_response(event, handle) == {
        "batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]
    }


def test_given_a_clean_batch_then_no_failures_are_reported() -> None:
    assert sqs_partial_response({"Records": [_record("m-1", "ok")]}, lambda record: None) == {
        "batchItemFailures": []
    }


def test_given_an_event_without_a_record_list_then_it_is_refused() -> None:
    with pytest.raises(ValueError, match="Records"):
        sqs_partial_response({"Records": "m-1"}, lambda record: None)

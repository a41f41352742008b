"""handlers/_batch.stream_partial_response answers a DynamoDB stream batch exactly as Powertools'
BatchProcessor(DynamoDBStreams) with process_partial_response does (the alert handler used it before it was
replaced to spare the cold start its import): same batchItemFailures, same error when every record fails.
Hand-made stream records."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from pipewatch.handlers._batch import stream_partial_response


def _record(n: int, *, sequence: bool = True) -> dict[str, Any]:
    dynamodb: dict[str, Any] = {"Keys": {"pk": {"S": f"UPDATE#u-{n}"}}, "NewImage": {"n": {"N": str(n)}}}
    if sequence:
        dynamodb["SequenceNumber"] = f"{n:021d}"
    return {"eventID": f"e-{n}", "eventName": "INSERT", "eventSource": "aws:dynamodb", "dynamodb": dynamodb}


def _failing_on(*numbers: int) -> Any:
    def handle(raw: dict[str, Any]) -> str:
        n = int(raw["dynamodb"]["NewImage"]["n"]["N"])
        if n in numbers:
            raise RuntimeError(f"hand-made failure {n}")
        return "ok"

    return handle


def _powertools(records: list[dict[str, Any]], handle: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def record_handler(record: Any) -> Any:  # Powertools passes `record=` (a DynamoDBRecord)
        return handle(record.raw_event)

    answer = process_partial_response(
        event={"Records": records}, record_handler=record_handler, processor=processor
    )
    return dict(answer)


@pytest.mark.parametrize(
    ("records", "failing"),
    [
        ([_record(1), _record(2), _record(3)], ()),
        ([_record(1), _record(2), _record(3)], (2,)),
        ([_record(1), _record(2), _record(3)], (1, 3)),
        ([_record(1), _record(2, sequence=False)], (2,)),
    ],
)
def test_given_a_batch_then_the_answer_is_powertools_answer(
    records: list[dict[str, Any]], failing: tuple[int, ...]
) -> None:
    ours = stream_partial_response(records, _failing_on(*failing))
    assert ours == _powertools(records, _failing_on(*failing))
    assert len(ours["batchItemFailures"]) == len(failing)


def test_given_every_record_failing_then_the_same_error_is_raised() -> None:
    records = [_record(1), _record(2)]
    with pytest.raises(BatchProcessingError) as theirs:
        _powertools(records, _failing_on(1, 2))
    with pytest.raises(BatchProcessingError) as ours:
        stream_partial_response(records, _failing_on(1, 2))
    # The same message, then each record's traceback (whose frames name each implementation's own lines).
    assert str(ours.value).splitlines()[0] == str(theirs.value).splitlines()[0]
    assert [len(e) for e in ours.value.child_exceptions] == [len(e) for e in theirs.value.child_exceptions]
    assert [str(e[1]) for e in ours.value.child_exceptions] == [
        str(e[1]) for e in theirs.value.child_exceptions
    ]
    assert "hand-made failure 2" in str(ours.value)


def test_given_records_then_each_is_handled_once_in_order() -> None:
    seen: list[str] = []
    stream_partial_response([_record(3), _record(1), _record(2)], lambda raw: seen.append(raw["eventID"]))
    assert seen == ["e-3", "e-1", "e-2"]

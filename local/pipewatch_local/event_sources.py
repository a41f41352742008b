"""Event-source emulation: moto runs no Lambda code and its event-source mappings consume stream records and
queue messages, so the mappings are left out of the stack and these pumps play their part. They read the
table's stream and the queues and call the handlers in-process with Lambda-shaped events (LambdaContext,
api_gateway_event), honouring `batchItemFailures`. A shadow subscriber sees what SNS delivers to an e-mail
or SMS endpoint, which moto does not record."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipewatch_local.moto_stack import REGION, LocalStack, aws_client
from pipewatch_local.stack_resolve import get_att_logical, physical_ids

# A Lambda handler as the pumps call it: (event, context) -> the answer (batchItemFailures, if any).
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class LambdaContext:
    """The attributes Powertools reads from a Lambda context."""

    def __init__(self, function_name: str, timeout_ms: int = 300_000) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline_ms = timeout_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._deadline_ms


def api_gateway_event(
    method: str,
    resource: str,
    *,
    path_parameters: dict[str, str] | None = None,
    body: Any = None,
    query: dict[str, str] | None = None,
    stage: str = "dev",
    form: dict[str, str] | None = None,
    host: str = "local.execute-api.us-east-1.amazonaws.com",
) -> dict[str, Any]:
    """An API Gateway REST (proxy integration) event as Lambda receives it, for `resource` (the template
    path, e.g. "/subscriptions/{subscription_id}") with its path parameters filled in. `form` sends an
    HTML form post (application/x-www-form-urlencoded) instead of a JSON body."""
    from urllib.parse import urlencode

    path = resource
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", value)
    content_type = "application/x-www-form-urlencoded" if form is not None else "application/json"
    headers = {"Content-Type": content_type, "Host": host, "X-Forwarded-Proto": "https"}
    if form is not None:
        raw_body: str | None = urlencode(form)
    else:
        raw_body = json.dumps(body) if body is not None else None
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "domainName": host,
            "requestId": str(uuid.uuid4()),
            "accountId": "123456789012",
            "identity": {"sourceIp": "127.0.0.1", "userArn": "arn:aws:iam::123456789012:user/local"},
        },
        "body": raw_body,
        "isBase64Encoded": False,
    }


# -- event-source emulation ------------------------------------------------------------------------------


def pattern_matches(pattern: Any, value: Any) -> bool:
    """The subset of Lambda event-filter pattern syntax the template uses: nested keys, lists of values."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            key in value and pattern_matches(sub, value[key]) for key, sub in pattern.items()
        )
    if isinstance(pattern, list):
        return value in pattern
    return bool(pattern == value)


def _lambda_stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """moto's stream record, reshaped as Lambda delivers it (eventSourceARN, epoch creation time)."""
    shaped = copy.deepcopy(record)
    shaped["eventSourceARN"] = stream_arn
    created = shaped.get("dynamodb", {}).get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        shaped["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
    return shaped


class StreamPump:
    """Plays the DynamoDB-stream event-source mapping for one table: filter, batch, retry failures."""

    def __init__(
        self,
        table_name: str,
        handler: Handler,
        *,
        function_name: str,
        filters: list[dict[str, Any]] | None = None,
        batch_size: int = 25,
        max_retries: int = 5,
        on_failure_queue_url: str = "",
    ) -> None:
        self._streams = aws_client("dynamodbstreams")
        # As Lambda's mapping does: find the table's stream (ListStreams), then read it.
        streams = self._streams.list_streams(TableName=table_name)["Streams"]
        self.stream_arn: str = streams[0]["StreamArn"]
        self.on_failure_queue_url = on_failure_queue_url
        self._handler = handler
        self._function_name = function_name
        self._filters = filters or []
        self._batch_size = batch_size
        self._max_retries = max_retries
        self._after: str | None = None
        self.invocations: list[dict[str, Any]] = []
        self.dropped: list[dict[str, Any]] = []  # records that exhausted retries (the on-failure destination)

    @classmethod
    def from_mapping(
        cls, stack: LocalStack, mapping: dict[str, Any], handler: Handler, function_name: str
    ) -> StreamPump:
        props = mapping["Properties"]
        filters = [json.loads(f["Pattern"]) for f in props.get("FilterCriteria", {}).get("Filters", [])]
        return cls(
            stack.output("TableName"),
            handler,
            function_name=function_name,
            filters=filters,
            batch_size=int(props.get("BatchSize", 100)),
            max_retries=int(props.get("MaximumRetryAttempts", 5)),
            on_failure_queue_url=_on_failure_queue_url(stack, props),
        )

    def _read_new(self) -> list[dict[str, Any]]:
        shard = self._streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"][0]
        if self._after:
            iterator = self._streams.get_shard_iterator(
                StreamArn=self.stream_arn,
                ShardId=shard["ShardId"],
                ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                SequenceNumber=self._after,
            )["ShardIterator"]
        else:
            iterator = self._streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
        records: list[dict[str, Any]] = []
        while iterator:
            response = self._streams.get_records(ShardIterator=iterator, Limit=1000)
            batch = response.get("Records", [])
            records.extend(batch)
            if not batch:
                break
            iterator = response.get("NextShardIterator")
        if records:
            self._after = records[-1]["dynamodb"]["SequenceNumber"]
        return records

    def pump(self) -> int:
        """Deliver every new record; returns how many records reached the handler (after filtering)."""
        shaped = [_lambda_stream_record(r, self.stream_arn) for r in self._read_new()]
        wanted = [r for r in shaped if not self._filters or any(pattern_matches(p, r) for p in self._filters)]
        for start in range(0, len(wanted), self._batch_size):
            self._deliver(wanted[start : start + self._batch_size])
        return len(wanted)

    def deliver_batch(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """Deliver an exact batch once (tests use it to replay a batch) and return the handler's answer."""
        event = {"Records": records}
        self.invocations.append(event)
        return self._handler(event, LambdaContext(self._function_name))

    def _deliver(self, batch: list[dict[str, Any]]) -> None:
        # Lambda's stream semantics with ReportBatchItemFailures: resume from the first failed record.
        attempts = 0
        while batch:
            failures = self._failed_items(batch)
            if not failures:
                return
            first = min(i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in set(failures))
            batch = batch[first:]
            attempts += 1
            if attempts > self._max_retries:
                self.dropped.extend(batch)
                self._send_to_on_failure_destination(batch)
                return

    def _failed_items(self, batch: list[dict[str, Any]]) -> list[str]:
        """Deliver once; the sequence numbers to retry. A handler that raises (Powertools raises when every
        record of a batch failed) is a function error: Lambda retries the whole batch."""
        from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

        try:
            answer = self.deliver_batch(batch) or {}
        except BatchProcessingError:
            return [r["dynamodb"]["SequenceNumber"] for r in batch]
        return [f["itemIdentifier"] for f in answer.get("batchItemFailures", [])]

    def _send_to_on_failure_destination(self, batch: list[dict[str, Any]]) -> None:
        """What Lambda sends the on-failure destination for a stream: where the records are, not the data."""
        if not self.on_failure_queue_url:
            return
        sequence = [r["dynamodb"]["SequenceNumber"] for r in batch]
        aws_client("sqs").send_message(
            QueueUrl=self.on_failure_queue_url,
            MessageBody=json.dumps(
                {
                    "requestContext": {
                        "condition": "RetryAttemptsExhausted",
                        "approximateInvokeCount": self._max_retries + 1,
                    },
                    "DDBStreamBatchInfo": {
                        "streamArn": self.stream_arn,
                        "startSequenceNumber": sequence[0],
                        "endSequenceNumber": sequence[-1],
                        "batchSize": len(batch),
                    },
                }
            ),
        )


def _on_failure_queue_url(stack: LocalStack, props: dict[str, Any]) -> str:
    destination = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
    if not isinstance(destination, dict) or "Fn::GetAtt" not in destination:
        return ""
    return physical_ids(stack).get(get_att_logical(destination["Fn::GetAtt"]), "")


@dataclass
class ShadowSubscriber:
    """An SQS queue subscribed to the topic with a subscriber's filter policy: what SNS delivers to the
    subscriber's email/SMS endpoint (moto records no email/SMS deliveries) arrives here too."""

    name: str
    queue_url: str
    subscription_arn: str

    def received(self) -> list[dict[str, Any]]:
        sqs = aws_client("sqs")
        messages: list[dict[str, Any]] = []
        while True:
            response = sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
            )
            batch = response.get("Messages", [])
            if not batch:
                return messages
            for message in batch:
                messages.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


def add_shadow_subscriber(
    topic_arn: str, name: str, filter_policy: dict[str, Any] | None
) -> ShadowSubscriber:
    sqs = aws_client("sqs")
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", name)[:40]
    queue_url = sqs.create_queue(QueueName=f"shadow-{safe}-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    attributes = {"RawMessageDelivery": "false"}
    if filter_policy:
        attributes["FilterPolicy"] = json.dumps(filter_policy)
        attributes["FilterPolicyScope"] = "MessageAttributes"
    arn = aws_client("sns").subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return ShadowSubscriber(name, queue_url, arn)


# -- the SQS event-source mapping ----------------------------------------------------------------------------


class QueuePump:
    """Plays an SQS event-source mapping: receive up to BatchSize messages, invoke the handler with a
    Lambda-shaped event, delete the messages it did not report in `batchItemFailures`. A reported message
    stays on the queue; moto counts its receives and moves it to the DLQ after the redrive policy's
    maxReceiveCount, as SQS does. The pump does not wait for visibility timeouts to pass: it makes failed
    messages visible again at once (time travel; ChangeMessageVisibility 0)."""

    def __init__(
        self,
        queue_url: str,
        handler: Handler,
        *,
        function_name: str,
        batch_size: int = 10,
    ) -> None:
        self._sqs = aws_client("sqs")
        self.queue_url = queue_url
        self.queue_arn: str = self._sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self._handler = handler
        self._function_name = function_name
        self._batch_size = batch_size
        self.invocations: list[dict[str, Any]] = []
        self.failures: list[str] = []

    @classmethod
    def from_mapping(
        cls, stack: LocalStack, mapping: dict[str, Any], handler: Handler, function_name: str
    ) -> QueuePump:
        props = mapping["Properties"]
        return cls(
            physical_ids(stack)[get_att_logical(props["EventSourceArn"]["Fn::GetAtt"])],
            handler,
            function_name=function_name,
            batch_size=int(props.get("BatchSize", 10)),
        )

    def _event_record(self, message: dict[str, Any]) -> dict[str, Any]:
        attributes = message.get("Attributes", {})
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": {
                "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
                "SentTimestamp": attributes.get("SentTimestamp", "0"),
                "SenderId": attributes.get("SenderId", "AIDAEXAMPLE"),
                "ApproximateFirstReceiveTimestamp": attributes.get("ApproximateFirstReceiveTimestamp", "0"),
            },
            "messageAttributes": {},
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": REGION,
        }

    def pump(self, max_batches: int = 100_000) -> int:
        """Deliver until the queue is empty; returns the number of messages delivered (retries included)."""
        delivered = 0
        for _ in range(max_batches):
            messages = self._receive()
            if not messages:
                return delivered
            delivered += len(messages)
            self._deliver(messages)
        return delivered

    def _receive(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < self._batch_size:
            response = self._sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self._batch_size - len(messages)),
                AttributeNames=["All"],
            )
            batch = response.get("Messages", [])
            if not batch:
                break
            messages.extend(batch)
        return messages

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        event = {"Records": [self._event_record(m) for m in messages]}
        self.invocations.append(event)
        answer = self._handler(event, LambdaContext(self._function_name)) or {}
        failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        self.failures.extend(sorted(failed))
        done = [m for m in messages if m["MessageId"] not in failed]
        retry = [m for m in messages if m["MessageId"] in failed]
        for start in range(0, len(done), 10):
            self._sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(done[start : start + 10])
                ],
            )
        for start in range(0, len(retry), 10):
            self._sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for n, m in enumerate(retry[start : start + 10])
                ],
            )


def queue_depth(queue_url: str) -> int:
    attrs = aws_client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])

"""The embedded default runtime: template.yaml translated by the SAM translator and created as a stack in
moto's CloudFormation, so the demo, the tests and a deployment run one template.

moto cannot run Lambda code and its event-source mappings consume stream records and queue messages, so the
mappings are removed from the stack and `EventSources` plays their part: it reads the stream and the
queues and calls the handlers in-process with Lambda-shaped events, honouring `batchItemFailures`.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
CODE_BUCKET = "pipewatch-local-code"
CODE_KEY = "functions.zip"
# moto creates these resource types for real; the rest of the template is checked on the translated
# document instead (see tests/integration/test_stack.py).
EVENT_SOURCE_MAPPING = "AWS::Lambda::EventSourceMapping"
# Resources left out of the moto stack, with why. Each is still checked on the translated template.
NOT_CREATED_IN_MOTO: dict[str, str] = {
    EVENT_SOURCE_MAPPING: "moto's mappings consume stream records and queue messages; the pumps play them",
    "AWS::ApiGateway::Deployment": "moto does not import the OpenAPI Body, so a deployment finds no methods",
}

_CLIENT_CONFIG = Config(account_id_endpoint_mode="disabled")


def aws_client(service: str) -> Any:
    return boto3.client(service, region_name=REGION, config=_CLIENT_CONFIG)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def translate_template(path: Path, parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """SAM -> CloudFormation offline. Local CodeUri values become an S3 location (the translator wants one)."""
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse

    sam = yaml_parse(path.read_text(encoding="utf-8"))
    code_uri = f"s3://{CODE_BUCKET}/{CODE_KEY}"
    globals_fn = sam.get("Globals", {}).get("Function", {})
    if isinstance(globals_fn.get("CodeUri"), str):
        globals_fn["CodeUri"] = code_uri
    for resource in sam.get("Resources", {}).values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = code_uri

    # An explicit session gives the translator a region without any AWS configuration on the machine.
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    try:
        translated: dict[str, Any] = translator.translate(
            sam, parameter_values=dict(parameters or {}), get_managed_policy_map=dict
        )
    except InvalidDocumentException as exc:
        causes = "; ".join(str(c) for c in exc.causes)
        raise ValueError(f"{path}: SAM translation failed: {causes}") from exc
    return translated


def strip_event_source_mappings(template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A copy of the template without event-source mappings, plus the removed mappings by logical id."""
    stripped, removed = strip_resources(template, {EVENT_SOURCE_MAPPING})
    return stripped, removed


def strip_resources(template: dict[str, Any], types: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A copy of the template without resources of these types, plus the removed ones by logical id."""
    stripped = copy.deepcopy(template)
    removed = {name: res for name, res in stripped["Resources"].items() if res.get("Type") in types}
    for name in removed:
        del stripped["Resources"][name]
    return stripped, removed


def _code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "moto does not run Lambda code; handlers are called in-process.\n")
    return buffer.getvalue()


@dataclass
class LocalStack:
    """A created stack: its outputs, the translated template and the mappings the event sources emulate."""

    name: str
    outputs: dict[str, str]
    template: dict[str, Any]
    mappings: dict[str, Any]
    resources: list[dict[str, Any]] = field(default_factory=list)

    def output(self, key: str) -> str:
        try:
            return self.outputs[key]
        except KeyError as exc:
            raise KeyError(f"stack {self.name} has no output {key!r}; outputs: {sorted(self.outputs)}") from exc


def create_local_stack(
    template_path: Path | None = None, *, name: str | None = None, parameters: dict[str, str] | None = None
) -> LocalStack:
    """Create the template's stack in moto (call inside `mock_aws`)."""
    path = template_path or repo_root() / "template.yaml"
    translated = translate_template(path, parameters)
    stack_template, left_out = strip_resources(translated, set(NOT_CREATED_IN_MOTO))
    mappings = {k: v for k, v in left_out.items() if v["Type"] == EVENT_SOURCE_MAPPING}
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=CODE_BUCKET)
    s3.put_object(Bucket=CODE_BUCKET, Key=CODE_KEY, Body=_code_zip())
    stack_name = name or f"pipewatch-local-{uuid.uuid4().hex[:8]}"
    cfn = aws_client("cloudformation")
    cfn.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(stack_template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    described = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    if described["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(f"stack {stack_name}: {described['StackStatus']}")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    resources = cfn.describe_stack_resources(StackName=stack_name)["StackResources"]
    return LocalStack(stack_name, outputs, translated, mappings, resources)


def use_stack_environment(stack: LocalStack, extra: dict[str, str] | None = None) -> None:
    """Point the handlers' settings at the stack's resources, as Lambda's environment would."""
    os.environ["PIPEWATCH_TABLE"] = stack.output("TableName")
    os.environ["PIPEWATCH_TOPIC_ARN"] = stack.output("AlertsTopicArn")
    if "PollQueueUrl" in stack.outputs:
        os.environ["PIPEWATCH_POLL_QUEUE_URL"] = stack.output("PollQueueUrl")
    os.environ.update(extra or {})


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
        self, table_name: str, handler: Callable[[dict[str, Any], Any], dict[str, Any]], *,
        function_name: str, filters: list[dict[str, Any]] | None = None, batch_size: int = 25,
        max_retries: int = 5,
    ) -> None:
        self._streams = aws_client("dynamodbstreams")
        table = aws_client("dynamodb").describe_table(TableName=table_name)["Table"]
        self.stream_arn: str = table["LatestStreamArn"]
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
        cls, stack: LocalStack, mapping: dict[str, Any], handler: Callable[[dict[str, Any], Any], dict[str, Any]],
        function_name: str,
    ) -> StreamPump:
        props = mapping["Properties"]
        filters = [json.loads(f["Pattern"]) for f in props.get("FilterCriteria", {}).get("Filters", [])]
        return cls(
            stack.output("TableName"), handler, function_name=function_name, filters=filters,
            batch_size=int(props.get("BatchSize", 100)), max_retries=int(props.get("MaximumRetryAttempts", 5)),
        )

    def _read_new(self) -> list[dict[str, Any]]:
        shard = self._streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"][0]
        if self._after:
            iterator = self._streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard["ShardId"],
                ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=self._after,
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
            answer = self.deliver_batch(batch) or {}
            failures = [f["itemIdentifier"] for f in answer.get("batchItemFailures", [])]
            if not failures:
                return
            first = min(
                i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in set(failures)
            )
            batch = batch[first:]
            attempts += 1
            if attempts > self._max_retries:
                self.dropped.extend(batch)
                return


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


def add_shadow_subscriber(topic_arn: str, name: str, filter_policy: dict[str, Any] | None) -> ShadowSubscriber:
    sqs = aws_client("sqs")
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", name)[:40]
    queue_url = sqs.create_queue(QueueName=f"shadow-{safe}-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = {"RawMessageDelivery": "false"}
    if filter_policy:
        attributes["FilterPolicy"] = json.dumps(filter_policy)
        attributes["FilterPolicyScope"] = "MessageAttributes"
    arn = aws_client("sns").subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes, ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    return ShadowSubscriber(name, queue_url, arn)

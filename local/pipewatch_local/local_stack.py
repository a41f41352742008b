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
    return Path(__file__).resolve().parents[2]


def translate_template(path: Path, parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """SAM -> CloudFormation offline. A local CodeUri or layer ContentUri becomes an S3 location (the
    translator wants one)."""
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
        if resource.get("Type") == "AWS::Serverless::LayerVersion" and isinstance(
            props.get("ContentUri"), str
        ):
            props["ContentUri"] = code_uri

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
    parameters: dict[str, str] = field(default_factory=dict)  # as passed to create_stack

    def output(self, key: str) -> str:
        try:
            return self.outputs[key]
        except KeyError as exc:
            raise KeyError(
                f"stack {self.name} has no output {key!r}; outputs: {sorted(self.outputs)}"
            ) from exc


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
    return LocalStack(stack_name, outputs, translated, mappings, resources, dict(parameters or {}))


def use_stack_environment(stack: LocalStack, extra: dict[str, str] | None = None) -> None:
    """Point the handlers' settings at the stack's resources, as Lambda's environment would."""
    os.environ["PIPEWATCH_TABLE"] = stack.output("TableName")
    os.environ["PIPEWATCH_TOPIC_ARN"] = stack.output("AlertsTopicArn")
    if "PollQueueUrl" in stack.outputs:
        os.environ["PIPEWATCH_POLL_QUEUE_URL"] = stack.output("PollQueueUrl")
    # Reader links: the stack's KMS link key and its own API URL, as the template gives the functions.
    if "LinkKeyArn" in stack.outputs:
        os.environ["PIPEWATCH_LINK_KEY_ID"] = stack.output("LinkKeyArn")
    if "SiteUrl" in stack.outputs:
        os.environ["PIPEWATCH_SITE_URL"] = stack.output("SiteUrl")
    if "DeliveryQueueUrl" in stack.outputs:
        os.environ["PIPEWATCH_DELIVERY_QUEUE_URL"] = stack.output("DeliveryQueueUrl")
        os.environ["PIPEWATCH_CHANNELS_KEY_ID"] = stack.output("ChannelsKeyArn")
    if "EmailFeedbackTopicArn" in stack.outputs:
        os.environ["PIPEWATCH_EMAIL_FEEDBACK_TOPIC_ARN"] = stack.output("EmailFeedbackTopicArn")
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
        handler: Callable[[dict[str, Any], Any], dict[str, Any]],
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
        cls,
        stack: LocalStack,
        mapping: dict[str, Any],
        handler: Callable[[dict[str, Any], Any], dict[str, Any]],
        function_name: str,
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
    target = destination["Fn::GetAtt"]
    logical = target[0] if isinstance(target, list) else target.split(".")[0]
    return physical_ids(stack).get(logical, "")


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


# -- stack lookups -----------------------------------------------------------------------------------------


def physical_ids(stack: LocalStack) -> dict[str, str]:
    """Logical id -> physical id of every resource moto created."""
    return {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in stack.resources
        if r.get("PhysicalResourceId")
    }


_NO_VALUE = object()  # Ref AWS::NoValue: the element is dropped from its list


def resolve(value: Any, stack: LocalStack) -> Any:
    """Resolve Ref / Fn::GetAtt / Fn::Sub / Fn::Join in a template fragment against the created stack, so
    policies can be evaluated on concrete ARNs. Unresolvable references become "UNRESOLVED:<what>"."""
    return _Resolver(stack).resolve(value)


class _Resolver:
    def __init__(self, stack: LocalStack) -> None:
        self._stack = stack
        self._ids = physical_ids(stack)
        self._cache: dict[tuple[str, str], str] = {}

    def resolve(self, value: Any) -> Any:  # noqa: PLR0911 - one return per intrinsic
        if isinstance(value, list):
            resolved = [self.resolve(v) for v in value]
            return [v for v in resolved if v is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"} and value["Ref"] == "AWS::NoValue":
            return _NO_VALUE
        if set(value) == {"Fn::If"}:
            condition, when_true, when_false = value["Fn::If"]
            return self.resolve(when_true if self.condition(condition) else when_false)
        if set(value) == {"Ref"}:
            return self.ref(value["Ref"])
        if set(value) == {"Fn::GetAtt"}:
            target = value["Fn::GetAtt"]
            logical, attr = target if isinstance(target, list) else target.split(".", 1)
            return self.get_att(logical, attr)
        if set(value) == {"Fn::Sub"}:
            return self.sub(value["Fn::Sub"])
        if set(value) == {"Fn::Join"}:
            sep, parts = value["Fn::Join"]
            return sep.join(str(self.resolve(p)) for p in parts)
        return {k: self.resolve(v) for k, v in value.items()}

    def condition(self, name: str) -> bool:
        """A template condition, on the parameters the stack was created with (Not / Equals / Ref)."""
        return bool(self._evaluate(self._stack.template.get("Conditions", {})[name]))

    def _evaluate(self, expression: Any) -> Any:
        if isinstance(expression, dict) and set(expression) == {"Fn::Not"}:
            return not self._evaluate(expression["Fn::Not"][0])
        if isinstance(expression, dict) and set(expression) == {"Fn::Equals"}:
            left, right = (self._evaluate(v) for v in expression["Fn::Equals"])
            return left == right
        if isinstance(expression, dict) and set(expression) == {"Condition"}:
            return self.condition(expression["Condition"])
        if isinstance(expression, dict) and set(expression) == {"Ref"}:
            return self.ref(expression["Ref"])
        return expression

    def ref(self, name: str) -> str:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": "123456789012",
            "AWS::Partition": "aws",
            "AWS::StackName": self._stack.name,
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self._stack.parameters:
            return self._stack.parameters[name]
        parameter = self._stack.template.get("Parameters", {}).get(name)
        if parameter is not None and "Default" in parameter:
            return str(parameter["Default"])
        return self._ids.get(name, f"UNRESOLVED:Ref:{name}")

    def get_att(self, logical: str, attr: str) -> str:
        key = (logical, attr)
        if key not in self._cache:
            self._cache[key] = self._lookup(logical, attr)
        return self._cache[key]

    def _lookup(self, logical: str, attr: str) -> str:  # noqa: PLR0911 - one return per resource type
        physical = self._ids.get(logical)
        kind = self._stack.template["Resources"].get(logical, {}).get("Type", "")
        if physical is None:
            return f"UNRESOLVED:GetAtt:{logical}.{attr}"
        if kind == "AWS::DynamoDB::Table":
            table = aws_client("dynamodb").describe_table(TableName=physical)["Table"]
            return str(table["TableArn"] if attr == "Arn" else table["LatestStreamArn"])
        if kind == "AWS::SQS::Queue":
            attrs = aws_client("sqs").get_queue_attributes(QueueUrl=physical, AttributeNames=["QueueArn"])
            arn = str(attrs["Attributes"]["QueueArn"])
            return arn if attr == "Arn" else arn.rsplit(":", 1)[-1]
        if kind == "AWS::Logs::LogGroup":
            return f"arn:aws:logs:{REGION}:123456789012:log-group:{physical}:*"
        if kind == "AWS::Lambda::Function":
            return f"arn:aws:lambda:{REGION}:123456789012:function:{physical}"
        if kind == "AWS::IAM::Role":
            return f"arn:aws:iam::123456789012:role/{physical}"
        if kind == "AWS::KMS::Key":
            # Not DescribeKey: moto's CloudFormation stores the key policy as a dict, which DescribeKey's
            # policy check cannot parse. The physical id of a key is its key id.
            return f"arn:aws:kms:{REGION}:123456789012:key/{physical}"
        return f"UNRESOLVED:GetAtt:{logical}.{attr}"

    def sub(self, spec: Any) -> str:
        text, variables = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])

        def one(match: Any) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                logical, attr = name.split(".", 1)
                return self.get_att(logical, attr)
            return self.ref(name)

        return re.sub(r"\$\{([^}!]+)\}", one, text)


def function_role_policies(stack: LocalStack, function_logical_id: str) -> list[dict[str, Any]]:
    """The identity policies of a function's role in the translated template, resolved to concrete ARNs."""
    resources = stack.template["Resources"]
    role_ref = resources[function_logical_id]["Properties"]["Role"]
    role_logical = (
        role_ref["Fn::GetAtt"][0]
        if isinstance(role_ref["Fn::GetAtt"], list)
        else (role_ref["Fn::GetAtt"].split(".")[0])
    )
    role = resources[role_logical]["Properties"]
    if role.get("ManagedPolicyArns"):
        raise ValueError(f"{role_logical} has managed policies; their documents are not in the template")
    return [resolve(p["PolicyDocument"], stack) for p in role.get("Policies", [])]


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
        handler: Callable[[dict[str, Any], Any], dict[str, Any]],
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
        cls,
        stack: LocalStack,
        mapping: dict[str, Any],
        handler: Callable[[dict[str, Any], Any], dict[str, Any]],
        function_name: str,
    ) -> QueuePump:
        props = mapping["Properties"]
        source = props["EventSourceArn"]["Fn::GetAtt"]
        logical = source[0] if isinstance(source, list) else source.split(".")[0]
        return cls(
            physical_ids(stack)[logical],
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

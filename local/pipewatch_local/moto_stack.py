"""template.yaml on moto: the SAM template translated offline and created as a CloudFormation stack in
moto, and the handlers' environment pointed at it. The event-source mappings and the API deployment are
left out of the stack (NOT_CREATED_IN_MOTO); event_sources.py plays the mappings."""

from __future__ import annotations

import copy
import io
import json
import os
import uuid
import zipfile
from dataclasses import dataclass, field
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
    outputs.update(_console_pool(translated))
    resources = cfn.describe_stack_resources(StackName=stack_name)["StackResources"]
    _enable_bucket_versioning(stack_template, resources)
    return LocalStack(stack_name, outputs, translated, mappings, resources, dict(parameters or {}))


def _enable_bucket_versioning(template: dict[str, Any], resources: list[dict[str, Any]]) -> None:
    """moto's CloudFormation leaves a bucket's VersioningConfiguration out: set it as CloudFormation would
    (the template's own setting is checked on the translated document by the stack test)."""
    s3 = aws_client("s3")
    for resource in resources:
        spec = template["Resources"].get(resource.get("LogicalResourceId", ""), {})
        versioning = spec.get("Properties", {}).get("VersioningConfiguration")
        if spec.get("Type") == "AWS::S3::Bucket" and versioning:
            s3.put_bucket_versioning(
                Bucket=resource["PhysicalResourceId"], VersioningConfiguration=dict(versioning)
            )


def _console_pool(template: dict[str, Any]) -> dict[str, str]:
    """moto's CloudFormation creates no Cognito resource: the console's user pool, app client and groups
    are made through moto's cognito-idp API instead (pipewatch_local.console_local.create_pool, with one
    analyst and one admin), and named in the outputs the template gives on AWS."""
    if "ConsoleUserPool" not in template.get("Resources", {}):
        return {}
    from pipewatch_local.console_local import create_pool

    pool = create_pool(aws_client("cognito-idp"))
    return {
        "ConsoleUserPoolId": pool.pool_id,
        "ConsoleClientId": pool.client_id,
        "ConsoleSignInDomain": "https://pipewatch-local.auth.us-east-1.amazoncognito.com",
        "ConsoleAnalystPassword": pool.passwords["analyst"],
        "ConsoleAdminPassword": pool.passwords["admin"],
    }


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
    if "ConsoleUserPoolId" in stack.outputs:  # the console's Cognito pool (moto's, see _console_pool)
        os.environ["PIPEWATCH_COGNITO_POOL_ID"] = stack.output("ConsoleUserPoolId")
        os.environ["PIPEWATCH_COGNITO_CLIENT_ID"] = stack.output("ConsoleClientId")
        os.environ["PIPEWATCH_COGNITO_DOMAIN"] = stack.output("ConsoleSignInDomain")
    if "DeliveryQueueUrl" in stack.outputs:
        os.environ["PIPEWATCH_DELIVERY_QUEUE_URL"] = stack.output("DeliveryQueueUrl")
        os.environ["PIPEWATCH_CHANNELS_KEY_ID"] = stack.output("ChannelsKeyArn")
    if "EmailFeedbackTopicArn" in stack.outputs:
        os.environ["PIPEWATCH_EMAIL_FEEDBACK_TOPIC_ARN"] = stack.output("EmailFeedbackTopicArn")
    # The live watchlist, taxonomy and sources (issue 26): empty at first, so the packaged files apply.
    if "ConfigBucketName" in stack.outputs:
        os.environ["PIPEWATCH_CONFIG_BUCKET"] = stack.output("ConfigBucketName")
    os.environ.update(extra or {})

"""The pure parts of `make sam-local` (local/pipewatch_local/sam_local.py): the derived x86_64 template, the
--env-vars document, SAM's environment and the reading of `sam local invoke` output (a function error is a
failure even though sam exits 0)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipewatch.config import load_data_file
from pipewatch.domain.ingest.sources import SourcesConfig
from pipewatch.settings import Settings
from pipewatch_local.sam_local import Invoker
from pipewatch_local.sam_local_plan import (
    ARCHES,
    CheckFailed,
    StepResult,
    checked_response,
    derive_template,
    env_vars_document,
    function_error,
    parse_response,
    raise_timeouts,
    results_table,
    sam_environment,
    sources_document,
)

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = {
    "TableName": "t",
    "AlertsTopicArn": "arn:aws:sns:us-east-1:123456789012:alerts",
    "PollQueueUrl": "http://172.17.0.1:5000/123456789012/poll",
}
IMPORT_ERROR = {
    "errorType": "Runtime.ImportModuleError",
    "errorMessage": "Unable to import module 'pipewatch.handlers.alert': "
    "No module named 'aws_lambda_powertools'",
}


def _template() -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    parsed: dict[str, Any] = yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))
    return parsed


def test_given_the_template_then_the_x86_64_copy_changes_every_architecture_and_only_that() -> None:
    original = _template()
    derived = derive_template(original, "x86_64", ROOT)
    assert derived["Globals"]["Function"]["Architectures"] == ["x86_64"]
    assert derived["Globals"]["Function"]["CodeUri"] == str(ROOT / "functions")
    layers = [r for r in derived["Resources"].values() if r["Type"] == "AWS::Serverless::LayerVersion"]
    assert layers, "the template has a dependencies layer"
    for layer in layers:
        assert layer["Properties"]["CompatibleArchitectures"] == ["x86_64"]
        assert layer["Metadata"]["BuildArchitecture"] == "x86_64"
        assert Path(layer["Properties"]["ContentUri"]).is_absolute()
    assert "arm64" not in json.dumps(derived)
    assert original["Globals"]["Function"]["Architectures"] == ["arm64"], "the original is left as it was"
    # Nothing else moves: same resources, same handlers.
    assert derived["Resources"].keys() == original["Resources"].keys()


def test_given_an_architecture_in_a_place_it_does_not_know_then_it_refuses() -> None:
    template = _template()
    template["Parameters"]["Arch"] = {"Type": "String", "Default": "arm64"}
    with pytest.raises(ValueError, match="arm64"):
        derive_template(template, "x86_64", ROOT)


def test_given_the_stack_then_every_env_var_is_declared_in_the_template_and_the_sources_parse() -> None:
    """SAM passes only declared variables: an undeclared name in --env-vars would silently vanish."""
    sources = sources_document("http://172.17.0.1:4321/fda/press.xml", "172.17.0.1")
    document = env_vars_document(OUTPUTS, "http://172.17.0.1:5000", sources)
    template = _template()
    declared = set(template["Globals"]["Function"]["Environment"]["Variables"])
    for resource in template["Resources"].values():
        declared |= set(resource.get("Properties", {}).get("Environment", {}).get("Variables", {}))
    assert set(document["Parameters"]) <= declared
    values = document["Parameters"]
    assert values["PIPEWATCH_ENDPOINT_URL"] == "http://172.17.0.1:5000"
    assert values["PIPEWATCH_POLL_QUEUE_URL"] == OUTPUTS["PollQueueUrl"]
    assert all(isinstance(v, str) for v in values.values()), "Lambda environment values are strings"
    # What the function does with it: Settings carries the variable, config reads it as the document.
    settings = Settings.from_env({"PIPEWATCH_SOURCES": values["PIPEWATCH_SOURCES"]})
    loaded = load_data_file("sources.yaml", SourcesConfig, settings.sources_override)
    assert [(s.id, s.url) for s in loaded.sources] == [("fda-press", "http://172.17.0.1:4321/fda/press.xml")]


def test_every_stack_resource_a_function_gets_by_ref_or_getatt_is_passed_from_the_stack_outputs() -> None:
    """`sam local` cannot resolve !Ref/!GetAtt in a function's environment (it passes the logical id: the
    functions then read s3://ConfigBucket/...): each such variable must come from the stack's outputs."""
    outputs = {
        **OUTPUTS,
        "LinkKeyArn": "arn:aws:kms:us-east-1:123456789012:key/l",
        "SiteUrl": "http://172.17.0.1:4000",
        "DeliveryQueueUrl": "http://172.17.0.1:5000/123456789012/delivery",
        "ChannelsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/c",
        "ConfigBucketName": "pipewatch-config-bucket",
    }
    values = env_vars_document(outputs, "http://172.17.0.1:5000", {})["Parameters"]
    assert values["PIPEWATCH_CONFIG_BUCKET"] == "pipewatch-config-bucket"
    template = _template()
    by_reference = {
        name
        for logical_id, resource in template["Resources"].items()
        # the console is no step of the run (moto's CloudFormation creates no Cognito pool for it)
        if logical_id != "ConsoleFunction"
        for name, value in resource.get("Properties", {}).get("Environment", {}).get("Variables", {}).items()
        if isinstance(value, dict)
        and ({"Ref", "Fn::GetAtt"} & set(value))
        and value.get("Ref") not in template.get("Parameters", {})
    }
    assert by_reference <= set(values), sorted(by_reference - set(values))


def test_given_a_shell_with_a_real_identity_then_sam_gets_none_of_it() -> None:
    env = sam_environment(
        {"PATH": "/usr/bin", "AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "tok", "AWS_ACCESS_KEY_ID": "AKIA"},
        "http://172.17.0.1:5000",
    )
    assert env["PATH"] == "/usr/bin"
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert env["AWS_ENDPOINT_URL"] == "http://172.17.0.1:5000", "SAM's own STS call goes to moto"
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"


def test_given_a_function_error_then_it_is_a_failure_although_sam_exited_0() -> None:
    assert function_error(IMPORT_ERROR) == (
        "Runtime.ImportModuleError: Unable to import module 'pipewatch.handlers.alert': "
        "No module named 'aws_lambda_powertools'"
    )
    with pytest.raises(CheckFailed, match="ImportModuleError"):
        checked_response(json.dumps(IMPORT_ERROR) + "\n")
    with pytest.raises(CheckFailed, match="no response"):
        checked_response("  \n")
    with pytest.raises(CheckFailed, match="not JSON"):
        parse_response("Traceback (most recent call last):\n  boom")
    assert checked_response('{"batchItemFailures": []}\n') == {"batchItemFailures": []}
    assert function_error({"statusCode": 500, "body": "{}"}) is None  # an HTTP answer: its check judges it


class _FakeInvoker(Invoker):
    def __init__(self, outputs: list[str]) -> None:
        super().__init__(Path("sam"), Path("t.yaml"), Path("e.json"), "img", Path("/tmp"), {}, ROOT)
        self.outputs = outputs

    def invoke(self, function: str, event: str, label: str) -> tuple[str, float]:
        return self.outputs.pop(0), 1.5


def test_given_a_step_whose_second_invoke_fails_then_the_step_fails_and_the_table_says_so() -> None:
    invoker = _FakeInvoker(['{"batchItemFailures": []}', json.dumps(IMPORT_ERROR)])
    invoker.step("alert x2", "AlertFunction", "alert_stream.json", lambda _r: "fine", repeat=2)
    [result] = invoker.results
    assert not result.ok and "ImportModuleError" in result.detail
    assert result.seconds == 3.0, "both invokes ran and count"
    table = results_table(
        [*invoker.results, StepResult("digest", "DigestFunction", 2.0, True, "ran")], ARCHES["arm64"]
    )
    assert "architecture arm64" in table and "FAIL" in table and "1/2 steps passed" in table


def test_given_a_check_that_rejects_the_effect_then_the_step_fails() -> None:
    def no_tasks(_response: Any) -> str:
        raise CheckFailed("poll queue holds 0 messages, expected 1")

    invoker = _FakeInvoker(['{"tasks": 1, "sources": ["fda-press"]}'])
    invoker.step("plan news", "PlanFunction", "plan_news.json", no_tasks)
    assert [(r.ok, r.detail) for r in invoker.results] == [(False, "poll queue holds 0 messages, expected 1")]


def test_given_an_emulated_run_then_only_timeouts_below_the_minimum_are_raised_in_a_copy() -> None:
    built = {
        "Globals": {"Function": {"Timeout": 60, "Runtime": "python3.11"}},
        "Resources": {
            "ApiFunction": {"Type": "AWS::Serverless::Function", "Properties": {"Timeout": 15}},
            "DigestFunction": {"Type": "AWS::Serverless::Function", "Properties": {"Timeout": 300}},
            "PollQueue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 720}},
        },
    }
    raised, changes = raise_timeouts(built, 300)
    assert changes == {"Globals": (60, 300), "ApiFunction": (15, 300)}
    assert raised["Resources"]["ApiFunction"]["Properties"]["Timeout"] == 300
    assert raised["Resources"]["PollQueue"] == built["Resources"]["PollQueue"]
    assert built["Resources"]["ApiFunction"]["Properties"]["Timeout"] == 15, "the built template is untouched"


def test_given_a_response_without_the_expected_shape_then_the_step_fails_instead_of_crashing() -> None:
    def needs_body(response: Any) -> str:
        return str(json.loads(response["body"]))

    invoker = _FakeInvoker(['{"statusCode": 200}'])
    invoker.step("api list", "ApiFunction", "api_list_subscriptions.json", needs_body)
    assert not invoker.results[0].ok and "unexpected response shape" in invoker.results[0].detail

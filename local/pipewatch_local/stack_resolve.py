"""Stack lookups: logical -> physical ids of the created stack, and template fragments (Ref, Fn::GetAtt,
Fn::Sub, Fn::Join, Fn::If) resolved against it, so IAM policies can be evaluated on concrete ARNs."""

from __future__ import annotations

import re
from typing import Any

from pipewatch_local.moto_stack import REGION, LocalStack, aws_client


def physical_ids(stack: LocalStack) -> dict[str, str]:
    """Logical id -> physical id of every resource moto created."""
    return {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in stack.resources
        if r.get("PhysicalResourceId")
    }


def get_att_logical(target: Any) -> str:
    """The logical id a Fn::GetAtt names, in list form ["Logical", "Attr"] or string form "Logical.Attr"."""
    return str(target[0] if isinstance(target, list) else target.split(".")[0])


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
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{physical}"
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
    role_logical = get_att_logical(resources[function_logical_id]["Properties"]["Role"]["Fn::GetAtt"])
    role = resources[role_logical]["Properties"]
    if role.get("ManagedPolicyArns"):
        raise ValueError(f"{role_logical} has managed policies; their documents are not in the template")
    return [resolve(p["PolicyDocument"], stack) for p in role.get("Policies", [])]

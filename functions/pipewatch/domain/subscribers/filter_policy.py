"""SNS filter-policy semantics (scope MessageAttributes) for the policies pipewatch writes.

Chat, webhook and SES e-mail subscriptions have no SNS subscription of their own (SNS keeps one subscription
per endpoint, and the delivery queue is one endpoint): the delivery queue receives every alert and digest,
and the delivery function applies each subscription's stored filter policy, the very document an SNS e-mail
subscription would carry, with SNS's rules: every key of the policy must match; a String attribute matches
if its value is listed; a String.Array attribute matches if any element is listed; `{"numeric": [op, n]}`
compares Number attributes. A key missing from the message never matches.

Pure.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping
from typing import Any

_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


class FilterPolicyError(ValueError):
    """A policy uses a construct this evaluator does not implement (pipewatch never writes one)."""


def attribute_values(message_attributes: Mapping[str, Mapping[str, str]]) -> dict[str, list[Any]]:
    """SNS envelope attributes ({name: {"Type", "Value"}}, or SQS/publish style {"DataType",
    "StringValue"}) -> the candidate values of each attribute."""
    values: dict[str, list[Any]] = {}
    for name, attribute in message_attributes.items():
        kind = attribute.get("Type") or attribute.get("DataType") or "String"
        raw = attribute.get("Value", attribute.get("StringValue", ""))
        if kind == "String.Array":
            decoded = json.loads(raw)
            values[name] = list(decoded) if isinstance(decoded, list) else [decoded]
        elif kind == "Number":
            values[name] = [float(raw)]
        else:
            values[name] = [raw]
    return values


def _matches_condition(condition: Any, value: Any) -> bool:
    if isinstance(condition, str):
        return isinstance(value, str) and value == condition
    if isinstance(condition, int | float) and not isinstance(condition, bool):
        return isinstance(value, float) and value == float(condition)
    if isinstance(condition, dict) and set(condition) == {"numeric"}:
        spec = condition["numeric"]
        if not isinstance(value, float):
            return False
        return all(_OPS[op](value, float(n)) for op, n in zip(spec[::2], spec[1::2], strict=True))
    raise FilterPolicyError(f"unsupported filter-policy condition {condition!r}")


def accepts(policy: Mapping[str, list[Any]], message_attributes: Mapping[str, Mapping[str, str]]) -> bool:
    """Whether SNS would deliver a message with these attributes to a subscription with this policy."""
    values = attribute_values(message_attributes)
    for key, conditions in policy.items():
        candidates = values.get(key)
        if not candidates:
            return False
        if not any(_matches_condition(c, v) for c in conditions for v in candidates):
            return False
    return True

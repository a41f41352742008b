"""A small IAM identity-policy evaluator for the least-privilege proof (tests and `pipewatch` tooling only).

moto cannot check resource ARNs for DynamoDB and SNS, so pipewatch records the calls each handler makes and
evaluates them here against the function's policy from the translated template. Scope, on purpose:

- identity policies only (no resource policies, SCPs, boundaries or sessions): explicit Deny wins, then
  an Allow, else an implicit deny;
- `Action`/`NotAction` with `*` and `?` wildcards, case-insensitive; `Resource`/`NotResource` ARNs with `*`
  and `?`, case-sensitive;
- conditions: String{Equals,NotEquals,Like,NotLike} (+IgnoreCase for Equals), Arn{Equals,Like}, Bool,
  Null, with the `ForAllValues:` / `ForAnyValue:` set prefixes and AWS's semantics for missing keys (a
  `ForAllValues:` test on an absent key is TRUE, which is why a LeadingKeys condition only restricts calls
  that carry keys).

The maintained PyPI options (policyuniverse, parliament, policy_sentry) lint or expand policies but do not
evaluate a request against a policy with conditions; see docs/decisions/0004-policy-evaluator.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any

ContextValue = str | Sequence[str]


class Decision(Enum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


@dataclass(frozen=True)
class Request:
    action: str  # "dynamodb:PutItem"
    resource: str  # an ARN
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@cache
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{regex}$", (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return bool(_wildcard(pattern, ignore_case).match(value))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _values(context: Mapping[str, ContextValue], key: str) -> list[str] | None:
    for name, value in context.items():
        if name.lower() == key.lower():  # condition keys are case-insensitive
            return [value] if isinstance(value, str) else list(value)
    return None


def _test(operator: str, expected: str, actual: str) -> bool:
    if operator in {"StringEquals", "ArnEquals"}:
        return actual == expected
    if operator == "StringEqualsIgnoreCase":
        return actual.lower() == expected.lower()
    if operator in {"StringLike", "ArnLike"}:
        return wildcard_match(expected, actual)
    if operator == "Bool":
        return actual.lower() == expected.lower()
    raise ValueError(f"unsupported condition operator {operator!r}")


_NEGATED = {"StringNotEquals": "StringEquals", "StringNotLike": "StringLike", "ArnNotLike": "ArnLike"}


def _condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, ContextValue]) -> bool:
    prefix, _, base = operator.rpartition(":")
    expected_values = [str(v) for v in _as_list(expected)]
    actual = _values(context, key)
    if base == "Null":
        wants_absent = expected_values[0].lower() == "true"
        return (actual is None or actual == []) == wants_absent
    negated = base in _NEGATED
    positive = _NEGATED.get(base, base)

    def one(value: str) -> bool:
        matched = any(_test(positive, e, value) for e in expected_values)
        return not matched if negated else matched

    if prefix == "ForAllValues":
        return all(one(v) for v in actual or [])  # absent key: vacuously true (AWS semantics)
    if prefix == "ForAnyValue":
        return any(one(v) for v in actual or [])
    if prefix:
        raise ValueError(f"unsupported condition prefix {prefix!r}")
    if actual is None:
        return negated  # a missing key fails positive operators and satisfies negated ones
    return any(one(v) for v in actual)


def _conditions_hold(
    conditions: Mapping[str, Mapping[str, Any]], context: Mapping[str, ContextValue]
) -> bool:
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, tests in conditions.items()
        for key, expected in tests.items()
    )


def _matches(statement: Mapping[str, Any], request: Request) -> bool:
    if "Action" in statement:
        action_ok = any(
            wildcard_match(a, request.action, ignore_case=True) for a in _as_list(statement["Action"])
        )
    else:
        action_ok = not any(
            wildcard_match(a, request.action, ignore_case=True) for a in _as_list(statement.get("NotAction"))
        )
    if not action_ok:
        return False
    if "Resource" in statement:
        resource_ok = any(wildcard_match(r, request.resource) for r in _as_list(statement["Resource"]))
    else:
        resource_ok = not any(
            wildcard_match(r, request.resource) for r in _as_list(statement.get("NotResource"))
        )
    return resource_ok and _conditions_hold(statement.get("Condition", {}), request.context)


def statements(policies: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [s for policy in policies for s in _as_list(policy.get("Statement"))]


def evaluate(policies: Iterable[Mapping[str, Any]], request: Request) -> Decision:
    allowed = False
    for statement in statements(policies):
        if not _matches(statement, request):
            continue
        if statement.get("Effect") == "Deny":
            return Decision.EXPLICIT_DENY
        allowed = allowed or statement.get("Effect") == "Allow"
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def granted_actions(policies: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every action named in an Allow statement (as written; wildcards are reported, not expanded)."""
    return {
        str(a) for s in statements(policies) if s.get("Effect") == "Allow" for a in _as_list(s.get("Action"))
    }

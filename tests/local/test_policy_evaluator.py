"""The small IAM evaluator behind the least-privilege proof: wildcards, Resource ARNs, explicit denies and
the condition operators the template uses."""

from __future__ import annotations

import pytest

from pipewatch_local.policy_eval import Decision, Request, evaluate, granted_actions, wildcard_match

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/pw-Updates-1"
TOPIC = "arn:aws:sns:us-east-1:123456789012:pw-Alerts"


def _policy(*statements: dict[str, object]) -> list[dict[str, object]]:
    return [{"Version": "2012-10-17", "Statement": list(statements)}]


def test_given_no_statement_then_implicit_deny() -> None:
    assert evaluate([], Request("sns:Publish", TOPIC)) is Decision.IMPLICIT_DENY


def test_given_an_exact_allow_then_only_that_action_on_that_resource() -> None:
    policy = _policy({"Effect": "Allow", "Action": "sns:Publish", "Resource": TOPIC})
    assert evaluate(policy, Request("sns:Publish", TOPIC)) is Decision.ALLOW
    assert evaluate(policy, Request("sns:Publish", TOPIC + "-other")) is Decision.IMPLICIT_DENY
    assert evaluate(policy, Request("sns:Subscribe", TOPIC)) is Decision.IMPLICIT_DENY


def test_given_action_wildcards_then_matched_case_insensitively() -> None:
    policy = _policy({"Effect": "Allow", "Action": ["dynamodb:Get*", "SQS:?endMessage"], "Resource": "*"})
    assert evaluate(policy, Request("dynamodb:GetItem", TABLE)) is Decision.ALLOW
    assert evaluate(policy, Request("sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q")) is Decision.ALLOW
    assert evaluate(policy, Request("dynamodb:PutItem", TABLE)) is Decision.IMPLICIT_DENY


def test_given_resource_wildcards_then_arn_segments_match_case_sensitively() -> None:
    policy = _policy({"Effect": "Allow", "Action": "dynamodb:Query", "Resource": f"{TABLE}/index/*"})
    assert evaluate(policy, Request("dynamodb:Query", f"{TABLE}/index/gsi1")) is Decision.ALLOW
    assert evaluate(policy, Request("dynamodb:Query", TABLE)) is Decision.IMPLICIT_DENY
    assert not wildcard_match("arn:aws:sns:*:Alerts", "arn:aws:sns:us-east-1:alerts")


def test_given_an_explicit_deny_then_it_wins_over_any_allow() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": TABLE},
    )
    assert evaluate(policy, Request("dynamodb:DeleteTable", TABLE)) is Decision.EXPLICIT_DENY
    assert evaluate(policy, Request("dynamodb:PutItem", TABLE)) is Decision.ALLOW


def test_given_not_action_and_not_resource_then_they_invert_the_match() -> None:
    policy = _policy({"Effect": "Deny", "NotAction": "sns:Publish", "NotResource": TOPIC},
                     {"Effect": "Allow", "Action": "*", "Resource": "*"})  # fmt: skip
    assert evaluate(policy, Request("sns:Publish", "arn:aws:sns:us-east-1:1:other")) is Decision.ALLOW
    assert evaluate(policy, Request("sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q")) is Decision.EXPLICIT_DENY
    assert evaluate(policy, Request("sqs:SendMessage", TOPIC)) is Decision.ALLOW


LEADING_KEYS = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["idempotency#*"]}}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["idempotency#fn"], Decision.ALLOW),
        (["idempotency#a", "idempotency#b"], Decision.ALLOW),
        (["idempotency#a", "SUB#x"], Decision.IMPLICIT_DENY),
        (["SUB#x"], Decision.IMPLICIT_DENY),
    ],
)
def test_given_a_leading_keys_condition_then_every_key_must_match(
    keys: list[str], expected: Decision
) -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": TABLE, "Condition": LEADING_KEYS}
    )
    assert evaluate(policy, Request("dynamodb:PutItem", TABLE, {"dynamodb:LeadingKeys": keys})) is expected


def test_given_for_all_values_on_an_absent_key_then_it_holds_as_in_aws() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": "dynamodb:Scan", "Resource": TABLE, "Condition": LEADING_KEYS}
    )
    assert evaluate(policy, Request("dynamodb:Scan", TABLE)) is Decision.ALLOW


def test_given_plain_and_negated_operators_then_missing_keys_fail_positive_ones() -> None:
    equals = _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                      "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}})  # fmt: skip
    assert (
        evaluate(equals, Request("s3:GetObject", "x", {"aws:SourceAccount": "123456789012"}))
        is Decision.ALLOW
    )
    assert evaluate(equals, Request("s3:GetObject", "x")) is Decision.IMPLICIT_DENY
    not_like = _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                        "Condition": {"StringNotLike": {"aws:userid": "AIDA*"}}})  # fmt: skip
    assert evaluate(not_like, Request("s3:GetObject", "x")) is Decision.ALLOW
    assert (
        evaluate(not_like, Request("s3:GetObject", "x", {"aws:userid": "AIDAXYZ"})) is Decision.IMPLICIT_DENY
    )
    any_value = _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                         "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}})  # fmt: skip
    assert evaluate(any_value, Request("s3:GetObject", "x", {"aws:TagKeys": ["a", "team"]})) is Decision.ALLOW
    assert evaluate(any_value, Request("s3:GetObject", "x")) is Decision.IMPLICIT_DENY


def test_given_bool_and_null_operators_then_they_test_presence_and_value() -> None:
    policy = _policy({"Effect": "Deny", "Action": "*", "Resource": "*",
                      "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                     {"Effect": "Allow", "Action": "*", "Resource": "*",
                      "Condition": {"Null": {"aws:TokenIssueTime": "false"}}})  # fmt: skip
    ctx = {"aws:SecureTransport": "false", "aws:TokenIssueTime": "t"}
    assert evaluate(policy, Request("sns:Publish", TOPIC, ctx)) is Decision.EXPLICIT_DENY
    secure = {"aws:SecureTransport": "true", "aws:TokenIssueTime": "t"}
    assert evaluate(policy, Request("sns:Publish", TOPIC, secure)) is Decision.ALLOW
    assert (
        evaluate(policy, Request("sns:Publish", TOPIC, {"aws:SecureTransport": "true"}))
        is Decision.IMPLICIT_DENY
    )


def test_given_an_unsupported_operator_then_it_raises_rather_than_guess() -> None:
    policy = _policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                      "Condition": {"NumericLessThan": {"s3:max-keys": "10"}}})  # fmt: skip
    with pytest.raises(ValueError, match="unsupported"):
        evaluate(policy, Request("s3:ListBucket", "x", {"s3:max-keys": "5"}))


def test_given_policies_then_granted_actions_lists_allow_actions_only() -> None:
    policy = _policy({"Effect": "Allow", "Action": ["sns:Publish"], "Resource": TOPIC},
                     {"Effect": "Deny", "Action": "sns:Subscribe", "Resource": TOPIC})  # fmt: skip
    assert granted_actions(policy) == {"sns:Publish"}

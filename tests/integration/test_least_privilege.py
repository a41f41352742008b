"""Proof 3: least privilege, on the calls the handlers really make.

stack_run.py records every AWS call each function makes (and the calls its event-source mapping makes with
its role) while plan -> poll -> store -> alert runs on the stack, the subscription API serves API Gateway
events and the digest runs on its schedule's input. Each call is evaluated against that function's identity
policies from the translated template, resolved to the stack's real ARNs; every action each Allow statement
grants must be used by a call that statement allows; and named refusals hold.
"""

from __future__ import annotations

from typing import Any

import pytest
from stack_run import StackRun, stack_run

from pipewatch_local.functions import LOGICAL_IDS as FUNCTIONS  # the template's, in its order
from pipewatch_local.policy_eval import Decision, Request, evaluate, granted_actions, statements

# Granted, but used by the Lambda runtime rather than by a call the code makes.
RUNTIME_ACTIONS = {
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
}
_IDEMPOTENCY_READ_FALLBACK = (
    "Powertools idempotency reads the record when a conditional put fails without returning the old item;"
    " DynamoDB and moto return it (ReturnValuesOnConditionCheckFailure=ALL_OLD): a fallback"
)
_FIRST_SIGNER_CREATES_THE_KEY = (
    "the first function to sign a link creates the encrypted link key (a conditional put); in the stack run "
    "the alert function signs first, so the digest function and the console only read and decrypt it"
)
_MISSING_CONFIG_IS_404 = (
    "s3:ListBucket is never called: it makes S3 answer a GetObject of a config file not pushed yet with 404 "
    "(the packaged file applies) instead of 403 (AccessDenied); moto does not evaluate IAM"
)
# (function, statement Sid, action) granted but never exercisable offline, with the reason.
KNOWN_UNEXERCISED = {
    **{
        (function, "LiveConfigMissingIs404", "s3:ListBucket"): _MISSING_CONFIG_IS_404
        for function in (
            "PlanFunction",
            "PollFunction",
            "ApiFunction",
            "CatalystCheckFunction",
            "ConsoleFunction",
        )
    },
    ("DigestFunction", "LinkKeysItem", "dynamodb:PutItem"): _FIRST_SIGNER_CREATES_THE_KEY,
    ("DigestFunction", "LinkKeysDecryptAndCreate", "kms:GenerateDataKey"): _FIRST_SIGNER_CREATES_THE_KEY,
    ("ConsoleFunction", "LinkKeysItem", "dynamodb:PutItem"): _FIRST_SIGNER_CREATES_THE_KEY,
    ("ConsoleFunction", "TopicSubscriptions", "sns:ListSubscriptionsByTopic"): (
        "the console deletes a half-created subscription by finding its SNS ARN in the topic's list, as the "
        "API does (the same SubscriptionService code, exercised by the ApiFunction's half-created delete)"
    ),
    ("ConsoleFunction", "LinkKeysDecryptAndCreate", "kms:GenerateDataKey"): _FIRST_SIGNER_CREATES_THE_KEY,
    ("AlertFunction", "IdempotencyRecordsOnly", "dynamodb:GetItem"): _IDEMPOTENCY_READ_FALLBACK,
    ("DigestFunction", "DigestIdempotencyRecordsOnly", "dynamodb:GetItem"): _IDEMPOTENCY_READ_FALLBACK,
}
ITEM_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchGetItem",
}
WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")
# A subscription record as the subscription code writes it (adapters/subscriptions.py).
SUBSCRIPTION_ATTRIBUTES = ["gsi2pk", "gsi2sk", "kind", "pk", "record", "sk"]


@pytest.fixture(scope="module")
def run() -> StackRun:
    return stack_run()


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _decision(run: StackRun, function: str, request: Request) -> Decision:
    return evaluate(run.policies[function], request)


# -- every call allowed, every grant used -----------------------------------------------------------------


@pytest.mark.parametrize("function", FUNCTIONS)
def test_given_each_recorded_call_then_the_functions_policy_allows_it(run: StackRun, function: str) -> None:
    calls = run.calls[function]
    assert calls, f"no call recorded for {function}"
    denied = [c for c in calls if _decision(run, function, c.request) is not Decision.ALLOW]
    assert not denied, [(c.operation, c.request) for c in denied[:5]]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_given_each_allow_statement_then_each_of_its_actions_is_used_by_a_call_it_allows(
    run: StackRun, function: str
) -> None:
    unused = []
    for n, statement in enumerate(statements(run.policies[function])):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid", f"statement {n}")
        alone = [{"Statement": [statement]}]
        for action in set(_as_list(statement.get("Action", []))) - RUNTIME_ACTIONS:
            used = any(
                c.request.action == action and evaluate(alone, c.request) is Decision.ALLOW
                for c in run.calls[function]
            )
            if not used and (function, sid, action) not in KNOWN_UNEXERCISED:
                unused.append((sid, action))
    assert not unused, f"{function} is granted actions no test uses: {sorted(unused)}"


def test_given_the_known_unexercised_grants_then_each_is_still_granted_and_still_unused(
    run: StackRun,
) -> None:
    # An entry that became exercised (or was revoked) must be removed, so the list never hides anything.
    for function, sid, action in KNOWN_UNEXERCISED:
        statement = next(s for s in statements(run.policies[function]) if s.get("Sid") == sid)
        assert action in _as_list(statement["Action"]), (function, sid, action)
        alone = [{"Statement": [statement]}]
        assert not any(
            c.request.action == action and evaluate(alone, c.request) is Decision.ALLOW
            for c in run.calls[function]
        ), (function, sid, action)


def test_given_the_calls_then_key_conditions_were_checked_on_real_keys_never_vacuously(
    run: StackRun,
) -> None:
    # ForAllValues conditions are true on an absent key: every item call must carry its partition keys,
    # and every PutItem its attribute names, or the conditions above would prove nothing.
    for function in FUNCTIONS:
        for call in run.calls[function]:
            if call.request.action in ITEM_ACTIONS:
                assert call.request.context.get("dynamodb:LeadingKeys"), (function, call.operation)
            if call.request.action == "dynamodb:PutItem":
                assert call.request.context.get("dynamodb:Attributes"), (function, call.operation)


def test_given_the_poll_function_then_merging_a_syndicated_copy_is_a_real_update_item(run: StackRun) -> None:
    merges = [
        c
        for c in run.calls["PollFunction"]
        if c.request.action == "dynamodb:UpdateItem"
        and all(str(k).startswith("UPDATE#") for k in c.request.context["dynamodb:LeadingKeys"])
    ]
    assert merges
    assert any(len(outlets) >= 3 for outlets in run.merged_story_sources.values())


def test_given_any_policy_then_no_action_is_a_wildcard(run: StackRun) -> None:
    for function, policies in run.policies.items():
        assert not [a for a in granted_actions(policies) if "*" in a], function


def test_given_the_item_statements_then_each_is_held_to_key_prefixes(run: StackRun) -> None:
    # Every statement that grants item actions on the table carries a LeadingKeys condition.
    for function in FUNCTIONS:
        for statement in statements(run.policies[function]):
            if set(_as_list(statement.get("Action", []))) & ITEM_ACTIONS:
                condition = statement.get("Condition", {}).get("ForAllValues:StringLike", {})
                assert condition.get("dynamodb:LeadingKeys"), (function, statement.get("Sid"))


# -- named refusals -----------------------------------------------------------------------------------------


def test_given_any_function_then_it_cannot_delete_the_table(run: StackRun) -> None:
    for function in FUNCTIONS:
        request = Request("dynamodb:DeleteTable", run.outputs["TableArn"])
        assert _decision(run, function, request) is Decision.IMPLICIT_DENY, function


def test_given_the_poll_function_then_it_cannot_publish_alerts(run: StackRun) -> None:
    request = Request("sns:Publish", run.outputs["AlertsTopicArn"])
    assert _decision(run, "PollFunction", request) is Decision.IMPLICIT_DENY


def test_given_the_alert_function_then_it_cannot_write_subscriptions_or_updates(run: StackRun) -> None:
    table = run.outputs["TableArn"]
    subscription_key = f"SUBSCRIPTION#{run.digest_subscription_id}"
    for key in (subscription_key, "UPDATE#u-1", "SOURCE#ctgov"):
        for action in WRITES:
            request = Request(action, table, {"dynamodb:LeadingKeys": [key]})
            assert _decision(run, "AlertFunction", request) is Decision.IMPLICIT_DENY, (action, key)
    # The very writes the API made are refused to the alert function.
    api_writes = [c.request for c in run.calls["ApiFunction"] if c.request.action in WRITES]
    assert api_writes
    assert all(_decision(run, "AlertFunction", r) is Decision.IMPLICIT_DENY for r in api_writes)
    own = Request("dynamodb:PutItem", table, {"dynamodb:LeadingKeys": ["idempotency#alert"]})
    assert _decision(run, "AlertFunction", own) is Decision.ALLOW


def test_given_the_poll_function_then_it_cannot_read_any_subscriber_email_or_phone(run: StackRun) -> None:
    # The subscriber index (gsi2) is refused to poll, which parses untrusted feeds; the index poll may query
    # without a key condition (gsi1) holds no subscription at all, as the table after the run shows.
    table = run.outputs["TableArn"]
    subscribers = Request("dynamodb:Query", f"{table}/index/gsi2")
    for function in ("PollFunction", "PlanFunction", "AlertFunction"):
        assert _decision(run, function, subscribers) is Decision.IMPLICIT_DENY, function
    for function in ("ApiFunction", "DigestFunction"):
        assert _decision(run, function, subscribers) is Decision.ALLOW, function
    for action in ("dynamodb:Scan", "dynamodb:Query"):
        assert _decision(run, "PollFunction", Request(action, table)) is Decision.IMPLICIT_DENY, action
    poll_queries = {
        c.request.resource for c in run.calls["PollFunction"] if c.request.action == "dynamodb:Query"
    }
    assert poll_queries == {f"{table}/index/gsi1"}
    assert run.gsi1_kinds and "subscription" not in run.gsi1_kinds
    assert not run.gsi1_pii, "an e-mail address or phone number is readable through gsi1"
    subscription_read = Request(
        "dynamodb:GetItem", table, {"dynamodb:LeadingKeys": [f"SUBSCRIPTION#{run.digest_subscription_id}"]}
    )
    assert _decision(run, "PollFunction", subscription_read) is Decision.IMPLICIT_DENY


def test_given_the_poll_function_then_it_cannot_write_idempotency_or_subscription_items(
    run: StackRun,
) -> None:
    for key in ("idempotency#alert", f"SUBSCRIPTION#{run.digest_subscription_id}"):
        request = Request("dynamodb:PutItem", run.outputs["TableArn"], {"dynamodb:LeadingKeys": [key]})
        assert _decision(run, "PollFunction", request) is Decision.IMPLICIT_DENY


def test_given_the_api_function_then_it_cannot_write_updates_source_state_or_idempotency_records(
    run: StackRun,
) -> None:
    table = run.outputs["TableArn"]
    for key in ("UPDATE#u-1", "SOURCE#press-wire", "TRIAL#NCT04280705", "idempotency#alert"):
        for action in WRITES:
            request = Request(action, table, {"dynamodb:LeadingKeys": [key]})
            assert _decision(run, "ApiFunction", request) is Decision.IMPLICIT_DENY, (action, key)
    # The very update writes poll made are refused to the API function.
    poll_writes = [c.request for c in run.calls["PollFunction"] if c.request.action in WRITES]
    assert poll_writes
    assert all(_decision(run, "ApiFunction", r) is Decision.IMPLICIT_DENY for r in poll_writes)
    for action, resource in (
        ("sns:Publish", run.outputs["AlertsTopicArn"]),
        ("dynamodb:Query", table),  # the index only, never the base table
        ("dynamodb:Scan", table),
    ):
        assert _decision(run, "ApiFunction", Request(action, resource)) is Decision.IMPLICIT_DENY, action


def test_given_the_digest_function_then_it_cannot_write_subscription_records(run: StackRun) -> None:
    table = run.outputs["TableArn"]
    key = f"SUBSCRIPTION#{run.digest_subscription_id}"
    for action in WRITES:
        request = Request(action, table, {"dynamodb:LeadingKeys": [key]})
        assert _decision(run, "DigestFunction", request) is Decision.IMPLICIT_DENY, action
    record = Request(
        "dynamodb:PutItem",
        table,
        {"dynamodb:LeadingKeys": [key], "dynamodb:Attributes": SUBSCRIPTION_ATTRIBUTES},
    )
    assert _decision(run, "DigestFunction", record) is Decision.IMPLICIT_DENY
    # The very subscription writes the API made (records, unsubscribes) are refused to the digest function.
    api_writes = [
        c.request
        for c in run.calls["ApiFunction"]
        if c.request.action in WRITES
        and c.request.context["dynamodb:LeadingKeys"][0].startswith("SUBSCRIPTION#")
    ]
    assert {r.action for r in api_writes} == {"dynamodb:PutItem", "dynamodb:DeleteItem"}
    assert all(_decision(run, "DigestFunction", r) is Decision.IMPLICIT_DENY for r in api_writes)
    for action in ("sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"):
        request = Request(action, run.outputs["AlertsTopicArn"])
        assert _decision(run, "DigestFunction", request) is Decision.IMPLICIT_DENY, action
    # What it does write is its own digest state, under its own partition key, as the recorded calls show.
    states = [
        c.request
        for c in run.calls["DigestFunction"]
        if c.request.action == "dynamodb:PutItem"
        and c.request.context["dynamodb:LeadingKeys"] == [f"DIGEST#{run.digest_subscription_id}"]
    ]
    assert states
    assert all(_decision(run, "DigestFunction", r) is Decision.ALLOW for r in states)


def test_given_the_digest_function_then_it_cannot_write_updates_or_source_state(run: StackRun) -> None:
    for key in ("UPDATE#u-1", "SOURCE#press-wire", "TRIAL#NCT04280705"):
        for action in WRITES:
            request = Request(action, run.outputs["TableArn"], {"dynamodb:LeadingKeys": [key]})
            assert _decision(run, "DigestFunction", request) is Decision.IMPLICIT_DENY, (action, key)


def test_given_the_plan_function_then_it_can_only_enqueue(run: StackRun) -> None:
    live_config = {"s3:GetObject", "s3:ListBucket"}  # reading the live watchlist and sources (issue 26)
    assert granted_actions(run.policies["PlanFunction"]) - RUNTIME_ACTIONS == {
        "sqs:SendMessage",
        *live_config,
    }
    table_read = Request("dynamodb:GetItem", run.outputs["TableArn"])
    assert _decision(run, "PlanFunction", table_read) is Decision.IMPLICIT_DENY


def test_given_the_catalyst_check_then_it_writes_overdue_once_and_only_calendar_and_update_items(
    run: StackRun,
) -> None:
    assert run.catalysts_listed >= 1  # the poll calendared catalysts from the recorded items and records
    first, retry = run.catalyst_checks
    assert first["overdue"] == first["updates"] + 1 >= 2  # the recorded 2023 PDUFA date: overdue, no alert
    assert (retry["overdue"], retry["updates"]) == (0, 0)
    writes = [c.request for c in run.calls["CatalystCheckFunction"] if c.request.action in WRITES]
    assert writes and all(
        r.context["dynamodb:LeadingKeys"][0].startswith(("CATALYST#", "UPDATE#")) for r in writes
    )
    for key in ("SOURCE#press-wire", "TRIAL#NCT04280705", f"SUBSCRIPTION#{run.digest_subscription_id}"):
        for action in WRITES:
            request = Request(action, run.outputs["TableArn"], {"dynamodb:LeadingKeys": [key]})
            assert _decision(run, "CatalystCheckFunction", request) is Decision.IMPLICIT_DENY, (action, key)
    publish = Request("sns:Publish", run.outputs["AlertsTopicArn"])
    assert _decision(run, "CatalystCheckFunction", publish) is Decision.IMPLICIT_DENY


def test_given_the_page_function_then_it_cannot_write_updates_keys_or_publish(run: StackRun) -> None:
    # Reached without IAM auth (the token is the authorisation), so what it may do is held tightest: it
    # cannot change updates, source state, trials, idempotency records or the link keys (no rotation or
    # creation), cannot subscribe anyone, publish, or make a new key.
    table = run.outputs["TableArn"]
    for key in (
        "UPDATE#u-1",
        "SOURCE#press-wire",
        "TRIAL#NCT04280705",
        "idempotency#alert",
        "LINKKEY#signing",
    ):
        for action in WRITES:
            request = Request(action, table, {"dynamodb:LeadingKeys": [key]})
            assert _decision(run, "PageFunction", request) is Decision.IMPLICIT_DENY, (action, key)
    poll_writes = [c.request for c in run.calls["PollFunction"] if c.request.action in WRITES]
    assert poll_writes
    assert all(_decision(run, "PageFunction", r) is Decision.IMPLICIT_DENY for r in poll_writes)
    key_arn = run.outputs["LinkKeyArn"]
    for action, resource in (
        ("sns:Publish", run.outputs["AlertsTopicArn"]),
        ("sns:Subscribe", run.outputs["AlertsTopicArn"]),
        ("kms:GenerateDataKey", key_arn),
        ("kms:Encrypt", key_arn),
        ("dynamodb:Query", table),
        ("dynamodb:Scan", table),
    ):
        assert _decision(run, "PageFunction", Request(action, resource)) is Decision.IMPLICIT_DENY, action
    # What it did do: verify (decrypt), record feedback once, unsubscribe one reader.
    used = {c.request.action for c in run.calls["PageFunction"]}
    assert {"kms:Decrypt", "dynamodb:PutItem", "sns:Unsubscribe", "dynamodb:BatchGetItem"} <= used
    # The reader's record was half-created (issue 27 #7): its SNS subscription was found by listing.
    assert "sns:ListSubscriptionsByTopic" in used and "sns:Subscribe" not in used
    assert run.half_created_deleted == 200


def test_given_the_deliver_function_then_it_reads_subscriptions_but_cannot_change_them_or_publish(
    run: StackRun,
) -> None:
    table = run.outputs["TableArn"]
    for key in (f"SUBSCRIPTION#{run.digest_subscription_id}", "UPDATE#u-1", "SOURCE#ctgov", "idempotency#x"):
        for action in WRITES:
            request = Request(action, table, {"dynamodb:LeadingKeys": [key]})
            assert _decision(run, "DeliverFunction", request) is Decision.IMPLICIT_DENY, (action, key)
    for action, resource in (
        ("sns:Publish", run.outputs["AlertsTopicArn"]),
        ("sns:Subscribe", run.outputs["AlertsTopicArn"]),
        ("kms:GenerateDataKey", run.outputs["ChannelsKeyArn"]),  # it decrypts; only the API encrypts
        ("kms:Encrypt", run.outputs["ChannelsKeyArn"]),
        ("dynamodb:Query", table),
        ("sqs:SendMessage", run.outputs["PollQueueArn"]),
    ):
        assert _decision(run, "DeliverFunction", Request(action, resource)) is Decision.IMPLICIT_DENY, action
    # Its own writes are claims and destination state, under their own partition keys.
    writes = [c.request for c in run.calls["DeliverFunction"] if c.request.action in WRITES]
    assert writes
    prefixes = {str(r.context["dynamodb:LeadingKeys"][0]).split("#", 1)[0] for r in writes}
    assert prefixes == {"DELIVERY", "DESTINATION"}


def test_given_the_api_function_then_it_can_encrypt_credentials_but_never_decrypt_them(run: StackRun) -> None:
    key = run.outputs["ChannelsKeyArn"]
    assert _decision(run, "ApiFunction", Request("kms:Decrypt", key)) is Decision.IMPLICIT_DENY
    encrypts = [c.request for c in run.calls["ApiFunction"] if c.request.action == "kms:GenerateDataKey"]
    assert encrypts
    assert all(r.resource == key for r in encrypts)


@pytest.mark.parametrize("function", ["PlanFunction", "PollFunction", "ApiFunction", "CatalystCheckFunction"])
def test_given_a_function_reading_the_live_config_then_it_may_read_it_and_never_write_it(
    run: StackRun, function: str
) -> None:
    """Issue 26: the functions read the watchlist, taxonomy and sources objects; only an operator writes."""
    bucket = f"arn:aws:s3:::{run.outputs['ConfigBucketName']}"
    reads = [c.request for c in run.calls[function] if c.request.action.startswith("s3:")]
    assert reads and {r.action for r in reads} == {"s3:GetObject"}
    for action in ("s3:PutObject", "s3:DeleteObject", "s3:PutBucketPolicy"):
        assert _decision(run, function, Request(action, f"{bucket}/watchlist.yaml")) is Decision.IMPLICIT_DENY
    assert _decision(run, "AlertFunction", Request("s3:GetObject", f"{bucket}/watchlist.yaml")) is (
        Decision.IMPLICIT_DENY
    )


def test_given_the_console_then_it_reads_the_live_config_and_the_watchlists_history_and_never_writes_it(
    run: StackRun,
) -> None:
    """The console applies the live watchlist (GetObject) and shows admins the watchlist's versions
    (ListBucketVersions, and GetObjectVersion of watchlist.yaml only); it writes nothing to the bucket."""
    bucket = f"arn:aws:s3:::{run.outputs['ConfigBucketName']}"
    reads = [c.request for c in run.calls["ConsoleFunction"] if c.request.action.startswith("s3:")]
    assert {r.action for r in reads} == {"s3:GetObject", "s3:ListBucketVersions", "s3:GetObjectVersion"}
    assert {r.resource for r in reads if r.action == "s3:GetObjectVersion"} == {f"{bucket}/watchlist.yaml"}
    for action in ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutBucketPolicy"):
        request = Request(action, f"{bucket}/watchlist.yaml")
        assert _decision(run, "ConsoleFunction", request) is Decision.IMPLICIT_DENY, action
    other_version = Request("s3:GetObjectVersion", f"{bucket}/taxonomy.yaml")
    assert _decision(run, "ConsoleFunction", other_version) is Decision.IMPLICIT_DENY

"""Proof 2: the template is the one the code runs on.

template.yaml is translated by the SAM translator and created as a stack in moto's CloudFormation (with the
event-source mappings and the API deployment left out; see NOT_CREATED_IN_MOTO). Every resource moto created
is compared with the translated template; every type moto skips is named here and asserted on the
translated template instead. Then plan -> poll -> store -> alert ran against the stack's resources, found by
its Outputs, with the test acting as the event sources (stack_run.py); the subscription API answered API
Gateway REST events and the digest ran on its schedule's input, on the same stack.
"""

from __future__ import annotations

import json
from typing import Any

import icalendar
import pytest
from stack_run import (
    ANALYST,
    DIGEST_READER,
    FAILING_UPDATE,
    LEAVER,
    POISON_BODY,
    SMS,
    StackRun,
    stack_run,
)

from pipewatch_local.functions import LOGICAL_IDS as FUNCTIONS  # the template's, in its order
from pipewatch_local.local_stack import NOT_CREATED_IN_MOTO

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them

# Resource types moto's CloudFormation does not create (it logs "No Moto CloudFormation support for ...").
MOTO_SKIPS = {
    "AWS::CloudWatch::Alarm",
    "AWS::Scheduler::Schedule",
    "AWS::ApiGateway::Stage",
    "AWS::SNS::TopicPolicy",
    "AWS::SNS::Subscription",  # only with OperatorEmail set
    "AWS::SQS::QueuePolicy",
    "AWS::S3::BucketPolicy",
    # The console's user pool: moto's cognito-idp API makes it instead (moto_stack._console_pool).
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolDomain",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
}
# Condition HasSesSender: the run is in minimal mode (no SES sender), so CloudFormation creates none of these.
OFF_IN_MINIMAL_MODE = {"EmailFeedbackTopic"}


@pytest.fixture(scope="module")
def run() -> StackRun:
    return stack_run()


def _resources(run: StackRun, kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in run.template["Resources"].items() if v["Type"] == kind}


def _ref_name(value: Any) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"])
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return str(target[0] if isinstance(target, list) else target.split(".")[0])
    return ""


# -- the stack moto created vs the translated template ---------------------------------------------------


def test_given_the_translated_template_then_moto_created_every_resource_except_named_skips(
    run: StackRun,
) -> None:
    expected = {
        k: v["Type"]
        for k, v in run.template["Resources"].items()
        if v["Type"] not in NOT_CREATED_IN_MOTO and k not in OFF_IN_MINIMAL_MODE
    }
    missing = {k: t for k, t in expected.items() if k not in run.created}
    assert {t for t in missing.values()} <= MOTO_SKIPS, f"skipped silently: {missing}"
    for logical, kind in run.created.items():
        assert expected[logical] == kind
    # Everything the test relies on exists for real.
    assert {"UpdatesTable", "PollQueue", "PollDeadLetterQueue", "AlertsTopic", "PollFunction"} <= set(
        run.created
    )


def test_given_the_outputs_then_every_one_not_on_a_skipped_resource_is_readable(run: StackRun) -> None:
    wanted = set(run.template["Outputs"])
    assert wanted - set(run.outputs) <= {"OperatorEmailSubscriptionArn", "EmailFeedbackTopicArn"}
    assert run.outputs["PollQueueUrl"].endswith(run.outputs["PollQueueArn"].rsplit(":", 1)[-1])


def test_given_the_mappings_then_they_are_the_ones_the_pumps_played(run: StackRun) -> None:
    mappings = _resources(run, "AWS::Lambda::EventSourceMapping")
    by_source = {json.dumps(m["Properties"]["EventSourceArn"]): m["Properties"] for m in mappings.values()}
    stream = next(p for k, p in by_source.items() if "StreamArn" in k)
    queue = next(p for k, p in by_source.items() if "PollQueue" in k)
    assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert stream["BisectBatchOnFunctionError"] is True
    assert stream["MaximumRetryAttempts"] == 5
    assert "OnFailure" in stream["DestinationConfig"]
    assert json.loads(stream["FilterCriteria"]["Filters"][0]["Pattern"])["eventName"] == ["INSERT"]
    assert queue["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert queue["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "PollConcurrency"}


# -- skipped types, asserted on the translated template ------------------------------------------------------


def test_given_alarms_then_each_function_each_dlq_and_the_stream_lag_page_the_operators(
    run: StackRun,
) -> None:
    alarms = [a["Properties"] for a in _resources(run, "AWS::CloudWatch::Alarm").values()]
    assert all(a["AlarmActions"] == [{"Ref": "OperatorTopic"}] for a in alarms)
    errors = {_ref_name(a["Dimensions"][0]["Value"]) for a in alarms if a["MetricName"] == "Errors"}
    assert errors == set(FUNCTIONS)
    dlq_alarms = {
        _ref_name(a["Dimensions"][0]["Value"])
        for a in alarms
        if a["MetricName"] == "ApproximateNumberOfMessagesVisible"
    }
    dead_letter_targets = {"ScheduleDeadLetterQueue", "AlertFailuresQueue"} | {
        _ref_name(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in _resources(run, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    }
    assert dlq_alarms == dead_letter_targets
    assert any(a["MetricName"] == "IteratorAge" for a in alarms)


def test_given_schedules_then_each_has_retries_a_dlq_and_an_explicit_role(run: StackRun) -> None:
    schedules = [s["Properties"] for s in _resources(run, "AWS::Scheduler::Schedule").values()]
    assert len(schedules) == 4
    roles = _resources(run, "AWS::IAM::Role")
    expressions = set()
    for schedule in schedules:
        target = schedule["Target"]
        assert target["RetryPolicy"]["MaximumRetryAttempts"] == 2
        assert _ref_name(target["DeadLetterConfig"]["Arn"]) == "ScheduleDeadLetterQueue"
        assert _ref_name(target["RoleArn"]) in roles  # an explicit role, not a SAM-generated one
        expressions.add(json.dumps(schedule["ScheduleExpression"]))
    assert expressions == {
        '{"Ref": "NewsSchedule"}',
        '{"Ref": "RegistrySchedule"}',
        '{"Ref": "DigestSchedule"}',
        '{"Ref": "CatalystCheckSchedule"}',
    }


def test_given_the_api_stage_and_topic_policy_then_they_are_traced_throttled_and_scoped(
    run: StackRun,
) -> None:
    stage = next(iter(_resources(run, "AWS::ApiGateway::Stage").values()))["Properties"]
    assert stage["TracingEnabled"] is True
    assert stage["MethodSettings"][0]["ThrottlingRateLimit"] > 0
    policy = next(iter(_resources(run, "AWS::SNS::TopicPolicy").values()))["Properties"]
    statement = policy["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"


def test_given_the_template_then_it_is_production_shaped(run: StackRun) -> None:
    functions = _resources(run, "AWS::Lambda::Function")
    assert set(functions) == set(FUNCTIONS)
    for name, fn in functions.items():
        props = fn["Properties"]
        assert props["Architectures"] == ["arm64"], name
        assert props["TracingConfig"] == {"Mode": "Active"}, name
        assert props["LoggingConfig"]["LogFormat"] == "JSON", name
        log_group = _ref_name(props["LoggingConfig"]["LogGroup"])
        assert "RetentionInDays" in run.template["Resources"][log_group]["Properties"], name
        assert _ref_name(props["Role"]) == name.replace("Function", "Role")
        assert "POWERTOOLS_SERVICE_NAME" in props["Environment"]["Variables"]
    assert functions["PollFunction"]["Properties"]["ReservedConcurrentExecutions"] == {
        "Ref": "PollConcurrency"
    }
    table = run.template["Resources"]["UpdatesTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert table["SSESpecification"]["SSEType"] == "KMS"
    assert table["DeletionProtectionEnabled"] == {"Ref": "TableDeletionProtection"}
    assert table["GlobalSecondaryIndexes"][0]["IndexName"] == "gsi1"
    for queue in _resources(run, "AWS::SQS::Queue").values():
        assert queue["Properties"].get("SqsManagedSseEnabled") is True
    for topic in _resources(run, "AWS::SNS::Topic").values():
        assert topic["Properties"].get("KmsMasterKeyId")


def test_given_any_resource_then_no_physical_name_is_hard_coded(run: StackRun) -> None:
    name_keys = {"TableName", "QueueName", "TopicName", "FunctionName", "RoleName", "LogGroupName",
                 "AlarmName", "DashboardName", "ScheduleName", "KeyAlias"}  # fmt: skip
    for logical, resource in run.template["Resources"].items():
        for key in name_keys & set(resource.get("Properties", {})):
            assert not isinstance(resource["Properties"][key], str), f"{logical}.{key} is a literal name"


# -- the run: plan -> poll -> store -> alert on the stack's resources -------------------------------------


def test_given_a_cycle_then_plan_fans_out_one_task_per_source_query(run: StackRun) -> None:
    registry, news = run.plan_reports[0], run.plan_reports[1]
    assert registry["sources"] == ["ctgov", "pubmed"] and registry["tasks"] > 2  # split by agent groups
    assert news == {
        "tasks": 5,
        "sources": ["catalyst-statements", "edgar-demo", "lupus-news", "press-wire", "sec-press"],
    }


def test_given_the_first_cycle_then_updates_are_stored_and_each_alerted_once(run: StackRun) -> None:
    assert run.updates_stored > 0
    # all but the one SNS refuses, and those joined to a story already alerted
    assert run.alerts_published == run.updates_stored - 1 - len(run.updates_joined)
    assert set(run.updates_joined) <= set(run.alerted_update_ids)
    assert len(set(run.alerted_update_ids)) == len(run.alerted_update_ids)
    assert FAILING_UPDATE not in run.alerted_update_ids


def test_given_an_unchanged_second_cycle_then_poll_writes_no_item(run: StackRun) -> None:
    assert run.cycle_writes[0] > 0
    assert run.cycle_writes[1] == 0


def test_given_a_poison_task_then_it_is_retried_to_the_redrive_limit_and_parked_in_the_dlq(
    run: StackRun,
) -> None:
    assert run.poll_failures_reported == 3  # maxReceiveCount
    assert run.poll_dlq_bodies == [POISON_BODY]
    assert run.poll_queue_left == 0


def test_given_an_update_sns_refuses_then_its_position_reaches_the_on_failure_destination(
    run: StackRun,
) -> None:
    assert len(run.alert_failure_messages) == 1
    info = run.alert_failure_messages[0]["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1
    assert info["streamArn"] == run.outputs["TableStreamArn"]


def test_given_syndicated_copies_in_the_feed_then_they_merge_into_one_update_listing_the_outlets(
    run: StackRun,
) -> None:
    stop = next(outlets for title, outlets in run.merged_story_sources.items() if "UplighTED" in title)
    assert len(stop) == 4 and "Ophthalmology Times" in stop


# -- the subscription API and the digest on the stack -------------------------------------------------------


def test_given_api_gateway_events_then_each_route_answers_as_documented(run: StackRun) -> None:
    answers = [(c.method, c.resource, c.status) for c in run.api_responses]
    assert answers == [
        ("POST", "/subscriptions", 201),
        ("POST", "/subscriptions", 201),
        ("POST", "/subscriptions", 201),
        ("POST", "/subscriptions", 201),
        ("POST", "/subscriptions", 201),  # the same endpoint again: preferences changed
        ("POST", "/subscriptions", 422),  # not an email or E.164 number
        ("GET", "/subscriptions", 200),
        ("GET", "/subscriptions", 200),
        ("DELETE", "/subscriptions/{subscription_id}", 200),
        ("DELETE", "/subscriptions/{subscription_id}", 404),
        ("GET", "/subscriptions", 200),
    ]
    listed, digests, _, _, after = (c.body for c in run.api_responses[6:])
    assert {s["endpoint"] for s in listed["subscriptions"]} == {ANALYST, SMS, DIGEST_READER, LEAVER}
    assert [s["endpoint"] for s in digests["subscriptions"]] == [DIGEST_READER]
    assert {s["endpoint"] for s in after["subscriptions"]} == {ANALYST, SMS, DIGEST_READER}
    sms = next(s for s in after["subscriptions"] if s["endpoint"] == SMS)
    assert sorted(sms["agents"]) == ["brepocitinib", "efgartigimod"] and sms["status"] == "active"
    assert all(s["status"] == "active" for s in after["subscriptions"])


def test_given_a_digest_whose_publish_fails_then_the_retried_run_sends_it_once(run: StackRun) -> None:
    scheduled, retry, second = run.digest_runs
    assert scheduled.report is None and "Throttling" in scheduled.error
    assert retry.report is not None and [s["subscription_id"] for s in retry.report["sent"]] == [
        run.digest_subscription_id
    ]
    assert retry.report["sent"][0]["updates"] > 0
    assert second.report is not None and second.report["due"] == 0 and second.report["sent"] == []
    assert run.inbox_digests == 1  # three runs, one digest on the topic


def test_given_the_policies_the_api_derived_then_each_subscriber_gets_only_its_delivery(
    run: StackRun,
) -> None:
    assert [m["MessageAttributes"]["delivery"]["Value"] for m in run.digest_inbox] == ["digest"]
    assert run.digest_inbox[0]["MessageAttributes"]["subscription_id"]["Value"] == run.digest_subscription_id
    deliveries = {m["MessageAttributes"]["delivery"]["Value"] for m in run.analyst_inbox}
    # A competitor's news is published with delivery "landscape" (issue 26): this analyst did not opt in.
    assert deliveries == {"instant"} and len(run.analyst_inbox) == run.published_deliveries.count("instant")
    assert set(run.published_deliveries) <= {"instant", "landscape"}


def test_given_a_webhook_subscriber_on_the_stack_then_it_got_each_matching_alert_once_signed(
    run: StackRun,
) -> None:
    from pipewatch.domain.render.webhooks import verify

    secret = run.channel_subscription["webhook_secret"]
    assert secret.startswith("whsec_")
    assert run.channel_subscription["endpoint"].startswith("http://127.0.0.1:")
    assert "/hook" not in run.channel_subscription["endpoint"]  # masked: host and fingerprint only
    accepted = [r for r in run.webhook_received if r.status == 200]
    assert accepted, "the webhook subscriber received nothing"
    assert run.webhook_received[0].status == 500  # the first answer; its retry came back later
    ids = [r.headers["webhook-id"] for r in accepted]
    assert len(ids) == len(set(ids))  # each update once
    for received in accepted:
        body = json.loads(received.body)
        assert "efgartigimod" in body["update"]["agents"]
        verify(secret, received.headers, received.body, now=int(received.headers["webhook-timestamp"]))
    assert run.delivery_queue_left == 0
    assert run.delivery_dlq_left == 0


def test_given_the_readers_links_then_pages_feedback_feeds_calendar_and_unsubscribe_work_on_the_stack(
    run: StackRun,
) -> None:
    answers = [(c.method, c.resource, c.status) for c in run.reader_responses]
    assert answers == [
        ("GET", "/u/{token}", 200),
        ("POST", "/fb/{token}", 303),
        ("POST", "/fb/{token}", 303),
        ("GET", "/feed/{token}", 200),
        ("GET", "/feed/{token}", 200),
        ("GET", "/cal/{token}", 200),  # the digest's catalyst calendar link
        ("GET", "/u/{token}", 403),  # altered
        ("GET", "/u/{token}", 200),  # an instant alert's topic-wide link
        ("GET", "/unsub/{token}", 200),
        ("POST", "/unsub/{token}", 200),
        ("GET", "/s/{code}", 302),  # an SMS's short link
        ("GET", "/s/{code}", 404),  # a code no alert stored
    ]
    # Every alert stored its SMS short code before it was published (so did the one whose publish fails,
    # which its retries reuse); the code opens its update's page.
    assert set(run.short_codes.values()) == {*run.alerted_update_ids, FAILING_UPDATE}
    assert "/u/" in str(run.reader_responses[10].body)
    assert run.reader_feedback_stored == 1  # two clicks, one answer
    atom, json_feed = run.reader_responses[3].body, run.reader_responses[4].body
    assert "<feed" in str(atom) and '"version": "https://jsonfeed.org/version/1.1"' in str(json_feed)
    calendar = icalendar.Calendar.from_ical(str(run.reader_responses[5].body))
    assert str(calendar["VERSION"]) == "2.0"
    # The digest reader names no agent: its calendar holds every entry the calendar keeps.
    assert len(list(calendar.walk("VEVENT"))) == run.catalysts_after_check >= 1
    assert run.catalysts_after_check < run.catalysts_listed  # the entry closed since 2023 was pruned
    # The digest's page is its subscriber's (feeds, calendar, unsubscribe); the alert's shared one shows none.
    assert "../unsub/" in str(run.reader_responses[0].body) and "../cal/" in str(run.reader_responses[0].body)
    assert "../unsub/" not in str(run.reader_responses[7].body)
    assert "../cal/" not in str(run.reader_responses[7].body)


def test_given_the_template_then_an_unhealthy_source_alarms_the_operator_and_its_recovery_notifies_too(
    run: StackRun,
) -> None:
    alarm = run.template["Resources"]["SourceFailingAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("Pipewatch", "SourceUnhealthy")
    assert alarm["OKActions"] == [{"Ref": "OperatorTopic"}] == alarm["AlarmActions"]
    functions = run.template["Resources"]
    for name in ("PollFunction", "DigestFunction"):
        variables = functions[name]["Properties"]["Environment"]["Variables"]
        assert variables["PIPEWATCH_SOURCE_ALARM_FAILURES"] == {"Ref": "SourceFailureAlarmThreshold"}


# -- issue 26: the live watchlist, pushed mid-run ----------------------------------------------------------


def test_given_a_pushed_watchlist_then_it_applies_within_5_minutes_with_no_deploy(run: StackRun) -> None:
    assert run.pushed_version
    assert run.live_versions["+4:59"] == "packaged"  # the container's cached version, not yet re-read
    assert run.live_versions["+5:00"] == run.pushed_version == run.live_versions["fresh"]


def test_given_an_agent_added_then_its_back_catalogue_brings_no_alert_and_its_fresh_news_does(
    run: StackRun,
) -> None:
    from stack_run import LUPUS_FRESH, LUPUS_OLD

    assert run.anifrolumab_seen == len(LUPUS_OLD)  # remembered (never alerted later), dated or not
    assert len(run.anifrolumab_alerts) == 1
    assert LUPUS_FRESH.removeprefix("Hand-made: ")[:50] in run.anifrolumab_alerts[0]


def test_given_the_config_bucket_then_it_is_versioned_encrypted_private_and_tls_only(run: StackRun) -> None:
    bucket = run.template["Resources"]["ConfigBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    policy = next(iter(_resources(run, "AWS::S3::BucketPolicy").values()))["Properties"]["PolicyDocument"]
    assert policy["Statement"][0]["Effect"] == "Deny"
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    alarm = run.template["Resources"]["ConfigRejectedAlarm"]["Properties"]
    assert alarm["MetricName"] == "ConfigRejected" and alarm["AlarmActions"] == [{"Ref": "OperatorTopic"}]

"""Delivery through the stack on moto: preferences -> SNS filter policy -> what each subscriber receives
(SNS -> SQS shadow queues with the same policy, since moto records no email/SMS delivery), table and SNS
kept in step, syndicated copies merged without an alert, and digests sent exactly once."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pipewatch.adapters.aws import client
from pipewatch.adapters.feeds import parse_feed
from pipewatch.adapters.store import Store
from pipewatch.adapters.subscriptions import SnsSubscriptions, SubscriptionTable
from pipewatch.composition import build_alert_service, build_digest_service, build_subscription_service
from pipewatch.config import load_classifier
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.messages import SMS_LIMIT, is_gsm7, render_alert
from pipewatch.handlers import alert as alert_handler
from pipewatch.services.digest import DigestRunError
from pipewatch.services.subscriptions import SubscriptionService
from pipewatch.settings import Settings
from pipewatch_local.local_stack import LambdaContext, StreamPump, add_shadow_subscriber

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
STREAM_FILTER = [{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["update"]}}}}]


def _labelled(ids: set[str]) -> list[Update]:
    """Real headlines from the labelled set, classified by the real classifier, as stored updates."""
    classifier = load_classifier()
    updates = []
    for n, line in enumerate((FIXTURES / "labeled" / "headlines_dev.jsonl").read_text().splitlines()):
        row = json.loads(line)
        if row["id"] not in ids:
            continue
        classification = classifier.classify(row["title"], row["summary"] or "")
        updates.append(
            Update(
                update_id=f"u-{row['id']}",
                title=row["title"],
                summary=row["summary"] or "",
                url=row["url"],
                source_id="labelled",
                source_name=row["source"],
                classification=classification,
                sources=(row["source"],),
                first_seen=NOW + timedelta(minutes=n),
            )
        )
    return updates


class FailingSns:
    """A real (moto) client whose chosen operation fails once, as a throttled or interrupted call would."""

    def __init__(self, real: Any, fail_once: set[str]) -> None:
        self._real = real
        self.fail_once = set(fail_once)
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._real, name)

        def call(**kwargs: Any) -> Any:
            self.calls.append(name)
            if name in self.fail_once:
                self.fail_once.discard(name)
                raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, name)
            return method(**kwargs)

        return call


@pytest.fixture
def env(local_stack: Any) -> dict[str, Any]:
    settings = Settings.from_env()
    sns = client("sns", settings)
    ddb = client("dynamodb", settings)
    alert_service = build_alert_service(settings)
    pump = StreamPump(
        settings.table_name,
        partial(alert_handler.handler, service=alert_service),
        function_name="alert",
        filters=STREAM_FILTER,
    )
    return {
        "settings": settings,
        "sns": sns,
        "ddb": ddb,
        "store": Store(ddb, settings.table_name),
        "subs": build_subscription_service(settings),
        "pump": pump,
    }


def _shadow(env: dict[str, Any], record: Any) -> Any:
    policy = record.as_output()["filter_policy"]
    return add_shadow_subscriber(env["settings"].topic_arn, record.subscription.subscription_id, policy)


def _ids(shadow: Any) -> list[str]:
    return sorted(m["MessageAttributes"]["update_id"]["Value"] for m in shadow.received())


def _topic_subscriptions(env: dict[str, Any], protocol: str) -> list[dict[str, Any]]:
    listed = env["sns"].list_subscriptions_by_topic(TopicArn=env["settings"].topic_arn)["Subscriptions"]
    return [s for s in listed if s["Protocol"] == protocol]


# -- preferences -> filter policy -> delivered messages ---------------------------------------


def test_given_three_subscribers_when_real_headlines_are_alerted_then_each_receives_exactly_its_selection(
    env: dict[str, Any],
) -> None:
    subs: SubscriptionService = env["subs"]
    everything = subs.subscribe({"endpoint": "ci.analyst@example.com"})
    high_sms = subs.subscribe({"endpoint": "+15555550123", "preferences": {"min_severity": "high"}})
    tted = subs.subscribe(
        {
            "endpoint": "bd.lead@example.com",
            "preferences": {"agents": ["efgartigimod"], "indications": ["thyroid_eye_disease", "cidp"]},
        }
    )
    digest = subs.subscribe({"endpoint": "digest@example.com", "preferences": {"mode": "digest"}})
    shadows = {r.subscription_id: _shadow(env, r) for r in (everything, high_sms, tted, digest)}
    updates = _labelled({"A02", "A38", "A19", "B17", "A07", "B30"})
    for update in updates:
        assert env["store"].put_update(update)

    env["pump"].pump()

    # What SNS holds for the real email/SMS subscriptions is the policy the shadows were given.
    for record in (everything, high_sms, tted, digest):
        attributes = env["sns"].get_subscription_attributes(SubscriptionArn=record.sns_arn)["Attributes"]
        assert json.loads(attributes["FilterPolicy"]) == record.as_output()["filter_policy"]
        assert attributes["Protocol"] == record.subscription.protocol
    by_id = {u.update_id: u for u in updates}
    assert _ids(shadows[everything.subscription_id]) == sorted(by_id)
    assert _ids(shadows[high_sms.subscription_id]) == sorted(
        uid for uid, u in by_id.items() if u.classification.severity == "high"
    )
    assert _ids(shadows[tted.subscription_id]) == ["u-A38", "u-B17"]  # TED stop and CIDP filing
    assert shadows[digest.subscription_id].received() == []  # digest subscribers get no instant alerts


def test_given_an_sms_subscriber_then_the_sms_body_sns_would_send_fits_one_gsm7_message(
    env: dict[str, Any],
) -> None:
    from moto.sns.models import sns_backends

    env["subs"].subscribe({"endpoint": "+15555550123"})
    for update in _labelled({"A38", "A21", "A42"}):
        env["store"].put_update(update)
    env["pump"].pump()

    topic = sns_backends["123456789012"]["us-east-1"].topics[env["settings"].topic_arn]
    bodies = [json.loads(n[1])["sms"] for n in topic.sent_notifications]
    assert len(bodies) == 3
    assert all(len(b) <= SMS_LIMIT and is_gsm7(b) for b in bodies)
    assert all(re.match(r"(HIGH|MEDIUM|LOW) efgartigimod ", b) for b in bodies), bodies


def test_given_sanitize_payloads_from_a_feed_then_no_markup_or_control_character_is_published(
    env: dict[str, Any],
) -> None:
    from moto.sns.models import sns_backends

    folder = FIXTURES / "feedparser-corpus" / "wellformed" / "sanitize"
    count = 0
    for n, path in enumerate(sorted(folder.glob("*.xml"))):
        for item in parse_feed(path.read_bytes(), source_id="corpus"):
            update = Update(
                update_id=f"u-san-{n}",
                title=item.title or "efgartigimod",
                summary=item.summary,
                url=item.url,
                source_id="corpus",
                classification=Classification(
                    relevant=True,
                    agents=("efgartigimod",),
                    event_type="results",
                    severity="high",
                    reasons=(item.summary[:200],),
                ),
                first_seen=NOW,
            )
            env["store"].put_update(update)
            count += 1
    env["pump"].pump()

    topic = sns_backends["123456789012"]["us-east-1"].topics[env["settings"].topic_arn]
    assert len(topic.sent_notifications) == count >= 40
    for _id, message, subject, *_ in topic.sent_notifications:
        bodies = json.loads(message)
        for text in (subject, bodies["default"], bodies["sms"]):
            lowered = text.lower()
            assert not any(
                tag in lowered for tag in ("<script", "<iframe", "<object", "<embed", "<applet", "<meta")
            )
            assert "javascript:" not in lowered
            assert not any(ord(ch) < 32 and ch != "\n" for ch in text)


# -- table and SNS in step ---------------------------------------


def test_given_unsubscribe_then_the_sns_subscription_is_gone_and_later_alerts_do_not_reach_it(
    env: dict[str, Any],
) -> None:
    record = env["subs"].subscribe({"endpoint": "+15555550123"})
    shadow = _shadow(env, record)
    env["store"].put_update(_labelled({"A38"})[0])
    env["pump"].pump()
    assert _ids(shadow) == ["u-A38"]

    env["subs"].unsubscribe("+15555550123")
    env["sns"].unsubscribe(SubscriptionArn=shadow.subscription_arn)  # the shadow mirrors the endpoint

    assert _topic_subscriptions(env, "sms") == []
    assert env["subs"].list() == []
    with pytest.raises(LookupError):
        env["subs"].unsubscribe("+15555550123")


def test_given_a_changed_preference_then_the_same_sns_subscription_gets_the_new_policy(
    env: dict[str, Any],
) -> None:
    first = env["subs"].subscribe({"endpoint": "a.b@example.com"})
    second = env["subs"].subscribe({"endpoint": "A.B@EXAMPLE.COM", "preferences": {"min_severity": "medium"}})

    assert second.sns_arn == first.sns_arn
    assert second.subscription_id == first.subscription_id
    assert len(_topic_subscriptions(env, "email")) == 1
    attributes = env["sns"].get_subscription_attributes(SubscriptionArn=second.sns_arn)["Attributes"]
    assert json.loads(attributes["FilterPolicy"])["severity_rank"] == [{"numeric": [">=", 1]}]


def test_given_a_failure_between_sns_and_the_table_then_the_next_call_repairs_without_an_orphan(
    env: dict[str, Any],
) -> None:
    settings = env["settings"]
    ddb = FailingSns(env["ddb"], set())
    service = SubscriptionService(
        table=SubscriptionTable(ddb, settings.table_name),
        sns=SnsSubscriptions(env["sns"], settings.topic_arn),
    )
    real_put = SubscriptionTable.put
    calls = {"n": 0}

    def put_failing_second(self: SubscriptionTable, record: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:  # after SNS subscribed, recording the ARN fails (a crash, a throttle)
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "PutItem")
        return real_put(self, record, **kwargs)

    SubscriptionTable.put = put_failing_second  # type: ignore[method-assign]
    try:
        with pytest.raises(ClientError):
            service.subscribe({"endpoint": "+15555550123"})
    finally:
        SubscriptionTable.put = real_put  # type: ignore[method-assign]

    half = service.get("+15555550123")
    assert half.status == "pending" and not half.sns_arn  # the record says what was under way
    assert len(_topic_subscriptions(env, "sms")) == 1  # SNS did subscribe

    repaired = service.unsubscribe("+15555550123")  # the next call finds and removes it

    assert repaired.subscription_id == half.subscription_id
    assert _topic_subscriptions(env, "sms") == []  # no orphaned SNS subscription
    assert service.list() == []


def test_given_sns_failing_on_subscribe_then_a_retry_leaves_one_active_subscription(
    env: dict[str, Any],
) -> None:
    settings = env["settings"]
    sns = FailingSns(env["sns"], {"subscribe"})
    service = SubscriptionService(
        table=SubscriptionTable(env["ddb"], settings.table_name),
        sns=SnsSubscriptions(sns, settings.topic_arn),
    )
    with pytest.raises(ClientError):
        service.subscribe({"endpoint": "x@example.com"})
    assert service.get("x@example.com").status == "pending"

    record = service.subscribe({"endpoint": "x@example.com", "preferences": {"agents": ["brepocitinib"]}})

    assert record.status == "active"
    assert [s["SubscriptionArn"] for s in _topic_subscriptions(env, "email")] == [record.sns_arn]
    attributes = env["sns"].get_subscription_attributes(SubscriptionArn=record.sns_arn)["Attributes"]
    assert json.loads(attributes["FilterPolicy"])["agents"] == ["brepocitinib"]


# -- syndicated copies ---------------------------------------


def test_given_syndicated_copies_merged_into_the_stored_story_then_one_alert_lists_every_outlet(
    env: dict[str, Any],
) -> None:
    from pipewatch.domain.ingest.dedupe import StoryIndex

    shadow = add_shadow_subscriber(env["settings"].topic_arn, "all", None)
    store: Store = env["store"]
    copies = _labelled({"A38", "A39", "A40", "B28"})
    index = StoryIndex()
    stored: list[Update] = []
    for copy in copies:
        story = index.find(copy)
        if story is None:
            assert store.put_update(copy)
            index.add(copy)
            stored.append(copy)
        else:
            assert store.merge_source(story.update_id, copy)
            assert not store.merge_source(story.update_id, copy)  # the same copy again writes nothing

    delivered = env["pump"].pump()

    assert len(stored) == 1 and delivered == 1  # MODIFY records never reach the alert function
    assert _ids(shadow) == [stored[0].update_id]
    merged = store.get_update(stored[0].update_id)
    assert merged is not None
    assert list(merged.sources) == [c.source_name for c in copies]
    # each merged outlet keeps its title and publication day, in the order merged (the page lists them)
    assert merged.story_titles == tuple(c.title for c in copies[1:])
    assert merged.story_dates == tuple(
        c.published.date().isoformat() if c.published else "" for c in copies[1:]
    )
    assert store.existing_update_ids([c.update_id for c in copies]) == {c.update_id for c in copies}
    assert "Also reported by: ResearchPool" in render_alert(merged).message


# -- digests ---------------------------------------


def _digest_env(env: dict[str, Any], sns_client: Any = None) -> Any:
    service = build_digest_service(env["settings"], sns_client=sns_client)
    service.start_invocation(LambdaContext("digest"))
    return service


def test_given_digest_subscribers_then_each_gets_one_digest_of_its_updates_and_a_retried_run_sends_nothing(
    env: dict[str, Any],
) -> None:
    subs: SubscriptionService = env["subs"]
    subs._clock = lambda: NOW - timedelta(hours=1)
    brussels = subs.subscribe(
        {
            "endpoint": "bd.lead@example.com",
            "preferences": {
                "mode": "digest",
                "digest_hour": 8,
                "timezone": "Europe/Brussels",
                "agents": ["efgartigimod"],
            },
        }
    )
    empty = subs.subscribe(
        {"endpoint": "+15555550199", "preferences": {"mode": "digest", "agents": ["dazukibart"]}}
    )
    shadows = {r.subscription_id: _shadow(env, r) for r in (brussels, empty)}
    instant = add_shadow_subscriber(env["settings"].topic_arn, "instant", {"delivery": ["instant"]})
    for update in _labelled({"A38", "A19", "A02", "B17"}):
        env["store"].put_update(update)
    service = _digest_env(env)
    run_at = NOW + timedelta(hours=1)  # 11:00 Brussels

    first = service.run(run_at)
    table = SubscriptionTable(env["ddb"], env["settings"].table_name)
    table._ddb.delete_item(  # as if the run died after publishing, before recording the digest
        TableName=env["settings"].table_name,
        Key={"pk": {"S": f"DIGEST#{brussels.subscription_id}"}, "sk": {"S": "DIGEST"}},
    )
    retried = service.run(run_at)
    later_same_day = service.run(run_at + timedelta(hours=3))

    assert [s["subscription_id"] for s in first.sent] == [brussels.subscription_id]
    assert first.empty == [empty.subscription_id]  # an empty digest is not sent
    assert [s["message_id"] for s in retried.sent] == [
        first.sent[0]["message_id"]
    ]  # stored result, no publish
    assert later_same_day.sent == [] and later_same_day.due == 1  # only the empty one is still due
    received = shadows[brussels.subscription_id].received()
    assert len(received) == 1
    body = received[0]["Message"]
    assert body.index("[HIGH] trial status") < body.index("[MEDIUM] regulatory")  # ordered by severity
    assert "brepocitinib" not in body.split("Why you got this")[0]
    assert shadows[empty.subscription_id].received() == []
    assert instant.received() == []  # digests never reach instant subscribers
    state = table.get_digest_state(brussels.subscription_id)
    assert state is not None and state.tracks_sent  # the next digest re-reads the overlap and skips these
    assert (state.last_digest_at, state.last_digest_date) == (run_at, "2026-11-25")
    assert all(run_at - timedelta(minutes=20) <= at < run_at for at in state.sent.values())


def test_given_a_digest_publish_failing_half_way_then_the_retried_run_sends_only_the_missing_one(
    env: dict[str, Any],
) -> None:
    subs: SubscriptionService = env["subs"]
    subs._clock = lambda: NOW - timedelta(hours=1)
    one = subs.subscribe({"endpoint": "one@example.com", "preferences": {"mode": "digest"}})
    two = subs.subscribe({"endpoint": "two@example.com", "preferences": {"mode": "digest"}})
    shadows = [_shadow(env, r) for r in (one, two)]
    for update in _labelled({"A38", "A02"}):
        env["store"].put_update(update)
    flaky = FailingSns(env["sns"], {"publish"})
    service = _digest_env(env, sns_client=flaky)

    with pytest.raises(DigestRunError, match="digests not sent"):
        service.run(NOW + timedelta(hours=1))
    retried = service.run(NOW + timedelta(hours=1, minutes=5))

    assert len(retried.sent) == 1
    assert flaky.calls.count("publish") == 3  # failed, succeeded, and the retry of the failed one
    assert [len(s.received()) for s in shadows] == [1, 1]


def test_given_a_digest_of_a_thousand_long_updates_then_every_part_is_published_and_none_is_lost(
    env: dict[str, Any],
) -> None:
    subs: SubscriptionService = env["subs"]
    subs._clock = lambda: NOW - timedelta(hours=2)
    reader = subs.subscribe({"endpoint": "reader@example.com", "preferences": {"mode": "digest"}})
    shadow = _shadow(env, reader)
    base = _labelled({"A38"})[0]
    for n in range(1000):
        env["store"].put_update(
            replace(
                base,
                update_id=f"u-long-{n}",
                title=f"Story {n:04d} " + "a long headline about efgartigimod " * 13,
                url=f"https://example.com/story/{n}",
                first_seen=NOW - timedelta(minutes=90) + timedelta(seconds=n),
            )
        )

    report = _digest_env(env).run(NOW + timedelta(hours=1))

    (sent,) = report.sent
    received = shadow.received()
    assert sent["parts"] == len(received) > 1
    text = "\n".join(m["Message"] for m in received)
    assert all(f"Story {n:04d} " in text for n in range(1000))


def test_given_subscriptions_written_before_the_subscriber_index_then_the_upgrade_moves_them_out_of_gsi1(
    env: dict[str, Any],
) -> None:
    record = env["subs"].subscribe({"endpoint": "old.analyst@example.com"})
    table_name = env["settings"].table_name
    item = env["ddb"].get_item(
        TableName=table_name,
        Key={"pk": {"S": f"SUBSCRIPTION#{record.subscription_id}"}, "sk": {"S": "SUBSCRIPTION"}},
    )["Item"]
    legacy = {k: v for k, v in item.items() if not k.startswith("gsi2")}
    legacy |= {"gsi1pk": {"S": "SUBSCRIPTIONS"}, "gsi1sk": {"S": f"instant#{record.subscription_id}"}}
    env["ddb"].put_item(TableName=table_name, Item=legacy)  # as the code before gsi2 wrote it
    table = SubscriptionTable(env["ddb"], table_name)
    assert table.list() == []

    assert table.move_to_subscriber_index() == 1

    assert [r.subscription_id for r in table.list()] == [record.subscription_id]
    in_gsi1 = env["ddb"].scan(TableName=table_name, IndexName="gsi1")["Items"]
    assert not [i for i in in_gsi1 if "old.analyst" in str(i)]


class _RacingSns:
    """The real (moto) SNS client; around the first call of `hook_on`, `interleave` runs (a concurrent call
    landing exactly then): before the call, or right after it returned."""

    def __init__(self, real: Any, hook_on: str, interleave: Any, *, after: bool = False) -> None:
        self._real = real
        self._hook_on = hook_on
        self._interleave = interleave
        self._after = after
        self.interleaved: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._real, name)
        if name != self._hook_on:
            return method

        def interleave() -> None:
            if not self.interleaved:
                try:
                    self.interleaved.append(self._interleave())
                except Exception as exc:  # the concurrent call's own outcome, for the test to see
                    self.interleaved.append(exc)

        def hooked(**kwargs: Any) -> Any:
            if not self._after:
                interleave()
            answer = method(**kwargs)
            if self._after:
                interleave()
            return answer

        return hooked


def _no_orphans(env: dict[str, Any]) -> None:
    records = {r.sns_arn for r in SubscriptionTable(env["ddb"], env["settings"].table_name).list()}
    listed = env["sns"].list_subscriptions_by_topic(TopicArn=env["settings"].topic_arn)["Subscriptions"]
    # The stack's own delivery queue is subscribed by the template, not by a subscription record.
    subscribers = [s for s in listed if not (s["Protocol"] == "sqs" and "DeliveryQueue" in s["Endpoint"])]
    orphans = [s["Endpoint"] for s in subscribers if s["SubscriptionArn"] not in records]
    assert orphans == [], f"SNS subscriptions no record names: {orphans}"


@pytest.mark.parametrize("hook_on", ["unsubscribe", "set_subscription_attributes"])
def test_given_a_subscribe_racing_an_unsubscribe_then_no_sns_subscription_is_orphaned(
    env: dict[str, Any], hook_on: str
) -> None:
    from pipewatch.composition import build_subscription_service

    endpoint = "racer@example.com"
    env["subs"].subscribe({"endpoint": endpoint})
    other = build_subscription_service(env["settings"])  # the concurrent caller, its own clients
    if hook_on == "unsubscribe":  # a subscribe lands between unsubscribe's SNS call and its record delete
        first = build_subscription_service(env["settings"])
        racing = _RacingSns(
            env["sns"], "unsubscribe", lambda: other.subscribe({"endpoint": endpoint}), after=True
        )
        first._sns._sns = racing
        outcome: Any
        try:
            outcome = first.unsubscribe(endpoint)
        except Exception as exc:
            outcome = exc
    else:  # an unsubscribe lands while a preference change is at SNS
        first = build_subscription_service(env["settings"])
        racing = _RacingSns(env["sns"], "set_subscription_attributes", lambda: other.unsubscribe(endpoint))
        first._sns._sns = racing
        try:
            outcome = first.subscribe({"endpoint": endpoint, "preferences": {"min_severity": "high"}})
        except Exception as exc:
            outcome = exc

    assert racing.interleaved, outcome
    _no_orphans(env)
    # And the survivor is coherent: a record names exactly the SNS subscription that exists, or neither does.
    record = SubscriptionTable(env["ddb"], env["settings"].table_name).get(
        next(iter([r.subscription_id for r in env["subs"].list()] or ["sub-none"]))
    )
    if record is not None:
        assert record.status == "active"
    assert outcome is not None

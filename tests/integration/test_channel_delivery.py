"""Delivery to Slack, Teams, signed webhooks and SES e-mail on the stack: every channel receives its
rendering once, filters hold, redelivered messages send nothing, bounces and complaints suppress, credentials
stay encrypted, and the delivery role allows every call it makes with SES on (set-up: channel_env.py)."""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

from channel_env import (
    ANALYST,
    Env,
    _alert,
    _feedback,
    _pump,
    _ses_messages,
    _subscribe_channels,
    _update,
    _webhook_posts,
    env_fixture,  # noqa: F401 - provides the `env` fixture
)

from pipewatch.domain.render.webhooks import verify, webhook_id


# -- every channel receives its rendering, once ----------------------------------------------------
def test_given_four_channel_subscribers_when_an_update_is_alerted_then_each_receives_its_rendering_once(
    env: Env,
) -> None:
    _subscribe_channels(env)
    _alert(env, _update("u-1"))
    _pump(env)

    (slack,) = env.receiver.at("/slack")
    blocks = json.loads(slack.body)["blocks"]
    assert blocks[0]["text"]["text"].startswith("*<https://example.com/news/u-1|Argenx wins approval")
    (teams,) = env.receiver.at("/teams")
    card = json.loads(teams.body)["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    (hook,) = _webhook_posts(env)
    verify(env.secrets["webhook"], hook.headers, hook.body, now=int(env.clock.now.timestamp()))
    assert hook.headers["webhook-id"] == webhook_id(env.ids["webhook"], "u-1")
    assert json.loads(hook.body)["update"]["update_id"] == "u-1"
    # Slack and Teams are signed too (same headers); a receiver that ignores them loses nothing.
    verify(env.secrets["slack"], slack.headers, slack.body, now=int(env.clock.now.timestamp()))

    (mail,) = _ses_messages()
    assert set(mail.destinations) == {ANALYST}
    parsed = email.message_from_string(mail.raw_data, policy=email.policy.default)
    assert parsed["Subject"].startswith("[HIGH] efgartigimod: regulatory")
    unsubscribe = f"https://pipewatch.example/unsubscribe/token-for-{env.ids['email']}"
    assert parsed["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in parsed.walk()
        if not p.is_multipart()
    }
    assert set(parts) == {"text/plain", "text/html"}
    assert "Argenx wins approval" in parts["text/plain"]
    assert '<a href="https://example.com/news/u-1">' in parts["text/html"]
    assert unsubscribe in parts["text/html"]


def test_given_filters_then_a_channel_subscriber_gets_only_what_its_policy_selects(env: Env) -> None:
    _subscribe_channels(env)
    _alert(env, _update("u-other", agents=("brepocitinib",)))
    _pump(env)
    assert env.receiver.received == []
    assert _ses_messages() != []  # the e-mail subscriber wants any agent


# -- exactly once ----------------------------------------------------------------------------------
def test_given_the_same_messages_redelivered_then_nothing_is_sent_twice(env: Env) -> None:
    _subscribe_channels(env)
    _alert(env, _update("u-1"))
    queue = env.stack.output("DeliveryQueueUrl")
    # Keep every body the queue carried (the SNS envelope and the jobs) to send them all again.
    bodies: list[str] = []
    real = env.deliver

    def recording(event: dict[str, Any], context: Any) -> dict[str, Any]:
        bodies.extend(r["body"] for r in event["Records"])
        return real(event, context)

    from pipewatch_local.local_stack import QueuePump

    def recording_and_ticking(event: dict[str, Any], context: Any) -> dict[str, Any]:
        env.clock.advance(15)
        return recording(event, context)

    QueuePump(queue, recording_and_ticking, function_name="deliver").pump()
    assert len(env.receiver.received) == 3
    assert len(bodies) == 5  # one envelope, four jobs
    for body in bodies:
        env.sqs.send_message(QueueUrl=queue, MessageBody=body)
    _pump(env)
    assert len(env.receiver.received) == 3
    assert len(_ses_messages()) == 1


def test_given_bounces_and_complaints_then_hard_bounces_and_complaints_suppress_and_soft_bounces_do_not(
    env: Env,
) -> None:
    for address in ("gone@example.com", "full@example.com", "angry@example.com"):
        env.subscriptions.subscribe({"endpoint": address})
    for fixture in (
        "bounce_permanent_HANDMADE.json",
        "bounce_transient_HANDMADE.json",
        "complaint_HANDMADE.json",
    ):
        _feedback(env, fixture)
    _pump(env)
    _alert(env, _update("u-1"))
    _pump(env)
    assert [set(m.destinations) for m in _ses_messages()] == [{"full@example.com"}]


# -- credentials -----------------------------------------------------------------------------------
def test_given_a_channel_subscription_then_its_url_and_secret_are_stored_encrypted_and_never_listed(
    env: Env,
) -> None:
    from pipewatch.adapters.aws import client
    from pipewatch.settings import Settings

    secret_path = "/webhook/T0SECRET/B0SECRET"
    record, secret = env.subscriptions.subscribe_channel("webhook", env.receiver.url(secret_path), {})
    settings = Settings.from_env()
    items = client("dynamodb", settings).scan(TableName=settings.table_name)["Items"]
    dumped = json.dumps(items)
    assert "T0SECRET" not in dumped
    assert secret is not None
    assert secret.removeprefix("whsec_") not in dumped
    listed = json.dumps([r.as_output() for r in env.subscriptions.list()])
    assert "T0SECRET" not in listed
    assert record.subscription.endpoint.startswith(env.receiver.base_url + "/…#")
    # The same URL again changes preferences and shows no secret.
    again, no_secret = env.subscriptions.subscribe_channel(
        "webhook", env.receiver.url(secret_path), {"min_severity": "high"}
    )
    assert no_secret is None
    assert again.subscription_id == record.subscription_id


# -- least privilege with SES on --------------------------------------------------------------------------
def test_given_ses_mode_then_every_delivery_call_is_allowed_by_the_role_and_the_ses_grants_are_used(
    env: Env,
) -> None:
    from pipewatch_local.local_stack import function_role_policies
    from pipewatch_local.policy_eval import Decision, evaluate, statements

    with env.recorder.acting_as("ApiFunction"):
        _subscribe_channels(env)
        env.subscriptions.subscribe({"endpoint": "gone@example.com"})
    _alert(env, _update("u-1"))
    _feedback(env, "bounce_permanent_HANDMADE.json")
    with env.recorder.acting_as("DeliverFunction"):
        _pump(env)
    # The bounce is handled in the batch that fans the alert out, so gone@ is suppressed before its job.
    assert [set(m.destinations) for m in _ses_messages()] == [{ANALYST}]
    policies = function_role_policies(env.stack, "DeliverFunction")
    calls = env.recorder.for_principal("DeliverFunction")
    denied = [c for c in calls if evaluate(policies, c.request) is not Decision.ALLOW]
    assert calls and not denied, [(c.operation, c.request) for c in denied[:5]]
    by_sid = {s.get("Sid"): s for s in statements(policies)}
    for sid in ("SendEmail", "SuppressedAddresses"):
        alone = [{"Statement": [by_sid[sid]]}]
        for action in by_sid[sid]["Action"]:
            assert any(
                c.request.action == action and evaluate(alone, c.request) is Decision.ALLOW for c in calls
            ), (sid, action)
    # The SES grant names the identity and the configuration set, nothing wider.
    assert by_sid["SendEmail"]["Resource"] == [
        "arn:aws:ses:us-east-1:123456789012:identity/pipewatch.example",
        "arn:aws:ses:us-east-1:123456789012:configuration-set/pw",
    ]


def test_given_an_email_subscriber_from_before_ses_then_ses_does_not_mail_it_until_it_resubscribes(
    env: Env,
) -> None:
    from pipewatch.composition import build_subscription_service
    from pipewatch.settings import Settings

    before_ses = build_subscription_service(Settings.from_env().model_copy(update={"ses_sender": ""}))
    old = before_ses.subscribe({"endpoint": "early@example.com"})
    assert old.sns_arn  # SNS mails it
    _alert(env, _update("u-1"))
    _pump(env)
    assert _ses_messages() == []  # never both SNS and SES
    moved = env.subscriptions.subscribe({"endpoint": "early@example.com"})
    assert moved.sns_arn == ""
    _alert(env, _update("u-2"))
    _pump(env)
    assert [set(m.destinations) for m in _ses_messages()] == [{"early@example.com"}]

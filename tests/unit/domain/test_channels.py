"""Destinations (SSRF guard, masking), Standard Webhooks signing, the chat and webhook formats, and the SNS
filter-policy evaluator the delivery function applies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from pipewatch.adapters.webhook_http import HttpsPoster
from pipewatch.domain.models import TrialChange
from pipewatch.domain.render.chat import slack_message, teams_message
from pipewatch.domain.render.webhooks import (
    SignatureError,
    encode_body,
    sign,
    signed_headers,
    verify,
    webhook_body,
    webhook_id,
)
from pipewatch.domain.subscribers.channels import (
    AddressPolicy,
    ChannelUrlError,
    check_addresses,
    mask_url,
    parse_destination,
    refused_reason,
)
from pipewatch.domain.subscribers.filter_policy import accepts
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription, filter_policy, matches
from policy_cases import SUBSCRIPTION_PREFERENCES, alert_update, envelope

SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "webhook-schema.json"
SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX"


# -- SSRF guard ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.5", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "CGNAT"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("fd00::1", "private"),
    ],
)
def test_given_a_non_public_address_then_it_is_refused_with_its_reason(address: str, reason: str) -> None:
    assert reason in refused_reason(address)


def test_given_public_addresses_then_they_are_allowed() -> None:
    assert refused_reason("8.8.8.8") == ""
    assert refused_reason("2606:4700:4700::1111") == ""


def test_given_the_test_policy_then_only_loopback_is_opened() -> None:
    policy = AddressPolicy.loopback_for_tests()
    assert refused_reason("127.0.0.1", policy) == ""
    assert "private" in refused_reason("10.0.0.1", policy)
    assert "link-local" in refused_reason("169.254.169.254", policy)
    assert AddressPolicy() == AddressPolicy(allow_loopback=False, allow_plain_http=False)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.slack.com/services/x", "only https"),
        ("ftp://example.com/x", "only https"),
        ("https://user:pw@example.com/x", "passwords"),
        ("https:///nohost", "no host"),
        ("https://example.com/a b", "spaces"),
        ("https://example.com:99999/x", "port"),
    ],
)
def test_given_a_bad_url_then_it_is_refused(url: str, message: str) -> None:
    with pytest.raises(ChannelUrlError, match=message):
        parse_destination(url)


def test_given_a_name_resolving_to_one_public_and_one_private_address_then_it_is_refused() -> None:
    destination = parse_destination("https://mixed.example.com/hook")
    with pytest.raises(ChannelUrlError, match=r"10\.1\.2\.3, a private address"):
        check_addresses(destination, ["93.184.216.34", "10.1.2.3"])
    with pytest.raises(ChannelUrlError, match="does not resolve"):
        check_addresses(destination, [])


def test_given_dns_rebinding_between_check_and_send_then_the_send_is_refused_before_any_connect() -> None:
    answers = [["93.184.216.34"], ["127.0.0.1"]]
    poster = HttpsPoster(resolver=lambda host, port: answers.pop(0))
    poster.check("https://rebind.example.com/hook")  # subscription time: public
    with pytest.raises(ChannelUrlError, match="loopback"):
        poster.post("https://rebind.example.com/hook", b"{}", {})  # send time: re-resolved, refused
    assert answers == []


def test_given_a_url_then_the_mask_keeps_host_and_drops_the_secret_path() -> None:
    masked = mask_url(SLACK_URL)
    assert masked.startswith("https://hooks.slack.com/")
    assert "XXXXSECRETXXXX" not in masked
    assert "T000" not in masked
    assert mask_url(SLACK_URL) != mask_url(SLACK_URL + "2")


# -- Standard Webhooks ---------------------------------------------------------------------------
def test_given_the_standard_webhooks_published_vector_then_the_signature_is_reproduced() -> None:
    # The vector of the Standard Webhooks / Svix reference implementations.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


def test_given_signed_headers_then_verify_accepts_them_and_refuses_any_change() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    headers = signed_headers(secret, "msg_1", 1_700_000_000, b'{"a":1}')
    verify(secret, headers, b'{"a":1}', now=1_700_000_010)
    with pytest.raises(SignatureError, match="no signature"):
        verify(secret, headers, b'{"a":2}', now=1_700_000_010)
    with pytest.raises(SignatureError, match="no signature"):
        verify("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY", headers, b'{"a":1}', now=1_700_000_010)
    with pytest.raises(SignatureError, match="timestamp"):
        verify(secret, headers, b'{"a":1}', now=1_700_000_000 + 301)
    with pytest.raises(SignatureError, match="missing"):
        verify(secret, {}, b"{}", now=0)


def test_given_the_same_subscription_and_update_then_the_webhook_id_is_stable_and_distinct() -> None:
    assert webhook_id("sub-a", "u-1") == webhook_id("sub-a", "u-1")
    assert webhook_id("sub-a", "u-1") != webhook_id("sub-b", "u-1")
    assert webhook_id("sub-a", "u-1") != webhook_id("sub-a", "u-2")
    assert webhook_id("sub-a", "u-1").startswith("msg_")


# -- formats -------------------------------------------------------------------------------------
def test_given_an_update_then_the_webhook_body_validates_against_the_published_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    change = TrialChange(
        nct_id="NCT04280705", field="overall_status", old="ACTIVE_NOT_RECRUITING", new="COMPLETED",
        event_type="trial_status", severity="medium", summary="ACTT-1: status -> Completed",
    )  # fmt: skip
    for update in (
        alert_update(),
        alert_update(change=change, url="", published=datetime(2026, 11, 1, tzinfo=UTC)),
    ):
        body = webhook_body(
            update,
            subscription_id="sub-0123456789abcdef",
            message_id=webhook_id("sub-0123456789abcdef", update.update_id),
        )
        jsonschema.validate(json.loads(encode_body(body)), schema)
        assert "<b>" not in encode_body(body).decode()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema": "pipewatch.alert/v1", "type": "alert"}, schema)


def test_given_an_update_then_slack_blocks_carry_the_linked_headline_facts_outlets_and_why() -> None:
    message = slack_message(alert_update())
    text = json.dumps(message)
    first = message["blocks"][0]["text"]["text"]
    assert first == "*<https://example.com/news/1|Argenx wins approval for Vyvgart &amp; co>*"
    assert "efgartigimod" in text
    assert "regulatory" in text
    assert "high" in text
    assert "Press Wire, Endpoints" in text
    assert "alias VYVGART" in text
    assert message["text"].startswith("[HIGH] efgartigimod regulatory:")
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"] if "text" in b)


def test_given_an_update_then_teams_gets_an_adaptive_card_in_the_workflows_envelope() -> None:
    message = teams_message(alert_update())
    assert message["type"] == "message"
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.4"
    assert card["body"][0]["text"] == "[Argenx wins approval for Vyvgart & co](https://example.com/news/1)"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Agents"] == "efgartigimod"
    assert facts["Severity"] == "high"
    assert facts["Outlets"] == "Press Wire, Endpoints"
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open", "url": "https://example.com/news/1"}
    ]


# -- the filter policies the delivery function applies ---------------------------------------------------
@pytest.mark.parametrize("prefs", SUBSCRIPTION_PREFERENCES)
def test_given_a_subscription_policy_then_the_evaluator_agrees_with_matches(prefs: Preferences) -> None:
    """The same check against moto's SNS matcher is tests/integration/test_filter_policy_oracle.py."""
    update = alert_update()
    subscription = Subscription(endpoint="a@example.com", preferences=prefs)
    assert accepts(filter_policy(subscription), envelope(update)) == matches(subscription.preferences, update)

"""`pipewatch subscribe --channel ...` against the stack in moto: the secret printed once, the URL masked,
and a destination in the account's own network refused with exit status 2."""

from __future__ import annotations

import argparse
import json
import socket
from typing import Any

import pytest

from pipewatch.commands import subscriptions as cli

URL = "https://hooks.slack.com/services/T0001/B0001/SeCrEtToKeN"


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_subscribe_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture
def public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every name resolves to one public address: no DNS query leaves the machine."""

    def resolve(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_given_a_slack_url_then_the_secret_is_printed_once_and_the_url_never(
    local_stack: Any, public_dns: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run_subscribe(_args(URL, "--channel", "slack", "--agent", "efgartigimod")) == 0
    first = capsys.readouterr()
    created = json.loads(first.out)
    assert created["webhook_secret"].startswith("whsec_")
    assert "not shown again" in first.err
    assert cli.run_subscribe(_args(URL, "--channel", "slack", "--min-severity", "high")) == 0
    second = capsys.readouterr()
    assert "webhook_secret" not in json.loads(second.out)
    parser = argparse.ArgumentParser()
    cli.add_subscriptions_arguments(parser)
    assert cli.run_subscriptions(parser.parse_args([])) == 0
    listed = capsys.readouterr().out
    assert json.loads(listed)["protocol"] == "slack"
    for text in (first.out, first.err, second.out, second.err, listed):
        assert "SeCrEtToKeN" not in text


def test_given_a_loopback_url_then_exit_2_with_the_reason(
    local_stack: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run_subscribe(_args("https://127.0.0.1/hook", "--channel", "webhook")) == 2
    assert "loopback" in capsys.readouterr().err

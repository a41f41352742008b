"""`pipewatch pause` / `resume`: one JSON line of the changed subscription (its status says paused), and a
subscription that does not exist is refused in one line; the service runs on in-memory fakes."""

from __future__ import annotations

import json

import pytest

from fakes import InMemorySns, InMemorySubscriptionTable
from pipewatch import cli, composition
from pipewatch.services.subscriptions import SubscriptionService

ENDPOINT = "analyst@example.com"  # hand-made


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> SubscriptionService:
    made = SubscriptionService(table=InMemorySubscriptionTable(), sns=InMemorySns())  # type: ignore[arg-type]
    made.subscribe({"endpoint": ENDPOINT})
    monkeypatch.setenv("PIPEWATCH_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:alerts")
    monkeypatch.setattr(composition, "build_subscription_service", lambda settings: made)
    return made


def test_given_pause_then_resume_then_each_prints_the_subscription_with_its_state(
    service: SubscriptionService, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["pause", ENDPOINT]) == 0
    paused = json.loads(capsys.readouterr().out)
    assert (paused["endpoint"], paused["status"], paused["paused"]) == (ENDPOINT, "active", True)
    assert service.get(ENDPOINT).paused

    assert cli.main(["resume", ENDPOINT]) == 0
    assert json.loads(capsys.readouterr().out)["paused"] is False


def test_given_an_unknown_subscription_then_pause_says_so_in_one_line(
    service: SubscriptionService, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["pause", "nobody@example.com"]) == 2
    assert capsys.readouterr().err.strip() == "pipewatch pause: no subscription 'nobody@example.com'"

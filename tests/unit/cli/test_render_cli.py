"""`pipewatch render`: classify output + title/url/source/published in, one JSON message per line out.
The CLI runs in-process (pipewatch.cli.main with stdin replaced); tests/e2e/test_cli_commands.py runs the
real command line."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipewatch.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@dataclass(frozen=True)
class Done:
    """What a finished command left: its exit status and both streams."""

    returncode: int
    stdout: str
    stderr: str


Cli = Callable[[list[str], list[str]], Done]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """`pipewatch ARGV` in-process with LINES on its stdin."""

    def run(argv: list[str], lines: list[str]) -> Done:
        capsys.readouterr()
        stdin = io.BytesIO(("\n".join(lines) + "\n").encode())
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin, encoding="utf-8"))
        code = main(argv)
        out, err = capsys.readouterr()
        return Done(code, out, err)

    return run


def _run(cli: Cli, channel: str, lines: list[str]) -> Done:
    return cli(["render", "--channel", channel], lines)


def _classified_headlines(cli: Cli) -> list[str]:
    rows = [
        json.loads(line) for line in (FIXTURES / "labeled" / "headlines_dev.jsonl").read_text().splitlines()
    ]
    inputs = [json.dumps({"title": r["title"], "summary": r["summary"] or ""}) for r in rows]
    classify = cli(["classify"], inputs)
    assert classify.returncode == 0, classify.stderr
    classified = classify.stdout.splitlines()
    return [
        json.dumps(
            {
                **json.loads(c),
                "title": r["title"],
                "url": r["url"],
                "source": r["source"],
                "published": r["published"],
            }
        )
        for r, c in zip(rows, classified, strict=True)
    ]


def test_given_classified_headlines_when_rendered_as_sms_then_one_body_per_line_within_160(cli: Cli) -> None:
    lines = _classified_headlines(cli)

    result = _run(cli, "sms", lines)

    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines) == 151  # every dev row (the shared set grew from 44 rows)
    assert all(set(o) == {"body"} and len(o["body"]) <= 160 for o in out)


def test_given_classified_headlines_when_rendered_as_email_then_subject_and_body(cli: Cli) -> None:
    result = _run(cli, "email", _classified_headlines(cli)[:3])

    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [set(o) for o in out] == [{"subject", "body"}] * 3
    assert out[0]["subject"].startswith("[MEDIUM] brepocitinib: results - Dermatomiosite")
    assert "Source: Corriere Nazionale, published 2025-12-17" in out[0]["body"]


def test_given_bad_lines_then_each_gets_an_error_in_place_and_the_exit_status_is_1(cli: Cli) -> None:
    result = _run(
        cli,
        "sms",
        [
            '{"title": "Vyvgart approved", "agents": ["efgartigimod"]}',
            "not json",
            "[]",
            '{"title": 3}',
            "",
            '{"title": "x", "severity": "urgent"}',
        ],
    )

    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert out[0]["body"].startswith("LOW efgartigimod commentary: Vyvgart approved")
    assert [o.get("line") for o in out[1:]] == [2, 3, 4, 6]
    assert "pipewatch render: line 2: not valid JSON" in result.stderr


_ONE = json.dumps(
    {
        "title": "Argenx wins approval for Vyvgart",
        "url": "https://example.com/a",
        "source": "Press Wire",
        "agents": ["efgartigimod"],
        "event_type": "regulatory",
        "severity": "high",
        "reasons": ["agent efgartigimod"],
    }
)


def test_given_channel_webhook_then_the_output_is_signed_and_verifies_with_the_example_secret(
    cli: Cli,
) -> None:
    from pipewatch.commands.render import EXAMPLE_SECRET
    from pipewatch.domain.render.webhooks import encode_body, verify

    done = _run(cli, "webhook", [_ONE])
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["body"]["schema"] == "pipewatch.alert/v1"
    assert out["headers"]["webhook-id"] == out["body"]["id"]
    now = int(out["headers"]["webhook-timestamp"])
    verify(EXAMPLE_SECRET, out["headers"], encode_body(out["body"]), now=now)


def test_given_channel_slack_and_teams_then_block_kit_and_an_adaptive_card_are_printed(cli: Cli) -> None:
    slack = json.loads(_run(cli, "slack", [_ONE]).stdout)
    assert slack["blocks"][0]["text"]["text"] == "*<https://example.com/a|Argenx wins approval for Vyvgart>*"
    teams = json.loads(_run(cli, "teams", [_ONE]).stdout)
    assert teams["attachments"][0]["content"]["type"] == "AdaptiveCard"


def test_given_a_bad_secret_then_the_line_fails_with_a_message(cli: Cli) -> None:
    done = cli(["render", "--channel", "webhook", "--secret", "nope"], [_ONE])
    assert done.returncode == 1
    assert "--secret" in json.loads(done.stdout)["error"]

"""`pipewatch render`: classify output + title/url/source/published in, one JSON message per line out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _run(channel: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "render", "--channel", channel],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _classified_headlines() -> list[str]:
    rows = [
        json.loads(line) for line in (FIXTURES / "labeled" / "headlines_dev.jsonl").read_text().splitlines()
    ]
    inputs = [json.dumps({"title": r["title"], "summary": r["summary"] or ""}) for r in rows]
    classified = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "classify"],
        input="\n".join(inputs) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
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


def test_given_classified_headlines_when_rendered_as_sms_then_one_body_per_line_within_160() -> None:
    lines = _classified_headlines()

    result = _run("sms", lines)

    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines) == 151  # every dev row (the shared set grew from 44 rows)
    assert all(set(o) == {"body"} and len(o["body"]) <= 160 for o in out)


def test_given_classified_headlines_when_rendered_as_email_then_subject_and_body() -> None:
    result = _run("email", _classified_headlines()[:3])

    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [set(o) for o in out] == [{"subject", "body"}] * 3
    assert out[0]["subject"].startswith("[MEDIUM] brepocitinib: results - Dermatomiosite")
    assert "Source: Corriere Nazionale, 2025-12-17" in out[0]["body"]


def test_given_bad_lines_then_each_gets_an_error_in_place_and_the_exit_status_is_1() -> None:
    result = _run(
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
    assert out[0]["body"].startswith("efgartigimod commentary (LOW): Vyvgart approved")
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


def test_given_channel_webhook_then_the_output_is_signed_and_verifies_with_the_example_secret() -> None:
    from pipewatch.commands.render import EXAMPLE_SECRET
    from pipewatch.domain.render.webhooks import encode_body, verify

    done = _run("webhook", [_ONE])
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["body"]["schema"] == "pipewatch.alert/v1"
    assert out["headers"]["webhook-id"] == out["body"]["id"]
    now = int(out["headers"]["webhook-timestamp"])
    verify(EXAMPLE_SECRET, out["headers"], encode_body(out["body"]), now=now)


def test_given_channel_slack_and_teams_then_block_kit_and_an_adaptive_card_are_printed() -> None:
    slack = json.loads(_run("slack", [_ONE]).stdout)
    assert slack["blocks"][0]["text"]["text"] == "*<https://example.com/a|Argenx wins approval for Vyvgart>*"
    teams = json.loads(_run("teams", [_ONE]).stdout)
    assert teams["attachments"][0]["content"]["type"] == "AdaptiveCard"


def test_given_a_bad_secret_then_the_line_fails_with_a_message() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "render", "--channel", "webhook", "--secret", "nope"],
        input=_ONE + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "--secret" in json.loads(done.stdout)["error"]

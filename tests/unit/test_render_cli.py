"""`pipewatch render`: classify output + title/url/source/published in, one JSON message per line out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


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

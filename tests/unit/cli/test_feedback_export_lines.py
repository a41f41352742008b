"""Feedback export stays one JSON object per line for every reader (issue 27, finding 9): a URL holding
U+2028 / U+2029 / U+0085 is percent-encoded by canonical_url, and the JSON-lines writer escapes the line
breakers json.dumps leaves raw (ensure_ascii=False), so str.splitlines() sees one line per row. Inputs are
hand-made."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipewatch.cli import main
from pipewatch.commands.jsonlines import json_line
from pipewatch.domain.subscribers.feedback import Feedback
from pipewatch.domain.text import canonical_url

BREAKERS = ["\u2028", "\u2029", "\x85", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c", "\r", "\n"]


@pytest.mark.parametrize("breaker", BREAKERS)
def test_canonical_url_keeps_no_line_breaker(breaker: str) -> None:
    url = canonical_url(f"https://news.example.com/argenx{breaker}wins?id=7{breaker}x")
    assert url.startswith("https://news.example.com/argenx")
    assert url.splitlines() == [url]
    assert not any(b in url for b in BREAKERS)


def test_canonical_url_refuses_a_host_holding_a_separator() -> None:
    assert canonical_url("https://news\u2028.example.com/a") == ""


@pytest.mark.parametrize("breaker", BREAKERS)
def test_a_json_line_is_one_line_for_splitlines(breaker: str) -> None:
    row = {"title": f"argenx{breaker}wins", "url": f"https://x.example/{breaker}"}
    text = json_line(row)
    assert text.endswith("\n")
    assert text.splitlines() == [text[:-1]]
    assert json.loads(text) == row


class _FakeFeedbackTable:
    """Stands in for adapters.feedback.FeedbackTable: two hand-made answers with separators everywhere."""

    def __init__(self, _client: Any, _table: str) -> None:
        pass

    def all(self) -> list[Feedback]:
        at = datetime(2026, 3, 2, 9, tzinfo=UTC)
        return [
            Feedback(
                update_id=f"u{n}",
                subscription_id="sub-1",
                label="wrong_event_type",
                at=at,
                title=f"argenx\u2028wins {n}",
                summary="line one\u2029line two\x85three",
                source="Example\u2028News",
                url=f"https://news.example.com/a\u2028b{n}",
                agents=("efgartigimod",),
                event_type="regulatory",
                severity="high",
            )
            for n in range(2)
        ]


def test_feedback_export_writes_one_json_object_per_splitlines_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import pipewatch.adapters.aws as aws
    import pipewatch.adapters.feedback as feedback

    monkeypatch.setattr(feedback, "FeedbackTable", _FakeFeedbackTable)
    monkeypatch.setattr(aws, "client", lambda *_args, **_kwargs: None)
    monkeypatch.setenv("PIPEWATCH_TABLE", "pipewatch-test")
    out = tmp_path / "rows.jsonl"
    assert main(["feedback", "export", "--output", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    rows = [json.loads(line) for line in lines]
    assert [r["title"] for r in rows] == ["argenx wins 0", "argenx wins 1"]  # plain_text: one line
    assert [r["url"] for r in rows] == [
        "https://news.example.com/a\u2028b0",
        "https://news.example.com/a\u2028b1",
    ]

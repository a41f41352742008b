"""`pipewatch classify | pipewatch render` on a hand-made competitor headline (issue 26): classify prints
tier, competitor and competes_with; render keeps them, so every channel names the competitor."""

from __future__ import annotations

import io
import json

import pytest

from pipewatch.cli import main

HAND_MADE = {
    "title": "Imaavy (nipocalimab) approved in gMG",
    "url": "https://example.com/1",
    "source": "Wire",
}


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *argv: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_classify_prints_the_tier_and_render_names_the_competitor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    classified = _run(monkeypatch, capsys, json.dumps(HAND_MADE) + "\n", "classify")
    out = json.loads(classified)
    assert (out["tier"], out["competitor"], out["competes_with"], out["agents"]) == (
        "landscape",
        "nipocalimab",
        ["efgartigimod"],
        [],
    )

    sms = json.loads(_run(monkeypatch, capsys, classified, "render", "--channel", "sms"))
    slack = json.loads(_run(monkeypatch, capsys, classified, "render", "--channel", "slack"))
    email = json.loads(_run(monkeypatch, capsys, classified, "render", "--channel", "email"))

    assert sms["body"].startswith("HIGH landscape nipocalimab ")
    assert slack["text"].startswith("[HIGH] landscape nipocalimab ")
    assert "landscape: nipocalimab, a competitor of efgartigimod" in json.dumps(slack["blocks"])
    assert "Landscape: nipocalimab, a competitor of efgartigimod" in email["body"]

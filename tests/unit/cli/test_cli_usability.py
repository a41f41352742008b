"""The analyst's CLI: --version, help with defaults, classify | render piping, tracking parameters dropped,
watchlist show / check."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import yaml

from pipewatch.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[3]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_given_version_then_the_package_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("pipewatch 0.")


def test_given_top_level_help_then_it_is_written_for_users(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "Try it offline" in out and "pipewatch demo" in out and "pipewatch COMMAND --help" in out
    assert "imported lazily" not in out  # the developer docstring stays out of the user's help


def test_given_every_command_then_every_option_has_help_and_shows_its_default() -> None:
    import argparse

    parser, _ = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing: list[str] = []
    for name, command in subparsers.choices.items():
        parsers = [command] + [
            p
            for a in command._actions
            if isinstance(a, argparse._SubParsersAction)
            for p in a.choices.values()
        ]
        for sub in parsers:
            for action in sub._actions:
                if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                    continue
                if not action.help:
                    missing.append(f"{sub.prog}: {action.dest} has no help")
            # Help lines are wrapped, at spaces and after hyphens (a default path in /tmp/ci-clone/... is
            # broken as "ci-" / "clone"): compare without any whitespace.
            text = "".join(sub.format_help().split())
            for action in sub._actions:
                takes_value = bool(action.option_strings) and action.nargs != 0
                shown = action.default not in (None, [], False, argparse.SUPPRESS)
                expected = "".join(f"(default: {action.default})".split())
                if takes_value and shown and expected not in text:
                    missing.append(f"{sub.prog}: {action.dest} default {action.default!r} not shown")
        assert name
    assert not missing, missing


def test_given_poll_help_then_defaults_are_shown(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["poll", "--help"])
    assert "(default: 240.0)" in capsys.readouterr().out


def test_given_classify_output_then_it_pipes_into_render_with_title_and_a_clean_link(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process: classify's stdout is render's stdin (the real pipe: tests/e2e/test_cli_commands.py)."""
    line = json.dumps(
        {
            "title": "argenx wins approval for Vyvgart",
            "source": "MedNous",
            "url": "https://mednous.com/news/argenx?utm_source=rss&utm_medium=feed&id=7&fbclid=abc",
        }
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((line + "\n").encode())))
    code, classified, _ = _run(capsys, "classify")
    assert code == 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(classified.encode())))
    code, rendered, _ = _run(capsys, "render", "--channel", "email")
    assert code == 0
    (email,) = [json.loads(x) for x in rendered.splitlines()]
    assert email["subject"].startswith("[HIGH] efgartigimod: regulatory - argenx wins approval")
    assert "Link: https://mednous.com/news/argenx?id=7" in email["body"]
    assert "utm_" not in email["body"] and "fbclid" not in email["body"]


def test_given_render_sms_then_tracking_parameters_are_dropped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {
        "title": "Brepocitinib results",
        "url": "https://x.example/a?utm_campaign=c&gclid=1",
        "relevant": True,
        "agents": ["brepocitinib"],
        "event_type": "results",
        "severity": "high",
    }
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((json.dumps(record) + "\n").encode())))
    code, out, _ = _run(capsys, "render", "--channel", "sms", "--link-base", "https://l.example/u")
    assert code == 0
    body = json.loads(out)["body"]
    assert body.endswith("https://x.example/a") and "utm_" not in body and "gclid" not in body


def test_given_watchlist_show_then_agents_aliases_trials_and_indications_are_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "watchlist", "show")
    assert code == 0
    assert "Agents (3):" in out and "brepocitinib" in out and "PF-06700841" in out
    assert "NCT05437263 (VALOR)" in out and "dermatomyositis" in out
    code, out, _ = _run(capsys, "watchlist", "show", "--json")
    shown = json.loads(out)
    assert {a["id"] for a in shown["agents"]} == {"efgartigimod", "brepocitinib", "dazukibart"}


def test_given_watchlist_check_then_a_valid_file_passes_and_a_broken_one_names_the_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    packaged = ROOT / "functions" / "pipewatch" / "data" / "watchlist.yaml"
    code, out, _ = _run(capsys, "watchlist", "check", str(packaged))
    assert code == 0 and "valid (3 agents" in out
    broken = yaml.safe_load(packaged.read_text(encoding="utf-8"))
    broken["agents"][0]["id"] = 42
    bad = tmp_path / "watchlist.yaml"
    bad.write_text(yaml.safe_dump(broken), encoding="utf-8")
    code, _, err = _run(capsys, "watchlist", "check", str(bad))
    assert code == 1 and "watchlist.yaml" in err and "agents.0" in err

"""`pipewatch demo` checks the user's watchlist ($PIPEWATCH_WATCHLIST) and own subscriber before it starts
anything: a refusal is one line naming the user's own file, or the option, the value given and what is
allowed; no traceback, no temporary copy, no stack. The watchlists here are hand-made edits of the packaged
one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipewatch.cli import main
from pipewatch.config import clear_cache
from pipewatch_local.demo_preflight import DemoRefused, load_watchlist, own_subscriber

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "functions" / "pipewatch" / "data" / "watchlist.yaml"


@pytest.fixture(autouse=True)
def _fresh_data_files() -> Any:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def no_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal must come before the run: creating the demo's run fails the test."""
    import pipewatch_local.demo as demo

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the demo started its stack before refusing")

    monkeypatch.setattr(demo, "DemoRun", refuse)


def _hand_made_watchlist(tmp_path: Path, edit: Any) -> Path:
    document = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "my-watchlist.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _demo(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["demo", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_given_a_watchlist_with_an_unknown_key_then_the_demo_names_the_users_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_stack: None
) -> None:
    path = _hand_made_watchlist(tmp_path, lambda d: d["agents"][1].update({"colour": "blue"}))
    monkeypatch.setenv("PIPEWATCH_WATCHLIST", str(path))

    code, out, err = _demo(capsys)

    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"pipewatch demo: your watchlist ($PIPEWATCH_WATCHLIST) is not valid: {path}: ")
    assert "colour" in err and "Traceback" not in err and "pipewatch-demo-" not in err


@pytest.mark.parametrize(
    ("content", "problem"),
    [("agents: [\n", "not valid YAML"), (None, "cannot read")],
    ids=["broken-yaml", "missing-file"],
)
def test_given_a_watchlist_that_cannot_be_read_then_the_demo_says_so_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_stack: None,
    content: str | None,
    problem: str,
) -> None:
    path = tmp_path / "my-watchlist.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("PIPEWATCH_WATCHLIST", str(path))

    code, _, err = _demo(capsys)

    assert code == 2 and err.count("\n") == 1
    assert f"{path}: {problem}" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--subscriber", "not-an-address"],
            "--subscriber 'not-an-address': expected an email address (name@example.com) or an E.164 "
            "phone number (+15555550123)",
        ),
        (
            ["--subscriber", "+1555"],
            "--subscriber '+1555': expected E.164, a + then 8 to 15 digits",
        ),
        (
            ["--subscriber", "+447700900123"],
            "--subscriber '+447700900123': SMS to GB is not enabled; allowed countries: CA, US",
        ),
        (
            ["--subscriber", "me@example.com", "--agent", "efgartigimab"],
            "--agent efgartigimab: not in the watchlist; allowed: brepocitinib, dazukibart, efgartigimod, "
            "remdesivir",
        ),
        (
            ["--subscriber", "me@example.com", "--indication", "myosotis"],
            "--indication myosotis: not in the watchlist; allowed: ",
        ),
        (
            ["--subscriber", "me@example.com", "--indication", "Lupus-Nephritis"],
            "--indication 'Lupus-Nephritis': 'Lupus-Nephritis' is not an id (lower-case letters, digits,",
        ),
        (
            ["--subscriber", "me@example.com", "--digest", "--timezone", "Mars/Olympus"],
            "--timezone 'Mars/Olympus': not an IANA time zone name (e.g. Europe/Brussels)",
        ),
        (
            ["--subscriber", "me@example.com", "--digest", "--hour", "24"],
            "--hour 24: the digest hour is a whole hour from 0 to 23",
        ),
        (
            ["--agent", "efgartigimod", "--digest"],
            "--agent, --digest choose what your own subscriber gets: add --subscriber EMAIL",
        ),
    ],
)
def test_given_a_subscriber_choice_the_api_would_refuse_then_the_demo_names_option_value_and_what_is_allowed(
    argv: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_stack: None,
) -> None:
    monkeypatch.delenv("PIPEWATCH_WATCHLIST", raising=False)

    code, out, err = _demo(capsys, *argv)

    assert code == 2 and out == ""
    assert err.startswith(f"pipewatch demo: {expected}") and err.count("\n") == 1


def test_given_my_watchlist_then_an_unknown_agent_names_my_file_and_my_agents(tmp_path: Path) -> None:
    path = _hand_made_watchlist(
        tmp_path, lambda d: d.update(agents=[a for a in d["agents"] if a["id"] != "brepocitinib"])
    )
    watchlist = load_watchlist(str(path))

    args = _args(subscriber="me@example.com", agent=["brepocitinib"])
    with pytest.raises(DemoRefused) as refused:
        own_subscriber(args, watchlist)

    assert str(refused.value) == (
        f"--agent brepocitinib: not in your watchlist {path}; allowed: dazukibart, efgartigimod, remdesivir"
    )
    assert watchlist.own and watchlist.describe().startswith(
        f"Watchlist: yours, {path} ($PIPEWATCH_WATCHLIST)"
    )


def test_given_good_choices_then_the_subscriber_is_the_request_the_api_gets() -> None:
    watchlist = load_watchlist("")
    args = _args(subscriber="me@example.com", agent=["Efgartigimod"], digest=True, hour=9, timezone="UTC")

    ((name, request),) = own_subscriber(args, watchlist)

    assert name == "You (--subscriber)" and request["endpoint"] == "me@example.com"
    assert request["preferences"] == {
        "agents": ["Efgartigimod"],
        "indications": [],
        "event_types": [],
        "min_severity": "low",
        "mode": "digest",
        "digest_hour": 9,
        "timezone": "UTC",
    }
    assert not watchlist.own and "brepocitinib" in watchlist.agents
    assert own_subscriber(_args(), watchlist) == []  # no --subscriber, no choices: no own subscriber


def _args(**values: Any) -> Any:
    import argparse

    defaults: dict[str, Any] = {
        "subscriber": None,
        "agent": [],
        "indication": [],
        "event": [],
        "min_severity": "low",
        "digest": False,
        "hour": 8,
        "timezone": "Europe/Brussels",
    }
    return argparse.Namespace(**(defaults | values))


def test_given_the_watchlist_as_inline_text_then_the_demo_runs_with_it_and_says_so() -> None:
    document = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))
    document["agents"] = [a for a in document["agents"] if a["id"] == "dazukibart"]
    text = "---\n" + yaml.safe_dump(document, sort_keys=False)  # hand-made: the packaged one, one agent

    watchlist = load_watchlist(text)

    assert watchlist.own and watchlist.origin == "(inline text)" and watchlist.agents == ("dazukibart",)
    assert [a["id"] for a in watchlist.document["agents"]] == ["dazukibart"]

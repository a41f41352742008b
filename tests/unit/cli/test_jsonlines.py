"""`run_json_lines`, the read/answer loop that `pipewatch classify`, `render` and `catalysts extract` share:
what the commands' own tests do not pin (the ASCII switch, a text-only stdin, the stderr prefix)."""

from __future__ import annotations

import io

import pytest

from pipewatch.commands.jsonlines import run_json_lines


def _answer(text: str) -> dict[str, object]:
    if text.startswith("bad"):
        raise ValueError(f"no good: {text.strip()}")
    return {"echo": text.strip()}


@pytest.mark.parametrize(("ensure_ascii", "echoed"), [(True, '"\\u00e9t\\u00e9"'), (False, '"été"')])
def test_given_bytes_then_blank_lines_are_skipped_and_bad_ones_answered_in_place(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], ensure_ascii: bool, echoed: str
) -> None:
    raw = "été\n\n  \nbad été\n".encode() + b"\xff\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))

    code = run_json_lines("pipewatch test", _answer, ensure_ascii=ensure_ascii)

    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines() == [
        f'{{"echo": {echoed}}}',
        f'{{"line": 4, "error": "no good: bad {echoed[1:-1]}"}}',
        '{"line": 5, "error": "not valid UTF-8"}',
    ]
    assert err == "pipewatch test: line 4: no good: bad été\npipewatch test: line 5: not valid UTF-8\n"


def test_given_a_text_only_stdin_then_its_lines_are_answered_and_the_status_is_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a\n\nb"))

    assert run_json_lines("pipewatch test", _answer) == 0
    assert capsys.readouterr().out == '{"echo": "a"}\n{"echo": "b"}\n'

"""`pipewatch classify` through `pipewatch.cli.main` with stdin/stdout swapped for in-memory streams."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from pipewatch.cli import main
from pipewatch.config import packaged_data_path


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *args: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["classify", *args])
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_classifies_lines_in_order(monkeypatch, capsys) -> None:
    lines = [
        {
            "title": "FDA approves VYVGART for CIDP",
            "source": "GlobeNewswire",
            "url": "https://x",
            "published": "2024",
        },
        {"title": "Pfizer's Litfulo approved", "summary": None},
        {"title": "Brepocitinib phase 3 data", "doc_type": "publication"},
    ]
    code, out, err = run(monkeypatch, capsys, "\n".join(json.dumps(x) for x in lines) + "\n")
    assert code == 0 and err == ""
    assert [o["relevant"] for o in out] == [True, False, True]
    # The input fields are echoed first (so `classify | render` pipes), then the classification.
    assert out[0] == {
        "title": "FDA approves VYVGART for CIDP",
        "source": "GlobeNewswire",
        "url": "https://x",
        "published": "2024",
        "relevant": True,
        "agents": ["efgartigimod"],
        "indications": ["cidp"],
        "event_type": "regulatory",
        "severity": "high",
        "tier": "own",
        "competitor": None,
        "competes_with": [],
        "reasons": out[0]["reasons"],
    }
    assert out[1]["event_type"] is None and out[1]["severity"] is None
    assert out[2]["event_type"] == "publication"


def test_bad_lines_are_reported_in_place_and_blank_lines_skipped(monkeypatch, capsys) -> None:
    stdin = '{"title": "VYVGART approved"}\n\n   \nnot json\n[1, 2]\n{"summary": "no title"}\n{"title": 5}\n'
    stdin += '{"title": "x", "summary": 3}\n{"title": "x", "doc_type": "blog"}\n{"title": "ARGX-113 data"}\n'
    code, out, err = run(monkeypatch, capsys, stdin)
    assert code == 1
    assert out[0]["relevant"] is True and out[-1]["agents"] == ["efgartigimod"]
    errors = out[1:-1]
    assert [e["line"] for e in errors] == [4, 5, 6, 7, 8, 9]
    assert "not valid JSON" in errors[0]["error"]
    assert "JSON object" in errors[1]["error"]
    assert "title" in errors[2]["error"] and "title" in errors[3]["error"]
    assert "summary" in errors[4]["error"] and "doc_type" in errors[5]["error"]
    assert err.count("pipewatch classify: line") == 6


def test_help_mentions_blank_lines(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["classify", "--help"])
    assert "Blank lines are skipped" in capsys.readouterr().out


def test_custom_watchlist_and_bad_config(monkeypatch, capsys, tmp_path: Path) -> None:
    data = yaml.safe_load(packaged_data_path("watchlist.yaml").read_text(encoding="utf-8"))
    data["agents"][0]["aliases"]["brands"].append("NEWBRAND")
    path = tmp_path / "wl.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, '{"title": "NEWBRAND launched"}\n', "--watchlist", str(path))
    assert code == 0 and out[0]["agents"] == ["efgartigimod"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nevents: []\n", encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, '{"title": "x"}\n', "--taxonomy", str(bad))
    assert code == 2 and out == [] and str(bad) in err and "events" in err


def test_invalid_utf8_bytes_on_a_real_stdin(monkeypatch, capsys) -> None:
    raw = io.BytesIO(b'{"title": "VYVGART"}\n\xff\xfe\n')
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(raw, encoding="utf-8"))
    code = main(["classify"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1 and out[0]["relevant"] and out[1] == {"line": 2, "error": "not valid UTF-8"}

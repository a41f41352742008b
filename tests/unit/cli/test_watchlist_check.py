"""`pipewatch watchlist check FILE [--corpus DIR]` (issue 26): the JASMINE trap is refused, recorded headlines
a name would match are listed, and schema errors name the agent, the key, the allowed keys and the nearest.
Every headline and watchlist edit here is hand-made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipewatch.adapters.headline_corpus import DirectoryCorpus
from pipewatch.adapters.word_frequency import wordfreq_frequencies
from pipewatch.cli import main

ROOT = Path(__file__).resolve().parents[3]
PACKAGED = ROOT / "functions" / "pipewatch" / "data" / "watchlist.yaml"
needs_wordfreq = pytest.mark.skipif(wordfreq_frequencies() is None, reason="wordfreq not installed")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _with_anifrolumab(tmp_path: Path, aliases: dict[str, Any]) -> Path:
    """The packaged watchlist plus anifrolumab added as the README says (hand-made edit)."""
    data = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))
    data["agents"].append(
        {
            "id": "anifrolumab",
            "name": "anifrolumab",
            "sponsor": "AstraZeneca",
            "aliases": aliases,
            "trials": [
                {"nct_id": "NCT06455449", "acronym": "JASMINE", "phase": "3", "indications": ["myositis"]}
            ],
        }
    )
    path = tmp_path / "watchlist.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _corpus(tmp_path: Path) -> Path:
    """A hand-made corpus in the label shapes of tests/fixtures/labeled, and a catalyst row (no title)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {"id": "H1", "title": "Jasmine tea sales soar in China", "label": {"relevant": False, "agents": []}},
        {"id": "H2", "title": "argenx wins approval for Vyvgart", "label": {"agents": ["efgartigimod"]}},
        {"event_id": "E1", "agent": "brepocitinib", "title": "Roivant reports VALOR study results"},
        {"id": "B1", "title": "Leqembi given clearance", "drug": {"id": "lecanemab"}},
        {"id": "K1", "title": None, "sentence": "Results expected 1H 2026", "label": {"drug": "x"}},
    ]
    (corpus / "hand_made.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return corpus


def test_the_corpus_reader_takes_each_label_shape_and_skips_rows_without_a_title(tmp_path: Path) -> None:
    headlines = list(DirectoryCorpus(_corpus(tmp_path)).headlines())
    assert [(h.ref, h.about) for h in headlines] == [
        ("hand_made.jsonl#H1", frozenset()),
        ("hand_made.jsonl#H2", frozenset({"efgartigimod"})),
        ("hand_made.jsonl#E1", frozenset({"brepocitinib"})),
        ("hand_made.jsonl#B1", frozenset({"lecanemab"})),
    ]


@needs_wordfreq
def test_jasmine_as_a_trial_name_is_refused_and_the_tea_headline_is_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _with_anifrolumab(tmp_path, {"generic": ["anifrolumab"], "trials": ["JASMINE"]})
    code, out, err = _run(capsys, "watchlist", "check", str(path), "--corpus", str(_corpus(tmp_path)))

    assert code == 1
    assert "agent 'anifrolumab': aliases.trials: 'JASMINE': an ordinary word" in err
    assert "agent 'anifrolumab': trials.acronym: 'JASMINE'" in err and "ambiguous_trials" in err
    assert "warning:" in out and "hand_made.jsonl#H1 'Jasmine tea sales soar in China'" in out
    assert "valid" not in out


@needs_wordfreq
def test_jasmine_under_ambiguous_trials_is_valid_and_no_longer_matches_the_tea(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _with_anifrolumab(tmp_path, {"generic": ["anifrolumab"], "ambiguous_trials": ["JASMINE"]})
    code, out, err = _run(capsys, "watchlist", "check", str(path), "--corpus", str(_corpus(tmp_path)))

    assert code == 0, err
    assert "valid (4 agents" in out and "Jasmine tea" not in out


def test_an_unknown_key_names_the_agent_lists_the_allowed_keys_and_suggests_the_nearest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))
    data["agents"][2]["aliases"]["trial"] = ["C0251010"]
    data["agents"][1]["competitors"][0]["sponser"] = "Octapharma"
    path = tmp_path / "watchlist.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    code, _, err = _run(capsys, "watchlist", "check", str(path))

    assert code == 1
    assert (
        "agents[dazukibart].aliases.trial: unknown key 'trial' "
        "(allowed: generic, codes, brands, trials, ambiguous_trials, other); did you mean 'trials'?"
    ) in err
    assert "agents[brepocitinib].competitors[Octagam 10%].sponser: unknown key 'sponser'" in err
    assert "did you mean 'sponsor'?" in err
    assert "Extra inputs are not permitted" not in err and "agents.2" not in err


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["agents"][1]["aliases"]["brands"].append("Vyvgart"), "claimed by agents"),
        (lambda d: d["agents"][0]["near_misses"].append("VYVGART"), "also one of its aliases"),
        (lambda d: d["agents"][0]["trials"][0].update(indications=["nope"]), "unknown indication id 'nope'"),
        (
            lambda d: d["agents"][0]["trials"][0].update(indications=["myositiss"]),
            "unknown indication id 'myositiss' (not in indications); did you mean 'myositis'?",
        ),
        (
            lambda d: d["agents"][0]["competitors"][0].update(indications=["nope"]),
            "agent 'efgartigimod' competitor 'nipocalimab': unknown indication id 'nope'",
        ),
        (lambda d: d["agents"][0]["competitors"][0].update(aliases=["VYVGART"]), "also one of its aliases"),
    ],
)
def test_todays_checks_keep_their_wording(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, edit: Any, message: str
) -> None:
    data = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "watchlist.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, _, err = _run(capsys, "watchlist", "check", str(path))
    assert code == 1 and message in err, err

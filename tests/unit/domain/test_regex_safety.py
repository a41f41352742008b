"""Configured patterns cannot hang a poll (issue 27, finding 10): INN stems are literals, and every regular
expression of the watchlist and the taxonomy is refused at load time when a repeated group could match one
text in many ways (catastrophic backtracking). Timing lives in bench/regex_safety.py, not here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipewatch.config import load_yaml_model, packaged_data_path
from pipewatch.domain.watch.regex_safety import backtracking_risk
from pipewatch.domain.watch.salience import SalienceRules
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Salience, Watchlist
from pipewatch.errors import ConfigError

# Hand-made hostile patterns: each can take exponential (or high-degree polynomial) time on some text.
CATASTROPHIC = [
    r"(a|aa)+c",
    r"(a+)+b",
    r"(\w+\s?)+$",
    r"(x+x+)+y",
    r"(?:ab|a)+c",
    r"(?:x\w*|y)+z",
    r"(?:(?:\S+ ){0,3}){2,}",
    r"(?:.+ ){0,3}end",
    # the taxonomy's protocol-title pattern before this fix: `multi[- ]?cent\w*` ran on into the next word
    r"(?:(?:multi[- ]?cent\w*|extension|\s)+)?study",
]
# Shapes the packaged taxonomy uses, which decide every repetition at one character.
SAFE = [
    r"(?:\S+ ){0,3}(?:risk|death)",
    r"(?: \S+){0,4} results",
    r"[a-z]{3,}(?:mab|tinib)",
    r"(?:ab)+c",
    r"(?:open[- ]label|double[- ]blind|dose[- ]ranging|,|\s)+study",
    r"(?:dose|double)+",
    r"results?(?! (?:are |is )?expected)",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_pattern_that_can_backtrack_catastrophically_is_named(pattern: str) -> None:
    assert backtracking_risk(pattern) != ""


@pytest.mark.parametrize("pattern", SAFE)
def test_an_unambiguous_repeat_passes(pattern: str) -> None:
    assert backtracking_risk(pattern) == ""


def test_every_packaged_pattern_passes_the_check() -> None:
    # loading validates every pattern (the check runs in the model validators)
    assert load_yaml_model(packaged_data_path("taxonomy.yaml"), Taxonomy).events
    assert load_yaml_model(packaged_data_path("watchlist.yaml"), Watchlist).salience.inn_stems


def _watchlist_with_stems(tmp_path: Path, stems: list[str]) -> Path:
    raw = yaml.safe_load(packaged_data_path("watchlist.yaml").read_text(encoding="utf-8"))
    raw["salience"]["inn_stems"] = stems
    path = tmp_path / "watchlist.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_watchlist_check_refuses_a_regex_as_an_inn_stem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_yaml_model(_watchlist_with_stems(tmp_path, ["mab", "(a|aa)+c"]), Watchlist)
    assert "inn_stems" in str(err.value)


def test_taxonomy_refuses_a_catastrophic_event_pattern(tmp_path: Path) -> None:
    raw = yaml.safe_load(packaged_data_path("taxonomy.yaml").read_text(encoding="utf-8"))
    raw["events"][0]["patterns"] = [*raw["events"][0]["patterns"], r"(a|aa)+c"]
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_yaml_model(path, Taxonomy)
    assert "backtrack" in str(err.value)


def test_inn_stems_match_as_literal_endings() -> None:
    rules = SalienceRules(Salience(inn_stems=("mab", "tinib"), list_min_names=2))
    assert rules._inn is not None
    # the hostile text of the finding: a long run of a's finds no drug name, and ends
    assert rules._inn.findall(" " + "a" * 5000 + " ") == []
    assert rules._inn.findall(" uses nipocalimab and tofacitinib daily ") == ["nipocalimab", "tofacitinib"]

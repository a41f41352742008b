"""Checks beyond the schema (issue 26): ordinary words (with a hand-made frequency table; the wordfreq
adapter has its own test) and names matching recorded headlines not about their agent (hand-made ones)."""

from __future__ import annotations

from typing import Any

import pytest

from pipewatch.config import load_data_file
from pipewatch.domain.watch.checks import (
    ORDINARY_ZIPF,
    RecordedHeadline,
    headline_matches,
    ordinary_words,
)
from pipewatch.domain.watch.watchlist import Watchlist

# Hand-made zipf values (not wordfreq's): an ordinary word scores 4, anything else 0.
ORDINARY = {"jasmine", "address", "advance", "unity", "adapt", "valor", "tea"}


def zipf(word: str, language: str) -> float:
    return 4.0 if word in ORDINARY and language == "en" else 0.0


def _watchlist(**anifrolumab: Any) -> Watchlist:
    data = load_data_file("watchlist.yaml", Watchlist).model_dump(mode="json")
    agent = {
        "id": "anifrolumab",
        "name": "anifrolumab",
        "sponsor": "AstraZeneca",
        "aliases": {"generic": ["anifrolumab"], "brands": ["Saphnelo"], "trials": ["JASMINE"]},
        "trials": [
            {"nct_id": "NCT06455449", "acronym": "JASMINE", "phase": "3", "indications": ["myositis"]}
        ],
    }
    agent.update(anifrolumab)
    data["agents"].append(agent)
    return Watchlist.model_validate(data)


def test_a_trial_acronym_that_is_an_ordinary_word_is_refused_naming_agent_key_and_language() -> None:
    findings = ordinary_words(_watchlist(), zipf, ("en", "fr"))

    assert [(f.agent, f.key, f.name) for f in findings] == [
        ("anifrolumab", "aliases.trials", "JASMINE"),
        ("anifrolumab", "trials.acronym", "JASMINE"),
    ]
    assert "'en'" in findings[0].problem and "ambiguous_trials" in findings[0].problem


def test_the_same_acronym_under_ambiguous_trials_passes() -> None:
    aliases = {"generic": ["anifrolumab"], "ambiguous_trials": ["JASMINE"]}
    assert ordinary_words(_watchlist(aliases=aliases), zipf, ("en",)) == []


def test_the_packaged_watchlist_passes_and_its_ambiguous_acronyms_would_not_as_plain_trials() -> None:
    packaged = load_data_file("watchlist.yaml", Watchlist)
    assert ordinary_words(packaged, zipf, ("en",)) == []

    data = packaged.model_dump(mode="json")
    for agent in data["agents"]:
        aliases = agent["aliases"]
        aliases["trials"] = [*aliases["trials"], *aliases.get("ambiguous_trials", [])]
        aliases["ambiguous_trials"] = []
    moved = Watchlist.model_validate(data)
    caught = {f.name for f in ordinary_words(moved, zipf, ("en",)) if f.key == "aliases.trials"}
    assert caught == {"ADAPT", "ADVANCE", "UNITY", "ADDRESS", "VALOR"}  # the hand-made table's words


@pytest.mark.parametrize(
    ("aliases", "expected"),
    [
        ({"generic": ["tea"]}, []),  # an INN (here hand-made) is assigned to the drug: exempt
        ({"generic": ["x1"], "codes": ["Jasmine"]}, []),  # a code too
        ({"generic": ["x1"], "trials": ["Jasmine tea"]}, []),  # a phrase is not looked up
        ({"generic": ["x1"], "brands": ["Jasmine"]}, ["aliases.brands"]),
        ({"generic": ["x1"], "other": ["tea"]}, ["aliases.other"]),
    ],
)
def test_which_kinds_are_looked_up(aliases: dict[str, list[str]], expected: list[str]) -> None:
    findings = ordinary_words(_watchlist(aliases=aliases, trials=[]), zipf, ("en",))
    assert [f.key for f in findings] == expected


def test_a_competitor_alias_that_is_an_ordinary_word_is_refused() -> None:
    competitor = {
        "drug": "anifrolumab",
        "sponsor": "AstraZeneca",
        "indications": ["dermatomyositis"],
        "aliases": ["JASMINE"],
        "source": "https://example.org/hand-made",
    }
    findings = ordinary_words(
        _watchlist(competitors=[competitor], trials=[], aliases={"generic": ["x1"]}), zipf, ("en",)
    )
    assert [(f.key, f.name) for f in findings] == [("competitors[anifrolumab].aliases", "JASMINE")]


def test_the_threshold_is_inclusive() -> None:
    at = ordinary_words(_watchlist(), lambda word, lang: ORDINARY_ZIPF if word == "jasmine" else 0.0, ("en",))
    below = ordinary_words(_watchlist(), lambda word, lang: ORDINARY_ZIPF - 0.01, ("en",))
    assert len(at) == 2 and below == []


# ------------------------------------------------------------------------------------- recorded headlines

HAND_MADE = [
    RecordedHeadline("hand-made#1", "Jasmine tea sales soar in China", "", frozenset()),
    RecordedHeadline(
        "hand-made#2", "Anifrolumab JASMINE trial enrols first patient", "", frozenset({"anifrolumab"})
    ),
    RecordedHeadline("hand-made#3", "Jasmine Revolution anniversary", "", None),
    RecordedHeadline("hand-made#4", "Vyvgart sales rise", "", frozenset({"efgartigimod"})),
]


def test_headlines_a_name_matches_that_are_not_about_its_agent_are_listed() -> None:
    findings = headline_matches(_watchlist(), HAND_MADE)

    lines = [f.line() for f in findings]
    assert len(findings) == 2, lines
    labelled, unlabelled = findings
    assert (labelled.agent, labelled.name) == ("anifrolumab", "JASMINE")
    assert "hand-made#1" in labelled.problem and "labelled about no watched agent" in labelled.problem
    assert "1 unlabelled" in unlabelled.problem and "hand-made#3" in unlabelled.problem


def test_an_ambiguous_acronym_needs_its_trial_word_so_the_tea_is_not_matched() -> None:
    aliases = {"generic": ["anifrolumab"], "ambiguous_trials": ["JASMINE"]}
    findings = headline_matches(_watchlist(aliases=aliases), HAND_MADE)
    assert findings == []

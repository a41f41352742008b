"""The wordfreq adapter with the real word lists (installed data, no network) and the chosen threshold:
the issue's words and every ordinary-word acronym of today's watchlist are caught, real names pass."""

from __future__ import annotations

import pytest

from pipewatch.adapters.word_frequency import wordfreq_frequencies
from pipewatch.config import load_data_file
from pipewatch.domain.watch.checks import ORDINARY_ZIPF, ordinary_words
from pipewatch.domain.watch.taxonomy import LANGUAGES
from pipewatch.domain.watch.watchlist import Watchlist

WORDS = wordfreq_frequencies()
pytestmark = pytest.mark.skipif(WORDS is None, reason="wordfreq (local extra) not installed")


def _top(word: str) -> float:
    assert WORDS is not None
    return max(WORDS.zipf(word, language) for language in LANGUAGES)


@pytest.mark.parametrize("word", ["jasmine", "address", "advance", "unity"])
def test_the_issues_words_are_ordinary(word: str) -> None:
    assert _top(word) >= ORDINARY_ZIPF


def test_every_ambiguous_acronym_of_the_packaged_watchlist_is_an_ordinary_word() -> None:
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    acronyms = [term for agent in watchlist.agents for term in agent.aliases.ambiguous_trials]
    assert len(acronyms) == 10
    assert {term: _top(term.lower()) >= ORDINARY_ZIPF for term in acronyms} == dict.fromkeys(acronyms, True)


def test_the_packaged_watchlist_passes_the_check() -> None:
    assert WORDS is not None
    assert ordinary_words(load_data_file("watchlist.yaml", Watchlist), WORDS.zipf, LANGUAGES) == []


@pytest.mark.parametrize(
    "name",
    [
        # names of today's watchlist and its competitors, and brands of other drugs
        "alkivia", "vyvgart", "vyvdura", "lisraya", "uplighted", "vitalithy", "imaavy", "rystiggo",
        "zilbrysq", "octagam", "hizentra", "saphnelo", "keytruda", "humira", "leqembi", "enpatoran",
        "empacific", "c0251010", "m5049",
    ],
)  # fmt: skip
def test_real_drug_names_are_not_ordinary_words(name: str) -> None:
    assert _top(name) < ORDINARY_ZIPF

"""speed10: `normalize`'s shortcuts (ASCII text with apostrophes in `padded`, fields whose only non-ASCII
characters are common punctuation in `_fold`) give exactly what the full path gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from pipewatch.domain.watch import normalize as norm_module
from pipewatch.domain.watch.normalize import PUNCTUATION_BEYOND_ASCII, normalize, padded


def _full_path(text: str) -> str:
    """`normalize` with the punctuation shortcut switched off (its gate always finds a character)."""
    saved = norm_module._OTHER_BEYOND_ASCII
    norm_module._OTHER_BEYOND_ASCII = re.compile(".")
    try:
        return normalize(text)
    finally:
        norm_module._OTHER_BEYOND_ASCII = saved


def test_speed10_each_shortcut_character_is_its_own_nfkd_form_and_not_a_word_character() -> None:
    for char in PUNCTUATION_BEYOND_ASCII:
        assert unicodedata.normalize("NFKD", char) == char
        assert re.fullmatch(r"\W", char)
        assert norm_module._SPECIAL.search(char) is None
        assert norm_module._COMBINING.search(char) is None


# Hand-made fields: curly possessives, dashes between names, quotes around a code.
HAND_MADE = [
    "argenx’s Vyvgart — efgartigimod «ARGX-113» ‘approved’",
    "Roivant’s brepocitinib – phase 3 “VALOR” • results · top-line",
    "Priovant's ’s ’sx ’ s `s dazukibart’S",
    "‘’“”–—‐«»•·",
]


def test_speed10_hand_made_punctuation_fields_normalise_as_the_full_path() -> None:
    for text in HAND_MADE:
        assert normalize(text) == _full_path(text)
    assert normalize(HAND_MADE[0]) == "argenxs vyvgart efgartigimod argx 113 approved"


_ALPHABET = st.sampled_from([*"aZ9 's`-_.’‘“”–—«»•·é™ßł文ʼ´", PUNCTUATION_BEYOND_ASCII])


@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_speed10_shortcuts_equal_the_full_path(text: str) -> None:
    assert normalize(text) == _full_path(text)
    full = _full_path(text)
    assert padded(text) == f" {full} "

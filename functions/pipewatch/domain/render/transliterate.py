"""Greek and Cyrillic letters in Latin, for the texts that must be ASCII or GSM-7 (SNS subjects, SMS).

Without it, folding to ASCII drops every letter of a Greek or Cyrillic headline and an SMS says nothing of
what happened. The tables are the common readable romanisations (Cyrillic close to BGN/PCGN for Russian and
Ukrainian, Greek close to ELOT 743), applied to base letters after Unicode decomposition, so accented and
stressed forms (ά, й, ё) fold too. Scripts without an alphabet to map (CJK, Hangul, Thai...) are not
transliterated: `latin_share` lets a renderer notice that a headline lost its words.

Pure data and functions.
"""

from __future__ import annotations

import unicodedata

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ж": "zh", "з": "z",
    "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ђ": "dj", "ј": "j",
    "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ў": "u",
}  # fmt: skip
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip


def _with_capitals(table: dict[str, str]) -> dict[str, str]:
    both = dict(table)
    for lower, latin in table.items():
        upper = lower.upper()
        if upper != lower and len(upper) == 1:
            both[upper] = latin.capitalize()
    return both


ROMANISE = str.maketrans(_with_capitals({**_CYRILLIC, **_GREEK}))


def romanise(text: str) -> str:
    """Greek and Cyrillic letters (with their accents and stress marks) in Latin; the rest unchanged."""
    return unicodedata.normalize("NFKD", text).translate(ROMANISE)


def latin_share(original: str, folded: str) -> float:
    """How much of `original`'s letters survive in `folded` (1.0 when it had none to lose)."""
    letters = sum(1 for ch in original if ch.isalpha())
    kept = sum(1 for ch in folded if ch.isalpha())
    return 1.0 if letters == 0 else min(1.0, kept / letters)

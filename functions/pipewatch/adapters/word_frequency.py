"""Word frequencies from `wordfreq` (a maintained multilingual word-frequency list) for `watchlist check`.

wordfreq is in the `local` extra (the operator's CLI), not in the Lambda runtime: the check runs where a
watchlist is edited and pushed. Should a Lambda ever need it, generate a compact data file of the words at
or above the threshold from wordfreq with a script and read that instead.
"""

from __future__ import annotations

from functools import lru_cache


class WordfreqFrequencies:
    """`WordFrequencies` over wordfreq's "best" lists (Latin-script languages need no extra tokenizer)."""

    def __init__(self) -> None:
        from wordfreq import zipf_frequency  # ImportError when the local extra is not installed

        self._zipf = lru_cache(maxsize=8192)(zipf_frequency)

    def zipf(self, word: str, language: str) -> float:
        return float(self._zipf(word, language))


def wordfreq_frequencies() -> WordfreqFrequencies | None:
    """The adapter, or None when wordfreq is not installed (the check then says it did not run)."""
    try:
        return WordfreqFrequencies()
    except ImportError:
        return None

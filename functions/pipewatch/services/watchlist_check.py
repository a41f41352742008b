"""Watchlist validation, the one function `watchlist check` (and any push of a new version) calls.

A watchlist is refused when its schema fails (the errors name the agent, the key, the allowed keys and the
nearest one) or when a name is an ordinary word in a configured language outside `ambiguous_trials`
(domain/watch/checks.py). Recorded headlines a name would match that are not about its agent are warnings:
the file stays valid, the analyst reads them before pushing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipewatch.config import parse_yaml_model
from pipewatch.domain.watch.checks import ORDINARY_ZIPF, headline_matches, ordinary_words
from pipewatch.domain.watch.taxonomy import LANGUAGES
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import ConfigError
from pipewatch.services.ports import HeadlineCorpus, WordFrequencies

WORDFREQ_MISSING = "ordinary-word check not run: wordfreq is not installed (install the local extra)"


@dataclass(frozen=True)
class WatchlistCheck:
    origin: str
    watchlist: Watchlist | None  # None when the schema refused the file
    errors: tuple[str, ...] = ()  # any error refuses the file
    warnings: tuple[str, ...] = ()  # headlines a name would wrongly match
    notes: tuple[str, ...] = ()  # checks that did not run, and why

    @property
    def valid(self) -> bool:
        return self.watchlist is not None and not self.errors


def check_watchlist(
    text: str,
    *,
    origin: str,
    words: WordFrequencies | None,
    corpus: HeadlineCorpus | None = None,
    languages: Sequence[str] = LANGUAGES,
    threshold: float = ORDINARY_ZIPF,
) -> WatchlistCheck:
    """Validate a watchlist document (YAML or JSON text): schema, ordinary words, recorded headlines."""
    try:
        watchlist = parse_yaml_model(text, Watchlist, origin=origin)
    except ConfigError as exc:
        return WatchlistCheck(origin, None, errors=(str(exc),))
    notes: list[str] = []
    errors: list[str] = []
    if words is None:
        notes.append(WORDFREQ_MISSING)
    else:
        errors = [
            f"{origin}: {finding.line()}"
            for finding in ordinary_words(watchlist, words.zipf, languages, threshold)
        ]
    warnings = (
        [f"{origin}: {finding.line()}" for finding in headline_matches(watchlist, corpus.headlines())]
        if corpus is not None
        else []
    )
    return WatchlistCheck(origin, watchlist, tuple(errors), tuple(warnings), tuple(notes))

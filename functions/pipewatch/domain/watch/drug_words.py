"""Words that say "a drug, a trial or a regulator" (`drug_words` of the watchlist), for sole-program
references: scanned only in a field that names such a company, so the common field pays nothing for them.
A configured `not_drug_words` phrase ("drug delivery") hides the drug word inside it: the longest term wins.
Pure."""

from __future__ import annotations

import re

from pipewatch.domain.watch.normalize import match_key, pattern_key, trie_regex


class DrugWords:
    def __init__(self, drug_words: tuple[str, ...], not_drug_words: tuple[str, ...]) -> None:
        self._term: dict[
            str, str | None
        ] = {}  # match key (and key + "s") -> term, None for a non-drug phrase
        bounded: set[str] = set()
        unbounded: set[str] = set()
        for term, meaning in [*((w, w) for w in drug_words), *((p, None) for p in not_drug_words)]:
            key = pattern_key(term)
            if not key:
                continue
            (bounded if key[0].isascii() and key[-1].isascii() else unbounded).add(key)
            self._term.setdefault(match_key(term), meaning)
            self._term.setdefault(match_key(term) + "s", meaning)
        self._bounded = re.compile(rf" (?:{trie_regex(bounded)})s?(?= )") if bounded else None
        self._unbounded = re.compile(trie_regex(unbounded)) if unbounded else None

    def find(self, norm: str) -> list[tuple[int, str]]:
        """(where, term) of every drug word of a padded normalised field, text order per scan."""
        hits: list[tuple[int, str]] = []
        for regex in (self._bounded, self._unbounded):
            if regex is None or (regex is self._unbounded and norm.isascii()):
                continue
            for m in regex.finditer(norm):
                term = self._term.get(m.group().replace(" ", ""))
                if term is not None:
                    hits.append((m.start(), term))
        return hits

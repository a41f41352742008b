"""What the matcher found and why: one piece of evidence per agent, indication or near-miss. Pure data."""

from __future__ import annotations

from typing import NamedTuple


class Evidence(NamedTuple):
    """Why one agent, indication or near-miss was found: the term (as configured) and where."""

    target: str  # agent id or indication id
    kind: str  # an alias kind (generic, codes, brands, trials...), program, indication or near_miss
    term: str
    field: str  # "title" or "summary"
    written: str = ""  # the word as written when it is a misspelling of `term`


class Demoted(NamedTuple):
    """An agent named in the text that the text is not about, and why (developer view only)."""

    evidence: Evidence
    why: str

"""Content words of a headline for comparing two texts: lower-cased, accent-free, stop words and syndication
ids dropped, a few synonyms folded. Pure."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "after",
        "over",
        "under",
        "new",
        "news",
        "update",
        "updates",
        "provides",
        "announces",
        "announced",
        "reports",
        "reported",
        "says",
        "said",
        "today",
        "inc",
        "ltd",
        "plc",
        "se",
        "co",
        "corp",
        "company",
        "press",
        "release",
    }
)
# A few synonyms and British spellings newsrooms use for the same fact.
_CANON = {
    "studies": "study",
    "trials": "trial",
    "halts": "stop",
    "halt": "stop",
    "halted": "stop",
    "stops": "stop",
    "stopped": "stop",
    "discontinues": "stop",
    "discontinued": "stop",
    "discontinue": "stop",
    "discontinuation": "stop",
    "approves": "approv",
    "approved": "approv",
    "approval": "approv",
    "wins": "win",
    "won": "win",
    "nod": "approv",
    "generalised": "generalized",
    "subcutaneous": "sc",
    "iii": "3",
    "ii": "2",
}

_PHRASES = (
    ("food and drug administration", "fda"),
    ("u.s.", "us"),
    ("european medicines agency", "ema"),
    ("phase iii", "phase 3"),
    ("phase ii", "phase 2"),
)


def _stem(word: str) -> str:
    word = _CANON.get(word, word)
    for suffix in ("ing", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    """Lower-cased, accent-free content words; stop words and long numeric ids (syndication ids) dropped."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    for phrase, short in _PHRASES:
        folded = folded.replace(phrase, short)
    words = set()
    for word in _WORD.findall(folded):
        if word in _STOP or (word.isdigit() and len(word) > 4):
            continue
        words.add(_stem(word))
    return frozenset(words)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient |a & b| / min(|a|, |b|): a short rewrite of a long headline still scores high."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))

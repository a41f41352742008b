"""Matching form of text: mojibake and trademark residue repaired, accents folded, lower case, every run of
punctuation or space turned into one space; and the character-trie regex that scans many literal terms
at once.

Shared by the alias matcher (match.py), the fuzzy matcher (fuzzy.py) and the classifier. Pure and total.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

from pipewatch.domain.text import repair_mojibake

# Longer fields are cut: nothing a subscriber needs sits past this, and it bounds the time per item.
MAX_FIELD_CHARS = 20_000

# --------------------------------------------------------------------------------------------- normalisation

_SPECIAL = re.compile("[αβßæÆøØœŒłŁđĐı™®©℠]")
_TRANSLATE = str.maketrans(
    {"α": " alfa ", "β": " beta ", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
     "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
     "™": " ", "®": " ", "©": " ", "℠": " "}  # NFKD would glue "TM" to the brand
)  # fmt: skip
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_POSSESSIVE = re.compile(r"['’ʼ`´](?=s(?![^\W_]))")  # "Roivant's" -> "Roivants" (other apostrophes -> space)
_POSSESSIVE_MARK = re.compile("['’ʼ`´]")  # a cheap test before the substitution
# Japanese, Chinese and Korean glue a Latin name to the words around it ("ファイザー、dazukibartの開発中止",
# "终止dazukibart开发"): a space at each seam between Latin letters or digits and those scripts lets the
# name match as a word.
# (Hangul is decomposed into conjoining jamo by then: U+1100-U+11FF.)
_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af"
_SCRIPT_SEAM = re.compile(f"(?<=[a-z0-9])(?=[{_CJK}])|(?<=[{_CJK}])(?=[a-z0-9])")
_NON_WORD = re.compile(r"[\W_]+")
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")  # a word character beyond ASCII
# ASCII fast path: one bytes.translate lower-cases and turns every non-alphanumeric byte into a space.
_ASCII_TABLE = bytes(
    byte + 32 if 65 <= byte <= 90 else byte if (48 <= byte <= 57 or 97 <= byte <= 122) else 32
    for byte in range(256)
)
# Punctuation beyond ASCII that news text is full of (curly quotes, dashes, guillemets, bullets): each is
# its own NFKD form, not a word character and not in `_SPECIAL`, so a field whose only non-ASCII characters
# are these needs no mojibake repair, NFKD or combining-mark pass: `_fold` turns each into a space directly
# (the same result as the full path; tests/unit/domain/test_normalize_fast_path.py checks the set).
PUNCTUATION_BEYOND_ASCII = "\u2018\u2019\u201c\u201d\u2013\u2014\u2010\u00ab\u00bb\u2022\u00b7"
_OTHER_BEYOND_ASCII = re.compile(f"[^\\x00-\\x7f{PUNCTUATION_BEYOND_ASCII}]")
ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def normalize(text: str) -> str:
    """Matching form: repaired, accents folded, lower case, words separated by single spaces.

    Idempotent: a result outside ASCII (a script without an ASCII folding) is folded again until it is stable,
    because lower-casing or decomposing can produce characters that folding maps further ("Α" -> "α" ->
    "alfa", "ẞ" -> "ß" -> "ss"). An ASCII result is always stable."""
    out = _fold(text)
    if out.isascii():
        return out
    for _ in range(8):
        again = _fold(out)
        if again == out:
            break
        out = again
    return out


def _fold(text: str) -> str:
    """One pass of `normalize`."""
    if not text:
        return ""
    if len(text) > MAX_FIELD_CHARS:
        text = text[:MAX_FIELD_CHARS]
    if not text.isascii():
        if _OTHER_BEYOND_ASCII.search(text) is None:  # only common punctuation: as the full path returns
            if _POSSESSIVE_MARK.search(text):
                text = _POSSESSIVE.sub("", text)
            return " ".join(text.encode("ascii", "replace").translate(_ASCII_TABLE).decode("ascii").split())
        text = repair_mojibake(text)
        if _SPECIAL.search(text):
            text = text.translate(_TRANSLATE)
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", _POSSESSIVE.sub("", text)))
        if not text.isascii():
            if _NON_ASCII_WORD.search(text) is None:
                # only punctuation and symbols beyond ASCII (’ — « »): each is a space, as on the line
                # below (no such character lower-cases into a word character), in the ASCII path's time
                return " ".join(
                    text.encode("ascii", "replace").translate(_ASCII_TABLE).decode("ascii").split()
                )
            # a script without an ASCII folding (Chinese, Greek...)
            return _SCRIPT_SEAM.sub(" ", _NON_WORD.sub(" ", text.lower())).strip()
    data = text.encode("ascii")
    if b"'" in data:  # the replaces only change text that has an apostrophe or a backtick
        data = data.replace(b"'s", b"s")
    if b"`" in data:
        data = data.replace(b"`s", b"s")
    return " ".join(data.translate(_ASCII_TABLE).decode("ascii").split())


def padded(text: str) -> str:
    """`normalize(text)` with one space at each end; the common field (ASCII, no apostrophe or backtick, not
    cut) in one expression, exactly as `_fold` treats it."""
    if text.isascii() and len(text) <= MAX_FIELD_CHARS:
        if "'" in text:  # as `_fold` does to ASCII text
            text = text.replace("'s", "s")
        if "`" in text:
            text = text.replace("`s", "s")
        return f" {' '.join(text.encode('ascii').translate(_ASCII_TABLE).decode('ascii').split())} "
    return f" {normalize(text)} "


_JUNCTION = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
OPTIONAL_SPACE = "\x00"  # in a trie key: "an optional space may stand here"


def pattern_key(term: str) -> str:
    """A term as trie input: normalised words and letter/digit junctions joined by the optional-space mark."""
    words = normalize(term).split(" ")
    return OPTIONAL_SPACE.join(_JUNCTION.sub(OPTIONAL_SPACE, word) for word in words if word)


@lru_cache(maxsize=4096)
def match_key(term: str) -> str:
    """The dict key of a term or a matched string: normalised with every space removed ("" if no word)."""
    return normalize(term).replace(" ", "")


# ---------------------------------------------------------------------------------------------- regex trie


def trie_regex(keys: Iterable[str]) -> str:
    """One regex alternation for many literal keys, factored as a character trie (the
    optional-space mark becomes ` ?`).
    Longer keys are tried first at every branch: the longest term wins, shorter ones remain fallbacks.

    The trie is walked over the sorted keys (a node is a range of them sharing a prefix, its children found
    by bisection), not built as nested dicts: ~3x faster on the ~1,500 cue gate words a first document
    needs and on a 1,000-agent alias table, with the same regex out."""
    return _emit(sorted(set(keys)), 0, None, 0)


# A character as the trie's regex writes it (a matcher over 1,000 agents emits ~15,000 of them).
_ESCAPED: dict[str, str] = {OPTIONAL_SPACE: " ?"}


def _escaped(char: str) -> str:
    escaped = _ESCAPED.get(char)
    if escaped is None:
        escaped = _ESCAPED[char] = re.escape(char)
    return escaped


def _emit(keys: list[str], lo: int, hi: int | None, depth: int) -> str:
    """The regex of the trie node holding keys[lo:hi], which all share their first `depth` characters. A
    run of nodes with one child and no key ending there is written as its literal characters; a key ending
    at the node makes what follows optional (so the longer keys are tried first)."""
    if hi is None:
        hi = len(keys)
    if lo >= hi:
        return ""
    first, last = keys[lo], keys[hi - 1]
    # Sorted keys: the range's common prefix is its first and last keys' one, and a key ending inside it is
    # a prefix of the others, so it sorts first.
    split, stop = depth, min(len(first), len(last))
    while split < stop and first[split] == last[split]:
        split += 1
    run = "".join([_escaped(char) for char in first[depth:split]])
    ends_here = len(first) == split
    branches: list[str] = []
    at = lo + 1 if ends_here else lo
    while at < hi:
        char = keys[at][split]
        after = bisect_left(keys, keys[at][:split] + chr(ord(char) + 1), at, hi) if char < _TOP else hi
        branches.append(_escaped(char) + _emit(keys, at, after, split + 1))
        at = after
    if not branches:
        return run
    if len(branches) == 1:
        return f"{run}(?:{branches[0]})?" if ends_here else run + branches[0]
    return f"{run}(?:{'|'.join(branches)})" + ("?" if ends_here else "")


_TOP = chr(0x10FFFF)

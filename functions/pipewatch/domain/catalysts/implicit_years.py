"""The year of a date written without one ("in March", "im zweiten Quartal", "el próximo 26 de enero") when
the item gives no date: a year the sentence names, else the one year the item's title or URL names.

A feed item almost always has a date; pages found by search and list pages often do not, and their title or
URL path ("/2021/", "...-im-zweiten-quartal-2021.html") is then the best witness of the story's year. Relative
years ("next year") are left unresolved: a year in a slug may be the story's subject, not the page's date.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

BARE_YEAR = re.compile(r"(?<![\w-])((?:19|20)\d{2})(?![\w-])")
# in a URL path a year sits between any separators: "/2021/", "-2021-", "_2021.html" (not inside an id)
_PATH_YEAR = re.compile(r"(?<![0-9])((?:199\d|20[0-3]\d))(?![0-9])")


def year_named_just_before(m: re.Match[str]) -> int | None:
    """ "ACR Convergence 2026 in November", "ASH 2018 ... on Sunday, December 2nd": a bare year shortly before
    an implicit day or month names its year."""
    found = BARE_YEAR.findall(m.string[max(0, m.start() - 40) : m.start()])
    return int(found[-1]) if len(set(found)) == 1 else None


def only_year_in(text: str) -> int | None:
    """ "a metà settembre ... entro la fine del 2018": with no page date, the one year the text names (None
    when it names none or several)."""
    found = set(BARE_YEAR.findall(text))
    return int(found.pop()) if len(found) == 1 else None


def year_named_before(m: re.Match[str]) -> int | None:
    """ "in 2020 ... in the second half of the same year": the last year written before the match."""
    found = BARE_YEAR.findall(m.string[: m.start()])
    return int(found[-1]) if found else None


def page_year(title: str, url: str) -> int | None:
    """The one year the item's title names, else the one year its URL path names (None: none, or several)."""
    in_title = only_year_in(title or "")
    if in_title is not None:
        return in_title
    path = urlsplit(url or "").path
    found = set(_PATH_YEAR.findall(path))
    return int(found.pop()) if len(found) == 1 else None

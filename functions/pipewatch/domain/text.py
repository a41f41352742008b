"""Every text cleaner pipewatch has: what a source hands us (markup and scripts out, entities decoded,
whitespace tidied, mojibake repaired, URLs canonical, dates in UTC), registry text, and the one-line display
text messages and pages show. One mojibake repairer and one script-URL pattern serve them all.

Pure functions: no I/O, no environment, no clock. Every function accepts any input of its declared type and
never raises on odd text (a feed is untrusted input).
"""

from __future__ import annotations

import html
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from pipewatch.domain.limits import MAX_URL_CHARS

# Elements whose *content* is never text a reader should see (code, styling, embedded documents).
_DROP_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "noframes",
        "frame",
        "frameset",
        "template",
        "svg",
        "math",
        "head",
        "title",
    }
)
# Elements that end a line of text (so "a<br>b" does not become "ab").
_BREAKS = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
)
_MAX_PASSES = 3  # entity decoding rounds: handles double (and triple) encoded markup
_ENTITY_OR_TAG = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]{1,31});|<[a-z!/?]", re.IGNORECASE)
# An event handler that survived as plain text (e.g. from a broken tag): on<event>= "..." / '...' / call(...)
_EVENT_HANDLER = re.compile(
    r"""\bon[a-z]{3,}\s*=\s*(?:"[^"]*"?|'[^']*'?|[^\s>]*)""",
    re.IGNORECASE,
)
# A script URL scheme ("javascript:", "vbscript:") left as text: removed wherever text is cleaned.
SCRIPT_URL = re.compile(r"\b(?:java|vb)script\s*:", re.IGNORECASE)
_WS = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
# UTF-8 byte sequences that were decoded as Latin-1 / cp1252 ("â€™", "Ã©", "â\x80¦"): a lead byte then 1-3
# continuation bytes, each shown as the Latin-1 or cp1252 character of that byte.
_CONT = "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")


class _TextExtractor(HTMLParser):
    """Collects text, dropping comments, declarations, processing instructions and non-text elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self._skip_depth += 1
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def _strip_markup(text: str) -> str:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _byte_of(ch: str) -> int:
    code = ord(ch)
    return code if code < 256 else ch.encode("cp1252")[0]


def _repair(match: re.Match[str]) -> str:
    chunk = match.group(0)
    try:
        return bytes(_byte_of(ch) for ch in chunk).decode("utf-8")
    except UnicodeError:  # not a UTF-8 sequence after all (or not cp1252-mappable): leave it as written
        return chunk


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 text that was decoded as Latin-1/cp1252 ("Ã©" -> "é", "â€™" -> "’"); else unchanged."""
    return _MOJIBAKE.sub(_repair, text) if text else text


# Symbol-font trademark residue glued to an all-caps brand: "VYVGARTÔ" (™), "LISRAYAÒ" (®), "...Ó" (©).
_SYMBOL_RESIDUE = re.compile(r"(?<=[A-Z]{2})[ÔÒÓ](?![^\W\d_])")


def repair_mojibake(text: str) -> str:
    """The matching form's repair: `fix_mojibake` when a common lead character is present (a cheap gate on
    the matcher's hot path), then Symbol-font trademark residue after brands turned into a space."""
    if text.isascii():
        return text
    if "Ã" in text or "Â" in text or "â" in text or "Å" in text:
        text = fix_mojibake(text)
    if "Ô" in text or "Ò" in text or "Ó" in text:
        text = _SYMBOL_RESIDUE.sub(" ", text)
    return text


def _drop_controls(text: str) -> str:
    drop = {"Cc", "Cf", "Cs", "Co"}
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in drop)


def clean_text(value: str | None, *, max_length: int | None = None) -> str:
    """Plain, single-spaced text from an untrusted HTML/text fragment.

    Strips tags (and the whole content of script/style/iframe/object/embed/...), comments and event handlers;
    decodes entities, including double-encoded ones; repairs common mojibake; drops control characters;
    collapses whitespace (paragraph breaks become a single space). Optionally cuts to ``max_length`` at a
    word boundary with an ellipsis.
    """
    if not value:
        return ""
    text = str(value)
    for _ in range(_MAX_PASSES):
        text = _strip_markup(text)
        if not _ENTITY_OR_TAG.search(text):
            break
        text = html.unescape(text)
    text = _strip_markup(text) if "<" in text else text
    text = _EVENT_HANDLER.sub("", text)
    text = SCRIPT_URL.sub("", text)
    text = fix_mojibake(text)
    text = unicodedata.normalize("NFC", _drop_controls(text.replace("\r\n", "\n").replace("\r", "\n")))
    text = _WS.sub(" ", text)
    text = _NEWLINES.sub(" ", text).strip()
    text = re.sub(r" {2,}", " ", text)
    if max_length is not None and len(text) > max_length:
        cut = text[: max_length - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > max_length // 2 else cut).rstrip() + "…"
    return text


# --- URLs -------------------------------------------------------------------------------------------------

TRACKING_PARAMS = frozenset(
    {
        "gclid",
        "gclsrc",
        "dclid",
        "fbclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "s_cid",
        "cmpid",
        "spm",
        "ncid",
        "sr_share",
        "rss",
        "feed",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def _escape_invisible(url: str) -> str:
    """Percent-encodes spaces, line and paragraph separators (U+2028, U+2029, U+0085), control and format
    characters: a canonical URL is one line for every reader (str.splitlines(), JSON lines, e-mail headers)
    and shows no invisible character."""
    return "".join(
        quote(ch, safe="") if ch.isspace() or unicodedata.category(ch) in _INVISIBLE else ch for ch in url
    )


_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})


def canonical_url(url: str | None) -> str:
    """Canonical form of an http(s) URL; "" for anything else (javascript:, data:, mailto:, garbage).

    Lower-cases scheme and host, drops default ports, userinfo, the fragment and tracking parameters
    (utm_*, gclid, fbclid, mc_cid, mc_eid, ref, ...), keeps meaningful parameters sorted by name then value.
    A URL longer than MAX_URL_CHARS (before or after) is not a usable link: "" (the item keeps its guid).
    """
    if not url or len(url) > MAX_URL_CHARS:
        return ""
    raw = _escape_invisible(url.strip().replace("&amp;", "&"))
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:  # an invalid port or IPv6 literal: not a URL we can link to
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host or "%" in host:  # a host holding a separator is no host
        return ""
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" if port in (None, _DEFAULT_PORTS[scheme]) else f"[{host}]:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    path = parts.path or "/"
    canonical = urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))
    return canonical if len(canonical) <= MAX_URL_CHARS else ""


# --- dates ------------------------------------------------------------------------------------------------

_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_PARTIAL_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_SLASH_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_WORD_DATE = re.compile(r"^(\d{4})\s+([A-Za-z]+)(?:[-/][A-Za-z]+)?(?:\s+(\d{1,2}))?(?:[-/]\d{1,2})?$")
_MIN_YEAR = 1900


def _safe_datetime(*parts: int) -> datetime | None:
    """(year, month=1, day=1, hour=0, minute=0, second=0) as UTC; None when out of range."""
    defaults = (_MIN_YEAR, 1, 1, 0, 0, 0)
    year, month, day, hour, minute, second = (*parts[:6], *defaults[len(parts[:6]) :])
    if year < _MIN_YEAR:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:  # out-of-range month/day: treat as unknown rather than guess
        return None


def _from_string(text: str) -> datetime | None:  # noqa: PLR0911 - one return per accepted format
    text = text.strip()
    if not text:
        return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if match := _PARTIAL_ISO.match(text):
        year, month, day = (int(g) if g else 1 for g in match.groups())
        return _safe_datetime(year, month, day)
    if match := _SLASH_DATE.match(text):
        return _safe_datetime(*(int(g) if g else 0 for g in match.groups()))
    if match := _WORD_DATE.match(text):
        year_s, word, day_s = match.groups()
        month = _MONTHS.get(word.lower()) or _SEASONS.get(word.lower()) or 0
        if month:
            return _safe_datetime(int(year_s), month, int(day_s) if day_s else 1)
    try:
        rfc = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):  # email.utils raises these on unparseable input
        return None
    return rfc.replace(tzinfo=UTC) if rfc.tzinfo is None else rfc.astimezone(UTC)


def to_utc(value: object) -> datetime | None:  # noqa: PLR0911 - one return per accepted input type
    """A timezone-aware UTC datetime from a feedparser ``*_parsed`` struct (already UTC), a datetime (naive
    means UTC), a date, epoch seconds, or a string: ISO 8601, partial ISO ("2012-05", "2019"), RFC 822
    ("Tue, 05 Dec 2023 16:59:37 EST"), PubMed ("2019/08/28 06:00", "2019 Aug 27", "2019 Aug-Sep").
    None when the value is missing or not a date."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return _safe_datetime(value.year, value.month, value.day)
    if isinstance(value, time.struct_time):
        return _safe_datetime(*value[:6])
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        return _from_string(value)
    return None


# ---- registry text (ClinicalTrials.gov API v2 markdown and history HTML) ----------------------------------

_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=])")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)")
_WS_RE = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def registry_text(value: str) -> str:
    """Registry text as content: entities decoded, markup dropped, whitespace collapsed, NFKC.

    Idempotent: `normalize_text(normalize_text(x)) == normalize_text(x)`. One pass can uncover new markup
    (`\\\\<` -> `\\<`, double-encoded entities), so passes repeat until the text is stable (each one
    strips a layer; real registry text settles in one or two).
    """
    text = _normalize_once(value)
    for _ in range(50):
        again = _normalize_once(text)
        if again == text:
            break
        text = again
    return text


def _normalize_once(text: str) -> str:
    for _ in range(3):  # double-encoded entities ("&amp;amp;") occur in registry text
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = _BR_RE.sub(" ", text)
    text = _TAG_RE.sub("", text)
    text = _MD_ESCAPE_RE.sub(r"\1", text)
    text = _MD_EMPHASIS_RE.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return _WS_RE.sub(" ", text).strip()


def plain_text(text: str | None) -> str:
    """One line with no control, format (bidi overrides, zero-width) or private-use characters."""
    if not text:
        return ""
    kept = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch
        for ch in text
        if unicodedata.category(ch) not in {"Cf", "Co", "Cs", "Cn"}
    )
    return " ".join(kept.split())


# ---- display text (messages, chat, webhooks, pages) -------------------------------------------------------

# A tag, or what is left of one (an unclosed "<script"), in text that reaches a reader.
_DISPLAY_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>?")


def clean_line(text: str | None) -> str:
    """One line of displayable text: no tags, no script URLs, no control or invisible characters."""
    if not text:
        return ""
    return plain_text(SCRIPT_URL.sub("", _DISPLAY_TAG.sub(" ", text)))


# ------------------------------------------------------------------------------ regexes compiled on first use

_PATTERN_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "split")


class LazyPattern:
    """A regular expression compiled the first time one of its methods is called. From then on the
    compiled pattern's own bound methods stand on the instance, so a call costs what it would on a
    `re.Pattern`. For the module-level patterns of a module many Lambdas import but few use on their first
    invocation (cold start); `source` may be a function building the pattern's text, called then too."""

    def __init__(self, source: str | Callable[[], str], flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    @property
    def pattern(self) -> str:
        return self._source if isinstance(self._source, str) else self._source()

    def compiled(self) -> re.Pattern[str]:
        compiled = re.compile(self.pattern, self._flags)
        for name in _PATTERN_METHODS:  # the instance's attributes now shadow the methods below
            setattr(self, name, getattr(compiled, name))
        return compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled().finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[str]:
        return self.compiled().findall(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled().sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | None]:
        return self.compiled().split(string, maxsplit)

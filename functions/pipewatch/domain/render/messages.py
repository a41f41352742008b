"""Turning an update into what a subscriber reads: one GSM-7 SMS of at most 160 characters, an ASCII email
subject of at most 100 characters and a plain-text email body; and, for every channel, when the story was
first published (`when_published`).

Pure: no I/O, no clock. Feed text was cleaned by the source adapters already; everything that reaches a
message is cleaned again here (markup, control and invisible characters), so a message never carries markup,
script or control characters whatever the update holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from pipewatch.domain.models import Alert, Classification, Update
from pipewatch.domain.render.transliterate import latin_share, romanise
from pipewatch.domain.text import clean_line

SMS_LIMIT = 160
SUBJECT_LIMIT = 100
SUMMARY_LIMIT = 600
DEFAULT_LINK_BASE = "https://pipewatch.example/u"
# A story first seen more than this after its publication says so in every alert ("published 2023-01-27").
LATE_AFTER = timedelta(days=2)
# Below this much room for the headline, several agents are shown as the first and a count.
MIN_HEADLINE_ROOM = 40
# A headline that keeps less than this share of its letters in GSM-7 (CJK, Hangul...) is marked as such.
MIN_LATIN_SHARE = 0.5
NON_LATIN_MARK = "(headline in another script)"
# Footers speak to readers: how to stop or change alerts in plain words, never a command.
# Instant e-mails are one SNS message for every matching subscriber, so they cannot carry a per-subscriber
# link; SNS appends each recipient's own unsubscribe link to every e-mail it delivers.
PAGE_MANAGE_HINT = (
    "To stop these alerts: the unsubscribe link at the end of this e-mail works at once (one click). "
    "Digests carry your own one-click unsubscribe link."
)
DEFAULT_MANAGE_HINT = (
    "To change or stop these alerts, reply to the person who runs pipewatch for your team "
    "(your administrator): they can unsubscribe you at once."
)
# An e-mail that ends with its reader's own one-click unsubscribe link (SES delivery, email_html.py).
OWN_LINK_MANAGE_HINT = "To stop these alerts: the unsubscribe link below works at once (one click)."


EVENT_WORDS = {
    "trial_start": "trial start",
    "trial_status": "trial status",
    "trial_update": "trial update",
    "results": "results",
    "regulatory": "regulatory",
    "safety": "safety",
    "pipeline": "pipeline",
    "corporate": "corporate",
    "publication": "publication",
    "commentary": "commentary",
    "catalyst_slip": "catalyst slip",
    "catalyst_overdue": "catalyst overdue",
}

# Characters GSM-7 lacks (or holds only in its 2-septet extension table), mapped to basic-table ones.
_TRANSLITERATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2122": "(TM)",
        "\u00ae": "(R)",
        "\u00a9": "(C)",
        "\u00b0": " deg",
        "\u00b5": "u",
        "\u00d7": "x",
        "\u2022": "-",
        "\u00b7": "-",
        "\u00a0": " ",
        "\u00df": "ss",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u00f8": "o",
        "\u00d8": "O",
        "\u0142": "l",
        "\u0141": "L",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u00b1": "+/-",
    }
)
# GSM-7 extension-table characters (two septets each) and the backtick (not in GSM-7), for SMS only.
_GSM_BASIC = str.maketrans(
    {"[": "(", "]": ")", "{": "(", "}": ")", "\\": "/", "|": "/", "~": "-", "^": "", "`": "'"}
)
# The GSM 03.38 basic table restricted to ASCII (every character costs one septet); `[]{}\\|~^` and the
# backtick are absent on purpose: they are extension characters (two septets) or not in GSM-7 at all.
_GSM7_ASCII = frozenset(
    "@$_!\"#%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz \n"
)
_SPACE = re.compile(r"\s+")


def to_ascii(text: str) -> str:
    """Fold to printable ASCII: transliterate quotes and dashes, Greek and Cyrillic letters, drop accents,
    drop the rest (CJK, emoji)."""
    text = romanise(text.translate(_TRANSLITERATE))
    folded = text.encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded if 32 <= ord(ch) < 127 or ch == "\n")


def to_gsm7(text: str) -> str:
    """Text every character of which is one septet of the GSM-7 basic table (no emoji, no curly quotes)."""
    ascii_text = to_ascii(clean_line(text)).translate(_GSM_BASIC)
    return _SPACE.sub(" ", "".join(ch for ch in ascii_text if ch in _GSM7_ASCII)).strip()


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7_ASCII for ch in text)


def fit_words(text: str, limit: int, ellipsis: str = "...") -> str:
    """`text` if it fits in `limit` characters, else its longest whole-word prefix plus an ellipsis."""
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    if room <= 0:
        return ""
    cut = text[: room + 1]
    space = cut.rfind(" ")
    head = cut[:space] if space > 0 else ""
    head = head.rstrip(" ,;:-(/")
    return f"{head}{ellipsis}" if head else ""


def ascii_subject(text: str, limit: int = SUBJECT_LIMIT) -> str:
    """SNS subjects must be ASCII, single-line, start with a printable character and be at most 100 long."""
    folded = _SPACE.sub(" ", to_ascii(clean_line(text))).strip()
    return fit_words(folded, limit) or folded[:limit]


def agent_label(agents: Iterable[str]) -> str:
    return "/".join(agents) or "watchlist"


def subject_label(c: Classification) -> str:
    """Who the news is about: the agents, or for a landscape update the competitor ("landscape nipocalimab",
    never the watched agent's name alone)."""
    if c.tier == "landscape":
        return f"landscape {c.competitor or 'competitor'}"
    return agent_label(c.agents)


def event_word(event_type: str | None) -> str:
    return EVENT_WORDS.get(event_type or "", "update")


def headline(update: Update) -> str:
    """What happened, in one line: the registry change for trial updates, else the title."""
    return clean_line(update.change.summary if update.change else update.title)


def short_link(update: Update, link_base: str = DEFAULT_LINK_BASE) -> str:
    """The shortest honest link: the canonical URL when it is no longer than `<link_base>/<update id>`
    (a redirect the operator serves), else that redirect."""
    redirect = f"{link_base.rstrip('/')}/{update.update_id}"
    url = clean_line(update.url)
    if url and " " not in url and is_gsm7(url) and len(url) <= len(redirect):
        return url
    return redirect


def published_late(update: Update) -> bool:
    """First seen long after its publication (a late outlet, a backfill, a feed that lagged)."""
    return update.published is not None and update.first_seen - update.published > LATE_AFTER


def when_published(update: Update) -> str:
    """When the story was first published, as every channel says it: "published 2023-01-27"; with "first
    seen ... (N days later)" when it reached pipewatch late; "first seen ..." when no date was given."""
    seen = update.first_seen.date().isoformat()
    if update.published is None:
        return f"first seen {seen} (no publication date given)"
    day = update.published.date().isoformat()
    if published_late(update):
        days = (update.first_seen - update.published).days
        return f"published {day}, first seen {seen} ({days} days later)"
    return f"published {day}"


def sms_date(update: Update) -> str:
    """When the story was published, in the fewest characters an SMS can spare: "(7 Dec)" when fresh (the
    year is the reader's), "(published 2023-01-27)" when first seen late, "" when the feed gave no date."""
    if update.published is None:
        return ""
    day = update.published.date()
    if published_late(update):
        return f"(published {day.isoformat()})"
    return f"({day.day} {_MONTHS[day.month - 1]})"


# English abbreviations whatever the process locale (strftime's %b follows it).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def sms_headline(update: Update) -> str:
    """The headline in GSM-7, marked when its script could not be transliterated (the link shows it)."""
    original = headline(update)
    text = to_gsm7(original)
    if latin_share(original, text) < MIN_LATIN_SHARE:
        return f"{NON_LATIN_MARK} {text}".strip()
    return text


def render_sms(update: Update, link_base: str = DEFAULT_LINK_BASE, page_link: str = "") -> str:
    """`<SEV> <agent> <event>: <headline> (<published>) <link>` in GSM-7, at most 160 characters, cut
    between words. The publication day is short ("7 Dec") when the story is fresh, whole ("published
    2023-01-27") when it reached pipewatch late. The link is the update's short or signed page link when
    there is one, else the shortest honest link."""
    c = update.classification
    link = page_link or short_link(update, link_base)
    severity = (c.severity or "low").upper()
    late = sms_date(update)
    fixed = len(link) + (len(late) + 1 if late else 0) + 2
    lead = to_gsm7(f"{severity} {subject_label(c)} {event_word(c.event_type)}:")
    if SMS_LIMIT - len(lead) - fixed < MIN_HEADLINE_ROOM and len(c.agents) > 1:
        # several agents: the first and how many more, so the headline keeps its room
        lead = to_gsm7(f"{severity} {c.agents[0]}+{len(c.agents) - 1} {event_word(c.event_type)}:")
    room = SMS_LIMIT - len(lead) - fixed
    text = fit_words(sms_headline(update), max(room, 0))
    sms = " ".join(part for part in (lead, text, late, link) if part)
    if len(sms) > SMS_LIMIT and page_link:  # a page link too long for any SMS: the shortest honest link
        return render_sms(update, link_base)
    return sms


def _words(ids: Iterable[str]) -> str:
    return ", ".join(i.replace("_", " ") for i in ids) or "-"


def render_email_subject(update: Update) -> str:
    c = update.classification
    return ascii_subject(
        f"[{(c.severity or 'low').upper()}] {subject_label(c)}: "
        f"{event_word(c.event_type)} - {headline(update)}"
    )


def render_email_body(update: Update, manage_hint: str = DEFAULT_MANAGE_HINT, page_link: str = "") -> str:
    """Plain text (SNS email has no markup): headline, source and date, indications, what changed, link,
    why it was sent, how to unsubscribe."""
    c = update.classification
    sources = [clean_line(s) for s in update.sources if clean_line(s)]
    primary = clean_line(update.source_name or update.source_id)
    lines = [
        headline(update),
        "",
        f"Source: {primary}, {when_published(update)}",
    ]
    others = [s for s in sources if s != primary]
    if others:
        lines.append(f"Also reported by: {', '.join(others)}")
    if c.tier == "landscape":
        lines.append(f"Landscape: {c.competitor}, a competitor of {_words(c.competes_with)}")
    lines += [
        f"Agents: {_words(c.agents)}",
        f"Indications: {_words(c.indications)}",
        f"Event: {event_word(c.event_type)} (severity {c.severity or 'low'})",
    ]
    if update.change:
        change = update.change
        lines.append(
            f"What changed: {clean_line(change.summary)} "
            f"({clean_line(change.field)}: "
            f"{clean_line(change.old) or '-'} -> {clean_line(change.new) or '-'})"
        )
    summary = clean_line(update.summary)
    if summary and summary != headline(update):
        lines += ["", fit_words(summary, SUMMARY_LIMIT)]
    url = clean_line(update.url)
    if url:
        lines += ["", f"Link: {url}"]
    if page_link:
        lines += ["", f"Every outlet, what changed, recent updates, and tell us if it was wrong: {page_link}"]
    lines += ["", "Why you got this:"]
    lines += [f"- {clean_line(r)}" for r in c.reasons if clean_line(r)] or ["- it matches your subscription"]
    lines += ["", clean_line(manage_hint)]
    return "\n".join(lines)


def render_alert(
    update: Update,
    *,
    link_base: str = DEFAULT_LINK_BASE,
    manage_hint: str = "",
    page_link: str = "",
    sms_link: str = "",
) -> Alert:
    """The SNS alert: the e-mail carries the signed page link, the SMS `sms_link` (the short link) when
    there is one, else the page link."""
    c = update.classification
    hint = manage_hint or (PAGE_MANAGE_HINT if page_link else DEFAULT_MANAGE_HINT)
    body = render_email_body(update, hint, page_link)
    return Alert(
        update_id=update.update_id,
        subject=render_email_subject(update),
        message=body,
        sms=render_sms(update, link_base, sms_link or page_link),
        agents=c.agents,
        indications=c.indications,
        event_type=c.event_type or "commentary",
        severity=c.severity or "low",
        tier=c.tier,
        competes_with=c.competes_with,
    )

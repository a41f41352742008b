"""Event identity: what happened, to which agent, where and in which trial, read from title and lede.

An identity holds sets so that a story's identity is the union of its outlets' (`merged`). Two identities
AGREE (`agree`) when they share an agent and an event family, no decisive part conflicts (both known and
disjoint: regulator, trial, phase, reporting period, outcome polarity, venue, and the indication for
families that concern one indication), their days are within the window, and something corroborates that
it is the same event: a common regulator, trial or period, most of the words, or the indication within a
few days with some words or the same outcome (the same day and family alone do not: two results of one
drug on one day may be two trials). An item's days are its publication day and the dates its text names.
A scholarly report (journal article, congress abstract, or the news of one) joins only a story about that
report at the same venue (`reports_apart`): the paper of results already reported is a later event.
Unknown parts never conflict. The vocabulary is in identity_vocab.py.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipewatch.domain.ingest import identity_vocab as vocab
from pipewatch.domain.ingest.words import content_words
from pipewatch.domain.text import LazyPattern
from pipewatch.domain.watch.cues import split_alternatives

LEDE_CHARS = 300
WORD_AGREEMENT = 0.5  # overlap coefficient of content words that alone corroborates one event
# A shared indication corroborates within this many days, with some words in common (INDICATION_WORDS) or
# the same outcome on both sides (other languages and market stories share no words).
INDICATION_DAYS = 3
INDICATION_WORDS = 0.25


def fold(text: str) -> str:
    """Lower case without accents (NFKD, combining marks dropped); CJK text is kept."""
    lowered = text.lower()
    if lowered.isascii():  # most headlines: nothing to decompose
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("\u2019", "'")


def _compile(patterns: tuple[str, ...]) -> LazyPattern:
    """One pattern for a list of cues, compiled on first use (the alert, page and digest Lambdas import this
    module through the store and never read an identity on a cold start: ~40 ms of compiling saved)."""
    return LazyPattern(lambda: _alternation(patterns))


def _alternation(patterns: tuple[str, ...]) -> str:
    """The alternatives that start at a word boundary share one leading `\\b`, so that inside a word (most
    positions) one test fails instead of one per cue."""
    at_word, anywhere = [], []
    for pattern in patterns:
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", pattern) if not unicodedata.combining(ch))
        # an unbalanced pattern stays whole (re.compile then says what is wrong with it)
        for alternative in split_alternatives(folded) or [folded]:
            if alternative.startswith("\\b"):
                at_word.append(alternative[2:])
            else:
                anywhere.append(alternative)
    branches = ([r"\b(?:" + "|".join(f"(?:{a})" for a in at_word) + ")"] if at_word else []) + [
        f"(?:{a})" for a in anywhere
    ]
    return "|".join(branches)


_FAMILIES = tuple((name, _compile(cues)) for name, cues in vocab.FAMILY_CUES)
# One scan that tells whether any family word occurs at all (most texts name one; many titles do not).
_ANY_FAMILY = _compile(tuple(cue for _, cues in vocab.FAMILY_CUES for cue in cues))
_PROSPECTIVE = LazyPattern(vocab.PROSPECTIVE)
_PROSPECTIVE_AFTER = LazyPattern(vocab.PROSPECTIVE_AFTER)
_REGULATORS = tuple((name, _compile(cues)) for name, cues in vocab.REGULATORS)
_JURISDICTIONS = tuple((name, _compile(cues)) for name, cues in vocab.JURISDICTIONS)
_PERIODS = tuple((name, _compile(cues)) for name, cues in vocab.PERIODS)
_PUBLICATION = _compile(vocab.PUBLICATION)
_SCHOLARLY_TITLE = _compile(vocab.SCHOLARLY_TITLE)
_VENUES = tuple((name, _compile(cues)) for name, cues in vocab.VENUES)
_ANY_VENUE = _compile(tuple(cue for _, cues in vocab.VENUES for cue in cues))
_POSITIVE = _compile(vocab.POSITIVE)
_NEGATIVE = _compile(vocab.NEGATIVE)
_NEGATED_POSITIVE = LazyPattern(vocab.NEGATED_POSITIVE)
_NCT = re.compile(r"\bnct\d{8}\b")
_PHASE = re.compile(r"\b(?:phase|fase|phase-)\s?(iii|ii|i|[123])(?:b|a)?\b")
_ROMAN = {"i": "1", "ii": "2", "iii": "3"}
# An acronym before or after a trial word: "ADAPT trial", "ADHERE study", "essai ADAPT", "Studie ADVANCE".
# Matched case-blind over text whose capitals are kept: a name counts only when written as an acronym.
_TRIAL_WORDS = "trials?|study|studies|studien?|essais?|studio|studi|estudios?"
_TRIAL_BEFORE = LazyPattern(
    rf"\b([a-z][a-z0-9]*(?:[+-][a-z0-9]+)*)\s+(?:phase\s+(?:iii|ii|i|[123])\s+)?(?:{_TRIAL_WORDS})\b",
    re.IGNORECASE,
)
_TRIAL_AFTER = LazyPattern(rf"\b(?:{_TRIAL_WORDS})\s+([a-z][a-z0-9]*(?:[+-][a-z0-9]+)*)\b", re.IGNORECASE)
_NAME_PARTS = re.compile(r"[+-]")
_MONTH = "|".join(sorted(vocab.MONTHS, key=len, reverse=True))
_DATES = (  # (pattern, order of its groups): month-day-year, day-month-year, year-month-day
    (LazyPattern(rf"\b({_MONTH})\.? (\d{{1,2}}),? (\d{{4}})\b"), "mdy"),
    (LazyPattern(rf"\b(\d{{1,2}})\.?(?: de)? ({_MONTH})\.?(?: de)? (\d{{4}})\b"), "dmy"),
    (LazyPattern(r"\b(\d{4})-(\d{2})-(\d{2})\b|(\d{4})年(\d{1,2})月(\d{1,2})日"), "ymd"),
)
# "PF-06823859 study drug", "ARGX-113": a compound's code, not a trial
_COMPOUND_CODE = re.compile(r"[a-z]{1,5}-?\d{3,}")
_WORDS = re.compile(r"\b[^\W\d_]{4,}\b")
_SENTENCE_START = re.compile(r"(^|[.!?:]\s+)$")  # a capital there starts a sentence, it names nothing


@dataclass(frozen=True)
class EventIdentity:
    """What happened, as sets: one outlet's parts, or the union of a story's outlets' (`merged`)."""

    agents: frozenset[str] = frozenset()
    families: frozenset[str] = frozenset()
    worded: bool = False  # the family was named in words (not only the classifier's label)
    regulators: frozenset[str] = frozenset()
    trials: frozenset[str] = frozenset()
    phases: frozenset[str] = frozenset()
    indications: frozenset[str] = frozenset()
    polarity: frozenset[str] = frozenset()
    periods: frozenset[str] = frozenset()
    days: frozenset[date] = frozenset()
    publication: bool = False  # a journal article or congress abstract, or the news of one
    venues: frozenset[str] = frozenset()  # "journal:NEJM", "congress:AAN"
    words: frozenset[str] = field(default=frozenset(), compare=False)

    def merged(self, other: EventIdentity) -> EventIdentity:
        return EventIdentity(
            agents=self.agents | other.agents,
            families=self.families | other.families,
            worded=self.worded or other.worded,
            regulators=self.regulators | other.regulators,
            trials=self.trials | other.trials,
            phases=self.phases | other.phases,
            indications=self.indications | other.indications,
            polarity=self.polarity | other.polarity,
            periods=self.periods | other.periods,
            days=self.days | other.days,
            publication=self.publication or other.publication,
            venues=self.venues | other.venues,
            words=self.words | other.words,
        )


def _family_in(text: str) -> str:
    if not _ANY_FAMILY.search(text):
        return ""
    for name, pattern in _FAMILIES:
        for match in pattern.finditer(text):
            before, after = text[: match.start()], text[match.end() :]
            if _PROSPECTIVE.search(before[-60:]) or _PROSPECTIVE_AFTER.search(after[:30]):
                continue  # a plan or a hope, not the event
            return name
    return ""


def family_of(title: str, lede: str = "", event_type: str | None = None) -> tuple[str, bool]:
    """The event family named in the title, else in the lede, else the classifier's label (worded=False)."""
    return _family_of_folded(fold(title), fold(lede[:LEDE_CHARS]), event_type)


def _family_of_folded(title: str, lede: str, event_type: str | None) -> tuple[str, bool]:
    for text in (title, lede):
        found = _family_in(text)
        if found:
            return found, True
    return vocab.FAMILY_BY_EVENT_TYPE.get(event_type or "", ""), False


def _named(patterns: tuple[tuple[str, LazyPattern], ...], text: str) -> frozenset[str]:
    return frozenset(name for name, pattern in patterns if pattern.search(text))


def regulators_of(text: str) -> frozenset[str]:
    return _regulators(fold(text))


def _regulators(folded: str) -> frozenset[str]:
    return _named(_REGULATORS, folded) or _named(_JURISDICTIONS, folded)


def trials_of(*texts: str) -> frozenset[str]:
    """NCT ids, and the acronyms standing next to a trial word ("ADAPT trial", "essai ADHERE", "UplighTED
    study"): written with at least two capitals before any hyphen (one inside a sentence-case text: "the
    Adapt trial"), so that ordinary words next to "trial" ("top-line trial", "study evaluating", "essai
    clinique") are no names. In a text that is all lower case (a URL slug) or all capitals (a shouted title)
    case tells nothing: only its NCT ids count."""
    names: set[str] = set()
    for text in texts:
        unaccented = _unaccented(text)
        names.update(m.upper() for m in _NCT.findall(unaccented.lower()))
        if unaccented in (unaccented.lower(), unaccented.upper()):
            continue
        capitals = 0  # read from the text only when a trial word is there
        for pattern in (_TRIAL_BEFORE, _TRIAL_AFTER):
            for match in pattern.finditer(unaccented):
                name = match.group(1)
                capitals = capitals or (1 if _sentence_case(unaccented) else 2)
                if _is_name(name, capitals) and not _SENTENCE_START.search(unaccented[: match.start(1)]):
                    names.add(name.upper())
    return frozenset(names)


def _sentence_case(text: str) -> bool:
    """Most longer words start in lower case (a lede, not a Title Case headline): there a capital inside a
    sentence marks a name ("the Adapt trial")."""
    words = _WORDS.findall(text)
    return bool(words) and sum(w[0].isupper() for w in words) * 2 < len(words)


def _is_name(name: str, capitals: int) -> bool:
    head = _NAME_PARTS.split(name)[0]
    folded = name.lower()
    if sum(ch.isupper() for ch in head) < capitals or len(name) < 4 or folded in vocab.NOT_TRIAL_NAMES:
        return False
    if _COMPOUND_CODE.fullmatch(folded):
        return False
    return capitals > 1 or not _named(_JURISDICTIONS, folded)  # "a Japanese study" names no trial


def _unaccented(text: str) -> str:
    """Accents dropped, capitals kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def dates_of(text: str) -> frozenset[date]:
    """The calendar dates a text names, in the covered languages ("April 28, 2025", "28 avril 2025",
    "28. April 2025", "28 de abril de 2025", "2025-04-28", "2025年4月28日")."""
    return _dates(fold(text))


def _dates(folded: str) -> frozenset[date]:
    found: set[date] = set()
    for pattern, order in _DATES:
        for match in pattern.finditer(folded):
            parts = [g for g in match.groups() if g is not None]
            fields = dict(zip(order, parts, strict=True))
            month = vocab.MONTHS.get(fields["m"], 0) if not fields["m"].isdigit() else int(fields["m"])
            try:
                found.add(date(int(fields["y"]), month, int(fields["d"])))
            except ValueError:
                continue  # "February 30": no date
    return frozenset(found)


def _days(day: date | None, named: frozenset[date]) -> frozenset[date]:
    """The item's own day, and the days its text names shortly before it (the event it reports happened
    then: an outlet writing a week later still names the day)."""
    if day is None:
        return named
    earliest = day - timedelta(days=vocab.NAMED_DATE_DAYS)
    return frozenset({day, *(d for d in named if earliest <= d <= day)})


def phases_of(text: str) -> frozenset[str]:
    return _phases(fold(text))


def _phases(folded: str) -> frozenset[str]:
    return frozenset(_ROMAN.get(p, p) for p in _PHASE.findall(folded))


def polarity_of(text: str) -> frozenset[str]:
    return _polarity(fold(text))


def _polarity(folded: str) -> frozenset[str]:
    negated = _NEGATED_POSITIVE.sub(" ", folded)  # "fails to meet": the miss, not a "meet"
    positive = bool(_POSITIVE.search(negated))
    negative = negated != folded or bool(_NEGATIVE.search(folded))
    if positive == negative:
        return frozenset()  # neither, or both (ambiguous): no polarity
    return frozenset({"positive" if positive else "negative"})


def identity_of(
    title: str,
    lede: str = "",
    *,
    agents: tuple[str, ...] = (),
    indications: tuple[str, ...] = (),
    event_type: str | None = None,
    day: date | None = None,
) -> EventIdentity:
    """One outlet's identity from title and lede (the classifier's agents, indications and label given)."""
    folded_title, folded_lede = fold(title), fold(lede[:LEDE_CHARS])
    family, worded = _family_of_folded(folded_title, folded_lede, event_type)
    text = f"{title} {lede[:LEDE_CHARS]}"
    folded = f"{folded_title} {folded_lede}"
    venues = _named(_VENUES, folded) if _ANY_VENUE.search(folded) else frozenset()
    scholarly = bool(_PUBLICATION.search(folded) or _SCHOLARLY_TITLE.search(folded_title))
    return EventIdentity(
        agents=frozenset(agents),
        families=frozenset({family}) if family else frozenset(),
        worded=worded,
        regulators=_regulators(folded),
        trials=trials_of(title, lede[:LEDE_CHARS]),
        phases=_phases(folded_title),
        indications=frozenset(indications),
        polarity=_polarity(folded_title) or _polarity(folded),
        periods=_named(_PERIODS, folded) if family == "financials" else frozenset(),
        days=_days(day, _dates(folded)),
        # a named journal makes it the news of a paper; a congress alone does not (results are unveiled there)
        publication=event_type == "publication" or scholarly or any(v.startswith("journal:") for v in venues),
        venues=venues,
        words=content_words(text),
    )


def _conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b and not a & b)


def _of_kind(venues: frozenset[str], kind: str) -> frozenset[str]:
    return frozenset(v for v in venues if v.startswith(kind))


def _gap(a: frozenset[date], b: frozenset[date]) -> int | None:
    if not a or not b:
        return None
    return min(abs((x - y).days) for x in a for y in b)


def conflicts(a: EventIdentity, b: EventIdentity) -> bool:
    """A decisive part known on both sides and different: another regulator, trial, phase, period, outcome,
    or (for one-indication families) another indication."""
    if _conflict(a.regulators, b.regulators) or _conflict(a.trials, b.trials):
        return True
    if _conflict(a.phases, b.phases) or _conflict(a.periods, b.periods) or _conflict(a.polarity, b.polarity):
        return True
    for kind in ("journal:", "congress:"):
        if _conflict(_of_kind(a.venues, kind), _of_kind(b.venues, kind)):
            return True
    decisive = (a.families & b.families) & vocab.INDICATION_DECISIVE
    return bool(decisive) and _conflict(a.indications, b.indications)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def reports_apart(newcomer: EventIdentity, story: EventIdentity) -> bool:
    """A scholarly report is its own event unless the story is about that report: the paper of results a
    story already carried is a later event (a paper joins results news only as their first report, or when
    the news cites it), and two reports of one trial are one only at one venue (copies join as copies)."""
    if not newcomer.publication:
        return False
    return not story.publication or not newcomer.venues & story.venues


def agree(a: EventIdentity, b: EventIdentity, *, window_days: int) -> bool:
    """Newcomer `a` reports story `b`: common agent and family, no conflicting part, not a report apart,
    within the window, and corroborated. (Not symmetric: a story's news may follow its paper, not precede.)"""
    if not a.agents & b.agents or not a.families & b.families or conflicts(a, b) or reports_apart(a, b):
        return False
    gap = _gap(a.days, b.days)
    if gap is not None and gap > window_days:
        return False
    if a.regulators & b.regulators or a.trials & b.trials or a.periods & b.periods:
        return True
    if overlap(a.words, b.words) >= WORD_AGREEMENT:
        return True
    near = gap is not None and gap <= INDICATION_DAYS
    if not (near and a.indications & b.indications):
        return False
    # Within a few days, the indication corroborates with some words in common, or with the same outcome
    # told on both sides: other languages, and market stories ("shares soar after..."), share no words.
    return overlap(a.words, b.words) >= INDICATION_WORDS or bool(a.polarity & b.polarity)

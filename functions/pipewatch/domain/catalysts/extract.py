"""Forward-looking statements in an item's title and text -> [ExtractedCatalyst].

For every date expression (windows.py) the clause that governs it decides: walking back from the date,
clause by clause, the first clause with a kind cue gives the kind and the first with a tense cue says whether
the statement looks ahead or back (cues.py). A date is dropped when it is past at the item's date, recounted
as superseded ("from Sept. 28"), a dateline or an "as of" date, about money (cash runway, forecasts) or not
tied to any catalyst kind (an investor day, a meeting's logistics).

Pure and deterministic: the item's date is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache

from pipewatch.domain.catalysts import cues, implicit_years
from pipewatch.domain.catalysts.date_patterns import MONTH_OF
from pipewatch.domain.catalysts.mentions import after, find_mentions
from pipewatch.domain.catalysts.models import CatalystKind, ExtractedCatalyst
from pipewatch.domain.catalysts.reading import clauses_back, denied, not_guidance, read
from pipewatch.domain.catalysts.vocabulary import alternation
from pipewatch.domain.catalysts.windows import FiscalYear, Mention, Reference, Window
from pipewatch.domain.watch.shared_matcher import matcher_for
from pipewatch.domain.watch.watchlist import Watchlist

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+(?=[\"“«(A-Z0-9À-Ý])|(?<=。)")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Inc|Co|Ltd|Corp|No|vs|approx|U\.S|e\.g|i\.e|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|Fig|Ph|al))\.$"
)
# "am 30. August": a German day ordinal before a month is no sentence end
_DAY_ORDINAL_END = re.compile(r"(?<![\d.])[0-3]?\d\.$")


@cache
def _month_start() -> re.Pattern[str]:
    """... nor one before a period ("im 3. Quartal", "im 2. Halbjahr"). Every month name of every language:
    compiled when a day ordinal first ends a sentence, not at import (cold start)."""
    return re.compile(
        rf"(?:{alternation(list(MONTH_OF))}|quartal|halbjahr|jahreshälfte|hälfte|woche|kalenderwoche)\b",
        re.IGNORECASE,
    )


# Chinese, Japanese and Korean put the verb after the date: "2026年上半年公布结果", "7월 내 허가"
_VERB_FINAL_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])(?:[/-]([0-3]\d))?(?=[/-]|$)")
# Other ways news sites put the day in a URL: "...-2025-10-28", "/20210525/", "nid=2025090411090868239" (an
# id that opens with the day and a time)
_URL_DAY = re.compile(r"(?<![\d])((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])\2([0-3]\d)(?:(?!\d)|(?=\d{4}))")
# (and the backtick and acute accent some feeds type for one: "à la fin de l`année 2017")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_NCT = re.compile(r"\bNCT\d{8}\b")
_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{2,}(?:[-+][A-Z0-9]+)*\+?)(?![\w-])")
_CAPITALISED_AFTER_TRIAL = re.compile(
    r"(?:programme|program|trial|study|essai|studie|studio|estudio)\s+([A-Z][a-z]{3,}[A-Za-z0-9-]*)"
)
_TRIAL_WORD = re.compile(
    r"\b(?:trials?|stud(?:y|ies)|essais?|studie|studio|estudio|program(?:me)?|phase)\b", re.I
)
_NOT_TRIALS = frozenset(
    [
        "FDA",
        "EMA",
        "BLA",
        "NDA",
        "SNDA",
        "SBLA",
        "MAA",
        "PDUFA",
        "CHMP",
        "ASCO",
        "ESMO",
        "ASH",
        "EULAR",
        "ACR",
        "AAN",
        "AANEM",
        "SLE",
        "MMN",
        "GMG",
        "CIDP",
        "ITP",
        "RMS",
        "IDMC",
        "USA",
        "NSCLC",
        "EGFR",
        "IIM",
        "IMNM",
        "ASYS",
        "TED",
        "NIU",
        "LPP",
        "RCH",
        "AVC",
        "CEST",
        "UTC",
        "CRL",
        "IND",
        "HTA",
        "TYK2",
        "JAK1",
        "JAK",
        "FCRN",
        "AMM",
        "IPO",
        "CEO",
        "CFO",
        "DSMB",
        "NHS",
        "EU",
        "ICER",
        "ORR",
        "OS",
        "PFS",
        "MG",
        "DM",
        "PM",
        "SPMS",
        "PPMS",
        "MS",
        "GD",
        "SJD",
        "THE",
        "AND",
        "FOR",
    ]
)
_INN = re.compile(
    r"(?<![\w-])([a-z]{3,}(?:mab|nib|imod|cept|xian|bart|stat|tide|vir|parib|lisib|ciclib|sertib|gliflozin|"
    r"glutide|limab|zumab|ximab|umab|citinib|tinib|prubart|fazimod|rsen|plase|kinra|ercept|exton|orexton))"
    r"(?![\w-])",
    re.IGNORECASE,
)
_CODE = re.compile(r"(?<![\w-])([A-Z]{1,5}-?\d{3,}[A-Z]?)(?![\w-])")


_NAMING_KINDS = frozenset({"generic", "codes", "brands", "other"})


def split_sentences(text: str) -> list[str]:
    """Sentences, not broken after abbreviations ("U.S.", "Dec.") or initials."""
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        head = text[start : m.start()]
        if _ABBREVIATION.search(head):
            continue
        if _DAY_ORDINAL_END.search(head) and _month_start().match(text, m.end()):
            continue
        pieces.append(head)
        start = m.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def reference_date(published: date | None, url: str = "") -> date | None:
    """The item's date, or the date in its URL path (/2018/11/ = the first of that month)."""
    if published is not None:
        return published
    m = _URL_DATE.search(url or "")
    if m is not None:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    for day in _URL_DAY.finditer(url or ""):
        try:
            return date(int(day.group(1)), int(day.group(3)), int(day.group(4)))
        except ValueError:  # eight digits that are no day ("20251399")
            continue
    return None


class Extractor:
    """Catalysts in items' text, with the watched agents (ids) they concern."""

    def __init__(self, watchlist: Watchlist) -> None:
        self._matcher = matcher_for(watchlist)
        self._fiscal = tuple(
            (
                re.compile(
                    r"(?<![^\W_])(?:" + "|".join(re.escape(n) for n in fy.names) + r")(?![^\W_])", re.I
                ),
                FiscalYear(fy.start_month, fy.named_for),
            )
            for fy in watchlist.fiscal_years
        )
        trial_terms = {t.upper() for agent in watchlist.agents for t in agent.aliases.trials}
        self._watched_trials = trial_terms
        self._names = {agent.id: agent.name for agent in watchlist.agents}

    def _fiscal_year(self, *texts: str) -> FiscalYear | None:
        joined = " ".join(texts)
        for pattern, fiscal in self._fiscal:
            if pattern.search(joined):
                return fiscal
        return None

    def extract(
        self, title: str, text: str = "", *, published: date | None = None, url: str = "", source: str = ""
    ) -> list[ExtractedCatalyst]:
        """Catalysts in the text, in order; the title is read only when the text has none (a headline
        restates its story)."""
        today = reference_date(published, url)
        page_year = None if today is not None else implicit_years.page_year(title, url)
        ref = Reference(today, self._fiscal_year(title, text, url, source), page_year)
        item_agent = self._item_agent(title, text)
        found = self._from_sentences(split_sentences(text), ref, item_agent, title)
        if not found and title:
            found = self._from_sentences(split_sentences(title), ref, item_agent, title)
        return found

    def _item_agent(self, title: str, text: str) -> str | None:
        agents = self._matcher.match(title, text).agent_ids
        return agents[0] if len(agents) == 1 else None

    def _from_sentences(
        self, sentences: Iterable[str], ref: Reference, item_agent: str | None, title: str
    ) -> list[ExtractedCatalyst]:
        out: list[ExtractedCatalyst] = []
        for sentence in sentences:
            # "d’ici la fin de l’année": typographic apostrophes read as the patterns' (one letter for one,
            # so the spans stay those of the sentence)
            plain = sentence.translate(_APOSTROPHES)
            mentions = find_mentions(plain, ref)
            if not mentions:
                continue
            drug, agent = self._drug(sentence, title, item_agent)
            trial = self._trial(sentence)
            for index, mention in enumerate(mentions):
                found = self._catalyst(plain, mentions, index, ref)
                if found is None:
                    continue
                kind, window = found
                out.append(
                    ExtractedCatalyst(
                        kind=kind,
                        drug=drug,
                        agent=agent,
                        trial=trial,
                        window_start=window.start if window else None,
                        window_end=window.end if window else None,
                        precision=window.precision if window else mention.precision,
                        sentence=sentence,
                    )
                )
        return out

    @staticmethod
    def _catalyst(
        sentence: str, mentions: list[Mention], index: int, ref: Reference
    ) -> tuple[CatalystKind, Window | None] | None:
        mention = mentions[index]
        verb_final_script = bool(_VERB_FINAL_SCRIPT.search(sentence))
        masked = cues.PROTECTED_NAMES.sub(lambda m: m.group(0).replace(" ", "_"), sentence)
        seg_start = mentions[index - 1].end if index else 0
        seg_end = mentions[index + 1].start if index + 1 < len(mentions) else len(masked)
        before, after_text = masked[seg_start : mention.start], masked[mention.end : seg_end]
        if not_guidance(mention, masked, before, after_text, verb_final=verb_final_script):
            return None
        reading = read(
            before, after_text, masked[:seg_start], verb_final=bool(_VERB_FINAL_SCRIPT.search(sentence))
        )
        # "to discuss second quarter results", "to publish its results for the third quarter": the date names
        # a reporting period, not a catalyst
        # ("fourth-quarter results in February": the period may be a date of its own, before this one)
        # ("results for the first half of 2018 on Thursday, 09 August 2018": the clause with words in it)
        lead = next(
            (
                c
                for c in reversed(cues.CLAUSE_BREAK.split(masked[max(0, mention.start - 80) : mention.start]))
                if c.strip()
            ),
            "",
        )
        period = lead + masked[mention.start : mention.end + 60]
        financial = reading.financial or bool(cues.FINANCIAL.match(period) or cues.FINANCIAL.search(period))
        if reading.kind is None or financial or reading.looks_ahead is False:
            return None
        # a denied plan: "does not expect to file in 2026"; in verb-final languages the denial follows the
        # date: "2026년 출시 계획이 없다"
        if (
            denied(clauses_back(before)[0] if before.strip() else after_text[:60])
            or (_VERB_FINAL_SCRIPT.search(sentence) and cues.NEGATED_AFTER.search(after_text[:40]))
            or cues.UNLIKELY_AFTER.match(after_text)
        ):
            return None
        window = mention.window
        beyond = cues.BEYOND_BEFORE.search(before) or (
            cues.DUTCH_AFTER_BEFORE.search(before) and cues.DUTCH_AFTER_DATE.match(masked, mention.start)
        )
        if window is not None and beyond:
            window = after(window)
        if window is not None and ref.today is not None and window.end < ref.today:
            return None  # over at the item's date: history, not guidance
        # No tense cue either way: a dated noun phrase ("Phase 3 data 2H 2026", "EU filing in 2026") states
        # a plan even on a page with no date (a recounted event says so with a verb); with no window, nothing
        # does.
        if reading.looks_ahead is None and window is None:
            return None
        return reading.kind, window

    def _drug(self, sentence: str, title: str, item_agent: str | None) -> tuple[str | None, str | None]:
        """The drug as written and the watched agent it is (None for another drug)."""
        found = self._matcher.match("", sentence)
        if found.agents:
            ev = found.agents[0]
            if ev.kind not in _NAMING_KINDS:  # a trial acronym or a sponsor+program reference names no drug
                return self._names.get(ev.target, ev.target), ev.target
            written = re.search(re.escape(ev.term), sentence, re.IGNORECASE)
            return (written.group(0) if written else ev.term), ev.target
        near = [ev for ev in found.near_misses if _INN.fullmatch(ev.term) or _CODE.fullmatch(ev.term)]
        if near:
            written = re.search(re.escape(near[0].term), sentence, re.IGNORECASE)
            return (written.group(0) if written else near[0].term), None
        other = _INN.search(sentence) or _CODE.search(sentence)
        if other is not None:
            return other.group(1), None
        if item_agent is not None:
            named = [ev for ev in self._matcher.match(title, "").agents if ev.kind in _NAMING_KINDS]
            return (named[0].term if named else self._names.get(item_agent, item_agent)), item_agent
        other = _INN.search(title) or _CODE.search(title)
        return (other.group(1) if other else None), None

    def _trial(self, sentence: str) -> str | None:
        nct = _NCT.search(sentence)
        if nct:
            return nct.group(0)
        names: list[str] = []
        for m in _ACRONYM.finditer(sentence):
            word = m.group(1)
            if word in _NOT_TRIALS or len(re.sub(r"[^A-Z]", "", word)) < 4 or word in names:
                continue
            near = sentence[max(0, m.start() - 40) : m.end() + 40]
            if word.upper() in self._watched_trials or _TRIAL_WORD.search(near) or re.search(r"[-\d]", word):
                if _CODE.fullmatch(word):
                    continue  # a drug code, not a trial
                names.append(word)
        if not names:
            m2 = _CAPITALISED_AFTER_TRIAL.search(sentence)
            return m2.group(1) if m2 else None
        return "/".join(names[:3])

"""The words that make a date a catalyst, per kind and per language, and the words that make it not one.

A kind's cue is looked for in the clause that governs the date (see extract.py); cues are ranked: a more
specific tier wins over a generic one in the same clause ("PDUFA date" over "application", "file for
approval" over "approval", "launch of the Phase 3 trial" over "launch").
"""

from __future__ import annotations

import re

from pipewatch.domain.catalysts.lexicon import ENGLISH, TIERS, Lexicon
from pipewatch.domain.catalysts.lexicon_asia import ASIAN
from pipewatch.domain.catalysts.lexicon_europe import EUROPEAN
from pipewatch.domain.catalysts.lexicon_iberian import IBERIAN
from pipewatch.domain.catalysts.models import CatalystKind


def _rx(*parts: str) -> re.Pattern[str]:
    """Cues that start at a word start; CJK and Hangul cues anywhere (those scripts do not separate words)."""
    latin = "|".join(p for p in parts if not _is_cjk(p))
    cjk = "|".join(p for p in parts if _is_cjk(p))
    alternatives = [f"(?<!\\w)(?:{latin})"] + ([f"(?:{cjk})"] if cjk else [])
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _is_cjk(part: str) -> bool:
    """By the cue's first letter: "(?:試験|治験)を開始" is CJK although it opens with a group."""
    first = next((c for c in part if c.isalpha()), "")
    return "\u2e80" <= first <= "\u9fff" or "\uac00" <= first <= "\ud7af"


# English first: its alternatives are tried first at a position ("will be presented" before "will")
LEXICONS: tuple[Lexicon, ...] = (ENGLISH, *EUROPEAN, *IBERIAN, *ASIAN)


def _joined(field: str) -> re.Pattern[str]:
    return _rx(*(part for lexicon in LEXICONS for part in getattr(lexicon, field)))


# The lexicon's cues below are the bulk of this module's regex compilation (~50-100 ms): they are compiled
# on first use (module `__getattr__`, then kept as ordinary module attributes), so a cold start that
# extracts no catalyst never pays for them. Read them as `cues.NAME` at call time, not `from cues import`.
# (kind, cue) by tier, most specific first
KIND_CUES: tuple[tuple[CatalystKind, re.Pattern[str]], ...]
# The statement looks ahead ...
FORWARD: re.Pattern[str]
# ... or looks back (a past event, or a field the registry marks ACTUAL)
PAST: re.Pattern[str]
# Money and company events: not drug catalysts whatever their date.
FINANCIAL: re.Pattern[str]
_LEXICON_FIELDS = {"FORWARD": "forward", "PAST": "past", "FINANCIAL": "financial"}


def __getattr__(name: str) -> object:
    """The lexicon cues, compiled the first time they are read (PEP 562); stored, so read once only."""
    value: object
    if name == "KIND_CUES":
        value = tuple((kind, _joined(tier)) for tier, kind in TIERS)
    elif name in _LEXICON_FIELDS:
        value = _joined(_LEXICON_FIELDS[name])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


# "does not expect to file in 2026", "no plans to start in 2026": the statement is denied. ("No later than
# June" is a deadline, not a denial.)
NEGATED = re.compile(
    r"(?<!\w)(?:not|never|no\s+plans?|won't|doesn't|don't|isn't|aren't|ne\s+\w+\s+pas|n'\w+\s+pas|nicht|keine?|"
    r"niet|geen|não)(?!\w)(?!\s+(?:later|longer|earlier|only|nur|seulement|later\s+dan|affect|impact|change|alter))|不会|不再|没有计划|しない|予定はない|"
    # Spanish and Italian "no"/"non" only before a verb of planning (alone, "no" is too many other things)
    r"(?<!\w)(?:no|non)\s+(?=(?:prevé|prevede|espera|planea|tiene|intende|pretende|è|está|si|ha|hay|c'è|ci\s+sono|"
    # a denied future or ability: "non riuscirà ad approvarlo a marzo", "no podrá lanzarlo en 2026"
    r"sarà|saranno|será|serán|potrà|potranno|podrá|podrán|riuscirà|llegará|arriverà|estará|estarán|se\s+sabe)\b)|"
    # not known whether it will happen: "aún no se sabe si ... obtener la aprobación este año"
    r"(?<!\w)(?:unclear|uncertain)\s+(?:whether|if)(?!\w)|"
    # a statement judged unlikely is no guidance: "approval in January is unlikely"
    r"(?<!\w)(?:unlikely|improbab\w*|unwahrscheinlich|peu\s+probable|poco\s+probable|improvável|onwaarschijnlijk)(?!\w)",
    re.IGNORECASE,
)
# Verb-final languages deny after the statement: "출시 계획이 없다", "発売する予定はない", "暂无上市计划"
NEGATED_AFTER = re.compile(
    r"계획[이은]?\s*없|예정[이은]?\s*없|하지\s*않|予定はな|計画はな|予定はありません|暂无|无计划|未计划|不计划|"
    # judged hard or impossible: "9월 발매는 힘들 것", "年内上市难以实现", "年内の承認は難しい"
    r"어려울|어렵|불가능|힘들|难以|无法|不太可能|難しい|困難|見送"
)

# "Earlier this year", "earlier in 2025", "late last year": a date placed behind the item's own
EARLIER_BEFORE = re.compile(r"(?:\bearlier|\bpreviously|\bplus\s+tôt|\bau\s+début\s+de\s+l'année\s+passée|"
                            r"\beerder|\bin\s+precedenza|\bzuvor|\bcon\s+anterioridad)\s+(?:in\s+|dans\s+|en\s+)?$",
                            re.IGNORECASE)  # fmt: skip

# A date recounted as no longer valid: "from Sept. 28", "instead of Q1", "et non plus au T1"
SUPERSEDED_BEFORE = re.compile(
    # "from" only after a move or set apart ("moved to Dec. 28, from Sept. 28"); elsewhere it is a start
    # ("planned from the end of 2017", "available to patients in Japan from April")
    r"(?:(?:[,(]\s*|\b(?:moved|delayed|pushed|postponed|extended|shifted|changed|revised|slipped|deferred|"
    r"rescheduled|accelerated|brought\s+forward|pulled\s+forward)\b[^.;,]{0,60}?\s)from|"
    r"\binstead\s+of|\brather\s+than|\bpreviously(?:\s+\w+){0,3}|\boriginally(?:\s+\w+){0,3}|"
    # "which were expected in 2025" (and now are not): an expectation told in the past tense
    r"\b(?:was|were|had\s+been)\s+(?:\w+\s+)?(?:expected|anticipated|planned|scheduled|guided)(?:\s+for)?|"
    # "had been expected to provide a verdict in": the expectation of an earlier day, now overtaken
    r"\bhad\s+been\s+(?:expected|anticipated|planned|scheduled|slated|due)\s+to\s+(?:[\w-]+\s+){1,5}?(?:in|on|by|at)|"
    r"\bnon\s+plus(?:\s+\w+){0,5}|\bau\s+lieu\s+d[eu']?|\bplutôt\s+qu[e']|\bin\s+plaats\s+van|\binvece\s+(?:che|di)|"
    r"\bstatt|\banstatt|\ben\s+lugar\s+de|\bem\s+vez\s+de|\bno\s+longer(?:\s+\w+){0,4}|"
    # an initial or earlier expectation, now replaced: "pushed back from an initial estimate of", "que
    # le marché attendait au", "a expectativa inicial era março", "ursprünglich für"
    r"\b(?:from\s+)?(?:an?\s+|the\s+|its\s+)?(?:initial|original|earlier|previous|prior)\s+(?:expectation|estimate|"
    r"target|timeline|guidance|plan)s?(?:\s+(?:of|for))?|\binitially(?:\s+\w+){0,3}|"
    r"\b(?:initialement|inicialmente|inizialmente|ursprünglich|aanvankelijk|oorspronkelijk)(?:\s+\w+){0,3}|"
    r"\b(?:attendions|attendait|attendaient|prévoyait|prévoyaient|prévoyions|espérait|visait|était\s+prévue?)"
    r"(?:\s+\w+){0,2}|\b(?:se\s+)?(?:esperaba|preveía|estaba\s+previst[oa])(?:\s+\w+){0,2}|"
    r"\b(?:era|erano)\s+(?:previst\w*|attes\w*|programmat\w*)(?:\s+\w+){0,2}|\bsi\s+attendeva(?:\s+\w+){0,2}|"
    r"\bexpectativa\s+inicial(?:\s+\w+){0,10}|\b(?:era|estava)\s+(?:previst\w*|esperad\w*|programad\w*)(?:\s+\w+){0,2}|"
    r"\b(?:war|waren|hatte|hatten)\s+(?:[\w-]+\s+){0,5}?(?:bis|für|zum|zur|am)|"
    r"\b(?:werd|was)\s+(?:\w+\s+){0,3}?(?:verwacht|gepland|voorzien)(?:\s+\w+)?|"
    # the same in Korean, Chinese and Japanese: "당초 올해 4분기에", "原定于", "当初は"
    r"당초(?:\s*\S+){0,3}?\s*|原(?:定|计划|预计)于?|此前预计|当初(?:は|の)?)\s*"
    r"(?:(?:in|at|for|by|en|au|im|nel|em)\s+)?(?:the\s+|le\s+|du\s+|de\s+)?$",
    re.IGNORECASE,
)

# German and Dutch put the verb last: "Die Marktzulassung soll 2023 beantragt werden", "de goedkeuring wordt
# in 2026 aangevraagd" (an approval noun before the date, the filing verb after it)
FILING_VERB_AFTER = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:beantrag\w*|eingereicht|einzureichen|aangevraagd|aan\s+te\s+vragen|ingediend|"
    r"in\s+te\s+dienen)\b",
    re.IGNORECASE,
)

# "delayed to 1H 2027 from 2H 2026": "from" right after another date is the date replaced
FROM_BETWEEN_DATES = re.compile(r"\s*from\s+(?:the\s+)?$", re.IGNORECASE)

# "as of September 30, 2025", a dateline "27 January 2023 - argenx today announced" ("prevista per il 30
# dicembre" is a schedule, not an "as of")
AS_OF_BEFORE = re.compile(
    r"(?:\bas\s+(?:of|at)|\bstand|\bdated|\bau\s+\d|"
    r"(?<!previsto\s)(?<!prevista\s)(?<!fissato\s)(?<!fissata\s)(?<!programmato\s)(?<!programmata\s)"
    r"\bper\s+(?:il|la))\s*$",
    re.IGNORECASE,
)

# A clause that states a condition, not the statement: "assuming FDA approval", "suponiendo la aprobación de
# la FDA", "sous réserve de l'approbation", "vorbehaltlich der Zulassung", "subject to regulatory approval"
CONDITION = re.compile(
    r"\s*(?:assuming|subject\s+to|pending|provided\s+(?:that\s+)?|if|upon|suponiendo|supuesta|sujet[oa]\s+a|"
    r"a\s+reserva\s+de|sous\s+réserve\s+d(?:e|u|')|en\s+supposant|si|vorbehaltlich|falls|sofern|unter\s+der\s+voraussetzung|"
    r"supponendo|qualora|nel\s+caso|en\s+caso\s+de|au\s+cas\s+où|im\s+falle|salvo|assumindo|supondo|caso|desde\s+que|mits|indien|op\s+voorwaarde)\b",
    re.IGNORECASE,
)
# What might have been, not what will be: a conditional perfect in the date's own clause ("would have
# launched in 2021", "zou het middel al in 2021 op de markt hebben kunnen lanceren", "hätte 2021 eingereicht
# werden können", "aurait pu être lancé en 2021"). ("could have data in 2026" is no perfect: a participle
# must follow.)
COUNTERFACTUAL = re.compile(
    r"\b(?:would|could|might|should)\s+have\s+(?:been|\w+ed|begun|won|brought|made|seen|gotten|got|come)\b|"
    r"\bhätten?\b|\bhebben\s+(?:kunnen|moeten|gekund)\b|\bzijn\s+geweest\b|"
    r"\baurai(?:t|ent)\s+(?:pu|dû|été)\b|\bhabría(?:n)?\s+(?:podido|sido|\w+ado|\w+ido)\b|"
    r"\bavrebbe(?:ro)?\s+(?:potuto|dovuto|\w+ato|\w+uto|\w+ito)\b|\bteria(?:m)?\s+(?:podido|sido|\w+ado|\w+ido)\b",
    re.IGNORECASE,
)
DATELINE_AFTER = re.compile(r"^\s*(?:[-–—/]|\(|:\s*[A-Z]|,?\s*/?PRNewswire|,?\s*\(?GLOBE)", re.IGNORECASE)
# "March 20: Bausch Health PDUFA for Duobrii": a calendar or list line, not a dateline (no news verb follows)
CALENDAR_LINE_AFTER = re.compile(
    r"^\s*:(?![^.]*\b(?:today|announc\w*|reported|said|says|annonce|kündigt|annuncia|anuncia)\b)",
    re.IGNORECASE,
)
# "approval in September is unlikely": judged unlikely right after the date
UNLIKELY_AFTER = re.compile(
    r"\W*(?:is|are|seems?|looks?|appears?|remains?|è|est|ist|es|é|lijkt|parece|sembra|semble|scheint)?\s*"
    r"(?:\w+\s+){0,2}?(?:unlikely|improbab\w*|unwahrscheinlich|peu\s+probable|poco\s+probable|improvável|"
    r"onwaarschijnlijk)(?!\w)",
    re.IGNORECASE,
)

BEYOND_BEFORE = re.compile(
    r"(?:\bbeyond|\bpast|\bafter|\bau-delà\s+d[eu']?|\bnach|\bmás\s+allá\s+d[el]|\boltre)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,4}?(?:of\s+|du\s+|de\s+)?$",
    re.IGNORECASE,
)
# The Dutch "na" (after) right before a date that opens with a number or an article ("na 2026", "na het derde
# kwartaal"); the Portuguese "na" ("ainda na primeira quinzena") is "in the"
DUTCH_AFTER_BEFORE = re.compile(r"\bna\s+$", re.IGNORECASE)
DUTCH_AFTER_DATE = re.compile(r"(?:\d|het\b|de\b)", re.IGNORECASE)

# Where one clause ends and another starts, for finding the cue that governs a date.
CLAUSE_BREAK = re.compile(
    r"[;,:()«»\[\]]|\s[-–—]\s|—|\b(?:and|while|whereas|but|et|mais|und|aber|e|ma|y|pero|mas|en\s+dat)\b",
    re.IGNORECASE,
)
# Names whose inner "and" is not a clause break.
PROTECTED_NAMES = re.compile(
    r"Food\s+and\s+Drug|Research\s+and\s+Development|Drug\s+and\s+Cosmetic", re.IGNORECASE
)

"""The regular expressions of every date form windows.py resolves, built from the vocabulary (one named
group set per form; `compiled()` is (form name, pattern) in the order they are tried)."""

from __future__ import annotations

import re
from functools import cache

from pipewatch.domain.catalysts import relative_dates as rd
from pipewatch.domain.catalysts import vocabulary as v

MONTH_OF: dict[str, int] = {name: number for number, names in v.MONTHS.items() for name in names}
ORDINAL_OF: dict[str, int] = {name: number for number, names in v.ORDINALS.items() for name in names}
_MONTHS = v.alternation([n for names in v.MONTHS.values() for n in names])
_ORD = v.alternation([n for names in v.ORDINALS.values() for n in names])
_REL = v.alternation(list(rd.RELATIVE_YEARS))
_SEASON = v.alternation(list(v.SEASONS))
_NUM = v.alternation(list(v.NUMBER_WORDS))
_MOD = rf"(?P<mod>(?:by\s+)?(?:{v.END})|{v.EARLY}|{v.LATE}|{v.MID})"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_YEAR_SLOT = (
    # ("à la fin de l'année 2017", "nel secondo semestre dell'anno 2026": the year word before the number)
    rf"(?:(?:(?P<cy>calendar|cy)|(?P<fy>fiscal|fy))?(?:\s+year)?\s*(?:(?:l'|dell')?(?:année|anno|año|ano|jaar)\s+)?{_YEAR}|(?P<rel>{_REL})"
    rf"|(?P<same>{v.SAME_YEAR}))"
)
_ART = r"(?:(?:the|le|la|l'|il|het|de|el|o|der|die|dem|den)\s+)?"
# "the first half (of 2015)": the year in brackets after the period
_YEAR_IN_BRACKETS = r"\s*\((?:of\s+|de\s+)?(?P<y2>(?:19|20)\d{2})\)"
_LAST = v.alternation(list(v.LAST_ORDINALS))
_LAST_QUARTER_TAIL = (
    rf"[\s-]+(?:fiscal\s+|calendar\s+)?(?:{v.QUARTER_WORDS}){v.PERIOD_LINK}\s+(?:(?:19|20)\d{{2}}|{_REL})"
)
_NOT_WORD_AFTER = r"(?![\w-])"
_CJK_REL = v.alternation(list(rd.CJK_RELATIVE_YEARS))
_CJK_REL_ALONE = v.alternation(list(rd.CJK_STANDALONE_RELATIVE_YEARS))
_REL_ALONE = v.alternation(list(rd.STANDALONE_RELATIVE_YEARS))
_REL_PERIOD = v.alternation(list(rd.RELATIVE_PERIODS))
_CJK_REL_PERIOD = v.alternation(list(rd.CJK_RELATIVE_PERIODS))
# a year written with a CJK unit ("2026年", "2026년", "2025年度": a fiscal year; the Korean press's
# "'27년", two digits after an apostrophe) or a relative year word
_CJK_NUMBERED_YEAR = r"(?:19|20)\d{2}|(?<=')[1-3]\d"
_CJK_YEAR = (
    rf"(?:(?P<y>{_CJK_NUMBERED_YEAR})\s*[年년](?P<jfy>度)?\s*|(?P<zrel>{_CJK_REL})\s*(?P<jfy2>度)?\s*)"
)
_CJK_MONTH_MOD = v.alternation(list(v.CJK_MONTH_MODIFIERS))
_CJK_YEAR_MOD = v.alternation([k for k in v.CJK_YEAR_MODIFIERS if len(k) == 1 or k[0] not in "연年"])
# "2026年Q3", "2026년 H2": a Latin quarter or half right after a CJK year
_AFTER_CJK_YEAR = r"(?:(?<=[年년度])|(?<=[年년度]\s))"
# "2026年度中に", "2026年中に" (Japanese): during the year, not mid-year
_NOT_DURING = r"(?!(?<=度)中|中[にのはまでをがも])"
# "三年内" is "within three years", not "within the year"
_NOT_COUNTED = r"(?<![一二三四五六七八九十两几数\d])"
# "delayed to 2026", "pushed back to 2027": "to" is a year's preposition only after a move (elsewhere it
# links a range, "2025 to 2026")
_MOVED_TO = "(?:" + "|".join(
    f"(?<={verb} )" for verb in ("delayed", "moved", "pushed", "back", "postponed", "slipped", "shifted",
                                 "deferred", "extended", "rescheduled", "slid")
) + ")to"  # fmt: skip

# a range's link right after a year: fixed-width lookbehinds, one per link word
_AFTER_YEAR_LINK = (
    "(?:"
    + "|".join(
        rf"(?<=\d{{4}}{link})"
        for link in (
            " or ",
            " to ",
            " and ",
            "-",
            "–",
            " ou ",
            " o ",
            " oder ",
            " bis ",
            " of ",
            " tot ",
            " e ",
            " y ",
            " à ",
        )
    )
    + ")"
)

_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)(?![\d-])"),
    # registry months: "Primary Completion (Estimated): 2026-12"
    ("iso_month", r"(?<![\d./-])(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])(?![\d./-])"),
    # 03/15/2026 (US catalyst lists), 15.03.2026 (German), 15-03-2026: the separator says which comes first
    (
        "numeric",
        r"(?<![\d./-])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)\d{2})(?![\d./-])",
    ),
    # the German short date, "den 12.01.21": two-digit day, month and year between dots
    ("numeric", r"(?<![\d./-])(?P<a>[0-3]\d)(?P<sep>\.)(?P<b>[01]\d)\.(?P<y>\d{2})(?![\d./-])"),
    ("cjk_day", rf"(?:{_CJK_YEAR})?(?P<m>1[0-2]|0?[1-9])\s*[月월]\s*(?P<d>[0-3]?\d)\s*[日号일]"),
    # "6~7月", "6월~7월": a span of months
    (
        "cjk_month_range",
        rf"(?:{_CJK_YEAR})?(?P<m>1[0-2]|0?[1-9])\s*[月월]?\s*[~～〜\-–至到]\s*(?P<m2>1[0-2]|0?[1-9])\s*[月월]",
    ),
    (
        "cjk_month",
        rf"(?:{_CJK_YEAR})?(?:오는\s*)?(?P<m>1[0-2]|0?[1-9])\s*[月월](?!\d)"
        rf"(?:\s*(?P<cmod>{_CJK_MONTH_MOD}))?",
    ),
    (
        "cjk_quarter",
        rf"(?:{_CJK_YEAR})?(?:(?:第\s*)?(?P<q>[一二三四1-4])\s*(?:季度|四半期|분기)|{_AFTER_CJK_YEAR}[Qq](?P<qq>[1-4])(?!\d))"
        # "3분기 말", "第三季度末": the end of the quarter (its last month, as "by the end of Q3")
        r"(?:\s*(?P<cmod>말|末|초|初))?",
    ),
    # "下半年", "하반기", "下期", "後半" (second half); "2026年H2"
    (
        "cjk_half",
        rf"(?:{_CJK_YEAR})?(?:(?P<h>上|下|상|하)\s*(?:半年|半期|期|반기)|(?P<jh>前|後|后)半(?:期)?"
        rf"|{_AFTER_CJK_YEAR}[Hh](?P<hh>[12])(?!\d))",
    ),
    # "2026年春", "내년 봄": a season
    # "오는 26일": the coming 26th (of this month or the next)
    # ... and "20일까지": by the 20th, a deadline in this month or the next (not a count: "최대 30일까지")
    (
        "cjk_coming_day",
        r"오는\s*(?P<d>[0-3]?\d)\s*일|(?<![\d월~\-.])(?<!최대\s)(?<!최대)(?<!약\s)(?P<d2>[1-3]?\d)\s*일(?=\s*까지)",
    ),
    # the Japanese press's two-digit years: "20年中に承認", "24年度は申請" (not a count: "10年間", "3年後")
    (
        "cjk_short_year",
        r"(?<![\d.,０-９])(?P<y>[1-3]\d)年(?:(?P<jfy>度)|(?=中|内|末|春|夏|秋|冬|上期|下期|前半|後半))",
    ),
    # "2026年3月期" (Japanese): the fiscal year that ends in March 2026; "2026财年": a fiscal year
    ("cjk_fiscal_ending", r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月期"),
    ("cjk_fiscal", r"(?P<y>(?:19|20)\d{2})\s*(?:财年|財年|회계연도)"),
    # "今秋", "来春" (Japanese, Chinese), "올 가을" (Korean): this or next year's season in one character
    (
        "cjk_season",
        rf"(?:{_CJK_YEAR}の?|(?P<zs>今|来|明|올)\s*)(?P<cseason>春|夏|秋|冬|봄|여름|가을|겨울)",
    ),
    ("cjk_relative_period", rf"(?P<cperiod>{_CJK_REL_PERIOD})"),
    (
        "cjk_mod",
        rf"(?:{_CJK_YEAR})(?:年|연)?{_NOT_DURING}(?P<cmod>{_CJK_YEAR_MOD})(?![国心期间旬])"
        r"|(?P<cmod2>연말|연초|年末|年底|年初)",
    ),
    (
        "cjk_year",
        rf"(?:(?P<y>{_CJK_NUMBERED_YEAR})\s*[年년](?P<jfy>度)?|(?P<zrel>{_CJK_REL_ALONE})(?P<jfy2>度)?|"
        rf"(?P<within>{_NOT_COUNTED}年内|연내))",
    ),
    (
        "day_month_first",
        rf"(?:(?P<mod>early|mid|late|end\s+of|by\s+the\s+end\s+of)[\s-]+)?(?:(?:monday|tuesday|wednesday|"
        rf"thursday|friday|saturday|sunday),?\s+)?(?P<mon>{_MONTHS})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
        # "Dec. 10-13": a meeting's days
        rf"(?:\s*[-–]\s*(?P<d2>[0-3]?\d)(?!\d))?(?!\d|:\d)(?:,?\s+{_YEAR}(?!\d))?",
    ),
    (
        "day_first",
        # (the year may be a relative one after the month: "bis 7. März des kommenden Jahres", "le 3 mars de
        # l'année prochaine")
        rf"(?<![\d.])(?P<d>[0-3]?\d)(?:er|\.|º)?\s+(?:de\s+)?(?P<mon>{_MONTHS})\.?"
        rf"(?:,?\s+(?:de\s+)?{_YEAR}(?!\d)|\s+(?:des|del|do|de|van)\s+(?P<rel>{_REL_ALONE})\b)?",
    ),
    (
        "week_of_month",
        rf"(?P<ord>{_ORD}|last|ultima|dernière|última|letzte)\s+(?:{v.WEEK_WORDS})\s+"
        rf"(?:(?:of|di|de|d'|du|van|do|da|del|des)\s*)?(?P<mon>{_MONTHS})\b(?:,?\s+{_YEAR}(?!\d))?",
    ),
    # "a primeira quinzena de maio", "la seconde quinzaine de mars", "the first half of May": half a month
    (
        "half_month",
        rf"(?<!\w)(?P<hm>first|second|primeira|segunda|primera|première|premiere|deuxième|seconde|prima|seconda)\s+"
        rf"(?:quinzena|quincena|quinzaine|quindicina|half)\s+(?:of\s+|de\s+|d'|du\s+|di\s+)?(?P<mon>{_MONTHS})\b"
        rf"(?:,?\s+(?:de\s+|of\s+)?{_YEAR}(?!\d))?",
    ),
    ("month_year", rf"(?:{_MOD}[\s-]+)?(?P<mon>{_MONTHS})\.?\s+(?:of\s+|de\s+|del\s+|van\s+)?{_YEAR}(?!\d)"),
    (
        "month",
        rf"(?:{_MOD}[\s-]+|(?P<prep>in|by|until|en|au\s+mois\s+de|d'ici|im|nel|a|em|no|en\s+el\s+mes\s+de|"
        rf"voor|tegen|bis|entro|para|pour|for|during|around|through|until|till|courant|vers|rond|per|verso|"
        # "as early as October", "no later than March"
        rf"as\s+early\s+as|as\s+soon\s+as|no\s+later\s+than|not\s+later\s+than|some\s*time\s+in|"
        rf"für|gegen|hasta|até|ab|from|depuis|desde|dal|vanaf|dès|a\s+partire\s+da|à\s+partir\s+d[e']|"
        rf"a\s+partir\s+de|da)\s+)(?P<mon>{_MONTHS})\b(?!\s*\d)",
    ),
    (
        "quarter",
        rf"(?:{_MOD}\s+)?{_ART}(?P<ord>{_ORD}|{_LAST}(?={_LAST_QUARTER_TAIL}))[\s-]+(?:(?P<fq>fiscal)\s+|calendar\s+)?"
        rf"(?:{v.QUARTER_WORDS})(?:{v.PERIOD_LINK}\s+{_YEAR_SLOT}|{_YEAR_IN_BRACKETS})?",
    ),
    # "3Q", "2H" with no year (the page's year): only with Q and H ("1s", "2t" are other things)
    (
        "quarter_short",
        rf"(?:{_MOD}\s+)?(?:(?:{_ART})(?P<fq>f)?(?P<ql>q|t)(?P<q>[1-4])(?:\s*(?:cy|(?P<fy>fy)))?\s*[-/']?\s*"
        rf"(?:of\s+)?(?P<y>(?:19|20)?\d{{2}})?|(?P<q2>[1-4])(?:q|t(?=\s*'?\d{{2}}))"
        rf"(?:\s*[-':]?\s*(?:of\s+)?(?P<y2>(?:19|20)?\d{{2}}))?)"
        # "Q1 next year", "2H this year": a relative year after the short form
        rf"(?:\s+(?:of\s+)?(?P<rel>{_REL_ALONE}))?" + _NOT_WORD_AFTER,
    ),
    (
        "half",
        rf"(?:{_MOD}\s+)?{_ART}(?P<ord>{_ORD})[\s-]+(?:calendar\s+|fiscal\s+)?(?:{v.HALF_WORDS})"
        rf"(?:{v.PERIOD_LINK}\s+{_YEAR_SLOT}|{_YEAR_IN_BRACKETS})?",
    ),
    (
        "half_short",
        rf"(?:{_MOD}\s+)?(?:(?:{_ART})(?P<hl>h|s)(?P<h>[12])\s*[-/']?\s*(?:of\s+)?(?P<y>(?:19|20)?\d{{2}})?"
        rf"|(?P<h2>[12])(?:h|s(?=\s*'?\d{{2}}))(?:\s*[-':]?\s*(?:of\s+)?(?P<y2>(?:19|20)?\d{{2}}))?)"
        rf"(?:\s+(?:of\s+)?(?P<rel>{_REL_ALONE}))?" + _NOT_WORD_AFTER,
    ),
    (
        "year_mod",
        rf"{_MOD}[\s-]*(?:of\s+|de\s+|d'|del\s+|van\s+|des\s+jahres\s+|des\s+|do\s+|da\s+|della\s+|"
        rf"dello\s+|di\s+|von\s+)?{_YEAR_SLOT}",
    ),
    (
        "year_end",
        r"(?P<endword>(?:by\s+)?(?:the\s+)?(?:year[\s-]end|end\s+of\s+(?:the\s+)?year|ye(?![\w-])|fin\s+d'année|"
        r"jahresende|jaareinde|fine\s+anno|fin\s+de\s+año|final\s+do\s+ano))(?:\s+(?:calendar\s+)?"
        + _YEAR
        + r")?",
    ),
    # "the first months of 2026" (early), "gli ultimi mesi del 2026" (late)
    (
        "months_of_year",
        rf"(?<!\w)(?:(?P<first>{v.FIRST_MONTHS})|{v.LAST_MONTHS})\s+{_YEAR_SLOT}",
    ),
    ("mid_year", r"(?P<midword>mid[\s-]?year|mi-année|mitte\s+des\s+jahres|metà\s+anno|mediados\s+de\s+año)"),
    (
        "later_this_year",
        # "in de rest van het jaar", "for the remainder of the year": what is left of the year
        r"(?P<later>later\s+this\s+year|later\s+in\s+the\s+year|(?:in|for|during)\s+the\s+(?:rest|remainder)\s+of\s+"
        r"(?:the|this)\s+year|in\s+de\s+rest\s+van\s+(?:het|dit)\s+jaar|(?:dans|pour)\s+le\s+reste\s+de\s+l'année|"
        r"nel\s+resto\s+dell'anno|en\s+el\s+resto\s+del\s+año|no\s+resto\s+do\s+ano|im\s+rest\s+des\s+jahres|plus\s+tard\s+cette\s+année|"
        r"plus\s+tard\s+dans\s+l'année|later\s+dit\s+jaar|later\s+in\s+het\s+jaar|dit\s+jaar\s+nog|"
        r"später\s+in\s+diesem\s+jahr|später\s+im\s+jahr|im\s+weiteren\s+jahresverlauf|"
        r"im\s+späteren\s+jahresverlauf|más\s+adelante\s+este\s+año|más\s+adelante\s+en\s+el\s+año|"
        r"a\s+lo\s+largo\s+del\s+año|ainda\s+este\s+ano|ainda\s+neste\s+ano|mais\s+tarde\s+este\s+ano|"
        r"entro\s+l'anno|entro\s+quest'anno|più\s+avanti\s+nell'anno|"
        r"nel\s+corso\s+dell'anno|dans\s+le\s+courant\s+de\s+l'année|im\s+laufe\s+des\s+jahres|"
        r"in\s+de\s+loop\s+van\s+het\s+jaar|no\s+decorrer\s+do\s+ano|en\s+el\s+transcurso\s+del\s+año|"
        r"今年晚些时候|今年稍晚|今年内晚些|올해\s*후반)",
    ),
    (
        "season",
        rf"(?:(?P<this>this|next|cet|cette|dit|deze|komende|questa|quest'|este|esta|diesen|im)\s+)?{_ART}"
        rf"(?P<season>{_SEASON})(?:\s+(?:of\s+|de\s+|del\s+|van\s+|d')?{_YEAR_SLOT}"
        # "l'été prochain", "la primavera prossima", "el otoño próximo", "o verão que vem"
        rf"|\s+(?P<next>prochain|prossim[ao]|próxim[oa]|que\s+vem|que\s+viene|volgend))?",
    ),
    (
        "fiscal_ending",
        rf"fiscal\s+year\s+end(?:ing|ed)\s+(?P<mon>{_MONTHS})\.?\s+(?P<d>[0-3]?\d),?\s+{_YEAR}",
    ),
    ("fiscal", r"(?<![\w-])(?:fy|fiscal\s+year|fiscal)\s*'?(?P<y>(?:19|20)\d{2}|\d{2})(?!\d)"),
    (
        "year",
        rf"(?<![\w-])(?:{v.YEAR_PREPOSITIONS}|{_MOVED_TO})\s+(?:the\s+)?(?:year\s+)?(?:(?P<cy>cy)\s*)?{_YEAR}"
        r"(?![\w-])",
    ),
    # "repoussée de 2025 à 2026", "verschoben von 2025 auf 2026", "aplazada de 2025 a 2026": moved to the 2nd
    (
        "year_moved",
        r"(?<!\w)(?:décal|report|repouss|retard|verschob|verschoben|uitgesteld|verschoven|rinviat|posticipat|slittat|"
        r"aplazad|retrasad|pospuest|adiad|postergad)\w*\s+(?:\w+\s+)?(?:de|von|van|dal|da|desde|del)\s+"
        rf"(?:19|20)\d{{2}}\s+(?:à|a|au|al|ao|para|auf|naar|nach|tot)\s+{_YEAR}(?![\w-])",
    ),
    # the German and Dutch verb after: "von 2025 auf 2026 verschoben", "van 2025 naar 2026 uitgesteld"
    (
        "year_moved_after",
        rf"(?<!\w)(?:von|van)\s+(?:19|20)\d{{2}}\s+(?:auf|naar|tot)\s+{_YEAR}(?=\s+(?:verschoben|verlegt|uitgesteld|verschoven))",
    ),
    ("cy", r"(?<![\w-])cy\s*'?(?P<y>(?:19|20)\d{2})(?![\w-])"),
    # "2026: EU launch": a calendar or list line headed by a year
    ("year_label", r"(?<![\w.,/-])(?P<y>(?:19|20)\d{2})(?=\s*:\s)"),
    # the second year of "in 2026 or 2027", "2026-2027", "2026 bis 2027" (find_mentions merges the range)
    ("year_after_link", _AFTER_YEAR_LINK + r"(?P<y>(?:19|20)\d{2})(?![\w-])"),
    # "eyeing a 2027 launch", "its 2026 filing": a year that qualifies the noun after it
    ("year_attributive", rf"(?<![\w-])(?:an?|its|their|our)\s+{_YEAR}(?=\s+[A-Za-z])"),
    (
        "relative_year",
        rf"(?P<rel>{_REL_ALONE})(?![\w'])|(?P<same>{v.SAME_YEAR})",
    ),
    (
        "relative_period",
        # "the coming month", not "the coming months" (a vague horizon, not a window)
        rf"(?P<rperiod>{_REL_PERIOD})(?![\w-])",
    ),
    (
        "within",
        rf"(?:within(?:\s+the)?(?:\s+next)?|in\s+the\s+next|over\s+the\s+next|during\s+the\s+next|dans\s+les(?:\s+prochains)?|sous|"
        rf"au\s+cours\s+des\s+prochains|innerhalb\s+(?:von|der\s+nächsten)|in\s+den\s+nächsten|"
        rf"en\s+un\s+plazo\s+de|en\s+los\s+próximos|entro|nei\s+prossimi|binnen|in\s+de\s+komende|"
        rf"nos\s+próximos|dentro\s+de)\s+(?P<n>\d{{1,3}}|{_NUM})\s+(?P<unit>days|day|weeks|week|months|month|jours|"
        rf"semaines|mois|tagen|wochen|monaten|días|semanas|meses|giorni|settimane|mesi|dagen|weken|maanden|"
        rf"dias)\b",
    ),
)


@cache
def compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(form name, pattern) in the order they are tried; compiled on the first date search, not at import
    (a poll whose items name no date, and every Lambda that only reads the calendar, never pays for it)."""
    return tuple(
        (name, re.compile(rx if name.startswith("cjk_") else rf"(?<!\w){rx}", re.IGNORECASE))
        for name, rx in _PATTERNS
    )

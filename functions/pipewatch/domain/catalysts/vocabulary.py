"""The words date expressions are made of, per language (EN, FR, NL, IT, DE, ES, PT; ZH, JA and KO write
dates with numbers and unit characters: their year and modifier words are the CJK_* tables, their forms are
in date_patterns.py). Kept apart from the parser so adding a language is a vocabulary edit.

Every value is a regex alternation fragment, matched case-insensitively.
"""

from __future__ import annotations

import re

# month number -> spellings (full names and the abbreviations seen in news copy, with optional dot)
MONTHS: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "janvier",
        "janv",
        "januari",
        "gennaio",
        "januar",
        "jänner",
        "enero",
        "janeiro",
        "jan",
    ),
    2: (
        "february",
        "feb",
        "février",
        "fevrier",
        "févr",
        "februari",
        "febbraio",
        "februar",
        "febrero",
        "fevereiro",
        "fev",
    ),
    3: ("march", "mar", "mars", "maart", "marzo", "märz", "marz", "março", "marco"),
    4: ("april", "apr", "avril", "aprile", "abril", "avr"),
    5: ("may", "mai", "mei", "maggio", "mayo", "maio"),
    6: ("june", "jun", "juin", "juni", "giugno", "junio", "junho"),
    7: ("july", "jul", "juillet", "juil", "juli", "luglio", "julio", "julho"),
    8: ("august", "aug", "août", "aout", "augustus", "agosto", "ago"),
    9: ("september", "sept", "sep", "septembre", "settembre", "septiembre", "setiembre", "setembro", "set"),
    10: ("october", "oct", "octobre", "oktober", "ottobre", "octubre", "outubro", "out", "okt"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: (
        "december",
        "dec",
        "décembre",
        "decembre",
        "déc",
        "dicembre",
        "dezember",
        "diciembre",
        "dezembro",
        "dez",
        "dic",
    ),
}

# Short forms that are also ordinary words: only accepted with a day or a year next to them.
AMBIGUOUS_MONTHS = frozenset({"may", "mar", "set", "out", "mai", "ago"})

ORDINALS: dict[int, tuple[str, ...]] = {
    1: (
        "first",
        "1st",
        "premier",
        "première",
        "premiere",
        "1er",
        "1re",
        "eerste",
        "primo",
        "prima",
        "ersten",
        "erste",
        "erstes",
        "primer",
        "primero",
        "primera",
        "primeiro",
        "1º",
        "1°",
    ),
    2: (
        "second",
        "2nd",
        "deuxième",
        "deuxieme",
        "2ème",
        "2eme",
        "2e",
        "seconde",
        "tweede",
        "secondo",
        "seconda",
        "zweiten",
        "zweite",
        "zweites",
        "segundo",
        "segunda",
        "2º",
        "2°",
    ),
    3: (
        "third",
        "3rd",
        "troisième",
        "troisieme",
        "3ème",
        "3eme",
        "3e",
        "derde",
        "terzo",
        "dritten",
        "dritte",
        "drittes",
        "tercer",
        "tercero",
        "tercera",
        "terceiro",
        "terceira",
        "terza",
        "3º",
        "3°",
    ),
    4: (
        "fourth",
        "4th",
        "quatrième",
        "quatrieme",
        "4ème",
        "4eme",
        "4e",
        "vierde",
        "quarto",
        "vierten",
        "vierte",
        "viertes",
        "cuarto",
        "cuarta",
        "quarta",
        "4º",
        "4°",
    ),
}

QUARTER_WORDS = r"quarter|trimestre|kwartaal|quartal"
HALF_WORDS = r"half|semestre|helft|jaarhelft|metà|meta|jahreshälfte|halbjahr|mitad|metade"
# between an ordinal period and its year: "of", "de", "van"...; optional "calendar/fiscal year"
PERIOD_LINK = r"(?:\s+(?:of|de|del|della|des|du|van|het|do|da|des\s+jahres|of\s+the))?"

# Phrases that place a window inside a period. Values: early / mid / late / end.
EARLY = (
    r"early|early\s+in|beginning\s+of|the\s+beginning\s+of|start\s+of|the\s+start\s+of|"
    r"début|debut|au\s+début\s+d[eu']?|début\s+d[eu']?|begin|in\s+het\s+begin\s+van|"
    r"inizio|all'inizio\s+del|inizio\s+del|anfang|zu\s+beginn|"
    r"principios\s+de|comienzos\s+de|inicios\s+de|início\s+de|inicio\s+de"
)
MID = (
    r"mid|mid-|middle\s+of|the\s+middle\s+of|mi-|mi|midden|medio|halverwege|metà|mitte|mediados\s+de|"
    r"meados\s+de"
)
LATE = r"late|late\s+in|later\s+in|fin\s+de\s+l'automne"
END = (
    r"end\s+of|the\s+end\s+of|end-|by\s+the\s+end\s+of|by\s+end\s+of|by\s+end-|year-end|"
    r"fin|fin\s+d[eu']?|à\s+la\s+fin\s+d[eu']?|la\s+fin\s+d[eu']?|eind|einde\s+van|"
    r"fine|fine\s+del|entro\s+la\s+fine\s+del|ende|bis\s+ende|"
    r"finales\s+de|a\s+finales\s+de|final\s+de|fim\s+de|fim|no\s+final\s+de|até\s+o\s+final\s+de|até\s+o\s+fim\s+de|"
    r"até\s+o\s+fim|entro\s+la\s+fine\s+di|bis\s+zum\s+ende|einde|tegen\s+het\s+einde\s+van|"
    r"avant\s+la\s+fin\s+d[eu']?|antes\s+de\s+finales\s+de|antes\s+do\s+fim\s+de"
)

# season -> (first month, last month); winter runs into the next year
SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 5),
    "printemps": (3, 5),
    "voorjaar": (3, 5),
    "lente": (3, 5),
    "primavera": (3, 5),
    "frühjahr": (3, 5),
    "frühling": (3, 5),
    "summer": (6, 8),
    "été": (6, 8),
    "zomer": (6, 8),
    "estate": (6, 8),
    "sommer": (6, 8),
    "verano": (6, 8),
    "verão": (6, 8),
    "fall": (9, 11),
    "autumn": (9, 11),
    "automne": (9, 11),
    "najaar": (9, 11),
    "herfst": (9, 11),
    "autunno": (9, 11),
    "herbst": (9, 11),
    "otoño": (9, 11),
    "outono": (9, 11),
}

# "this year" / "next year" and the like: value = years ahead of the reference date
RELATIVE_YEARS: dict[str, int] = {
    "this year": 0,
    "this calendar year": 0,
    "the year": 0,
    "the current year": 0,
    "cette année": 0,
    "l'année": 0,
    "dit jaar": 0,
    "het jaar": 0,
    "quest'anno": 0,
    "l'anno": 0,
    "dieses jahres": 0,
    "diesem jahr": 0,
    "dieses jahr": 0,
    "des jahres": 0,
    "este año": 0,
    "el año": 0,
    "año": 0,
    "este ano": 0,
    "o ano": 0,
    "ano": 0,
    "next year": 1,
    "l'année prochaine": 1,
    "l'an prochain": 1,
    "volgend jaar": 1,
    "l'anno prossimo": 1,
    "il prossimo anno": 1,
    "prossimo anno": 1,
    "nächstes jahr": 1,
    "nächsten jahres": 1,
    "im nächsten jahr": 1,
    "el próximo año": 1,
    "el año que viene": 1,
    "próximo año": 1,
    "próximo ano": 1,
    "o próximo ano": 1,
    "ano que vem": 1,
    "last year": -1,
    "l'année dernière": -1,
    "vorig jaar": -1,
    "l'anno scorso": -1,
    "letztes jahr": -1,
    "el año pasado": -1,
    "o ano passado": -1,
    # the genitive and prepositional forms ("end of this year", "begin volgend jaar", "fim deste ano")
    "deste ano": 0,
    "do ano": 0,
    "do próximo ano": 1,
    "do ano que vem": 1,
    "no ano que vem": 1,
    "de este año": 0,
    "del año": 0,
    "del próximo año": 1,
    "del año próximo": 1,
    "del año que viene": 1,
    "di quest'anno": 0,
    "dell'anno": 0,
    "dell'anno in corso": 0,
    "dell'anno prossimo": 1,
    "del prossimo anno": 1,
    "de cette année": 0,
    "de l'année": 0,
    "de l'année prochaine": 1,
    "de l'an prochain": 1,
    "van dit jaar": 0,
    "van volgend jaar": 1,
    "kommenden jahres": 1,
    "kommendes jahr": 1,
    "im kommenden jahr": 1,
    "of this year": 0,
    "of next year": 1,
}

# "in the second half of the same year": the year last named before it in the same text
SAME_YEAR = (
    r"the\s+same\s+year|that\s+same\s+year|del\s+mismo\s+año|el\s+mismo\s+año|dello\s+stesso\s+anno|"
    r"de\s+la\s+même\s+année|la\s+même\s+année|desselben\s+jahres|im\s+selben\s+jahr|do\s+mesmo\s+ano|"
    r"van\s+hetzelfde\s+jaar"
)

# Korean, Japanese and Chinese: year words (value = years ahead) and the words that place a window in a
# year or a month (early / mid / late / end).
CJK_RELATIVE_YEARS: dict[str, int] = {
    "今年": 0,
    "本年": 0,
    "明年": 1,
    "来年": 1,
    "翌年": 1,
    "올해": 0,
    "금년": 0,
    "내년": 1,
    "이듬해": 1,
    "작년": -1,
    "去年": -1,
    "昨年": -1,
}
CJK_YEAR_MODIFIERS: dict[str, str] = {
    "초": "early",
    "연초": "early",
    "年初": "early",
    "初": "early",
    "중반": "mid",
    "年中": "mid",
    "中": "mid",
    "말": "end",
    "연말": "end",
    "年末": "end",
    "年底": "end",
    "底": "end",
    "末": "end",
}
CJK_MONTH_MODIFIERS: dict[str, str] = {
    "초": "early",
    "초순": "early",
    "상순": "early",
    "初旬": "early",
    "上旬": "early",
    "初": "early",
    "중순": "mid",
    "中旬": "mid",
    "말": "end",
    "하순": "late",
    "下旬": "late",
    "末": "end",
    "底": "end",
    "내": "end",
}
WEEK_WORDS = r"week|semaine|semana|settimana|woche|week"

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}

# Words that, directly before a bare year, make it a time reference ("in 2026", "en 2026", "nel 2026")
YEAR_PREPOSITIONS = (
    r"in|during|for|by|throughout|until|in\s+calendar\s+year|in\s+calendar|calendar\s+year|calendar|en|dans|"
    r"au\s+cours\s+de|courant|d'ici|im|im\s+jahr|im\s+laufe\s+des\s+jahres|bis|nel|nell'anno|entro\s+il|"
    r"durante|em|no\s+ano\s+de|até|para|pour|voor|tegen|fiscal|fiscal\s+year|in\s+fiscal\s+year|anno|für|"
    r"nel\s+corso\s+del|a\s+lo\s+largo\s+de|tijdens|ao\s+longo\s+de|dans\s+le\s+courant\s+de|"
    r"within"
)


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """Longest first, so "sept" wins over "sep" and "early in" over "early"."""
    escaped = {re.escape(w).replace(r"\ ", r"\s+") for w in words}
    return "|".join(sorted(escaped, key=len, reverse=True))

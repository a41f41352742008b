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
        "ene",
        "janeiro",
        "gen",
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
        "fév",
        "febr",
    ),
    3: ("march", "mar", "mars", "maart", "mrt", "marzo", "märz", "marz", "mär", "março", "marco"),
    4: ("april", "apr", "avril", "aprile", "abril", "avr", "abr"),
    5: ("may", "mai", "mei", "maggio", "mag", "mayo", "maio"),
    6: ("june", "jun", "juin", "juni", "giugno", "giu", "junio", "junho"),
    7: ("july", "jul", "juillet", "juil", "juli", "luglio", "lug", "julio", "julho"),
    8: ("august", "aug", "août", "aout", "augustus", "agosto", "ago"),
    9: ("september", "sept", "sep", "septembre", "settembre", "septiembre", "setiembre", "setembro", "set"),
    10: ("october", "oct", "octobre", "oktober", "ottobre", "octubre", "outubro", "out", "okt", "ott"),
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
AMBIGUOUS_MONTHS = frozenset({"may", "mar", "set", "out", "mai", "ago", "gen", "mag", "ene", "marco", "abr"})

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
        "1ª",
        "1.º",
        "1o",
        "1e",
        "1.",
        "front",
        "i",
        "1ro",
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
        "2ª",
        "2.º",
        "2o",
        "2.",
        "ii",
        "2do",
        "back",
        "latter",
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
        "3er",
        "3ª",
        "3.º",
        "3o",
        "3.",
        "iii",
        "3ro",
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
        "4ª",
        "4.º",
        "4o",
        "4.",
        "iv",
        "4to",
    ),
}

QUARTER_WORDS = r"quarter|trimestre|kwartaal|quartals?|vierteljahr(?:es)?"
# "the last quarter of 2026", "au dernier trimestre de cette année": the fourth, but only with its year after
# it ("last quarter" alone is the one before)
LAST_ORDINALS = ("last", "final", "dernier", "ultimo", "último", "letzten", "letzte", "laatste")
HALF_WORDS = (
    r"half|semestre|helft|jaarhelft|halfjaar|metà|meta|jahreshälfte|halbjahr(?:e?s)?|hälfte|mitad|metade|moitié|"
    r"semester|six\s+months|sei\s+mesi|six\s+mois|seis\s+meses|sechs\s+monate(?:n)?|zes\s+maanden"
)
# between an ordinal period and its year: "of", "de", "van"...; optional "calendar/fiscal year"
# "the fourth quarter of its fiscal year 2026": a possessive between the link and the year
PERIOD_LINK = (
    r"(?:\s+(?:of|de|del|della|dello|di|des|du|van|het|do|da|des\s+jahres|of\s+the|von)"
    r"(?:\s+(?:its|their|our|the\s+company's))?)?"
)

# Phrases that place a window inside a period. Values: early / mid / late / end.
EARLY = (
    r"early|early\s+in|beginning\s+of|the\s+beginning\s+of|start\s+of|the\s+start\s+of|"
    r"début|debut|au\s+début\s+d[eu']?|début\s+d[eu']?|begin|in\s+het\s+begin\s+van|"
    r"inizio|all'inizio\s+del|inizio\s+del|anfang|zu\s+beginn|"
    r"principios\s+de|comienzos\s+de|inicios\s+de|início\s+de|inicio\s+de|começo\s+de|"
    r"início\s+d[oa]|no\s+início\s+d[oa]|começo\s+d[oa]|principios|comienzos|inicios|a\s+principios\s+del|"
    r"all'inizio\s+dell'|agli\s+inizi\s+del|zu\s+beginn\s+des|anfang\s+des|dès\s+le\s+début\s+d[eu']?|"
    # the Italian "ai primi di dicembre", "agli inizi di marzo", "all'inizio di aprile" (early in the month)
    r"ai\s+primi\s+di|agli\s+inizi\s+di|all'inizio\s+di|inizio\s+di"
)
# "the first months of 2026", "nei primi mesi del 2026", "in den ersten Monaten des Jahres 2026" (early), and
# "the last months of 2026", "negli ultimi mesi del 2026" (late): a pattern of their own (date_patterns.py),
# not modifiers of every form, which would slow every other pattern
FIRST_MONTHS = (
    r"first\s+(?:few\s+)?months\s+of|premiers\s+mois\s+d[eu']?|primi\s+mesi\s+del|primeros\s+meses\s+de|"
    r"primeiros\s+meses\s+de|ersten\s+monaten(?:\s+des\s+jahres)?|eerste\s+maanden\s+van"
)
LAST_MONTHS = (
    r"(?:last|final)\s+(?:few\s+)?months\s+of|derniers\s+mois\s+d[eu']?|ultimi\s+mesi\s+del|últimos\s+meses\s+de|"
    r"letzten\s+monaten(?:\s+des\s+jahres)?|laatste\s+maanden\s+van"
)
MID = (
    r"mid|mid-|middle\s+of|the\s+middle\s+of|mi-|mi|midden|medio|halverwege|metà|mitte|mediados\s+de|"
    r"meados\s+de|meados\s+d[oa]|mediados|a\s+mediados\s+del|milieu\s+d[eu']?|au\s+milieu\s+d[eu']?|midden\s+van|a\s+metà|mitte\s+des|"
    # the Dutch "half maart", "half 2026" (mid-)
    r"half"
)
LATE = r"late|late\s+in|later\s+in|fin\s+de\s+l'automne|tardo|laat\s+in|later\s+in\s+het"
END = (
    r"end\s+of|the\s+end\s+of|end-|by\s+the\s+end\s+of|by\s+end\s+of|by\s+end-|year-end|the\s+close\s+of|"
    r"fin|fin\s+d[eu']?|à\s+la\s+fin\s+d[eu']?|la\s+fin\s+d[eu']?|eind|einde\s+van|"
    r"fine|fine\s+del|entro\s+la\s+fine\s+del|ende|bis\s+ende|"
    r"finales\s+de|a\s+finales\s+de|final\s+de|fim\s+de|fim|no\s+final\s+de|até\s+o\s+final\s+de|até\s+o\s+fim\s+de|"
    r"até\s+o\s+fim|entro\s+la\s+fine\s+di|bis\s+zum\s+ende|einde|tegen\s+het\s+einde\s+van|"
    r"avant\s+la\s+fin\s+d[eu']?|antes\s+de\s+finales\s+de|antes\s+do\s+fim\s+de|"
    r"finales|a\s+finales\s+del|final\s+del|final\s+da|fim\s+da|"
    r"ende\s+des|bis\s+ende\s+des|spätestens\s+ende|fim\s+do|final\s+do|no\s+final\s+do|"
    r"alla\s+fine\s+del|fine\s+dell'|eind\s+van|à\s+la\s+fin\s+de\s+l'|"
    # "by the conclusion of 2025"; the Italian "alla fine di aprile" (a month: "del" is a year's)
    r"by\s+the\s+conclusion\s+of|the\s+conclusion\s+of|alla\s+fine\s+di|fine\s+di"
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

# "in the second half of the same year": the year last named before it in the same text
SAME_YEAR = (
    r"the\s+same\s+year|that\s+same\s+year|del\s+mismo\s+año|el\s+mismo\s+año|dello\s+stesso\s+anno|"
    r"de\s+la\s+même\s+année|la\s+même\s+année|desselben\s+jahres|im\s+selben\s+jahr|do\s+mesmo\s+ano|"
    r"van\s+hetzelfde\s+jaar"
)

# Korean, Japanese and Chinese: the words that place a window in a year or a month (early / mid / late / end)
# (their relative year words are in relative_dates.py)
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
    "半ば": "mid",
    "中頃": "mid",
    "初め": "early",
    "初頭": "early",
    "초반": "early",
    "후반": "late",
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
    # the same counts in the other languages ("nei prossimi sei mesi", "dans les six mois")
    "deux": 2, "trois": 3, "douze": 12, "dix-huit": 18,
    "twee": 2, "drie": 3, "zes": 6, "twaalf": 12, "achttien": 18,
    "due": 2, "tre": 3, "sei": 6, "dodici": 12, "diciotto": 18,
    "zwei": 2, "drei": 3, "sechs": 6, "zwölf": 12, "achtzehn": 18,
    "dos": 2, "tres": 3, "seis": 6, "doce": 12, "dieciocho": 18,
    "dois": 2, "duas": 2, "três": 3, "doze": 12, "dezoito": 18,
    "eighteen": 18, "twenty-four": 24,
}  # fmt: skip

# Words that, directly before a bare year, make it a time reference ("in 2026", "en 2026", "nel 2026")
YEAR_PREPOSITIONS = (
    r"in|during|for|by|throughout|until|in\s+calendar\s+year|in\s+calendar|calendar\s+year|calendar|en|dans|"
    r"au\s+cours\s+de|courant|d'ici|im|im\s+jahr|im\s+laufe\s+des\s+jahres|bis|nel|nell'anno|entro\s+il|"
    r"durante|em|no\s+ano\s+de|até|para|pour|voor|tegen|fiscal|fiscal\s+year|in\s+fiscal\s+year|anno|für|"
    r"nel\s+corso\s+del|a\s+lo\s+largo\s+de|tijdens|ao\s+longo\s+de|dans\s+le\s+courant\s+de|"
    r"within|in\s+the\s+course\s+of|over\s+the\s+course\s+of|sometime\s+in|some\s+time\s+in|"
    r"at\s+some\s+point\s+in|no\s+later\s+than|not\s+later\s+than|as\s+early\s+as|as\s+soon\s+as|around|"
    r"au\s+plus\s+tard\s+en|dès|vers|pour\s+l'année|in\s+de\s+loop\s+van|uiterlijk\s+in|uiterlijk|rond|"
    r"nel\s+corso\s+dell'anno|per\s+il|verso\s+il|a\s+partire\s+dal|spätestens|bis\s+spätestens|"
    r"im\s+laufe\s+von|im\s+verlauf\s+des\s+jahres|hasta|a\s+más\s+tardar\s+en|en\s+el\s+transcurso\s+de|"
    r"de\s+cara\s+a|en\s+el\s+año|no\s+decorrer\s+de|no\s+máximo\s+em|ainda\s+em|"
    # German puts the year straight after the modal: "soll 2026 auf den Markt kommen", "dürfte 2026
    # entscheiden"
    r"soll|sollen|sollte|sollten|dürfte|dürften|könnte|könnten|wird|werden|will|wollen"
)


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """Longest first, so "sept" wins over "sep" and "early in" over "early"; words of one length in
    alphabetical order, so the pattern is the same text in every process (a set's order is not: it varies
    with the string hash seed), as the build's precompiled patterns need (pipewatch.regex_table)."""
    escaped = {re.escape(w).replace(r"\ ", r"\s+") for w in words}
    return "|".join(sorted(escaped, key=lambda word: (-len(word), word)))

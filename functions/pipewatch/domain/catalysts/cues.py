"""The words that make a date a catalyst, per kind and per language, and the words that make it not one.

A kind's cue is looked for in the clause that governs the date (see extract.py); cues are ranked: a more
specific tier wins over a generic one in the same clause ("PDUFA date" over "application", "file for
approval" over "approval", "launch of the Phase 3 trial" over "launch").
"""

from __future__ import annotations

import re

from pipewatch.domain.catalysts.models import CatalystKind


def _rx(*parts: str) -> re.Pattern[str]:
    """Cues that start at a word start; CJK cues anywhere (those scripts do not separate words)."""
    latin = "|".join(p for p in parts if not _is_cjk(p))
    cjk = "|".join(p for p in parts if _is_cjk(p))
    alternatives = [f"(?<!\\w)(?:{latin})"] + ([f"(?:{cjk})"] if cjk else [])
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _is_cjk(part: str) -> bool:
    return "\u2e80" <= part[:1] <= "\u9fff"


_TRIAL = (
    r"(?:trials?|stud(?:y|ies)|program(?:me)?s?|essais?|études?|etudes?|studie[ns]?|studio|studi|estudios?|"
    r"ensaios?|phase\s*(?:iii|ii|3|2|1|iib|2b|2/3|ii/iii))"
)

# (kind, cue) by tier, most specific first
KIND_CUES: tuple[tuple[CatalystKind, re.Pattern[str]], ...] = (
    (
        "enrollment_complete",
        _rx(
            r"fully\s+enrolled",
            r"full\s+(?:enrol?lment|recruitment)",
            r"(?:complete|completed|completing|completion\s+of|finish|finishing)\s+(?:patient\s+)?(?:enrol?lment|recruitment|dosing)",
            r"(?:enrol?lment|recruitment)\b[^.;]{0,40}?\b(?:complet(?:e|ed|ion)|finish\w*|close[sd]?)\b",
            r"last\s+patient\s+(?:in|enrolled|randomi[sz]ed)",
            r"fin\s+du\s+recrutement",
            r"(?:concluir|completar|terminar|finalizar|completare|terminare|concludere|abschließen|abschliessen|"
            r"afronden|achever|terminer|boucler|finaliser)\s+(?:(?:o|a|el|la|l'|le|de|die|den|het)\s*)?"
            r"(?:recrutamento|reclutamiento|recrutement|arruolamento|rekrutierung|patientenrekrutierung|"
            r"inclusie|inscrição|inscripción|reclutamento)",
            r"recrutement\s+complet",
            r"volledig\s+gerekruteerd",
            r"arruolamento\s+complet",
            r"rekrutierung\s+abgeschlossen",
            r"reclutamiento\s+complet",
            r"recrutamento\s+complet",
            r"入组完成|完成入组",
        ),
    ),
    (
        "trial_completion",
        _rx(
            r"(?:primary\s+)?completion\s+date",
            r"study\s+completion",
            r"primary\s+completion",
            r"complete\s+the\s+(?:study|trial)",
            r"(?:expected|anticipated|scheduled|planned|estimated|due|set)\s+to\s+(?:be\s+)?complet(?:e|ed)\b"
            r"(?!\s+(?:the\s+|its\s+)?(?:enrol|recruit|dosing|submission|filing|rolling|enrollment))",
            rf"{_TRIAL}[^.;]{{0,60}}?\b(?:to\s+complete|to\s+conclude|completion)\b(?!\s+(?:of\s+)?(?:enrol|recruit))",
            # "the study is expected to enroll 240 patients and complete in 2028", "projected to finish in"
            rf"{_TRIAL}[^.;]{{0,100}}?\b(?:complete|conclude|finish)(?:s|es)?\b"
            r"(?!\s+(?:the\s+|its\s+)?(?:enrol|recruit|dosing|submission|filing|rolling))",
            r"date\s+d'achèvement",
            r"fecha\s+de\s+finalización",
        ),
    ),
    (
        "trial_start",
        _rx(
            rf"(?:initiat\w*|start\w*|begin\w*|began|commenc\w*|launch\w*|kick\s*off)\b[^.;]{{0,60}}?{_TRIAL}",
            rf"{_TRIAL}[^.;]{{0,80}}?\b(?:initiat\w*|to\s+start|to\s+begin|begin|start|commenc\w*)",
            r"(?:enrol?lment|dosing|recruitment)\s+(?:is\s+|are\s+)?(?:\w+\s+){0,3}(?:to\s+)?(?:begin|start|commence|initiate)",
            r"(?:begin|start|initiate|commence)\s+(?:patient\s+)?(?:enrol?lment|dosing|recruitment)",
            r"(?:enrol?lment|recruitment|dosing)\b[^.;]{0,60}?\b(?:to\s+)?(?:begin|start|commence)",
            r"(?:expected|planned|scheduled|set|on\s+track|poised)\s+to\s+(?:begin|start|commence|initiate)",
            r"first\s+patient\s+(?:dosed|in|enrolled|randomi[sz]ed)",
            r"initiation\s+of",
            r"pourra\s+(?:donc\s+)?commencer",
            r"démarrage|lancement\s+(?:de\s+l'|d'un\s+|du\s+)?(?:essai|étude)",
            r"start\s+van\s+de|beginnen\s+met",
            r"avvio\s+(?:dello|di|del)",
            r"beginn\s+der|starten",
            r"inicio\s+del\s+(?:ensayo|estudio)",
            r"início\s+do\s+(?:ensaio|estudo)",
            r"启动|开始入组",
        ),
    ),
    (
        "decision",
        _rx(
            r"pdufa",
            r"(?:target\s+)?action\s+date",
            r"goal\s+date",
            r"decision",
            r"chmp\s+opinion",
            r"(?:positive\s+)?opinion\s+from\s+the\s+chmp",
            r"(?:extend\w*|prolong\w*)\s+(?:the\s+|its\s+)?review",
            r"review\s+(?:process\s+)?(?:will\s+)?(?:\w+\s+){0,2}extend",
            r"décision",
            r"beslissing|besluit",
            r"decisione|data\s+limite",
            r"entscheidung",
            r"decisión",
            r"decisão",
            r"批准决定|审批决定",
        ),
    ),
    (
        "congress",
        _rx(
            r"(?:will\s+)?present(?:ed|ing|ation)?\b[^.;]{0,160}?\b(?:congress|meeting|session|conference|symposium|poster|oral|abstract|lba\d*|late[\s-]breaking)",
            r"(?:will|to)\s+present\b",
            r"(?:will\s+be|to\s+be|are\s+to\s+be|is\s+to\s+be)\s+presented",
            r"(?:oral|poster|late[\s-]breaking)\s+(?:presentation|abstract)",
            r"présent\w*\s+(?:lors|au|à)\s+(?:du|la|l')?\s*(?:congrès|réunion)",
            r"gepresenteerd|presentati\s+al|präsentiert|presentados?\s+en|apresentados?\s+no",
        ),
    ),
    (
        "filing",
        _rx(
            r"(?:file|filed|filing|files)\b(?!\s+(?:date|number))",
            r"submi(?:t|ts|tted|tting|ssion)",
            r"(?:bla|nda|maa|snda|sbla|ind)\s+submission",
            r"regulatory\s+submission",
            r"soumettre|soumission|dépôt|déposer",
            r"demande\s+d'(?:autorisation|amm)",
            r"indienen|indiening",
            r"presentare\s+(?:la\s+)?domanda|sottomissione|deposito",
            r"einreich\w*",
            r"presentar\s+(?:la\s+)?solicitud|solicitud\s+de\s+autorización",
            r"solicitar\s+(?:a\s+)?aprova\w*|submeter|submissão",
            r"(?:seek|seeking|apply\s+for|request|requesting)\s+(?:\w+\s+){0,2}(?:approval|authori[sz]ation)",
            # an application validated or accepted (EMA validation of an MAA, FDA acceptance of a BLA)
            r"(?:application|submission|filing|maa|nda|bla|snda|sbla)\b[^.;]{0,60}?\b(?:validat\w*|accept\w*)",
            r"(?:validation|acceptance)\s+of\s+(?:the\s+|its\s+|our\s+)?(?:\w+\s+){0,3}"
            r"(?:application|submission|filing|maa|nda|bla|snda|sbla)\b",
            # "to ask Chinese authorities to approve efgartigimod": a request for approval is a filing
            r"ask\w*\s+(?:\w+\s+){0,3}(?:to\s+approve|for\s+(?:\w+\s+)?(?:approval|authori[sz]ation))",
            r"demander\s+(?:l'|une\s+)?(?:autorisation|approbation)|beantragen|solicitar\s+la\s+aprobación",
            r"提交|递交|申报",
        ),
    ),
    (
        "readout",
        _rx(
            r"read\s*out",
            r"readouts?",
            r"top[\s-]?line",
            r"results?",
            r"data(?!\s+(?:cut|base))",
            r"résultats?|données",
            r"resultaten|gegevens",
            r"risultati|dati",
            r"ergebnisse|daten",
            r"resultados|datos|dados",
            r"结果|数据",
        ),
    ),
    (
        "launch",
        _rx(
            r"launch\w*",
            r"commerciali[sz]\w*",
            r"commercialisatie|lancering|lancement|lancio|markteinführung|lanzamiento|lançamento",
            r"上市",
            r"(?:market|commercial)\s+availability",
        ),
    ),
    (
        "decision",
        _rx(
            r"approv\w*",
            r"autorisation|goedkeuring|approvazione|zulassung|aprobación|aprovação",
            r"获批|批准",
            r"nod",
        ),
    ),
    (
        "other",
        _rx(
            r"(?:guidance|feedback|alignment|meeting|interaction|discussion)s?\s+(?:\w+\s+){0,3}(?:with|from)\s+(?:the\s+)?(?:fda|ema|pmda|regulator\w*|agency)",
            r"end[\s-]of[\s-]phase\s*(?:2|ii)\s+meeting",
            r"type\s+[abc]\s+meeting",
            r"advisory\s+committee",
        ),
    ),
)

# The statement looks ahead ...
FORWARD = _rx(
    # first, and ending after the participle: "will be presented", "to be fully enrolled" look ahead
    r"(?:will|shall|would|to)\s+be\s+(?:\w+\s+)?\w+",
    r"to\s+(?:seek|file|submit|launch|begin|start|report|present|initiate|complete|apply|read\s+out)\b",
    r"expect\w*",
    r"anticipat\w*",
    r"will",
    r"shall",
    r"plan(?:s|ned|ning)?",
    r"on\s+track",
    r"schedul\w*",
    r"target\w*",
    r"intend\w*|intention",
    r"guid(?:e|ed|ance)",
    r"estimated?",
    r"project(?:ed|s|ion)",
    r"aim\w*",
    r"goal",
    r"due",
    r"slated",
    r"set\s+(?:for|to)",
    r"likely",
    r"potential(?:ly)?",
    r"upcoming",
    r"prepar(?:ing|ations?)\s+for",
    r"timetable|timeline",
    r"(?:moved|extended|pushed|delayed|postponed|prolonged)\s+(?:\w+\s+){0,12}?to\b",
    r"beyond",
    r"would",
    r"to\s+be\s+(?:held|presented|reported|announced|submitted|filed)",
    r"pdufa",
    r"attendu\w*|prévu\w*|prévoi\w*|planifié\w*|pourra|devrai\w*|devant|d'ici|sera|seront|vise|objectif|"
    r"désormais",
    r"verwacht\w*|gepland|op\s+schema|zal|zullen",
    r"previst\w*|attes[oiae]|prorogat\w*|entro|sarà|saranno|dovrebbe|prevede",
    r"erwartet|geplant|voraussichtlich|soll|sollen|wird|werden",
    r"espera\w*|prevé|planea\w*|será|serán|previsto",
    r"planej\w*|prevê|deverá|deve|serão",
    r"预计|计划|将|有望|预期",
)

# ... or looks back (a past event, or a field the registry marks ACTUAL)
PAST = _rx(
    r"(?:was|were|had\s+been|has\s+been)\s+(?:\w+\s+){0,2}(?:presented|held|reported|announced|approved|completed|"
    r"submitted|filed|launched|published)",
    r"reported",
    r"announced\s+(?:positive|topline|results|data)",
    r"held",
    r"presented|unveiled|showed|posted|approved|accepted|granted|cleared",
    r"launched|initiated|started|began|submitted|filed|dosed|enrolled|released|issued|published",
    r"(?:hit|met|missed)\s+(?:its|the|both)",
    r"won|received|obtained|achieved",
    r"actual",
    r"completed",
    r"ago",
    r"présentés?|annoncés?\s+(?:le|en)|ont\s+été|a\s+été",
    r"werden\s+(?:vorgestellt|präsentiert)|wurde",
    r"fueron|foram|sono\s+stati|zijn\s+gepresenteerd",
)

# Money and company events: not drug catalysts whatever their date.
FINANCIAL = _rx(
    r"cash",
    r"runway",
    r"fund\s+(?:our\s+|its\s+)?operat\w*",
    r"operating\s+(?:expenses|plan)",
    r"forecast",
    r"revenues?",
    r"net\s+(?:loss|income|sales)",
    r"earnings\s+(?:call|release|report)",
    r"financial\s+(?:results|guidance|statements)",
    r"(?:quarter|full[\s-]year|annual|half[\s-]year|interim)\s+(?:\d{4}\s+)?(?:financial\s+)?(?:results|report)",
    r"investor\s+(?:day|event|conference)",
    r"conference\s+call|webcast|fireside",
    r"dividend|repurchase|buyback",
    r"profitab\w*",
    r"trésorerie|liquidités|chiffre\s+d'affaires|prévisions\s+financières",
    r"kasmiddelen|omzet",
    r"liquidità|ricavi",
    r"liquidität|umsatz|prognose",
    r"ingresos|tesorería",
    r"caixa|receita",
    r"现金|营收",
)

# "Earlier this year", "earlier in 2025", "late last year": a date placed behind the item's own
EARLIER_BEFORE = re.compile(r"(?:\bearlier|\bpreviously|\bplus\s+tôt|\bau\s+début\s+de\s+l'année\s+passée|"
                            r"\beerder|\bin\s+precedenza|\bzuvor|\bcon\s+anterioridad)\s+(?:in\s+|dans\s+|en\s+)?$",
                            re.IGNORECASE)  # fmt: skip

# A date recounted as no longer valid: "from Sept. 28", "instead of Q1", "et non plus au T1"
SUPERSEDED_BEFORE = re.compile(
    r"(?:\bfrom|\binstead\s+of|\brather\s+than|\bpreviously(?:\s+\w+){0,3}|\boriginally(?:\s+\w+){0,3}|"
    # "which were expected in 2025" (and now are not): an expectation told in the past tense
    r"\b(?:was|were|had\s+been)\s+(?:\w+\s+)?(?:expected|anticipated|planned|scheduled|guided)(?:\s+for)?|"
    r"\bnon\s+plus(?:\s+\w+){0,5}|\bau\s+lieu\s+d[eu']?|\bplutôt\s+qu[e']|\bin\s+plaats\s+van|\binvece\s+(?:che|di)|"
    r"\bstatt|\banstatt|\ben\s+lugar\s+de|\bem\s+vez\s+de|\bno\s+longer(?:\s+\w+){0,4})\s*"
    r"(?:(?:in|at|for|by|en|au|im|nel|em)\s+)?(?:the\s+|le\s+|du\s+|de\s+)?$",
    re.IGNORECASE,
)

# "as of September 30, 2025", a dateline "27 January 2023 - argenx today announced"
AS_OF_BEFORE = re.compile(
    r"(?:\bas\s+(?:of|at)|\bstand|\bdated|\bau\s+\d|\bper\s+(?:il|la))\s*$", re.IGNORECASE
)
DATELINE_AFTER = re.compile(r"^\s*(?:[-–—/]|\(|:\s*[A-Z]|,?\s*/?PRNewswire|,?\s*\(?GLOBE)", re.IGNORECASE)
BEYOND_BEFORE = re.compile(
    r"(?:\bbeyond|\bpast|\bafter|\bau-delà\s+d[eu']?|\bnach|\bmás\s+allá\s+d[el]|\boltre|\bna)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,4}?(?:of\s+|du\s+|de\s+)?$",
    re.IGNORECASE,
)

# Where one clause ends and another starts, for finding the cue that governs a date.
CLAUSE_BREAK = re.compile(
    r"[;,:()«»\[\]]|\s[-–—]\s|—|\b(?:and|while|whereas|but|et|mais|und|aber|e|ma|y|pero|mas|en\s+dat)\b",
    re.IGNORECASE,
)
# Names whose inner "and" is not a clause break.
PROTECTED_NAMES = re.compile(
    r"Food\s+and\s+Drug|Research\s+and\s+Development|Drug\s+and\s+Cosmetic", re.IGNORECASE
)

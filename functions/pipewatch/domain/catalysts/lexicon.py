"""The words of catalysts, one table per language: for each kind, the cues that name it, and the words that
say a statement looks ahead, looks back or is about money. cues.py joins the tables into the patterns the
extractor reads; adding a language or a phrasing is an edit of one table.

Every entry is a regex fragment matched case-insensitively: Latin-script cues from a word start (write
`\\w*` in front of a German compound's tail), CJK and Hangul cues anywhere (those scripts do not separate
words). The kind tiers are ranked (TIERS): a more specific tier wins over a generic one in the same clause
("PDUFA date" over "application", "file for approval" over "approval", "launch of the trial" over "launch").
"""

from __future__ import annotations

from dataclasses import dataclass

from pipewatch.domain.catalysts.models import CatalystKind


@dataclass(frozen=True)
class Lexicon:
    """One language's catalyst words (regex fragments)."""

    filing_begins: tuple[str, ...] = ()  # a filing that "begins" (rolling submission): not a trial start
    enrollment_complete: tuple[str, ...] = ()
    trial_completion: tuple[str, ...] = ()
    trial_start: tuple[str, ...] = ()
    decision: tuple[str, ...] = ()  # a decision named as such: PDUFA date, CHMP opinion, "decision"
    congress: tuple[str, ...] = ()
    filing: tuple[str, ...] = ()
    readout: tuple[str, ...] = ()
    launch: tuple[str, ...] = ()
    approval: tuple[str, ...] = ()  # the bare word "approval": a decision, ranked below launch and filing
    application: tuple[str, ...] = ()  # an application named bare ("an NDA in 1H26"): a filing, ranked last
    other: tuple[str, ...] = ()  # regulator meetings and guidance
    forward: tuple[str, ...] = ()  # the statement looks ahead
    past: tuple[str, ...] = ()  # ... or recounts
    financial: tuple[str, ...] = ()  # money and reporting periods: never a drug catalyst


# (tier, kind), most specific first
TIERS: tuple[tuple[str, CatalystKind], ...] = (
    ("filing_begins", "filing"),
    ("enrollment_complete", "enrollment_complete"),
    ("trial_completion", "trial_completion"),
    ("trial_start", "trial_start"),
    ("decision", "decision"),
    ("congress", "congress"),
    ("filing", "filing"),
    # a meeting with the regulator outranks the data it discusses ("discuss the data with the FDA at an
    # end-of-phase 2 meeting in Q3")
    ("other", "other"),
    ("readout", "readout"),
    ("launch", "launch"),
    ("approval", "decision"),
    ("application", "filing"),
)

# "trial", "study", "phase 3" in the Latin-script languages (used inside English and European cues)
TRIAL = (
    r"(?:trials?|stud(?:y|ies)|program(?:me)?s?|essais?|études?|etudes?|studie[ns]?|studio|studi|estudios?|"
    r"ensaios?|testes|sperimentazion[ei]|proef|onderzoek|phase\s*(?:iii|ii|3|2|1|iib|2b|2/3|ii/iii))"
)

# "autorización de comercialización", "autorizzazione alla commercializzazione": the marketing authorisation
# (an approval) is no launch; put in front of every launch cue on "commerciali..."
NOT_AN_AUTHORISATION = (
    r"(?<!autorización de )(?<!autorização de )(?<!autorizzazione alla )(?<!autorizzazione di )"
    r"(?<!autorisation de )"
)

# A regulator as the subject of "approve" makes the statement a decision, whatever application is named
# before it: "the FDA could approve X in 2020", "la FDA pudiera aprobar", "die Behörde könnte zulassen"
REGULATOR = (
    r"(?:fda|ema|agency|regulators?|commission|pmda|nmpa|mhra|anvisa|aifa|agencia|agenzia|agence|agentur|"
    r"behörde|autoriteiten|autoridades|autorità)"
)


def regulator_approves(*verbs: str) -> str:
    """The cue for a regulator (optionally with a modal or two between) followed by one of `verbs`."""
    return rf"{REGULATOR}\s+(?:[\w']+\s+){{0,3}}?(?:{'|'.join(verbs)})\b"


ENGLISH = Lexicon(
    filing_begins=(
        r"rolling\s+(?:\w+\s+)?(?:submission|filing|bla|nda|maa|review)",
        r"(?:submission|filing)s?\s+(?:is|are)\s+(?:\w+\s+){0,2}to\s+(?:begin|start|commence)",
    ),
    enrollment_complete=(
        r"fully\s+(?:enrol\w*|recruit\w*|accru\w*|randomi[sz]\w*)",
        r"(?:final|last)\s+(?:patient|participant|subject)s?\s+(?:\w+\s+){0,4}?(?:enrolled|randomi[sz]ed|recruited|dosed)",
        r"full\s+(?:enrol?lment|recruitment)",
        r"(?:complete|completed|completing|completion\s+of|finish|finishing)\s+(?:patient\s+)?"
        r"(?:enrol?lment|recruitment|dosing)",
        r"(?:enrol?lment|recruitment|accrual)\b[^.;]{0,50}?\b(?:complet(?:e|ed|ion)|finish\w*|close[sd]?|"
        r"conclu\w*|reached|wrap\w*\s+up)\b",
        # "finish enrolling patients", "complete randomizing"
        r"(?:complet|finish|conclud)\w*\s+(?:the\s+)?(?:enrol?ling|recruiting|randomi[sz]ing|accrual|"
        r"randomi[sz]ation)",
        r"randomi[sz]ation\b[^.;]{0,40}?\bcomplet\w*",
        r"reach\w*\s+(?:\w+\s+){0,3}?(?:enrol?lment|recruitment|accrual)\s+(?:target|goal)|target\s+enrol?lment",
        # "complete the enrollment of the Phase 3 trial", "close enrollment"
        r"(?:complet\w*|finish\w*|conclud\w*|clos\w*)\s+(?:the\s+|its\s+|our\s+)?(?:\w+\s+){0,2}?"
        r"(?:enrol?lment|recruitment|accrual)",
        r"(?:enrol\w*|randomi[sz]\w*|recruit\w*)\s+(?:the\s+|its\s+)?(?:final|last)\s+(?:patient|participant|subject)",
        r"last\s+patient\s+(?:in|enrolled|randomi[sz]ed|dosed|first\s+visit)",
        # clinical-operations milestones in pipeline tables: LPI (last patient in)
        r"lpi\b",
        # "the last patient is expected to be randomized": the verb a few words on
        r"last\s+(?:patient|participant|subject)s?\s+(?:is\s+|are\s+|will\s+be\s+|to\s+be\s+)?(?:\w+\s+){0,3}?"
        r"(?:enrolled|randomi[sz]ed|recruited|screened)",
        r"(?:enrol?lment|recruitment|accrual)\s+(?:\w+\s+){0,3}(?:wrap\s+up|conclude)",
        # "the remaining 700 patients are expected to be enrolled by December"
        r"remaining\s+(?:[\d,]+\s+)?(?:patients|participants|subjects)\s+(?:\w+\s+){0,4}?"
        r"(?:enrolled|randomi[sz]ed|recruited)",
    ),
    trial_completion=(
        r"(?:primary\s+)?completion\s+date",
        r"study\s+completion",
        r"primary\s+completion",
        r"complete\s+the\s+(?:study|trial)",
        r"last\s+(?:patient|participant|subject)\s+(?:out|last\s+visit)|study\s+close[\s-]?out",
        r"lpo\b|lplv\b",
        r"(?:expected|anticipated|scheduled|planned|estimated|due|set)\s+to\s+(?:be\s+)?complet(?:e|ed)\b"
        r"(?!\s+(?:the\s+|its\s+)?(?:enrol|recruit|dosing|submission|filing|rolling|enrollment))",
        rf"{TRIAL}[^.;]{{0,60}}?\b(?:to\s+complete|to\s+conclude|completion)\b(?!\s+(?:of\s+)?(?:enrol|recruit))",
        # "the study is expected to enroll 240 patients and complete in 2028", "projected to finish in"
        rf"{TRIAL}[^.;]{{0,100}}?\b(?:complete|conclude|finish|wrap\s+up)(?:s|es)?\b"
        r"(?!\s+(?:the\s+|its\s+)?(?:enrol|recruit|dosing|submission|filing|rolling))",
    ),
    trial_start=(
        # "a rolling BLA submission is planned to begin": the thing that begins is a filing (see FILING_FIRST)
        rf"(?:initiat\w*|start\w*|begin\w*|began|commenc\w*|launch\w*|kick\s*off)\b[^.;]{{0,60}}?{TRIAL}",
        rf"{TRIAL}[^.;]{{0,80}}?\b(?:initiat\w*|to\s+start|to\s+begin|begin|start|commenc\w*)",
        r"(?:enrol?lment|dosing|recruitment)\s+(?:is\s+|are\s+)?(?:\w+\s+){0,3}(?:to\s+)?"
        r"(?:begin|start|commence|initiate)",
        r"(?:begin|start|initiate|commence)\s+(?:patient\s+)?(?:enrol?lment|dosing|recruitment)",
        r"(?:enrol?lment|recruitment|dosing)\b[^.;]{0,60}?\b(?:to\s+)?(?:begin|start|commence)",
        r"(?:expected|planned|scheduled|set|on\s+track|poised)\s+to\s+(?:begin|start|commence|initiate)",
        r"first\s+(?:patients?|participants?|subjects?)\s+(?:dosed|dosing|in|enrolled|randomi[sz]ed|treated|"
        r"screened|visit)",
        r"(?:dose|dosing|treat\w*|enrol\w*|randomi[sz]\w*)\s+(?:of\s+)?(?:the\s+|its\s+)?first\s+(?:patients?|subjects?)",
        r"first[\s-]in[\s-]human",
        r"fpi\b|fpfv\b",
        r"initiation\s+of",
        r"(?:study|trial)\s+start",
        # "plans to advance VK-2735 into a phase III trial in the third quarter"
        rf"advanc\w*\s+(?:[\w/,-]+\s+){{0,8}}?into\s+(?:a\s+|the\s+|its\s+)?(?:\w+\s+){{0,2}}?{TRIAL}",
    ),
    decision=(
        r"pdufa",
        r"(?:target\s+)?action\s+date",
        r"goal\s+date",
        r"review\s+deadline",
        # ("the decision to delay the filing" is the company's choice, not the regulator's)
        r"decision(?!\s+to\s)",
        r"chmp\s+opinion",
        r"verdict|complet\w*\s+(?:its|the)\s+review|review\s+(?:is\s+|will\s+be\s+)?(?:\w+\s+)?complet\w*",
        r"(?:positive\s+)?opinion\s+from\s+the\s+chmp",
        r"(?:extend\w*|prolong\w*)\s+(?:the\s+|its\s+)?review",
        r"review\s+(?:process\s+)?(?:will\s+)?(?:\w+\s+){0,2}extend",
        r"chmp\s+(?:recommendation|vote|verdict)",
        # a payer's decision: "a NICE recommendation", "reimbursement decision in Germany"
        r"reimburse\w*|(?:coverage|pricing)\s+decision|nice\s+(?:recommendation|decision|appraisal)|g-ba",
        r"(?:regulatory|marketing\s+authori[sz]ation)\s+(?:action|verdict|ruling)",
        r"(?:fda|ema|regulatory)\s+(?:action|verdict|ruling)",
        regulator_approves("approve", "decide", "rule"),
    ),
    congress=(
        r"(?:will\s+)?present(?:ed|ing|ation)?\b[^.;]{0,160}?\b(?:congress|meeting|session|conference|symposium|"
        r"poster|oral|abstract|lba\d*|late[\s-]breaking)",
        r"(?:will|to)\s+present\b",
        r"(?:will\s+be|to\s+be|are\s+to\s+be|is\s+to\s+be|being)\s+presented",
        # "at a medical meeting later this year" (a meeting named alone is logistics: "ACR Convergence will
        # take place")
        r"(?:medical|scientific|upcoming|future|major|international)\s+(?:meeting|conference|congress|forum)",
        r"(?:presentation|session|poster|abstract)\s+(?:date|time|number|no\.|#)|keynote|plenary|lba\d*\b",
        r"(?:oral|poster|late[\s-]breaking)\s+(?:presentation|abstract|session)",
        # something shown "at" a medical meeting named by its usual name: "data at ASCO 2026" (the meeting as
        # the subject is logistics: "The 2026 ASCO Annual Meeting (May 29-June 2) features 7,000 abstracts")
        r"\bat\s+(?:the\s+)?(?:20\d{2}\s+)?(?:asco|esmo|eular|easl|aasld|ectrims|sabcs|wclc|aacr|ecco|ctad|eha|croi|ddw|"
        r"ash\s+(?:20\d{2}|annual)|acr\s+convergence|aan\s+(?:20\d{2}|annual))(?![\w-])",
        # the short names that are also words or other acronyms, only in capitals: "at ASH in December"
        r"\bat\s+(?:the\s+)?(?-i:ASH|AAN|ADA|EASD|ESC|AHA|ACC|ATS|ERS|AAD|EADV|ISTH|UEGW|ACG)(?![\w-])",
        # "data will be featured at ESMO", "to share results at the ACR Convergence"
        # ("the American Diabetes Association's Scientific Sessions": a possessive inside the name)
        r"(?:featur|showcas|shar|unveil|highlight|discuss|report)\w*\s+(?:[\w-]+\s+){0,6}?at\s+(?:the\s+|an?\s+)?"
        r"(?:[\w'’-]+\s+){0,6}?(?:congress|annual\s+meeting|scientific\s+sessions|symposium|conference|"
        r"convergence|summit|world\s+congress)",
    ),
    filing=(
        r"(?:file|filed|filings?|files)\b(?!\s+(?:date|number))",
        r"submi(?:t|ts|tted|tting|ssion)",
        r"(?:bla|nda|maa|snda|sbla|ind)\s+submission",
        r"regulatory\s+submission",
        r"(?:seek|seeking|pursue|pursuing|apply\s+for|request|requesting)\s+(?:\w+\s+){0,2}(?:approval|authori[sz]ation)",
        # an application validated or accepted (EMA validation of an MAA, FDA acceptance of a BLA)
        r"(?:application|submission|filing|maa|nda|bla|snda|sbla)\b[^.;]{0,60}?\b(?:validat\w*|accept\w*)",
        r"(?:validation|acceptance)\s+of\s+(?:the\s+|its\s+|our\s+)?(?:\w+\s+){0,3}"
        r"(?:application|submission|filing|maa|nda|bla|snda|sbla)\b",
        # "to ask Chinese authorities to approve efgartigimod": a request for approval is a filing
        r"ask\w*\s+(?:\w+\s+){0,3}(?:to\s+approve|for\s+(?:\w+\s+)?(?:approval|authori[sz]ation|green\s+light|nod|go-ahead))",
        r"marketing\s+(?:authori[sz]ation\s+)?application",
        r"(?:nda|bla|maa|ind|cta)\s+(?:filing|application)",
        r"(?:biologics\s+license|new\s+drug|marketing\s+authori[sz]ation)\s+application|dossier",
    ),
    readout=(
        r"read\s*out",
        r"readouts?",
        r"top[\s-]?line",
        r"results?",
        r"data(?!\s+(?:cut|base))",
        r"findings",
        r"(?:interim|primary|final|futility|full|complete|detailed|topline)\s+analys[ie]s",
        r"primary\s+endpoint|efficacy\s+read",
        r"unblind\w*",
    ),
    launch=(
        r"launch\w*",
        rf"{NOT_AN_AUTHORISATION}commerciali[sz]\w*",
        r"(?:market|commercial)\s+availability",
        # "bring X to (the) market", "on the market in"
        r"bring\w*\s+(?:[\w-]+\s+){1,12}?to\s+(?:the\s+)?market",
        r"to\s+(?:the\s+)?market\b",
        r"roll[\s-]?out",
        r"market\s+(?:entry|introduction)|first\s+(?:commercial\s+)?sales",
        r"(?:become|be|go)\s+(?:commercially\s+)?available",
        r"(?:hit|reach|enter)\w*\s+(?:the\s+)?(?:pharmacy\s+|store\s+|u\.s\.\s+|us\s+|eu\s+)?(?:market|shelves|pharmacies)|"
        r"market\s+debut",
        r"(?:u\.s\.|us|eu|european|commercial|global|first)\s+(?:market\s+)?(?:roll[\s-]?out|introduction)",
        r"available\s+(?:to|for)\s+patients",
    ),
    # "an NDA in 1H26", "its EU application in 2026" (an acronym in brackets only glosses a name)
    application=(
        r"(?:an?|the|its|our|their)\s+(?:[\w-]+\s+){0,2}?(?:s?bla|s?nda|j-?nda|maa|mah|cta|application)\b",
    ),
    approval=(
        r"approv\w*",
        r"nod",
        r"green[\s-]light|go[\s-]ahead|clearance|thumbs[\s-]up|label\s+expansion",
        r"(?:marketing\s+)?authori[sz]ation",
    ),
    other=(
        r"(?:guidance|feedback|alignment|meeting|interaction|discussion|dialogue|consultation)s?\s+(?:\w+\s+){0,3}"
        r"(?:with|from)\s+(?:the\s+)?(?:u\.s\.\s+)?(?:fda|ema|pmda|nmpa|mhra|regulator\w*|agency|health\s+authorit\w*)",
        r"(?:discuss|meet|engage|consult|align)\w*\s+(?:\w+\s+){0,4}?with\s+(?:the\s+)?(?:u\.s\.\s+)?"
        r"(?:fda|ema|pmda|nmpa|mhra|regulators?|agency|health\s+authorit\w*)",
        r"regulatory\s+(?:feedback|guidance|alignment|clarity|input|interactions?|meetings?|update|path(?:way)?\s+update)",
        # "FDA feedback on the design", "written minutes from the FDA"
        r"(?:fda|ema|pmda|agency)\s+(?:feedback|input|guidance|minutes)|minutes\s+(?:\w+\s+){0,2}from\s+(?:the\s+)?(?:fda|ema|agency)",
        r"(?:fda|ema|agency|regulator)(?:'s|’s)?\s+(?:feedback|guidance|input|response|minutes|views?)",
        # the same in the other Latin-script languages: "feedback de la FDA", "Rückmeldung der FDA"
        r"(?:feedback|riscontro|indicazioni|orientations?|rückmeldung|respuesta|retorno|parecer|terugkoppeling)\s+"
        r"(?:\w+\s+){0,2}(?:de\s+la|de\s+l'|dalla|della|der|da|de|van\s+de)\s+(?:fda|ema|aifa|anvisa|behörde|"
        r"agencia|agência|agence|agenzia)",
        r"meeting\s+minutes|type[\s-]+[abcd][\s-]+meeting",
        r"pre-?(?:bla|nda|ind|maa|cta|submission)[\s-]+meeting|scientific\s+advice|eop2[\s-]+meeting",
        r"end[\s-]of[\s-]phase\s*(?:2|ii)\s+meeting",
        r"type\s+[abc]\s+meeting",
        r"advisory\s+committee",
    ),
    forward=(
        # first, and ending after the participle: "will be presented", "to be fully enrolled" look ahead
        r"(?:will|shall|would|to|could|might|may|should|can)\s+be\s+(?:\w+\s+)?\w+",
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
        # a hedged statement still looks ahead: "an FDA filing could come in 2027"
        r"could|might",
        r"to\s+be\s+(?:held|presented|reported|announced|submitted|filed)",
        r"pdufa",
        r"on\s+schedule|poised|remains?\s+on\s+track|is\s+to|are\s+to|going\s+to",
        r"eye(?:s|ing)|hope[sd]?\s+to|look\w*\s+(?:forward\s+)?to|seek\w*\s+to",
        r"forthcoming|pending|next|coming|future|no\s+later\s+than|as\s+early\s+as",
        r"(?:for|as)\s+(?:an?\s+)?(?:oral\s+|poster\s+|late[\s-]breaking\s+)?presentation",
        r"(?:should|may|can)\s+(?:\w+\s+)?\w+",
    ),
    past=(
        r"(?:was|were|had\s+been|has\s+been)\s+(?:\w+\s+){0,2}(?:presented|held|reported|announced|approved|"
        r"completed|submitted|filed|launched|published)",
        r"reported",
        r"announced\s+(?:positive|topline|results|data)",
        # "the meeting was held" recounts; "the congress held in June" names when a future one meets
        r"held(?!\s+(?:in|on|from|during|at|between)\b)",
        # ("the data being presented on 13 June": a presentation under way or to come)
        r"(?<!being )presented(?!\s+by)|unveiled|showed|posted|approved|granted|cleared",
        r"(?:accepted|selected)(?!\s+(?:as\s+|for\s+)(?:an?\s+)?(?:\w+\s+){0,2}?presentation)",
        r"launched|initiated|started|began|submitted|filed|dosed|enrolled|released|issued|published",
        # "hit the endpoint" recounts; "to hit the market", "could hit" look ahead
        r"(?<!to )(?<!will )(?<!could )(?<!would )(?<!may )(?:hit|met|missed)\s+(?:its|the|both)",
        r"won|received|obtained|achieved",
        # ("accepted for oral presentation" looks ahead: see forward)
        r"actual",
        r"completed",
        r"ago",
    ),
    financial=(
        r"cash",
        r"runway",
        # a count of applications or approvals is a statistic ("at least 25 applications this year")
        r"\d+\s+(?:applications|approvals|domande|approvazioni)\b",
        r"fund\s+(?:our\s+|its\s+)?operat\w*",
        r"operating\s+(?:expenses|plan)",
        r"forecast",
        r"revenues?",
        r"net\s+(?:loss|income|sales)",
        r"(?:peak|annual)\s+sales",
        r"earnings\s+(?:call|release|report)",
        r"financial\s+(?:results|guidance|statements)",
        # the same in the other Latin-script languages (their tables add their own reporting periods)
        r"résultats\s+financiers|financiële\s+resultaten|risultati\s+finanziari|\w*finanzergebnisse|"
        r"finanzzahlen|resultados\s+financ(?:ie|ei)r[oa]s|balanço",
        r"(?:quarter|full[\s-]year|annual|half[\s-]year|interim)\s+(?:\d{4}\s+)?(?:financial\s+)?"
        r"(?:results|report)",
        r"investor\s+(?:day|event|conference)",
        # a meeting's logistics: "the 2026 ACR Convergence will take place November 6-11"
        # (a meeting's: "the readout will take place in Q3" is a catalyst)
        r"(?:congress|meeting|conference|convergence|summit|symposium|sessions?|event|webinar|forum)\b"
        r"(?:\s+[\w-]+){0,3}?\s+(?:will\s+|to\s+|shall\s+)?take\s+place|will\s+be\s+held\s+(?:in|at|from|on)|"
        r"registration\s+(?:opens|deadline)",
        r"conference\s+call|webcast|fireside",
        r"dividend|repurchase|buyback",
        r"profitab\w*",
        r"ebitda|ebit|break[\s-]?even|cash[\s-]flow",
        r"results\s+for\s+the\s+(?:\w+\s+){0,2}(?:quarter|half|fiscal|full\s+year)",
        # reporting periods: "for the quarter ended", "the nine months ended September 30"
        r"(?:quarter|period|months|year|half)\s+end(?:ed|ing)\b",
        r"(?:sales|revenue|earnings|eps|margin|full[\s-]year|fy)\s+(?:guidance|outlook)",
        r"(?:gross|operating)\s+margin|earnings\s+per\s+share|eps\b|opex|r&d\s+expenses?|sg&a",
        r"balance\s+sheet|financing|private\s+placement|public\s+offering|ipo\b|debt|loan",
    ),
)

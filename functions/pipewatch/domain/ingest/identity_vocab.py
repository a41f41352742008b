"""The vocabulary of event identity (pure constants, read by identity.py): which words name an event family,
a regulator, a trial stage, an outcome, a reporting period, in English, German, French, Dutch, Italian,
Spanish and Japanese. Patterns are regular expressions over folded text (lower case, accents removed; CJK
kept as is). Kept as code rather than a data file: it is vocabulary, not deployment configuration, and the
grouping rules depend on its structure (priority order, prospective phrases).
"""

from __future__ import annotations

# Event families, in priority order: when a title names several (an approval "based on" results, earnings
# that restate an approval), the first family found in the title wins; then the lede is read the same way.
# Regulatory decisions come before the results they rest on; results before a filing merely "planned".
FAMILY_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "financials",
        (
            r"\b(q[1-4]|quarter(ly)?|half[- ]year|full[- ]year|annual|first[- ]half)\b.{0,40}"
            r"\b(results?|sales|revenues?|earnings|financial)",
            r"\b(results?|sales|revenues?|earnings)\b.{0,30}\b(q[1-4]|quarter)\b",
            r"\bfinancial results?\b",
            r"\bearnings\b",
            r"\bnet (product )?sales\b",
            r"\b(quartals|jahres|halbjahres)(zahlen|ergebnis)",
            r"\bresultats (financiers|trimestriels|semestriels|annuels)\b",
            r"\b(kwartaal|jaar|halfjaar)(cijfers|resultaten)\b",
            r"\brisultati (finanziari|trimestrali|semestrali)\b",
            r"\bresultados (financieros|trimestrales)\b",
            r"決算",
        ),
    ),
    (
        "rejection",
        (
            r"\bcomplete response letter\b",
            r"\bcrl\b",
            r"\breject(s|ed|ion)?\b",
            r"\bnegative (chmp )?opinion\b",
            r"\brefus(e|es|ed|al)\b",
            r"\bablehn",
            r"\bafgewezen\b",
            r"\brechaz",
            r"\brespin",
            r"却下",
        ),
    ),
    (
        "delay",
        (
            r"\bextend(s|ed)? (the )?(\w+ ){0,3}review\b",
            r"\breview (period )?(is )?extended\b",
            r"\b(pdufa|action|decision|goal) date\b.{0,30}\b(extend|delay|mov|push)",
            r"\b(pdufa|action|decision|goal|review) (date )?(extension|delay)\b",
            r"\bpush(es|ed)? back\b.{0,30}\b(decision|review|pdufa|action|approval)\b",
            r"\b(delay(s|ed)?|postpone(s|d)?)\b",
            r"\bverschoben\b|\bverzoger",
            r"\buitstel\b|\bvertraagd\b",
            r"\breport(e|ee)?\b.{0,20}\bdecision\b",
            r"\bprolong",
            r"延期",
        ),
    ),
    (
        "opinion",
        (
            r"\b(chmp|committee)\b.{0,40}\bopinion\b",
            r"\bpositive (scientific )?opinion\b",
            r"\brecommend(s|ed|ation)?\b.{0,30}\b(approval|authori[sz]ation)\b",
            r"\b(panel|committee|adcomm?)\b.{0,20}\b(backs|supports|endorses|votes?)\b",
            r"\badvisory committee\b",
            r"\bavis (favorable|positif)\b",
            r"\bpositie(f|ve) advies\b",
            r"\bparere positivo\b",
            r"\bopinion positiva\b",
            r"\bempfehl",
        ),
    ),
    (
        "acceptance",
        (
            r"\baccept(s|ed|ance)?\b",
            r"\bpriority review\b",
            r"\bunder review\b",
            r"\breview\b",
            r"\bprocedure acceleree\b",
            r"\bbeoordeling\b",
            r"\bprufung\b",
            r"\bexamen\b",
            r"\bvalidat(es|ed|ion)\b",
            r"受理",
        ),
    ),
    (
        "approval",
        (
            r"\bapprov",
            r"\bnod\b",
            r"\bgreen light\b|\bgreenlight",
            r"\bclear(s|ed|ance)\b",
            r"\bauthori[sz](e|es|ed|ation)\b",
            r"\bzulassung|\bzugelassen\b",
            r"\bgoedkeuring\b|\bgoedgekeurd\b|\bkeurt\b.{0,80}\bgoed\b|\blicht op groen\b",
            r"\bautorisation\b|\bautorise\b|\bapprobation\b|\bapprouve|\bfeu vert\b",
            r"\bapprovazione\b|\bapprovato\b|\bautorizzazione\b|\bvia libera\b",
            r"\baprobacion\b|\baprueba\b|\baprobado\b|\bautoriza",
            r"承認(?!申請)",
        ),
    ),
    (
        "followup_data",
        (
            r"\badditional\b.{0,40}\bdata\b",
            r"\bsub-?group\b",
            r"\bpost[- ]hoc\b",
            r"\blong[- ]term\b",
            r"\bopen[- ]label extension\b",
            r"\b(to )?present(s|ed|ing|ation)?\b",
            r"\bplenary\b|\bcongress\b|\bannual meeting\b|\bposter\b|\bsymposium\b",
            r"\b(new|further|secondary|sub-?)\s?analys[ie]s\b",
        ),
    ),
    (
        "safety",
        (
            r"\bsafety (signal|concern|alert)\b",
            r"\bboxed warning\b",
            r"\bdeaths?\b",
            r"\bserious adverse\b",
            r"\bclinical hold\b",
            r"\bsicherheitsbedenken\b",
            r"\bdeces\b",
        ),
    ),
    (
        "halt",
        (
            r"\bhalt(s|ed)?\b",
            r"\bstop(s|ped|ping)?\b",
            r"\bdiscontinu",
            r"\bterminat",
            r"\bsuspend",
            r"\bpaus(e|es|ed)\b",
            r"\bgestopt\b|\bstopt\b",
            r"\barret(e|ee)?\b|\binterromp",
            r"\babgebrochen\b|\beingestellt\b|\bstoppt\b",
            r"\bsospe[sn]",
            r"\binterrump|\bsuspend",
            r"中止",
        ),
    ),
    (
        "results",
        (
            r"\btop[- ]?line\b",
            r"\bresults?\b",
            r"\bdata\b",
            r"\b(meets?|met|hits?|miss(es|ed)?|fail(s|ed)?)\b.{0,30}\b(primary )?(end ?points?|goal)\b",
            r"\bprimary end ?point\b",
            r"\bhit in\b|\bwin for\b",
            r"\bsuccessful\b|\bsucces\b|\bsuccesso\b|\bexito\b",
            r"\bpublication\b|\bpublished in\b",
            r"\bresultat(s|en)?\b|\bergebnis(se|sen)?\b|\bdaten\b|\brisultati\b|\bresultados\b",
            r"試験結果|結果|主要評価項目",
        ),
    ),
    (
        "filing",
        (
            r"\bsubmi(t|ts|tted|ssion)\b",
            r"\bfil(es|ed|ing)\b",
            r"\bseek(s|ing)?\b.{0,30}\b(approval|authori[sz]ation)\b",
            r"\beinreich|\beingereicht\b",
            r"\bindien(ing|t)\b",
            r"\bsoumission\b|\bsoumet\b|\bdepos(e|ee|ent)\b",
            r"\bdomanda\b|\bsolicitud\b",
            r"申請",
        ),
    ),
    (
        "designation",
        (
            r"\bdesignation\b",
            r"\borphan drug\b",
            r"\bbreakthrough therapy\b",
            r"\bfast track\b",
            r"\bprime (scheme|eligibility)\b",
            r"\bstatut de medicament orphelin\b",
            r"指定",
        ),
    ),
    (
        "deal",
        (
            r"\bcollaboration\b",
            r"\blicen[cs](e|ing) (agreement|deal)\b",
            r"\bpartnership\b",
            r"\bacqui(re|res|red|sition)\b",
            r"\bmerger\b",
            r"\bdeal\b",
            r"\bagreement\b",
            r"\bsamenwerking\b|\bzusammenarbeit\b|\bpartenariat\b|\baccordo\b|\bacuerdo\b",
            r"提携|ライセンス契約",
        ),
    ),
    ("launch", (r"\blaunch", r"\bcommercial(ly)? availab", r"\blancering\b", r"\blancement\b", r"発売")),
    (
        "trial_start",
        (
            r"\bfirst (patient|participant|subject)s? (dosed|enrolled|treated)\b",
            r"\binitiat(es|ed|ion)\b",
            r"\bstart(s|ed)?\b.{0,30}\b(trial|study|phase)\b",
            r"\bbegin(s)?\b.{0,30}\b(trial|study|phase)\b",
        ),
    ),
    ("completion", (r"\bcomplet(es|ed|ion)\b.{0,30}\b(enrol|trial|study|recruit)",)),
    ("advanced", (r"\badvanc(es|ed|ing)\b.{0,20}\b(into|to)\b.{0,10}\bphase\b", r"\bmoves? into phase\b")),
)

# A family word preceded by one of these is a plan or a hope, not the event ("BLA filing plan", "seeking
# approval", "en vue d'une approbation"): that occurrence names no family.
PROSPECTIVE = (
    r"\b(plan(s|ned)?|planning|intends?|expect(s|ed)?|potential|possible|upcoming|ahead of|pending|toward|"
    r"towards|in view of|en vue d.?une?|seek(s|ing)?|hopes?|aims?|for)\b\W+(\w+\W+){0,2}$"
)
PROSPECTIVE_AFTER = r"^\W*(\w+\W+){0,1}(plans?|planned|expected)\b"

# What the classifier's event type says when the words name no family (a fallback only).
FAMILY_BY_EVENT_TYPE = {
    "results": "results",
    "publication": "results",
    "regulatory": "regulatory",
    "safety": "safety",
    "trial_status": "halt",
    "trial_start": "trial_start",
    "catalyst_slip": "delay",
    "catalyst_overdue": "delay",
    "corporate": "corporate",
    "pipeline": "pipeline",
}

# Families whose events happen to one indication (a trial's results, a regulatory step): another indication
# is another event. Earnings, deals and launches cover several and are told apart by other parts.
INDICATION_DECISIVE = frozenset(
    {
        "results",
        "followup_data",
        "approval",
        "rejection",
        "acceptance",
        "filing",
        "opinion",
        "designation",
        "delay",
        "halt",
        "trial_start",
        "completion",
        "regulatory",
    }
)

# Regulators and jurisdictions: agency names first; a country word counts only when no agency is named
# ("U.S. shares rise after ... China's approval" is China's event).
REGULATORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("US", (r"\bfda\b", r"\bfood and drug administration\b", r"\bpdufa\b", r"米国食品医薬品局")),
    (
        "EU",
        (
            r"\bema\b",
            r"\bchmp\b",
            r"\beuropean (medicines agency|commission)\b",
            r"\bec\b",
            r"\bcommission europeenne\b",
            r"\beuropaische kommission\b",
            r"\beuropese commissie\b",
        ),
    ),
    ("JP", (r"\bpmda\b", r"\bmhlw\b", r"\bministry of health, labou?r and welfare\b", r"厚生労働省")),
    ("CN", (r"\bnmpa\b", r"\bnational medical products administration\b", r"国家药品监督管理局")),
    ("CA", (r"\bhealth canada\b",)),
    ("UK", (r"\bmhra\b",)),
    ("AU", (r"\btga\b",)),
    ("CH", (r"\bswissmedic\b",)),
)
JURISDICTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "US",
        (r"\bu\.?s\.?\b", r"\bunited states\b", r"\bamerikaanse?\b", r"\bamericaine?\b", r"\bus-", r"米国"),
    ),
    ("EU", (r"\beurop(e|ean|ese|eenne|aische)\b", r"\beu\b", r"欧州")),
    ("JP", (r"\bjapan(ese)?\b", r"\bjapon\b", r"\bgiappone\b", r"\bjapans?e?\b", r"日本|国内")),
    ("CN", (r"\bchin(a|ese|e|ees)\b", r"\bcina\b", r"中国")),
    ("CA", (r"\bcanad(a|ian)\b",)),
    ("UK", (r"\bunited kingdom\b", r"\bbritain\b", r"\bbritish\b")),
)

POSITIVE = (
    r"\bpositive\b",
    r"\bpositi(ef|eve|ven?|fs?|ves?|vi|v[oa]s?)\b",
    r"\bencourag(ing|eants?|eantes?)\b|\bermutigend|\bbemoedigend|\bincoraggianti?\b|\balentador",
    r"\bmeets?\b|\bmet\b",
    r"\bsuccess",
    r"\bsucces\b|\bexito\b",
    r"\bhit\b|\bwin\b|\bbacks\b",
    r"良好|達成",
)
# A positive word negated is a negative outcome ("fails to meet", "did not achieve").
NEGATED_POSITIVE = (
    r"\b(fail(s|ed)? to|did not|does not|do not|not|didn'?t|doesn'?t|n'a pas|nicht)\s+"
    r"(meet|hit|achieve|reach|show|demonstrate|succeed|atteint|erreicht)\w*"
)
NEGATIVE = (
    r"\bnegative\b|\bnegatie(f|ve)\b|\bnegati(f|ve|v)\b",
    r"\bfail(s|ed|ure)?\b",
    r"\bmiss(es|ed)?\b",
    r"\bdid not meet\b|\bnot met\b",
    r"\bdisappoint",
    r"\bechec\b|\bmislukt\b|\bfallisce\b|\bfracas",
    r"未達",
)

# Generic words that stand before "trial"/"study" but are not an acronym.
NOT_TRIAL_NAMES = frozenset(
    {
        "phase",
        "pivotal",
        "clinical",
        "late",
        "stage",
        "global",
        "registrational",
        "the",
        "this",
        "its",
        "key",
        "confirmatory",
        "open",
        "label",
        "extension",
        "new",
        "first",
        "second",
        "third",
        "ongoing",
        "randomized",
        "controlled",
        "placebo",
        "double",
        "blind",
        "iii",
        "ii",
        "i",
        "3",
        "2",
        "1",
        "a",
        "an",
        "sc",
        "iv",
        "trial",
        "study",
        "studies",
        "trials",
        "efficacy",
        "safety",
        "results",
        "data",
        "topline",
        "positive",
        "de",
        "du",
        "der",
        "die",
        "het",
        "la",
        "le",
        "of",
        "in",
        "from",
        "on",
    }
)

# Reporting periods an earnings story names ("second quarter", "Q2", "half year").
PERIODS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Q1", (r"\bq1\b", r"\bfirst[- ]quarter\b", r"\bpremier trimestre\b", r"\beerste kwartaal\b")),
    ("Q2", (r"\bq2\b", r"\bsecond[- ]quarter\b", r"\bdeuxieme trimestre\b", r"\btweede kwartaal\b")),
    ("Q3", (r"\bq3\b", r"\bthird[- ]quarter\b", r"\btroisieme trimestre\b", r"\bderde kwartaal\b")),
    ("Q4", (r"\bq4\b", r"\bfourth[- ]quarter\b", r"\bquatrieme trimestre\b", r"\bvierde kwartaal\b")),
    ("FY", (r"\bfull[- ]year\b", r"\bannual results\b", r"\bjaarcijfers\b")),
)

# The highest severity an outlet of a family can raise its story to (an escalation alert): a filing, an
# acceptance or an earnings story rated "high" by one outlet is the classifier's noise, not a new fact.
FAMILY_CEILING = {
    "acceptance": "medium",
    "filing": "medium",
    "designation": "medium",
    "delay": "medium",
    "financials": "medium",
    "deal": "medium",
    "launch": "medium",
    "trial_start": "medium",
    "completion": "medium",
    "followup_data": "medium",
    "corporate": "medium",
    "pipeline": "medium",
}

# A scholarly report (a journal article, a congress abstract) or the news of one. Its publication is an event
# of its own: the paper of results reported months before, the second abstract of one trial at another
# congress. Named in words ("published in", "publication of", a journal), or by a paper-shaped title.
PUBLICATION = (
    r"\bpublished (online )?in\b",
    r"\bpublication (of|in)\b",
    r"(?<!street )(?<!business )\bjournal\b",
    r"\babstract\b",
    r"\bpubliee?s? dans\b",
    r"\bveroffentlicht\b",
    r"\bgepubliceerd\b",
    r"\bpubblicat[io]\b",
    r"\bpublicad[oa]s? en\b",
    r"論文|掲載",
)
SCHOLARLY_TITLE = (
    # "Efficacy and Safety of X in Y", "Effect of X on Y", "Long-term Outcomes of X"
    r"^(efficacy|safety|effects?|impact|outcomes?|tolerability|long[- ]term \w+)"
    r"( and (safety|efficacy|tolerability))? of\b",
    # "...: Results from the Phase 2 X Study", "...: a randomised, double-blind trial"
    r":\s*(results|data|findings) (from|of) (the|a|an)\b",
    r":\s*(a|an|the)?\s*(phase\s*[0-9iv]|randomi[sz]ed|double[- ]blind|post[- ]hoc|pooled|open[- ]label)",
)
# Where a report appeared: a journal or a congress. Two reports at different venues are two events (within a
# kind: a congress talk and the paper published with it may be one event).
VENUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("journal:NEJM", (r"\bnejm\b", r"\bnew england journal\b")),
    ("journal:LANCET_NEUROLOGY", (r"\blancet neurol(ogy)?\b",)),
    ("journal:LANCET_RHEUMATOLOGY", (r"\blancet rheumatol(ogy)?\b",)),
    ("journal:LANCET", (r"\b(the )?lancet\b(?! neurol| rheumatol)",)),
    ("journal:JAMA", (r"\bjama\b",)),
    ("journal:BMJ", (r"\bbmj\b",)),
    ("journal:NATURE_MEDICINE", (r"\bnature medicine\b",)),
    ("journal:MUSCLE_NERVE", (r"\bmuscle (and|&) nerve\b",)),
    ("journal:ARD", (r"\bannals of the rheumatic diseases\b",)),
    ("journal:ARTHRITIS_RHEUMATOLOGY", (r"\barthritis (and|&) rheumatology\b",)),
    # "aan", "ean" and "pns" are also ordinary words (Dutch "aan"): named with a year or a meeting word
    (
        "congress:AAN",
        (r"\b(at )?aan (20\d\d|annual|meeting|congress)\b", r"\bamerican academy of neurology\b"),
    ),
    ("congress:EAN", (r"\bean (20\d\d|congress)\b", r"\beuropean academy of neurology\b")),
    ("congress:AANEM", (r"\baanem\b",)),
    ("congress:MGFA", (r"\bmgfa\b", r"\bmyasthenia gravis foundation of america\b")),
    ("congress:PNS", (r"\bpns (20\d\d|annual|meeting)\b", r"\bperipheral nerve society\b")),
    ("congress:ACR", (r"\bacr\b", r"\bamerican college of rheumatology\b")),
    ("congress:EULAR", (r"\beular\b",)),
    ("congress:ASH", (r"\bash\b", r"\bamerican society of hematology\b")),
    ("congress:EHA", (r"\beha\b",)),
    ("congress:AAD", (r"\baad\b", r"\bamerican academy of dermatology\b")),
    ("congress:EADV", (r"\beadv\b",)),
)

# Month names (folded) for the dates a text names ("April 28, 2025", "28 avril 2025", "28. April 2025").
MONTHS = {
    **dict.fromkeys(("january", "jan", "januar", "janvier", "januari", "gennaio", "enero"), 1),
    **dict.fromkeys(("february", "feb", "februar", "fevrier", "februari", "febbraio", "febrero"), 2),
    **dict.fromkeys(("march", "mar", "marz", "mars", "maart", "marzo"), 3),
    **dict.fromkeys(("april", "apr", "avril", "aprile", "abril"), 4),
    **dict.fromkeys(("may", "mai", "mei", "maggio", "mayo"), 5),
    **dict.fromkeys(("june", "jun", "juni", "juin", "giugno", "junio"), 6),
    **dict.fromkeys(("july", "jul", "juli", "juillet", "luglio", "julio"), 7),
    **dict.fromkeys(("august", "aug", "aout", "augustus", "agosto"), 8),
    **dict.fromkeys(("september", "sep", "sept", "septembre", "settembre", "septiembre"), 9),
    **dict.fromkeys(("october", "oct", "oktober", "octobre", "ottobre", "octubre"), 10),
    **dict.fromkeys(("november", "nov", "novembre", "noviembre"), 11),
    **dict.fromkeys(("december", "dec", "dezember", "decembre", "dicembre", "diciembre"), 12),
}
# A date a text names counts when it is at most this many days before the item's own day (not a deadline
# ahead, not history).
NAMED_DATE_DAYS = 366

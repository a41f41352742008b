"""Catalyst words of French, Dutch, Italian, German, Spanish and Portuguese, one Lexicon each (see
lexicon.py for the fields and how entries are matched)."""

from __future__ import annotations

from pipewatch.domain.catalysts.lexicon import Lexicon, regulator_approves

FRENCH = Lexicon(
    enrollment_complete=(
        r"fin\s+du\s+recrutement",
        r"recrutement\s+complet",
        r"(?:achever|terminer|boucler|finaliser)\s+(?:le\s+)?recrutement",
    ),
    trial_completion=(r"date\s+d'achèvement", r"fin\s+de\s+l'(?:essai|étude)"),
    trial_start=(
        r"pourra\s+(?:donc\s+)?commencer",
        r"démarrage|lancement\s+(?:de\s+l'|d'un\s+|du\s+)?(?:essai|étude)",
        r"(?:commencer|démarrer|débuter|lancer)\s+(?:l'|un\s+|une\s+|le\s+)?(?:essai|étude)",
    ),
    decision=(
        r"décision",
        r"avis\s+du\s+chmp",
        regulator_approves("approuver", "autoriser", "se\\s+prononcer"),
    ),
    congress=(r"présent\w*\s+(?:lors|au|à)\s+(?:du|la|l')?\s*(?:congrès|réunion)", r"congrès"),
    filing=(
        r"soumettre|soumission|dépôt|déposer",
        r"demande\s+d'(?:autorisation|amm)",
        r"demander\s+(?:l'|une\s+)?(?:autorisation|approbation)",
        r"demandes?\s+d'autorisation\s+de\s+mise\s+sur\s+le\s+marché",
    ),
    readout=(r"résultats?|données", r"lecture"),
    launch=(r"lancement|lancer|commercialis\w*", r"mise\s+sur\s+le\s+marché|mettre\s+sur\s+le\s+marché"),
    approval=(r"autorisation", r"approbation|approuv\w*", r"feu\s+vert"),
    other=(r"réunion\s+(?:de\s+fin\s+de\s+phase|avec\s+la\s+fda|avec\s+l'ema)",),
    forward=(
        r"attendu\w*|prévu\w*|prévoi\w*|planifié\w*|pourra|devrai\w*|devant|d'ici|sera|seront|vise|objectif|"
        r"désormais",
        r"pourrait|devrait|compte|envisage\w*",
        # the simple future: "soumettra", "publiera"
        r"\w{3,}(?:era|ira|ra)\b|\w{3,}(?:eront|iront|ront)\b",
    ),
    past=(r"présentés?|annoncés?\s+(?:le|en)|ont\s+été|a\s+été", r"a\s+obtenu|a\s+reçu|achevé\w*"),
    financial=(
        r"trésorerie|liquidités|chiffre\s+d'affaires|prévisions\s+financières",
        r"ventes",
        # a company's own reporting period: "publiera ses résultats du premier semestre"
        r"(?:publi|annonc|dévoil)\w*\s+(?:ses|leurs|les)\s+(?:\w+\s+)?résultats",
        r"résultats\s+(?:annuels|semestriels|trimestriels|financiers)",
        r"résultats\s+(?:du|de\s+l')\s*(?:\w+\s+)?(?:trimestre|semestre|exercice)",
    ),
)

DUTCH = Lexicon(
    enrollment_complete=(
        r"volledig\s+gerekruteerd",
        r"(?:afronden|voltooien)\s+(?:van\s+)?(?:de\s+)?inclusie",
    ),
    trial_completion=(r"(?:afronding|einde)\s+van\s+(?:de\s+)?(?:studie|proef)",),
    trial_start=(
        r"start\s+van\s+de|beginnen\s+met",
        r"(?:studie|proef)\s+(?:\w+\s+){0,3}(?:starten|beginnen)",
    ),
    decision=(r"beslissing|besluit", regulator_approves("goedkeuren", "beslissen")),
    congress=(r"gepresenteerd", r"congres"),
    filing=(r"indienen|indiening", r"aanvraag"),
    readout=(r"resultaten|gegevens", r"uitlezing|uitslag|topline"),
    launch=(r"commercialisatie|lancering", r"op\s+de\s+markt\s+(?:brengen|komen)"),
    approval=(r"goedkeuring|goedgekeurd|goedkeuren", r"markttoelating"),
    other=(r"overleg\s+met\s+(?:de\s+)?(?:fda|ema)",),
    forward=(r"verwacht\w*|gepland|op\s+schema|zal|zullen", r"moet|kan|kunnen|zou"),
    past=(r"zijn\s+gepresenteerd", r"werd|werden|heeft\s+\w+\s+gekregen"),
    financial=(r"kasmiddelen|omzet", r"winst|verkoop", r"kwartaalcijfers|jaarcijfers|halfjaarcijfers"),
)

ITALIAN = Lexicon(
    enrollment_complete=(
        r"arruolamento\s+complet",
        r"(?:completare|terminare|concludere)\s+(?:l')?(?:arruolamento|reclutamento)",
    ),
    trial_completion=(r"(?:conclusione|completamento)\s+(?:dello|della|del)\s+(?:studio|sperimentazione)",),
    trial_start=(
        r"avvio\s+(?:dello|di|del)",
        r"(?:avviare|iniziare)\s+(?:lo\s+|la\s+|uno\s+)?(?:studio|studi)",
    ),
    decision=(
        r"decisione|data\s+limite",
        r"termine\s+(?:per\s+la|della)\s+revisione",
        r"verdetto",
        r"si\s+pronuncer\w*|pronunciarsi",
        regulator_approves("approvare", "autorizzare", "decidere"),
    ),
    congress=(r"presentati\s+al", r"congresso"),
    filing=(
        r"presentare\s+(?:la\s+)?domanda|sottomissione|deposito",
        r"(?:richieder|chieder)\w*\s+(?:l'|l’)?(?:autorizzazione|approvazione)",
        r"richiesta\s+di\s+(?:autorizzazione|approvazione)",
    ),
    readout=(r"risultati|dati",),
    launch=(r"lancio", r"lanciare|lancer\w*|commercializza\w*"),
    approval=(r"approvazione|approvat\w*|approvar\w*", r"autorizzazione", r"(?:l')?ok|via\s+libera"),
    forward=(
        r"previst\w*|attes[oiae]|prorogat\w*|entro|sarà|saranno|dovrebbe|prevede",
        r"potrebbe|potrebbero|fissat\w*\s+(?:dalla\s+\w+\s+)?(?:al|per|a)",
        # the simple future: "richiederà", "presenteranno"
        r"\w{3,}(?:erà|irà|eranno|iranno)\b",
    ),
    past=(r"sono\s+stati|è\s+stat[oa]|ha\s+ricevuto|ricevuto|ha\s+ottenuto", r"lanciat[oa]"),
    financial=(
        r"liquidità|ricavi",
        r"vendite|fatturato",
        r"risultati\s+del\s+(?:\w+\s+)?(?:trimestre|semestre)",
    ),
)

GERMAN = Lexicon(
    enrollment_complete=(
        r"rekrutierung\s+abgeschlossen",
        r"(?:abschließen|abschliessen)\s+(?:die\s+)?\w*rekrutierung",
        r"\w*rekrutierung\s+(?:\w+\s+)?abschließen",
    ),
    trial_completion=(r"abschluss\s+der\s+\w*studie",),
    trial_start=(r"beginn\s+der|starten", r"\w*studie\s+(?:\w+\s+){0,3}(?:beginnen|starten)"),
    decision=(
        r"\w*entscheidung",
        r"\w*entschieden",
        regulator_approves("zulassen", "genehmigen", "entscheiden"),
    ),
    congress=(r"präsentiert", r"\w*kongress"),
    filing=(
        r"einreich\w*",
        r"\w*antrag\s+auf",
        r"\w*zulassungsantrag",
        r"beantrag\w*",
        r"antrag\s+(?:\w+\s+){0,8}(?:zu\s+)?stellen",
    ),
    readout=(r"\w*ergebnisse|daten",),
    launch=(r"markteinführung", r"auf\s+den\s+markt\s+(?:zu\s+)?bringen", r"einführen"),
    approval=(r"\w*zulassung", r"genehmig\w*", r"grünes\s+licht"),
    forward=(
        r"erwartet|geplant|voraussichtlich|soll|sollen|wird|werden",
        r"plant|könnte|dürfte",
    ),
    past=(r"werden\s+(?:vorgestellt|präsentiert)|wurde", r"erhielt|hat\s+erhalten|erhalten\s+hat"),
    financial=(
        r"liquidität|umsatz|prognose",
        r"gewinn|quartalszahlen|jahreszahlen|\w*quartalsergebnisse",
        r"\w*ergebnisse\s+(?:zum|für\s+das|des)\s+(?:\w+\s+)?(?:quartal|halbjahr|geschäftsjahr)",
    ),
)

SPANISH = Lexicon(
    enrollment_complete=(
        r"reclutamiento\s+complet",
        r"(?:concluir|completar|terminar|finalizar)\s+(?:el\s+)?(?:reclutamiento|inscripción)",
    ),
    trial_completion=(r"fecha\s+de\s+finalización", r"finalización\s+del\s+(?:ensayo|estudio)"),
    trial_start=(
        r"inicio\s+del\s+(?:ensayo|estudio)",
        r"(?:iniciar|empezar|comenzar)\s+(?:el\s+|un\s+|los\s+)?(?:ensayos?|estudios?)",
    ),
    decision=(r"decisión", regulator_approves("aprobar", "autorizar", "decidir")),
    congress=(r"presentados?\s+en", r"congreso"),
    filing=(
        r"presentar\s+(?:la\s+)?solicitud|solicitud\s+de\s+autorización",
        r"solicitar\s+la\s+aprobación",
        r"solicitud\s+de\s+registro",
    ),
    readout=(r"resultados|datos",),
    launch=(r"lanzamiento|lanzar", r"comercializa\w*"),
    approval=(r"aprobación|aprobar\w*|aprobad\w*", r"autorización"),
    forward=(
        r"espera\w*|prevé|planea\w*|será|serán|previsto",
        r"prevista|podría|podrían|pudiera|pudieran|prevén|tiene\s+previsto",
        # the simple future: "presentará", "comenzarán"
        r"\w{3,}(?:ará|erá|irá|arán|erán|irán)\b",
    ),
    past=(r"fueron|fue\s+\w+ado", r"recibió|obtuvo|presentó|ha\s+recibido|ha\s+obtenido"),
    financial=(
        r"ingresos|tesorería",
        r"ventas|facturación|beneficio",
        r"resultados\s+del\s+(?:\w+\s+)?(?:trimestre|semestre)",
    ),
)

PORTUGUESE = Lexicon(
    enrollment_complete=(
        r"recrutamento\s+complet",
        r"(?:concluir|completar|terminar|finalizar)\s+(?:o\s+)?(?:recrutamento|inscrição)",
    ),
    trial_completion=(r"conclusão\s+do\s+(?:ensaio|estudo)",),
    trial_start=(
        r"início\s+do\s+(?:ensaio|estudo)",
        r"(?:testes|ensaios?|estudos?)\b[^.;]{0,60}?\b(?:começar|iniciar|começam|iniciam)",
        r"(?:começar|iniciar)\s+(?:os\s+|o\s+)?(?:testes|ensaios?|estudos?)",
    ),
    decision=(r"decisão", regulator_approves("aprovar", "autorizar", "decidir")),
    congress=(r"apresentados?\s+no", r"congresso"),
    filing=(r"solicitar\s+(?:a\s+)?aprova\w*|submeter|submissão", r"pedido\s+de\s+(?:registro|aprovação)"),
    readout=(r"resultados|dados",),
    launch=(r"lançamento|lançar", r"comercializa\w*"),
    approval=(r"aprovação|aprovad\w*|aprovar", r"autorização"),
    forward=(
        r"planej\w*|prevê|deverá|deve|serão",
        r"devem|deverão|pode|poderá|poderão|espera\w*|previst\w*",
        # the simple future: "irá", "começará"
        r"\w{3,}(?:ará|erá|irá|arão|erão|irão)\b|irá|irão",
    ),
    past=(r"foram|foi", r"recebeu|obteve|recebida|aprovad[oa]\s+em"),
    financial=(
        r"caixa|receita",
        r"vendas|faturamento|lucro",
        r"resultados\s+do\s+(?:\w+\s+)?(?:trimestre|semestre)",
    ),
)

EUROPEAN = (FRENCH, DUTCH, ITALIAN, GERMAN, SPANISH, PORTUGUESE)

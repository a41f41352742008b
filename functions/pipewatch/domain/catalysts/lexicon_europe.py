"""Catalyst words of French, Dutch, Italian and German, one Lexicon each (see lexicon.py for the fields and
how entries are matched); Spanish and Portuguese are in lexicon_iberian.py."""

from __future__ import annotations

from pipewatch.domain.catalysts.lexicon import NOT_AN_AUTHORISATION, Lexicon, regulator_approves

FRENCH = Lexicon(
    enrollment_complete=(
        r"fin\s+du\s+recrutement",
        r"recrutement\s+complet",
        r"(?:achever|terminer|boucler|finaliser)\s+(?:le\s+)?recrutement",
        # "le recrutement devrait être finalisé", "les inclusions seront achevées"
        r"(?:recrutement|inclusions?)\b[^.;]{0,40}?\b(?:achev|termin|finalis|complét|boucl|clôtur)\w*",
        r"dernier\s+patient\s+(?:inclus|recruté|randomisé|traité)",
    ),
    trial_completion=(
        r"date\s+d'achèvement",
        r"fin\s+de\s+l'(?:essai|étude)",
        r"achèvement\s+de\s+l'(?:essai|étude)",
        r"(?:essai|étude)\b[^.;]{0,60}?\b(?:s'achever|se\s+terminer|prendre\s+fin|s'achèvera|se\s+terminera|"
        r"prendra\s+fin)",
    ),
    trial_start=(
        r"pourra\s+(?:donc\s+)?commencer",
        r"démarrage|lancement\s+(?:de\s+l'|d'un\s+|du\s+)?(?:essai|étude)",
        r"(?:commencer|démarrer|débuter|lancer)\s+(?:l'|un\s+|une\s+|le\s+)?(?:essai|étude)",
        r"premiers?\s+patients?\s+(?:\w+\s+){0,3}?(?:traité|dosé|inclus|recruté|randomisé)\w*",
        r"(?:essai|étude)\b[^.;]{0,60}?\b(?:démarr|début|commenc)\w*",
        r"(?:recrutement|inclusions?)\s+(?:\w+\s+){0,3}(?:démarr|début|commenc)\w*",
        r"initiation\s+(?:de\s+l'|d'un\s+|du\s+)?(?:essai|étude)",
    ),
    decision=(
        r"décision(?!\s+d[e']\s*\w+er\b)",
        r"avis\s+(?:positif\s+|favorable\s+)?du\s+chmp",
        r"date\s+(?:cible|butoir|limite|d'action|de\s+décision)",
        r"avis\s+(?:de\s+l'|du\s+|de\s+la\s+)(?:ema|fda|chmp|has|ansm|agence|commission)",
        r"rendre\s+(?:son|un|leur|sa)\s+(?:avis|verdict|décision)|verdict",
        r"rembours\w*|avis\s+de\s+la\s+(?:has|commission\s+de\s+la\s+transparence)|prise\s+en\s+charge",
        regulator_approves(
            "approuv\\w*", "autoris(?:e|er|era|eront|erait)", "se\\s+prononc\\w*", "statu\\w*"
        ),
    ),
    congress=(
        r"présent\w*\s+(?:lors|au|à)\s+(?:du|la|l')?\s*(?:congrès|réunion)",
        r"congrès",
        r"communication\s+orale|poster|symposium",
    ),
    filing=(
        r"soumet\w*|soumission|dépôt|dépos\w*",
        r"demande\s+d'(?:enregistrement|homologation)|dossier\s+(?:d'enregistrement|réglementaire)",
        r"demande\s+d'(?:autorisation|amm)",
        r"demander\s+(?:l'|une\s+)?(?:autorisation|approbation)",
        r"demand\w*\s+(?:l'|une\s+|son\s+|leur\s+|le\s+)?(?:autorisation|approbation|amm|homologation|enregistrement|"
        r"feu\s+vert)",
        r"demandes?\s+d'autorisation\s+de\s+mise\s+sur\s+le\s+marché",
    ),
    readout=(r"résultats?|données", r"lecture", r"analyse\s+(?:intermédiaire|principale|finale)"),
    # "autorisation de mise sur le marché" is the approval, not the launch
    launch=(
        rf"lancement|lancer|lancée?s?|{NOT_AN_AUTHORISATION}commercialis\w*",
        r"(?<!autorisation de )mise\s+sur\s+le\s+marché|mettre\s+sur\s+le\s+marché",
        r"arrivée\s+sur\s+le\s+marché|disponib\w*\s+en\s+pharmacie",
        # "devrait être disponible en France": a product made available (data are a readout, ranked higher)
        r"(?:être|sera|seront)\s+disponibles?|mise\s+à\s+disposition|mise?\s+en\s+circulation",
        r"(?:arriv|débarqu)\w*\s+en\s+(?:france|europe|pharmacie|officine)|en\s+vente",
        r"entrée\s+sur\s+le\s+marché",
    ),
    approval=(
        r"autorisation|autoris\w*",
        r"approbation|approuv\w*",
        r"feu\s+vert",
        r"homologation|homologu\w*",
    ),
    other=(
        r"réunion\s+(?:de\s+fin\s+de\s+phase|avec\s+la\s+fda|avec\s+l'ema)",
        r"(?:réunion|échanges?|rencontre|entretien)\s+(?:\w+\s+){0,2}avec\s+(?:la\s+|l'|les\s+)?(?:fda|ema|"
        r"agence|autorités)|avis\s+scientifique",
        # "rencontrera la FDA au deuxième trimestre"
        r"rencontr\w*\s+(?:la\s+|l'|les\s+)?(?:fda|ema|agence|autorités)",
        r"retour\s+(?:de\s+la\s+|de\s+l'|des\s+)(?:fda|ema|agence|autorités)",
    ),
    forward=(
        r"(?:sera|seront|devrait|devraient|doit|doivent|pourrait|pourraient|va|vont)\s+(?:être\s+)?\w+",
        r"attendu\w*|prévu\w*|prévoi\w*|planifié\w*|pourra|devrai\w*|devant|d'ici|sera|seront|vise|objectif|"
        r"désormais",
        r"pourrait|devrait|compte|envisage\w*",
        # the conditional: "serait repoussée de 2025 à 2026"
        r"serait|seraient",
        # the simple future: "soumettra", "publiera"
        r"\w{3,}(?:era|ira|ra)\b|\w{3,}(?:eront|iront|ront)\b",
        # a future or modal verb ends after its participle: "seront présentées", "devrait être finalisé"
        r"escompt\w*|programmé\w*|ambitionne|table\s+sur|en\s+bonne\s+voie|à\s+venir|prochain\w*|"
        r"au\s+plus\s+tard|ciblé\w*|espère",
    ),
    past=(
        r"présentés?|annoncés?\s+(?:le|en)|ont\s+été|a\s+été",
        r"a\s+obtenu|a\s+reçu|achevé\w*",
        r"(?:a|ont)\s+(?:annoncé|publié|déposé|soumis|lancé|démarré|débuté|terminé)",
    ),
    financial=(
        r"trésorerie|liquidités|chiffre\s+d'affaires|prévisions\s+financières",
        r"ventes",
        # a company's own reporting period: "publiera ses résultats du premier semestre"
        r"(?:publi|annonc|dévoil)\w*\s+(?:ses|leurs|les)\s+(?:\w+\s+)?résultats",
        r"résultats\s+(?:annuels|semestriels|trimestriels|financiers)",
        r"résultats\s+(?:du|de\s+l')\s*(?:\w+\s+)?(?:trimestre|semestre|exercice)",
        r"résultat\s+net|perte\s+nette|bénéfice|(?:trimestre|semestre|exercice)\s+clos|marge\s+(?:brute|opérationnelle)",
    ),
)

DUTCH = Lexicon(
    enrollment_complete=(
        r"volledig\s+gerekruteerd",
        r"(?:afronden|voltooien)\s+(?:van\s+)?(?:de\s+)?inclusie",
        r"(?:inclusie|rekrutering|werving)\b[^.;]{0,40}?\b(?:afgerond|voltooid|afronden|voltooien|compleet|"
        r"afgesloten)",
        r"laatste\s+patiënt",
    ),
    trial_completion=(
        r"(?:afronding|einde)\s+van\s+(?:de\s+)?(?:studie|proef)",
        r"\w*(?:studie|proef)\b[^.;]{0,60}?\b(?:afgerond|voltooid|afgesloten)",
    ),
    trial_start=(
        r"start\s+van\s+de|beginnen\s+met",
        r"(?:studie|proef)\s+(?:\w+\s+){0,3}(?:starten|beginnen)",
        r"eerste\s+(?:patiënt|deelnemer|proefpersoon)",
        r"\w*(?:studie|proef)\b[^.;]{0,60}?\b(?:van\s+start|starten|beginnen|gestart)",
    ),
    decision=(
        r"beslissing|besluit|beslis\w*|\w*oordeel|uitspraak|streefdatum|beslisdatum",
        r"chmp-advies|(?:positief\s+)?advies\s+van\s+het\s+chmp",
        regulator_approves("goedkeuren", "keurt", "beslis\\w*", "beslui\\w*"),
    ),
    congress=(r"gepresenteerd", r"congres|symposium"),
    filing=(
        r"indienen|indiening|ingediend",
        r"\w*aanvraag",
        r"aanvragen|aangevraagd|vraagt\s+(?:\w+\s+){0,3}aan",
        # "vraagt volgende week om groen licht": asks for approval
        r"vra\w*\s+(?:\w+\s+){0,4}?om\s+(?:\w+\s+)?(?:groen\s+licht|goedkeuring|toelating|handelsvergunning|registratie)",
    ),
    readout=(r"\w*resultaten|gegevens|uitkomsten", r"uitlezing|uitslag|topline", r"data"),
    launch=(
        r"commercialisatie|lancering|lanceren|gelanceerd|introductie",
        r"op\s+de\s+markt\s+(?:brengen|komen|gebracht)",
        # "komt volgend jaar op de markt": the verb before the date, the market after it
        r"op\s+de\s+(?:\w+\s+)?markt|marktintroductie|in\s+de\s+handel|beschikbaar\s+in\s+de\s+apotheek",
        r"beschikbaar\s+(?:komen|zijn|worden|zal)|beschikbaar\b|verkrijgbaar|markttoetreding",
    ),
    approval=(
        r"\w*goedkeuring|goedgekeurd|goedkeuren",
        r"markttoelating|handelsvergunning|toelating|registratie|geregistreerd",
        r"groen\s+licht",
    ),
    other=(
        r"(?:overleg|gesprek|bespreking|vergadering|bijeenkomst|afspraak)\w*\s+met\s+(?:de\s+)?(?:[\w-]+\s+){0,2}?"
        r"(?:fda|ema|cbg|toezichthouders?|geneesmiddelenautoriteit|autoriteiten)",
        r"(?:advies|feedback|terugkoppeling|reactie)\s+van\s+(?:de\s+)?(?:[\w-]+\s+){0,2}?(?:fda|ema|cbg|toezichthouders?)",
        r"wetenschappelijk\s+advies",
        # "met de FDA overleggen", "met de Amerikaanse FDA om de tafel"
        r"met\s+(?:de\s+)?(?:[\w-]+\s+){0,2}?(?:fda|ema|cbg|toezichthouders?)\s+(?:\w+\s+){0,4}?"
        r"(?:overleg\w*|bespre\w*|afstemm\w*|in\s+gesprek|om\s+de\s+tafel)",
    ),
    forward=(
        r"(?:zal|zullen|moet|moeten|wordt|worden)\s+(?:\w+\s+)?worden\s+\w+",
        r"verwacht\w*|gepland|op\s+schema|zal|zullen",
        r"moet|kan|kunnen|zou",
        r"voorzien|beoogd|wil|willen|plant|plannen|rekent\s+op|komend\w*|volgend\w*|uiterlijk",
    ),
    past=(r"zijn\s+gepresenteerd", r"werd|werden|heeft\s+\w+\s+gekregen"),
    financial=(
        r"kasmiddelen|omzet",
        # ("een aanvraag ... voor de verkoop in de VS" asks leave to sell: a filing, not sales figures)
        r"winst|(?<!voor\sde\s)verkoop",
        r"kwartaalcijfers|jaarcijfers|halfjaarcijfers",
        r"nettoverlies|brutomarge|kwartaalresultaten|jaarresultaten",
    ),
)

ITALIAN = Lexicon(
    enrollment_complete=(
        r"arruolamento\s+complet",
        r"(?:completare|terminare|concludere)\s+(?:l')?(?:arruolamento|reclutamento)",
        r"(?:arruolamento|reclutamento)\b[^.;]{0,40}?\b(?:conclu|complet|termin)\w*",
        r"ultimo\s+paziente",
    ),
    trial_completion=(
        r"(?:conclusione|completamento)\s+(?:dello|della|del)\s+(?:studio|sperimentazione)",
        r"(?:studio|sperimentazione)\b[^.;]{0,60}?\b(?:conclu|termin|complet)\w*"
        r"(?!\s+(?:l')?(?:arruolamento|reclutamento))",
    ),
    trial_start=(
        r"avvio\s+(?:dello|di|del)",
        r"(?:avviare|iniziare|cominciare|partire)\s+(?:lo\s+|la\s+|uno\s+|una\s+|le\s+)?(?:studio|studi|sperimentazion[ei])",
        # "entrerà nella fase 3": a trial phase entered
        r"entr\w*\s+(?:nella|in)\s+fase",
        r"primo\s+paziente",
        r"(?:studio|sperimentazione)\b[^.;]{0,60}?\b(?:avvi|inizi|partir|prender\w*\s+il\s+via)\w*",
    ),
    decision=(
        r"decisione(?!\s+di\s+\w+(?:are|ere|ire)\b)|data\s+limite|data\s+(?:obiettivo|di\s+azione)",
        # the agency's answer or assessment: "il responso è atteso", "sarà valutato entro marzo"
        r"responso|giudizio|esito\s+della\s+valutazione|conclusione\s+della\s+valutazione|"
        r"(?:verrà|sarà|saranno|verranno)\s+(?:\w+\s+){0,2}valutat\w*",
        r"termine\s+(?:per\s+la|della)\s+revisione",
        r"verdetto",
        r"si\s+pronuncer\w*|pronunciarsi",
        r"esprimer\w*|si\s+esprimer\w*|parere\s+(?:del|dell'|della)|rimborsabilità|rimborso|"
        r"negoziazione\s+(?:del\s+)?prezzo",
        r"parere\s+(?:positivo\s+|favorevole\s+)?(?:del\s+)?chmp",
        # verbs only ("approva", "approverà"; not the English "approval" nor the noun "autorizzazione")
        regulator_approves(
            "approv(?:a|i|are|erà|eranno|erebbe)",
            "autorizz(?:a|i|are|erà|eranno)",
            "decid\\w*",
            "pronunc\\w*",
        ),
    ),
    congress=(r"presentati\s+al", r"congresso|convegno|simposio"),
    filing=(
        r"presentare\s+(?:la\s+)?domanda|sottomissione|deposito",
        r"(?:richieder|chieder)\w*\s+(?:l'|l’)?(?:autorizzazione|approvazione)",
        r"richiesta\s+di\s+(?:autorizzazione|approvazione)",
        r"chied\w*\s+(?:il\s+)?via\s+libera|(?:richiesta|domanda)\s+di\s+via\s+libera",
        r"domanda\s+di\s+(?:autorizzazione|approvazione|registrazione)|deposit\w*|sottomett\w*",
        # the application as the subject of a passive: "la domanda sarà presentata all'EMA", "la richiesta
        # verrà inoltrata alla FDA"
        r"(?:domanda|richiesta|dossier)\b[^.;]{0,40}?\b(?:presentat|inoltrat|sottopost)\w*",
        r"present\w*\s+(?:\w+\s+){0,4}?(?:all'|all’|alla\s+|presso\s+(?:l'|l’|la\s+))\s*(?:ema|fda|aifa|agenzia|autorità)",
    ),
    readout=(r"risultati|dati|esiti", r"analisi\s+(?:ad\s+interim|intermedia|primaria|finale)"),
    # "autorizzazione alla commercializzazione" is the approval, not the launch
    launch=(
        r"lancio|lanciat[oaie]",
        rf"lanciare|lancer\w*|{NOT_AN_AUTHORISATION}commercializza\w*",
        r"arriv\w*\s+(?:sul\s+mercato|in\s+farmacia|nelle\s+farmacie)|sul\s+mercato",
        r"(?:sarà|saranno|essere)\s+disponibil[ei]|disponibile\s+in\s+(?:italia|farmacia|europa)|in\s+vendita",
        r"ingresso\s+sul\s+mercato|entr\w*\s+sul\s+mercato",
    ),
    approval=(
        r"approvazione|approvat\w*|approvar\w*|approv[iaei]\w*",
        r"autorizzazione|autorizz\w*",
        r"(?:l')?ok|via\s+libera|semaforo\s+verde",
        r"immissione\s+in\s+commercio",
    ),
    other=(
        r"(?:incontro|riunione|colloquio|confronto)\s+(?:\w+\s+){0,2}con\s+(?:la\s+|l'|l’)?(?:fda|ema|aifa|agenzia)",
        r"incontrer\w*\s+(?:la\s+|l'|l’)?(?:fda|ema|aifa|agenzia)",
        r"(?:parere|consulenza)\s+scientific[ao]",
    ),
    forward=(
        r"(?:sarà|saranno|dovrebbe|dovrebbero|potrebbe|potrebbero|verrà|verranno)\s+(?:\w+\s+)?\w+",
        r"previst\w*|attes[oiae]|prorogat\w*|entro|sarà|saranno|dovrebbe|prevede",
        r"potrebbe|potrebbero|fissat\w*\s+(?:dalla\s+\w+\s+)?(?:al|per|a)",
        # the simple future: "richiederà", "presenteranno"
        r"\w{3,}(?:erà|irà|eranno|iranno)\b|darà|daranno|farà|faranno|avrà|avranno",
        # the conditional: "inizierebbe nel 2026"
        r"\w{3,}(?:ebbe|ebbero)\b",
        r"programmat\w*|pianificat\w*|in\s+programma|conta\s+di|punta\s+a|mira\s+a|si\s+aspetta|stima|"
        r"prossim\w*|in\s+arrivo",
    ),
    past=(
        r"sono\s+stati|è\s+stat[oa]|ha\s+ricevuto|ricevuto|ha\s+ottenuto",
        r"(?:ha|hanno)\s+(?:annunciato|presentato|completato|avviato|depositato|pubblicato)",
    ),
    financial=(
        r"liquidità|ricavi",
        r"vendite|fatturato",
        r"risultati\s+del\s+(?:\w+\s+)?(?:trimestre|semestre)",
        r"utile\s+netto|perdita\s+netta|margine|(?:trimestre|semestre|esercizio)\s+chius\w*",
    ),
)

GERMAN = Lexicon(
    enrollment_complete=(
        r"rekrutierung\s+abgeschlossen",
        r"(?:abschließen|abschliessen)\s+(?:die\s+)?\w*rekrutierung",
        r"\w*rekrutierung\s+(?:\w+\s+)?abschließen",
        # (die Aufnahme von Patienten: enrolment)
        r"(?:\w*rekrutierung|einschluss|patienteneinschluss|patientenaufnahme|aufnahme\s+(?:von|der)\s+\w+)\b[^.;]{0,40}?\b(?:abgeschlossen|abschließen|"
        r"abschliessen|beendet|vollständig)",
        r"letzte[nr]?\s+patient",
    ),
    trial_completion=(
        r"abschluss\s+der\s+\w*studie",
        r"\w*studie\b[^.;]{0,60}?\b(?:abgeschlossen|abschließen|beendet|enden)"
        r"(?!\s+(?:die\s+)?\w*rekrutierung)",
    ),
    trial_start=(
        r"beginn\s+der|starten",
        r"\w*studie\s+(?:\w+\s+){0,3}(?:beginnen|starten)",
        r"erste[nr]?\s+(?:patient|proband|teilnehmer)\w*",
        r"\w*studie\b[^.;]{0,60}?\b(?:beginn\w*|start\w*)",
        r"start\s+der\s+\w*studie",
        r"\w*studienstart|\w*studienbeginn",
    ),
    decision=(
        r"\w*entscheidung",
        r"\w*entschieden",
        # "wird bis zum 6. Januar entscheiden", Swiss "mit einem Entscheid sei bis ... zu rechnen"
        r"\w*entscheid(?:e[nt]?)?\b|zieldatum|stichtag|pdufa-datum|entscheidungsfrist",
        r"chmp-(?:empfehlung|stellungnahme)|(?:empfehlung|stellungnahme)\s+des\s+chmp",
        regulator_approves("zulassen", "genehmig(?:en|t)", "entscheid(?:en|et|e)"),
        # "dürfte 2026 über die Zulassung entscheiden": the decision verb after the date
        r"über\s+(?:die|den|eine)\s+(?:\w+\s+)?(?:zulassung|antrag)\s+(?:\w+\s+)?entscheiden",
        r"\w*erstattung\w*|nutzenbewertung|g-ba|gemeinsame\w*\s+bundesausschuss",
        # the English loan word as German writes it ("nennt den 12. Januar als Deadline") and a regulator's
        # assessment as the decision ("von der Behörde beurteilt sein wird")
        r"als\s+deadline|deadline\s+(?:für|der|des|zur|zum)",
        r"von\s+der\s+(?:\w+\s+)?(?:behörde|agentur|ema|fda|kommission)\s+(?:\w+\s+){0,2}?(?:beurteilt|bewertet|geprüft)",
    ),
    congress=(r"präsentiert", r"\w*kongress", r"vorgestellt|\w*symposium|\w*tagung"),
    filing=(
        r"einreich\w*|eingereicht|einzureichen",
        r"\w*antrag\s+auf",
        r"\w*zulassungsantrag|zulassungs(?:dossier|unterlagen)",
        r"beantrag\w*",
        r"bitte\w*\s+(?:\w+\s+){0,3}?um\s+(?:die\s+)?(?:\w+\s+)?(?:zulassung|grünes\s+licht)",
        r"antrag\s+(?:\w+\s+){0,8}(?:zu\s+)?stellen",
    ),
    readout=(r"\w*ergebnisse|\w*daten", r"\w*resultate|zwischenanalyse|auswertung"),
    launch=(
        r"\w*markteinführung",
        r"auf\s+den\s+markt\s+(?:zu\s+)?bringen",
        r"einführen|marktstart|auf\s+den\s+markt",
        # "die Einführung des Medikaments", "in Deutschland verfügbar sein"
        r"einführung\s+(?:des|der|von)|verfügbar\s+(?:sein|werden)|(?:in\s+)?(?:apotheken|deutschland)\s+verfügbar",
        r"eingeführt|erhältlich|in\s+den\s+handel|auf\s+den\s+deutschen\s+markt|markteintritt",
    ),
    approval=(r"\w*zulassung", r"genehmig\w*", r"grünes\s+licht", r"zugelassen|zulassen"),
    other=(
        r"(?:gespräch|treffen|besprechung|austausch|beratung)\w*\s+(?:\w+\s+){0,2}mit\s+(?:der\s+|den\s+)?"
        r"(?:[\w-]+\s+){0,2}?(?:fda|ema|[\w-]*behörden?)",
        r"rückmeldung\s+(?:\w+\s+){0,2}(?:der|von\s+der)\s+(?:[\w-]+\s+){0,2}?(?:fda|ema|[\w-]*behörden?)",
        r"wissenschaftliche\w*\s+beratung",
    ),
    forward=(
        # the verb at the clause's end: "soll ... abgeschlossen sein", "wird ... vorgelegt werden"
        r"\w+\s+(?:werden|sein)\b",
        r"erwartet|geplant|voraussichtlich|soll|sollen|wird|werden",
        r"plant|könnte|dürfte",
        r"angestrebt|anvisiert|vorgesehen|rechne[nt]\s+mit|erwarten|planen|beabsichtig\w*|will|wollen|"
        r"im\s+plan|auf\s+kurs|bevorstehend\w*|kommend\w*|spätestens|sollte|sollten",
    ),
    past=(
        r"wurden\s+(?:\w+\s+)?(?:vorgestellt|präsentiert)|wurde",
        r"erhielt|hat\s+erhalten|erhalten\s+hat",
        r"(?:hat|haben)\s+(?:\w+\s+){0,4}(?:bekanntgegeben|veröffentlicht|eingereicht|gestartet|abgeschlossen)",
    ),
    financial=(
        r"liquidität|umsatz|prognose",
        r"gewinn|quartalszahlen|jahreszahlen|\w*quartalsergebnisse",
        r"\w*ergebnisse\s+(?:zum|für\s+das|des)\s+(?:\w+\s+)?(?:quartal|halbjahr|geschäftsjahr)",
        r"\w*umsatz|ergebnis\s+je\s+aktie|\w*bericht\s+(?:zum|für\s+das)|nettoverlust|\w*marge",
    ),
)

EUROPEAN = (FRENCH, DUTCH, ITALIAN, GERMAN)

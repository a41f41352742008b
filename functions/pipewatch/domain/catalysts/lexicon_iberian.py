"""Catalyst words of Spanish and Portuguese, one Lexicon each (see lexicon.py for the fields and how entries
are matched). Split from lexicon_europe.py."""

from __future__ import annotations

from pipewatch.domain.catalysts.lexicon import NOT_AN_AUTHORISATION, Lexicon, regulator_approves

SPANISH = Lexicon(
    enrollment_complete=(
        r"reclutamiento\s+complet",
        r"(?:concluir|completar|terminar|finalizar)\s+(?:el\s+)?(?:reclutamiento|inscripción)",
        # (enrolamiento: Latin-American usage)
        r"(?:reclutamiento|inclusión|inscripción|enrolamiento)\b[^.;]{0,40}?\b(?:complet|conclu|finaliz|termin)\w*",
        r"último\s+paciente",
    ),
    trial_completion=(
        r"fecha\s+de\s+finalización",
        r"finalización\s+del\s+(?:ensayo|estudio)",
        r"(?:ensayo|estudio)\b[^.;]{0,60}?\b(?:conclu|finaliz|termin)\w*"
        r"(?!\s+(?:el\s+)?(?:reclutamiento|inscripción))",
    ),
    trial_start=(
        r"inicio\s+del\s+(?:ensayo|estudio)",
        r"(?:iniciar|empezar|comenzar)\s+(?:el\s+|un\s+|los\s+)?(?:ensayos?|estudios?)",
        r"primer\s+paciente",
        r"entr\w*\s+en\s+(?:la\s+)?(?:fase|etapa)",
        r"(?:ensayo|estudio)\b[^.;]{0,60}?\b(?:comenz|inici|empez|arranc)\w*",
    ),
    decision=(
        r"decisión(?!\s+de\s+\w+(?:ar|er|ir)\b)|dictamen",
        # a target date for the procedure: "la fecha objetivo para el cierre del procedimiento"
        r"fecha\s+(?:objetivo|límite|prevista\s+de\s+actuaci[oó]n|de\s+actuaci[oó]n|de\s+acci[oó]n|de\s+decisi[oó]n)|"
        r"cierre\s+del\s+procedimiento|respuesta\s+de\s+la\s+(?:fda|ema|agencia|aemps)",
        r"pronunciar\w*\s+(?:sobre|acerca)|dictaminar",
        # the regulator's resolution, and the payer's: "precio y financiación", "informe de posicionamiento"
        r"resoluci[oó]n|veredicto|financiaci[oó]n\s+(?:pública|del\s+sns)|precio\s+y\s+financiaci[oó]n|reembolso|"
        r"informe\s+de\s+posicionamiento",
        r"opinión\s+(?:positiva\s+)?(?:del\s+)?chmp",
        regulator_approves(
            "aprob(?:ar|ará|arán|aría|ó)",
            "aprueb\\w*",
            "autoriz(?:ar|ará|arán|aría|a|ó)",
            "decid\\w*",
            "pronunci\\w*",
            "dictamin\\w*",
        ),
    ),
    congress=(r"presentados?\s+en", r"congreso|simposio"),
    filing=(
        # (not an application a decision is "about": "la decisión ..., sobre la solicitud de autorización")
        r"presentar\s+(?:la\s+)?solicitud|(?<!sobre\sla\s)solicitud\s+de\s+autorización",
        r"solicitar\s+la\s+aprobación",
        # "la presentación a registro en la FDA", "pide luz verde"
        r"presentaci[oó]n\s+(?:a|de|del)\s+(?:registro|solicitud|expediente|dossier)|presentar\s+a\s+registro|"
        r"p[ei]d\w*\s+(?:la\s+)?luz\s+verde",
        r"(?:solicit|ped|tramit)\w*\s+(?:la\s+|el\s+)?(?:autorización|registro|aprobación|comercialización)",
        r"solicitud\s+de\s+registro",
        # "iniciar el proceso de registro ante la FDA": the registration process a company opens
        r"proceso\s+de\s+(?:registro|aprobación|autorización)\s+(?:\w+\s+){0,4}?ante",
        r"(?<!sobre\sla\s)solicitud\s+de\s+(?:aprobación|comercialización)|someter|sometimiento",
        # "presentará ante la FDA", "someterá el expediente", "registrar el fármaco"
        r"present\w*\s+(?:\w+\s+){0,4}?ante\s+(?:la\s+|las\s+|el\s+)?(?:fda|ema|agencia|aemps|autoridades|regulador)",
        # ("somet\w*" alone would read the English "sometime" as a filing)
        r"somet(?:e|er|erá|erán|erse|ido|ida|idos|idas|imiento|iendo|ió|ieron|emos)\b|expediente\s+(?:de\s+registro|regulatorio)|registrar\s+(?:el|su)\s+(?:fármaco|medicamento)",
    ),
    readout=(r"resultados|datos|hallazgos", r"análisis\s+(?:intermedio|interino|primario|final)"),
    # "autorización de comercialización" is the approval, not the launch
    launch=(
        r"lanzamiento|lanzar|lanzad[oa]s?",
        rf"{NOT_AN_AUTHORISATION}comercializa\w*",
        r"(?:llegada|salida|lleg\w*)\s+(?:al\s+mercado|a\s+las\s+farmacias)",
        r"(?:estará|estarán|estar|esté)\s+disponibles?|disponible\s+en\s+(?:las\s+)?farmacias|a\s+la\s+venta",
        # "saldrá al mercado", "llegará a España", "en las farmacias"
        r"sal\w*\s+al\s+mercado|lleg\w*\s+a\s+(?:españa|europa|méxico|argentina|colombia|chile|latinoamérica)|"
        r"en\s+las\s+farmacias|introduc\w*\s+en\s+el\s+mercado",
        r"(?:comenz|empez|inici)\w*\s+a\s+vend\w*|a\s+disposici[oó]n\s+de\s+los\s+pacientes|"
        r"pon\w*\s+en\s+el\s+mercado",
        r"entr\w*\s+(?:en|al)\s+(?:el\s+)?mercado|(?:estar|estará|estarán|esté)\s+en\s+el\s+mercado",
    ),
    approval=(
        r"aprobación|aprobar\w*|aprobad\w*|aprueb\w*|aprobará\w*",
        r"autorización|autoric\w*|autoriz\w*",
        r"luz\s+verde|visto\s+bueno|aval\b",
        r"registro\s+sanitario|obtener\s+el\s+registro|cofepris|anmat|invima",
    ),
    other=(
        r"(?:reuni\w*|encuentro|conversaciones)\s+(?:\w+\s+){0,2}con\s+(?:la\s+|las\s+)?(?:fda|ema|aemps|agencia|"
        r"autoridades)",
        r"asesoramiento\s+científico",
    ),
    forward=(
        r"(?:será|serán|podría|podrían|debería|deberían|va\s+a|van\s+a)\s+(?:\w+\s+)?\w+",
        r"espera\w*|prevé|planea\w*|será|serán|previsto",
        r"prevista|podría|podrían|pudiera|pudieran|prevén|tiene\s+previsto",
        # the simple future: "presentará", "comenzarán"
        r"\w{3,}(?:ará|erá|irá|arán|erán|irán)\b",
        # ... and its short irregular forms: "la agencia dará su decisión"
        r"dará|darán|hará|harán|habrá|tendrá|tendrán|podrá|podrán|saldrá|saldrán|vendrá|vendrán",
        # the conditional: "comenzaría en 2026"
        r"\w{3,}(?:aría|ería|iría|arían|erían|irían)\b",
        r"expectativas?|planificad\w*|programad\w*|proyecta|contempla|prevemos|confía|apunta\s+a|próxim\w*|a\s+más\s+tardar",
    ),
    past=(
        r"fueron|fue\s+\w+ado",
        r"recibió|obtuvo|presentó|ha\s+recibido|ha\s+obtenido",
        r"anunció|informó|publicó|completó|inició|lanzó|(?:ha|han)\s+(?:anunciado|presentado|completado|iniciado)",
        # the preterite of arriving, approving, starting: "entró en el mercado europeo a finales de 2022"
        r"entró|llegó|aprobó|comenzó|finalizó|logró|alcanzó|solicitó|registró",
    ),
    financial=(
        r"ingresos|tesorería",
        r"ventas|facturación|beneficio",
        # a count of applications or approvals is a statistic, not a drug's event ("25 solicitudes este año")
        r"\d+\s+(?:solicitudes|aprobaciones)\b",
        r"resultados\s+del\s+(?:\w+\s+)?(?:trimestre|semestre)",
        r"beneficio\s+neto|pérdida\s+neta|margen\s+(?:bruto|operativo)|(?:trimestre|ejercicio)\s+cerrado",
    ),
)

PORTUGUESE = Lexicon(
    enrollment_complete=(
        r"recrutamento\s+complet",
        r"(?:concluir|completar|terminar|finalizar)\s+(?:o\s+)?(?:recrutamento|inscrição)",
        r"(?:recrutamento|inclusão|inscrição)\b[^.;]{0,40}?\b(?:conclu|complet|finaliz|termin)\w*",
        r"último\s+paciente",
    ),
    trial_completion=(
        r"conclusão\s+do\s+(?:ensaio|estudo)",
        r"(?:ensaio|estudo)\b[^.;]{0,60}?\b(?:conclu|finaliz|termin)\w*(?!\s+(?:o\s+)?(?:recrutamento|inscrição))",
    ),
    trial_start=(
        r"início\s+do\s+(?:ensaio|estudo)",
        r"(?:testes|ensaios?|estudos?)\b[^.;]{0,60}?\b(?:começar|iniciar|começam|iniciam)",
        r"(?:começar|iniciar)\s+(?:os\s+|o\s+)?(?:testes|ensaios?|estudos?)",
        r"primeiro\s+paciente",
        # "entrará na fase final de seus testes": a trial phase entered
        r"entr\w*\s+na\s+(?:fase|etapa)",
    ),
    decision=(
        r"decisão(?!\s+de\s+\w+(?:ar|er|ir)\b)",
        r"parecer\s+(?:positivo\s+)?(?:do\s+)?chmp",
        # the agency's assessment and its answer: "deve se manifestar ainda em 2025 sobre os pedidos",
        # "concluir a avaliação", "as primeiras avaliações ... serão concluídas em 2025"
        r"(?:se\s+)?manifestar\w*|manifestação\s+d[ao]|conclu\w*\s+(?:a\s+)?(?:avaliação|análise)|data[\s-]alvo|"
        r"avalia(?:ção|ções)\b(?!\s+d[aeo]s?\s+(?:eficácia|segurança|dados|resultados|pacientes))",
        r"(?:dar|dará|deve\s+dar)\s+(?:o\s+|seu\s+)?(?:aval|parecer|veredito)|aval\s+d[ao]\s+anvisa",
        regulator_approves("aprov(?:ar|ará|arão|aria|a|ou)", "autoriz(?:ar|ará|arão|aria|a|ou)", "decid\\w*"),
    ),
    congress=(r"apresentados?\s+no", r"congresso|simpósio"),
    filing=(
        r"solicitar\s+(?:a\s+)?aprova\w*|submet\w*|submissão",
        r"(?<!sobre\so\s)pedido\s+de\s+(?:registro|registo|aprovação|autorização)",
        r"(?:ped|solicit|requer|protocol)\w*\s+(?:o\s+|a\s+)?(?:registro|registo|autorização)",
        r"protocol\w*\s+(?:o\s+)?pedido",
        r"ped\w*\s+(?:o\s+)?(?:aval|sinal\s+verde)",
        # the application as the subject of a passive: "o pedido deve ser apresentado à Anvisa", "o dossiê
        # será entregue à FDA"; and "apresentar à Anvisa" (to put to a regulator)
        r"(?:pedido|solicitação|dossiê|requerimento)\b[^.;]{0,40}?\b(?:apresentad|entregue|protocolad|submetid)\w*",
        r"apresent\w*\s+(?:\w+\s+){0,4}?(?:à|ao|junto\s+(?:à|ao))\s+(?:anvisa|fda|ema|agência|autoridade)",
    ),
    readout=(r"resultados|dados", r"análise\s+(?:interina|intermediária|primária|final)"),
    # "autorização de comercialização" is the approval, not the launch
    launch=(
        r"lançamento|lançar|lançad[oa]s?",
        rf"{NOT_AN_AUTHORISATION}comercializa\w*",
        r"(?:chegada|cheg\w*)\s+(?:ao\s+mercado|às\s+farmácias)",
        r"(?:estará|estarão|estar|esteja)\s+disponíve(?:l|is)|disponível\s+(?:no\s+brasil|nas\s+farmácias)|à\s+venda",
        r"entrada\s+no\s+mercado|entr\w*\s+no\s+mercado",
    ),
    approval=(
        r"aprovação|aprovad\w*|aprovar|aprov\w*",
        r"autorização|autoriz\w*",
        r"sinal\s+verde|registro\s+(?:d|n)a\s+anvisa",
    ),
    other=(
        r"(?:reuni\w*|encontro|conversas)\s+(?:\w+\s+){0,2}com\s+(?:a\s+|as\s+)?(?:fda|ema|anvisa|agência|"
        r"autoridades)",
        r"aconselhamento\s+científico",
    ),
    forward=(
        r"(?:será|serão|deve|devem|deverá|deverão|poderá|poderão|vai|vão)\s+(?:ser\s+)?\w+",
        r"planej\w*|prevê|deverá|deve|serão",
        r"devem|deverão|pode|poderá|poderão|espera\w*|previst\w*",
        # the simple future: "irá", "começará"
        r"\w{3,}(?:ará|erá|irá|arão|erão|irão)\b|irá|irão|dará|darão|fará|farão|haverá|terá|terão",
        # the conditional: "começaria em 2026"
        r"\w{3,}(?:aria|eria|iria|ariam|eriam|iriam)\b",
        r"expectativas?|programad\w*|estimad\w*|pretende\w*|tem\s+previsto|está\s+previst\w*|próxim\w*",
    ),
    past=(
        r"foram|foi",
        # an expectation of an earlier day, told in the past: "esperava-se que a agência aprovasse em março"
        r"esperava-se|previa-se|esperavam-se",
        r"recebeu|obteve|recebida|aprovad[oa]\s+em",
        r"anunciou|divulgou|publicou|concluiu|iniciou|lançou",
        r"entrou|chegou|aprovou|começou|apresentou|solicitou|alcançou",
    ),
    financial=(
        r"caixa|receita",
        r"vendas|faturamento|lucro",
        # ("há pelo menos 25 pedidos de aprovação para este ano": a statistic)
        r"\d+\s+(?:pedidos|aprovações)\b",
        r"resultados\s+do\s+(?:\w+\s+)?(?:trimestre|semestre)",
        r"lucro\s+líquido|prejuízo|margem\s+(?:bruta|operacional)|(?:trimestre|exercício)\s+encerrado",
    ),
)

IBERIAN = (SPANISH, PORTUGUESE)

"""The generalisation pass over the event families (issue 23): each family completed from how biopharma news
is written in each language (trade press, wires, company releases, regulators), not from labelled rows. Every
headline here is HAND-MADE in that style, about a watched agent of the packaged watchlist, one case per new
family or language entry; the real headlines are scored by bench/classify_eval.py."""

from __future__ import annotations

import pytest

from pipewatch.config import load_classifier

CLASSIFIER = load_classifier()

# (family, language, hand-made headline, event type, severity)
HAND_MADE = [
    # safety: regulators' communications, harm, recalls
    ("safety", "en", "EMA issues Dear Doctor letter on Vyvgart infusion reactions", "safety", "high"),
    ("safety", "en", "Patient death reported in brepocitinib extension study", "safety", "high"),
    ("safety", "en", "FDA probes liver injury cases with brepocitinib", "safety", "high"),
    ("safety", "de", "Rückruf: Vyvgart-Charge zurückgerufen", "safety", "high"),
    ("safety", "fr", "Rappel de lots de Vyvgart en France", "safety", "high"),
    ("safety", "it", "Vyvgart, richiamo di alcuni lotti", "safety", "high"),
    ("safety", "es", "Fallece un paciente en el ensayo de brepocitinib", "safety", "high"),
    ("safety", "pt", "Anvisa emite alerta de segurança sobre Vyvgart", "safety", "high"),
    ("safety", "nl", "Terugroepactie voor Vyvgart", "safety", "medium-or-high"),
    ("safety", "ja", "ブレポシチニブ brepocitinib で副作用報告", "safety", "high"),
    ("safety", "zh", "布瑞替尼 brepocitinib 不良反应报告", "safety", "high"),
    ("safety", "ko", "브레포시티닙 brepocitinib 부작용 보고", "safety", "high"),
    # approvals: more regulators' verbs
    ("approvals (subject)", "en", "FDA greenlights Vyvgart for myositis", "regulatory", "high"),
    (
        "approvals (subject)",
        "en",
        "FDA grants approval to brepocitinib in dermatomyositis",
        "regulatory",
        "high",
    ),
    ("approvals (subject)", "en", "EU waves through Vyvgart prefilled syringe", "regulatory", "high"),
    ("approvals", "fr", "Vyvgart homologué au Canada", "regulatory", "high"),
    ("approvals", "it", "Disco verde dell'Aifa per Vyvgart", "regulatory", "high"),
    ("approvals", "es", "Vyvgart, aprobado por la Comisión Europea", "regulatory", "high"),
    ("approvals", "pt", "Vyvgart aprovado pela Anvisa", "regulatory", "high"),
    ("approvals", "nl", "Vyvgart krijgt handelsvergunning", "regulatory", "high"),
    ("approvals", "zh", "efgartigimod 在中国获准上市", "regulatory", "high"),
    ("approvals", "ko", "비브가트 Vyvgart 국내 품목 허가", "regulatory", "high"),
    # rejections
    ("rejections", "en", "FDA says no to brepocitinib", "regulatory", "high"),
    ("rejections", "en", "Vyvgart deemed not approvable in pemphigus", "regulatory", "high"),
    ("rejections", "fr", "Avis défavorable du CHMP pour Vyvgart", "regulatory", "high"),
    ("rejections", "it", "Parere negativo del Chmp su Vyvgart", "regulatory", "high"),
    ("rejections", "pt", "Anvisa indefere registro de Vyvgart", "regulatory", "high"),
    ("rejections", "nl", "Negatief advies voor Vyvgart", "regulatory", "high"),
    ("rejections", "ja", "ウィフガート Vyvgart 承認見送り", "regulatory", "high"),
    # filings: an application for an authorisation is a filing (medium), not an approval
    ("filings", "en", "FDA validates brepocitinib application in dermatomyositis", "regulatory", "medium"),
    ("filings", "en", "Vyvgart sBLA gets an action date in June", "regulatory", "medium"),
    ("filings", "de", "argenx reicht Zulassungsantrag für Vyvgart ein", "regulatory", "medium"),
    ("filings", "fr", "Dépôt d'une demande d'autorisation pour le brepocitinib", "regulatory", "medium"),
    ("filings", "it", "Presentata domanda di autorizzazione per Vyvgart", "regulatory", "medium"),
    ("filings", "es", "Solicitud de autorización de brepocitinib ante la EMA", "regulatory", "medium"),
    ("filings", "pt", "Pedido de registro de Vyvgart na Anvisa", "regulatory", "medium"),
    ("filings", "nl", "argenx dient aanvraag voor Vyvgart in", "regulatory", "medium"),
    ("filings", "ja", "ウィフガート Vyvgart 承認申請", "regulatory", "medium"),
    ("filings", "ko", "비브가트 Vyvgart 품목허가 신청", "regulatory", "medium"),
    # designations
    ("designations", "en", "Brepocitinib wins BTD in dermatomyositis", "regulatory", "medium"),
    ("designations", "de", "Brepocitinib erhält Orphan-Drug-Status", "regulatory", "medium"),
    ("designations", "zh", "brepocitinib 获得突破性疗法认定", "regulatory", "medium"),
    ("designations", "ko", "브레포시티닙 brepocitinib 희귀의약품 지정", "regulatory", "medium"),
    # label changes
    ("label changes", "en", "FDA removes REMS for Vyvgart", "regulatory", "medium"),
    ("label changes", "de", "Indikationserweiterung für Vyvgart", "regulatory", "medium"),
    ("label changes", "it", "Vyvgart, estensione di indicazione in Italia", "regulatory", "medium"),
    ("label changes", "ja", "ウィフガート Vyvgart 適応追加", "regulatory", "medium"),
    # inspections and compliance
    ("compliance", "en", "argenx gets FDA warning letter over Vyvgart plant", "regulatory", "medium"),
    ("compliance", "en", "Form 483 observations at brepocitinib supplier", "regulatory", "medium"),
    # results: significance and the drug or trial as the subject
    ("readouts", "en", "Brepocitinib stat sig on skin scores in phase 3", "results", "high"),
    ("readouts", "en", "Vyvgart statistically significant in Ph3 myositis study", "results", "high"),
    ("endpoints", "en", "Dazukibart shines in mid-stage lupus trial", "results", "medium"),
    ("endpoints", "en", "Brepocitinib misses in phase 3 uveitis study", "results", "high"),
    ("failures", "en", "Vyvgart did not meet its main goal in pemphigus", "results", "medium"),
    ("endpoints", "pt", "Brepocitinib atinge desfecho primário em fase 3", "results", "high"),
    ("endpoints", "nl", "Brepocitinib bereikt primaire eindpunt in fase 3", "results", "high"),
    ("readouts", "de", "Brepocitinib statistisch signifikant in Phase-2-Studie", "results", "medium"),
    ("readouts", "it", "Vyvgart statisticamente significativo nello studio di fase 3", "results", "high"),
    ("failures", "fr", "Le brepocitinib n'atteint pas son objectif en phase 3", "results", "high"),
    ("failures", "es", "Brepocitinib no cumple el objetivo en fase 3", "results", "high"),
    ("failures", "pt", "Brepocitinib não atinge objetivo em estudo de fase 3", "results", "high"),
    ("failures", "ja", "ブレポシチニブ brepocitinib 第3相で主要評価項目未達", "results", "high"),
    ("failures", "zh", "brepocitinib 三期研究未达到主要终点", "results", "high"),
    ("failures", "ko", "브레포시티닙 brepocitinib 3상 실패", "results", "high"),
    ("comparisons", "en", "Vyvgart beats placebo in phase 3 CIDP study", "results", "high"),
    ("analyses (weak)", "en", "Vyvgart post hoc analysis in myasthenia gravis", "results", "medium"),
    # trial status
    ("trial status", "en", "Brepocitinib uveitis study stopped early", "trial_status", "high"),
    ("trial status", "de", "Brepocitinib-Studie ausgesetzt", "trial_status", "high"),
    ("trial status", "fr", "Essai du brepocitinib suspendu", "trial_status", "high"),
    ("trial status", "es", "Ensayo de brepocitinib detenido", "trial_status", "high"),
    ("trial status", "pt", "Estudo de brepocitinib interrompido", "trial_status", "high"),
    ("trial status", "nl", "Studie met brepocitinib gestaakt", "trial_status", "high"),
    ("trial status", "zh", "brepocitinib 临床试验暂停", "trial_status", "high"),
    ("trial status", "ko", "브레포시티닙 brepocitinib 임상 조기 종료", "trial_status", "high"),
    ("trial status", "it", "Studio su brepocitinib concluso", "trial_status", "medium"),
    # trial start
    ("trial start", "en", "First patient in for dazukibart phase 2 study", "trial_start", "medium"),
    ("trial start", "en", "CTA approved for brepocitinib trial in the UK", "trial_start", "medium"),
    ("trial start", "fr", "Lancement d'un essai de phase 3 du brepocitinib", "trial_start", "medium"),
    ("trial start", "de", "Studienstart für Brepocitinib in Japan", "trial_start", "medium"),
    ("trial start", "nl", "Studie met brepocitinib van start", "trial_start", "medium"),
    ("trial start", "pt", "Primeira dose de brepocitinib em estudo brasileiro", "trial_start", "medium"),
    ("trial start", "it", "Al via lo studio di fase 3 su brepocitinib", "trial_start", "medium"),
    ("trial start", "ja", "ブレポシチニブ brepocitinib 第3相試験で投与開始", "trial_start", "medium"),
    ("trial start", "zh", "brepocitinib 获批临床", "trial_start", "medium"),
    ("trial start", "ko", "브레포시티닙 brepocitinib 임상 승인", "trial_start", "medium"),
    # program dropped / advanced
    ("program dropped", "en", "Pfizer kills off dazukibart program", "pipeline", "high"),
    ("program dropped", "en", "Pfizer prunes pipeline, dazukibart among casualties", "pipeline", "high"),
    ("program dropped", "de", "Pfizer streicht Dazukibart", "pipeline", "high"),
    ("program dropped", "fr", "Pfizer renonce au dazukibart", "pipeline", "high"),
    ("program dropped", "pt", "Pfizer desiste do dazukibart", "pipeline", "high"),
    ("program dropped", "ja", "ファイザー dazukibart 開発中止", "pipeline", "high"),
    ("program dropped", "zh", "辉瑞 dazukibart 终止开发", "pipeline", "high"),
    ("program dropped", "ko", "화이자 dazukibart 개발 중단", "pipeline", "high"),
    ("program advanced", "en", "Roivant broadens brepocitinib trials to lupus", "pipeline", "medium"),
    ("program advanced", "fr", "Le brepocitinib passe en phase 3", "pipeline", "medium"),
    ("program advanced", "es", "Brepocitinib pasa a fase 3", "pipeline", "medium"),
    ("program advanced", "de", "Brepocitinib wird weiterentwickelt", "pipeline", "medium"),
    # corporate: deals, financing, layoffs, launches, earnings
    ("deals", "en", "Roivant inks pact with Pfizer over brepocitinib", "corporate", "medium"),
    ("deals", "en", "Priovant raises Series B to fund brepocitinib", "corporate", "medium"),
    ("deals", "de", "Roivant übernimmt Rechte an Brepocitinib", "corporate", "medium"),
    ("deals", "fr", "Roivant rachète les droits du brepocitinib", "corporate", "medium"),
    ("deals", "es", "Roivant adquiere brepocitinib", "corporate", "medium"),
    ("deals", "nl", "argenx neemt Vyvgart-partner over", "corporate", "medium"),
    ("deals", "ko", "브레포시티닙 brepocitinib 기술이전 계약", "corporate", "medium"),
    ("deals", "zh", "brepocitinib 许可协议", "corporate", "medium"),
    ("launches", "en", "argenx rolls out Vyvgart in Japan", "corporate", "medium"),
    ("launches", "fr", "Vyvgart disponible en France", "corporate", "medium"),
    ("launches", "zh", "Vyvgart 在中国上市", "corporate", "medium"),
    ("earnings", "fr", "argenx : résultats semestriels portés par Vyvgart", "corporate", "low"),
    ("earnings", "it", "argenx, risultati trimestrali trainati da Vyvgart", "corporate", "low"),
    ("earnings", "en", "Vyvgart sales beat estimates", "corporate", "low"),
]


@pytest.mark.parametrize(
    ("family", "language", "title", "event", "severity"),
    HAND_MADE,
    ids=[f"{f}-{lang}-{i}" for i, (f, lang, *_rest) in enumerate(HAND_MADE)],
)
def test_completed_family_by_language(
    family: str, language: str, title: str, event: str, severity: str
) -> None:
    out = CLASSIFIER.classify(title)
    assert out.relevant, (family, language, out.reasons)
    allowed = ("medium", "high") if severity == "medium-or-high" else (severity,)
    assert out.event_type == event and out.severity in allowed, (family, language, out.reasons)


@pytest.mark.parametrize(
    ("title", "event"),
    [
        # HAND-MADE speculation and reported talks: the cue after them is not the event
        ("Pfizer in talks to license dazukibart", "commentary"),
        ("Vyvgart may win approval in CIDP this year", "commentary"),
        ("Roivant mulls selling brepocitinib rights", "commentary"),
        ("Vyvgart soll in Europa zugelassen werden", "commentary"),
        ("Vyvgart devrait être approuvé en 2026", "commentary"),
    ],
)
def test_speculation_hedges_stop_the_cue(title: str, event: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.relevant and out.event_type == event, out.reasons


@pytest.mark.parametrize(
    "title",
    [
        # HAND-MADE question headlines, in several languages: analysis, not an event
        "Will Vyvgart win approval in CIDP?",
        "Can brepocitinib beat Vyvgart head-to-head?",
        "Is Pfizer about to drop dazukibart? - Endpoints News",
        "Wird Vyvgart in Europa zugelassen?",
        "¿Aprobará la EMA el brepocitinib?",
        "Vyvgart approval in pemphigus by 2026?",
    ],
)
def test_a_question_headline_is_commentary(title: str) -> None:
    out = CLASSIFIER.classify(title)
    assert (out.event_type, out.severity) == ("commentary", "low"), out.reasons
    assert any("asks a question" in reason for reason in out.reasons)


def test_a_question_headline_takes_the_event_its_summary_reports() -> None:
    """HAND-MADE: "why is the stock moving?" over a summary that reports phase 3 results."""
    out = CLASSIFIER.classify(
        "Why is argenx trading lower today?", "Vyvgart missed its primary endpoint in the phase 3 study."
    )
    assert (out.event_type, out.severity) == ("results", "high"), out.reasons


@pytest.mark.parametrize(
    ("title", "not_event"),
    [
        # HAND-MADE near-misses of the new entries
        ("FDA approves Vyvgart: will it sell?", "commentary"),  # a statement, then a question
        ("argenx misses sales estimates as Vyvgart slows", "results"),  # a company misses estimates
        ("Head-to-head trial of Vyvgart versus placebo begins", "results"),  # a design, not data
        ("Analysts rate argenx a buy on Vyvgart", "corporate"),  # a rating, not a purchase
        ("Weight loss with brepocitinib in phase 2 data", "commentary"),  # "weight" is not "weighs"
        ("Brepocitinib set for FDA decision in June", "commentary"),  # a scheduled decision is not a hope
    ],
)
def test_new_entries_keep_their_subject(title: str, not_event: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.relevant and out.event_type != not_event, out.reasons

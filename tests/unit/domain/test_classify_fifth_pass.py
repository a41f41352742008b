"""Issue 23, fifth pass: kinds of phrasing found in real trade-press headlines the rules had not been written
for (a private pool, kept out of the repository), and a family that sets the severity of every event it
decides. Every headline here is HAND-MADE in our own words, about a watched agent of the packaged watchlist:
one case per kind and language added; the real headlines are scored by bench/classify_eval.py."""

from __future__ import annotations

import pytest

from pipewatch.config import load_classifier

CLASSIFIER = load_classifier()

# (kind, language, hand-made headline, event type, severity)
HAND_MADE = [
    # a family's severity: every rejection and every program dropped is high, whichever verb decided it
    ("rejection (subject verb)", "en", "FDA nixes brepocitinib in dermatomyositis", "regulatory", "high"),
    ("rejection (CJK)", "ja", "ブレポシチニブ brepocitinib、承認見送り", "regulatory", "high"),
    ("program dropped (drug object)", "fr", "Pfizer arrête dazukibart dans la myosite", "pipeline", "high"),
    ("program dropped (drug object)", "it", "Pfizer abbandona dazukibart", "pipeline", "high"),
    ("program dropped (ko)", "ko", "화이자, dazukibart 개발을 접었다", "pipeline", "high"),
    ("program dropped (ko)", "ko", "화이자, dazukibart 등 파이프라인 정리", "pipeline", "high"),
    # a company stops, cancels or suspends its trial
    ("trial stopped", "de", "Pfizer stoppt Studie mit Dazukibart", "trial_status", "high"),
    ("trial stopped", "de", "Studienabbruch bei Brepocitinib", "trial_status", "high"),
    ("trial stopped", "fr", "Priovant arrête l'essai de brepocitinib", "trial_status", "high"),
    ("trial stopped", "it", "Stop alla sperimentazione di brepocitinib", "trial_status", "high"),
    ("trial stopped", "es", "Pfizer canceló el ensayo de dazukibart", "trial_status", "high"),
    ("trial stopped", "pt", "Priovant suspende estudo com brepocitinib", "trial_status", "high"),
    ("trial stopped", "nl", "Pfizer stopt studie naar dazukibart", "trial_status", "high"),
    ("trial stopped", "ja", "ブレポシチニブ brepocitinib の臨床試験を休止", "trial_status", "high"),
    ("trial stopped", "zh", "brepocitinib 臨床試驗終止", "trial_status", "high"),
    ("trial stopped", "ko", "brepocitinib 임상 1상 자진 취하", "trial_status", "high"),
    # a regulator's advisory committee
    ("advisory committee", "it", "Il comitato consultivo della FDA esamina Vyvgart", "regulatory", "medium"),
    ("advisory committee", "fr", "Le comité consultatif de la FDA examine Vyvgart", "regulatory", "medium"),
    ("advisory committee", "es", "Un comité asesor de la FDA revisará Vyvgart", "regulatory", "medium"),
    ("advisory committee", "de", "FDA-Beratungsgremium prüft Vyvgart", "regulatory", "medium"),
    ("advisory committee", "nl", "Adviescommissie van de FDA bekijkt Vyvgart", "regulatory", "medium"),
    ("advisory committee", "pt", "Comitê consultivo da FDA avalia Vyvgart", "regulatory", "medium"),
    # disappointing results, the adjective before or after its noun
    ("disappointing results", "it", "Risultati deludenti per brepocitinib", "results", "medium"),
    ("disappointing results", "fr", "Des résultats décevants pour brepocitinib", "results", "medium"),
    ("disappointing results", "es", "Resultados decepcionantes de brepocitinib", "results", "medium"),
    ("disappointing results", "pt", "Brepocitinib tem resultados decepcionantes", "results", "medium"),
    ("disappointing results", "pt", "Reprovação de brepocitinib na fase de testes", "results", "medium"),
    ("disappointing results", "de", "Enttäuschende Daten für Brepocitinib", "results", "medium"),
    ("disappointing results", "nl", "Tegenvallende resultaten voor brepocitinib", "results", "medium"),
    # a complete response letter, or a regulator speaking against approval
    ("rejection (CRL)", "fr", "Lettre de réponse complète de la FDA pour Vyvgart", "regulatory", "high"),
    ("rejection (CRL)", "it", "Lettera di risposta completa della FDA per Vyvgart", "regulatory", "high"),
    ("rejection (CRL)", "es", "Carta de respuesta completa de la FDA para Vyvgart", "regulatory", "high"),
    ("rejection (CRL)", "pt", "Carta de resposta completa da FDA para Vyvgart", "regulatory", "high"),
    ("rejection", "de", "EMA spricht sich gegen die Zulassung von Vyvgart aus", "regulatory", "high"),
    # approvals in the past tense, a regulator that releases a drug or recommends its authorisation
    ("approval (past tense)", "es", "La Comisión Europea autorizó Vyvgart", "regulatory", "high"),
    ("approval (past tense)", "pt", "Anvisa aprovou Vyvgart para miastenia", "regulatory", "high"),
    ("approval (subject verb)", "pt", "Anvisa libera Vyvgart para miastenia", "regulatory", "high"),
    ("positive opinion", "es", "EMA recomienda la autorización de Vyvgart", "regulatory", "medium-or-high"),
    ("positive opinion", "it", "L'Ema raccomanda l'approvazione di Vyvgart", "regulatory", "medium-or-high"),
    ("positive opinion", "fr", "L'EMA recommande l'autorisation de Vyvgart", "regulatory", "medium-or-high"),
    ("positive opinion", "pt", "EMA recomenda aprovação de Vyvgart", "regulatory", "medium-or-high"),
    # Portuguese "EUA" is the United States, not an emergency use authorisation
    ("regulator stops a trial", "pt", "FDA dos EUA suspende testes de brepocitinib", "safety", "high"),
    # layoffs
    ("layoffs", "en", "Priovant slashes staff as brepocitinib spending grows", "corporate", "medium"),
    ("layoffs", "en", "Priovant retrenches around brepocitinib", "corporate", "medium"),
    # the phase in words sets the severity of results
    ("phase in words", "es", "Brepocitinib fracasa en la fase tres", "results", "high"),
    ("phase in words", "it", "Brepocitinib fallisce la terza fase", "results", "high"),
    ("phase in words", "pt", "Brepocitinib fracassa na terceira fase", "results", "high"),
    ("phase in words", "fr", "Brepocitinib échoue en phase trois", "results", "high"),
    ("phase in words", "de", "Brepocitinib scheitert in der dritten Phase", "results", "high"),
    ("phase in words", "nl", "Brepocitinib faalt in de derde fase", "results", "high"),
    ("phase in words", "pt", "Brepocitinib fracassa na segunda fase", "results", "medium"),
    ("phase 2/3 (CJK)", "ja", "ブレポシチニブ brepocitinib、フェーズ2/3で有意差なし", "results", "high"),
    # review or filing words after an approval word: not an approval
    ("review, not approval", "ja", "ブレポシチニブ brepocitinib の承認審議を開始", "regulatory", "medium"),
    ("filing, not approval", "ja", "ブレポシチニブ brepocitinib の承認を申請", "regulatory", "medium"),
    ("whether approved", "ko", "brepocitinib 허가 여부 다음 달 결정", "regulatory", "medium"),
    # Traditional Chinese (Taiwan, Hong Kong press)
    ("approval (Traditional Chinese)", "zh", "brepocitinib 獲批上市", "regulatory", "high"),
    ("approval (Traditional Chinese)", "zh", "衛福部批準 brepocitinib", "regulatory", "high"),
]


@pytest.mark.parametrize(
    ("kind", "language", "title", "event", "severity"),
    HAND_MADE,
    ids=[f"{k}-{lang}-{i}" for i, (k, lang, *_rest) in enumerate(HAND_MADE)],
)
def test_kind_by_language(kind: str, language: str, title: str, event: str, severity: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.relevant, (kind, language, out.reasons)
    allowed = ("medium", "high") if severity == "medium-or-high" else (severity,)
    assert out.event_type == event and out.severity in allowed, (kind, language, out.reasons)


# HAND-MADE: severity by kind of event, not by the event type alone (a rejection of a marketed drug's new
# indication is a rejection; a phase 3 miss is high, a phase 2 miss medium), and the English kinds added
SEVERITY_KINDS = [
    ("FDA declines to expand Vyvgart label to myositis", "regulatory", "high"),
    ("FDA rejects Vyvgart in new indication, keeps myasthenia approval", "regulatory", "high"),
    ("Vyvgart sBLA in CIDP gets complete response letter", "regulatory", "high"),
    ("CHMP recommends refusal of Vyvgart extension", "regulatory", "high"),
    ("Vyvgart fails to win EU backing for myositis", "regulatory", "high"),
    ("Brepocitinib misses primary endpoint in phase 3", "results", "high"),
    ("Brepocitinib misses primary endpoint in phase 2", "results", "medium"),
    ("Brepocitinib mid-stage flop", "results", "medium"),
    ("Brepocitinib flunks late-stage test", "results", "high"),
    ("Dazukibart trial paused over liver signal", "safety", "high"),
    ("Pfizer terminates dazukibart phase 2 for business reasons", "trial_status", "high"),
    ("Pfizer hands dazukibart back to partner", "pipeline", "high"),
    ("Vyvgart rivals: who wins the FcRn race", "commentary", "low"),
    # German and Dutch split verbs, the particle several words after the verb
    ("FDA lehnt Vyvgart in neuer Indikation ab", "regulatory", "high"),
    ("FDA wijst uitbreiding van Vyvgart af", "regulatory", "high"),
    # a stop for safety reasons, in each language
    ("Dazukibart, sperimentazione sospesa per problemi di sicurezza", "safety", "high"),
    ("Dazukibart : essai suspendu pour des raisons de sécurité", "safety", "high"),
    ("Dazukibart: ensayo detenido por problemas de seguridad", "safety", "high"),
    ("Dazukibart: estudo interrompido por motivos de segurança", "safety", "high"),
    ("Dazukibart: Studie aus Sicherheitsgründen gestoppt", "safety", "high"),
    ("Dazukibart: studie stilgelegd om veiligheidsredenen", "safety", "high"),
]


@pytest.mark.parametrize(("title", "event", "severity"), SEVERITY_KINDS)
def test_severity_by_kind(title: str, event: str, severity: str) -> None:
    out = CLASSIFIER.classify(title)
    assert (out.event_type, out.severity) == (event, severity), out.reasons


@pytest.mark.parametrize(
    ("title", "severity"),
    [
        # HAND-MADE: "in May" is when it happened; "may" before a verb is still a hedge
        ("Backed by advisers in May, Vyvgart is rejected by the FDA", "high"),
        ("Vyvgart may be rejected by the FDA, analysts say", "low"),
    ],
)
def test_month_may_is_not_a_hedge(title: str, severity: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.severity == severity, out.reasons


def test_family_severity_is_named_in_the_reasons() -> None:
    # HAND-MADE: the family's own severity says which phrasing set it
    out = CLASSIFIER.classify("Pfizer arrête dazukibart dans la myosite")
    assert out.severity == "high"
    prefix = "severity high: the phrasing of the event sets it"
    assert any(reason.startswith(prefix) for reason in out.reasons), out.reasons


@pytest.mark.parametrize(
    "title",
    [
        # HAND-MADE near-misses: an application for an authorisation, sales that disappoint, a US company
        "Pfizer presenta solicitud de autorización para dazukibart",
        "Vendite deludenti per Vyvgart nel trimestre",
        "argenx abre escritório nos EUA para Vyvgart",
        "Vyvgart senza problemi di sicurezza nel lungo termine",
    ],
)
def test_near_misses_are_not_the_new_kinds(title: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.severity != "high" or out.event_type != "regulatory", out.reasons
    assert out.event_type not in ("results", "safety"), out.reasons

"""Issue 23, fourth pass: the event families completed family by family and language by language from how
the trade press writes headlines (headlinese, passives, word orders, particle-less Japanese, Chinese split
verbs), not from labelled rows. Every headline here is HAND-MADE in that style about a watched agent of the
packaged watchlist (one case per new entry); real headlines are scored by bench/classify_eval.py."""

from __future__ import annotations

import pytest

from pipewatch.config import load_classifier
from pipewatch.domain.watch.normalize import normalize

CLASSIFIER = load_classifier()

# (family, language, hand-made headline, event type, severity)
HAND_MADE = [
    # approvals: the regulator after a passive participle; approvals said in each language
    ("approvals (passive)", "en", "Vyvgart cleared by FDA for pemphigus", "regulatory", "high"),
    ("approvals (passive)", "en", "Brepocitinib backed by EU regulators", "regulatory", "high"),
    ("approvals", "nl", "Europese Commissie keurt Vyvgart goed", "regulatory", "high"),
    ("approvals", "nl", "Vyvgart toegelaten in Europa", "regulatory", "high"),
    ("approvals", "it", "Ok dell'Fda a brepocitinib", "regulatory", "high"),
    ("approvals", "de", "FDA lässt Brepocitinib zu", "regulatory", "high"),
    ("approvals", "pt", "Anvisa concede registro ao Vyvgart", "regulatory", "high"),
    ("approvals", "pt", "Vyvgart recebe registro da Anvisa", "regulatory", "high"),
    # rejections: a CRL without "letter", thumbs down, and Chinese/Japanese/Korean CRL words
    ("rejections", "en", "FDA issues complete response to brepocitinib", "regulatory", "high"),
    ("rejections", "en", "CHMP gives thumbs-down to Vyvgart", "regulatory", "high"),
    ("rejections", "zh", "brepocitinib 收到完整回复函", "regulatory", "high"),
    ("rejections", "ja", "brepocitinib 審査完了報告通知を受領", "regulatory", "high"),
    ("rejections", "ko", "brepocitinib FDA 보완요구서한 수령", "regulatory", "high"),
    # results: the drug or trial as subject, the stage or endpoint as object
    ("results (stage object)", "en", "Brepocitinib hits in phase 3 dermatomyositis trial", "results", "high"),
    ("results (stage object)", "en", "Vyvgart nails phase 3 endpoint", "results", "high"),
    ("failures (stage object)", "en", "Brepocitinib tanks in phase 3", "results", "high"),
    ("failures (stage object)", "en", "Vyvgart comes up short in phase 3 CIDP trial", "results", "high"),
    ("failures (stage object)", "en", "Brepocitinib whiffs on phase 3 endpoint", "results", "high"),
    ("failures", "en", "Brepocitinib phase 3 comes up empty", "results", "high"),
    ("results (phase 2/3)", "en", "Brepocitinib phase 2/3 trial meets primary endpoint", "results", "high"),
    ("results", "nl", "Brepocitinib positief in fase 3-studie", "results", "high"),
    ("results", "ko", "brepocitinib 3상 임상 성공", "results", "high"),
    ("results", "ja", "brepocitinib 第3相試験 主要評価項目達成", "results", "high"),
    ("results", "zh", "brepocitinib III期临床试验成功", "results", "high"),
    # program dropped: headlinese and each language, event and severity alike
    ("program dropped", "en", "Pfizer stops developing dazukibart", "pipeline", "high"),
    ("program dropped", "en", "Pfizer cuts dazukibart from pipeline", "pipeline", "high"),
    ("program dropped", "en", "Pfizer discards dazukibart", "pipeline", "high"),
    ("program dropped", "en", "Pfizer parts ways with dazukibart", "pipeline", "high"),
    ("program dropped", "en", "Pfizer pulls plug on dazukibart", "pipeline", "high"),
    ("program dropped", "de", "Pfizer stellt Entwicklung von Dazukibart ein", "pipeline", "high"),
    ("program dropped", "de", "Pfizer gibt Dazukibart auf", "pipeline", "high"),
    ("program dropped", "nl", "Pfizer stopt met dazukibart", "pipeline", "high"),
    ("program dropped", "it", "Pfizer mette fine allo sviluppo di dazukibart", "pipeline", "high"),
    ("program dropped", "fr", "Pfizer arrête le développement du dazukibart", "pipeline", "high"),
    ("program dropped", "ko", "Pfizer dazukibart 개발 포기", "pipeline", "high"),
    ("program dropped", "zh", "辉瑞终止dazukibart开发", "pipeline", "high"),
    ("program dropped", "ja", "ファイザー、dazukibartの開発中止", "pipeline", "high"),
    # trial start: the first enrolment, and word orders of Dutch, Italian, German; an IND approved (zh, ko)
    ("trial start", "en", "Dazukibart trial begins enrolling", "trial_start", "medium"),
    ("trial start", "nl", "Pfizer start fase 3-studie met dazukibart", "trial_start", "medium"),
    ("trial start", "it", "Al via la fase 3 di dazukibart", "trial_start", "medium"),
    ("trial start", "de", "Dazukibart: Start der Phase-3-Studie", "trial_start", "medium"),
    ("trial start (IND)", "zh", "dazukibart 临床试验申请获批", "trial_start", "medium"),
    ("trial start (IND)", "ko", "dazukibart 임상 3상 IND 승인 획득", "trial_start", "medium"),
    # safety: a patient dies, a regulator puts a trial on hold, a stop for a stated safety concern
    ("safety", "en", "Patient dies in dazukibart study", "safety", "high"),
    ("safety (regulator)", "en", "FDA puts brepocitinib trial on hold", "safety", "high"),
    ("safety (regulator)", "pt", "FDA suspende estudo de dazukibart", "safety", "high"),
    ("safety (regulator)", "nl", "FDA legt klinische stop op voor dazukibart", "safety", "high"),
    ("safety", "ja", "dazukibart 臨床試験を一時中断、安全性懸念", "safety", "high"),
    ("safety", "zh", "dazukibart 因安全问题暂停临床", "safety", "high"),
    # market withdrawal: the drug as the object, or said passively
    ("market withdrawal", "en", "Pfizer withdraws Vyvgart", "safety", "high"),
    ("market withdrawal", "de", "Vyvgart vom Markt genommen", "safety", "high"),
    ("market withdrawal", "fr", "Vyvgart retiré du marché", "safety", "high"),
    ("market withdrawal", "it", "Vyvgart ritirato dal mercato", "safety", "high"),
    # corporate: rights bought or sold, money raised
    ("deals", "it", "Roivant acquista i diritti di brepocitinib", "corporate", "medium"),
    ("deals", "de", "Roivant sichert sich Rechte an Brepocitinib", "corporate", "medium"),
    ("deals", "nl", "Pfizer verkoopt rechten op dazukibart aan Roivant", "corporate", "medium"),
    ("deals", "ko", "Roivant, brepocitinib 기술 도입", "corporate", "medium"),
    ("deals", "zh", "brepocitinib 权益转让给Roivant", "corporate", "medium"),
    ("financing", "en", "Priovant lands $100M to advance brepocitinib", "corporate", "medium"),
]


@pytest.mark.parametrize(
    ("family", "language", "title", "event", "severity"),
    HAND_MADE,
    ids=[f"{f}-{lang}-{i}" for i, (f, lang, *_rest) in enumerate(HAND_MADE)],
)
def test_headlinese_by_family_and_language(
    family: str, language: str, title: str, event: str, severity: str
) -> None:
    out = CLASSIFIER.classify(title)
    assert out.relevant, (family, language, out.reasons)
    assert (out.event_type, out.severity) == (event, severity), (family, language, out.reasons)


@pytest.mark.parametrize(
    ("title", "not_event"),
    [
        # HAND-MADE near-misses of the new entries: the same words in ordinary language
        ("argenx shares tank after Vyvgart sales miss", "results"),
        ("Vyvgart hits $1B in quarterly sales", "results"),
        ("Pfizer withdraws dazukibart guidance", "safety"),
        ("Roivant pulls brepocitinib IPO plans", "safety"),
        ("Pfizer withdraws from dazukibart partnership", "safety"),
        ("argenx CEO dies; Vyvgart maker mourns", "safety"),
        ("Pfizer pushes back dazukibart readout", "regulatory"),
        ("argenx verkoopt meer Vyvgart", "corporate"),
        ("Vyvgart e diritti dei pazienti", "corporate"),
        ("brepocitinib 3상 임상 성공 가능성", "results"),  # "possibility of success": a hope
    ],
)
def test_new_entries_keep_their_object(title: str, not_event: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.relevant and out.event_type != not_event, out.reasons


def test_pushes_back_is_not_a_regulator_backing() -> None:
    """HAND-MADE: "FDA pushes back" moves a date (medium); "FDA backs" approves (high)."""
    moved = CLASSIFIER.classify("FDA pushes back brepocitinib decision by three months")
    backed = CLASSIFIER.classify("FDA backs brepocitinib")
    assert (moved.event_type, moved.severity) == ("regulatory", "medium"), moved.reasons
    assert (backed.event_type, backed.severity) == ("regulatory", "high"), backed.reasons


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("ファイザー、dazukibartの開発中止", "dazukibart"),
        ("辉瑞终止dazukibart开发", "dazukibart"),
        ("Vyvgart국내 허가", "vyvgart"),
        ("ARGX-113第3相", "argx 113"),
    ],
)
def test_a_latin_name_glued_to_cjk_text_is_a_word(raw: str, words: str) -> None:
    """HAND-MADE: Japanese, Chinese and Korean write a Latin name without spaces around it."""
    normal = normalize(raw)
    assert f" {words} " in f" {normal} ", normal
    assert normalize(normal) == normal  # still idempotent

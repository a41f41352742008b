"""Event families of the taxonomy, one case per family and language: how the trade press writes the event
decides the event type and the severity (issue 23). Every headline here is HAND-MADE in the style of the
trade press (the phrasing kinds quoted in issue 23), about a watched agent of the packaged watchlist; the real
headlines are scored by bench/classify_eval.py."""

from __future__ import annotations

import pytest

from pipewatch.config import load_classifier
from pipewatch.domain.watch.taxonomy import LANGUAGES, Taxonomy

CLASSIFIER = load_classifier()

# (family, language, hand-made headline, event type, severity)
HAND_MADE = [
    # approvals: a regulator's decision, in everyday verbs
    ("approvals", "en", "argenx wins EU nod for Vyvgart in CIDP", "regulatory", "high"),
    ("approvals", "en", "FDA gives Vyvgart all clear to launch in ITP", "regulatory", "high"),
    ("approvals", "en", "Vyvgart gets the go-ahead in Japan", "regulatory", "high"),
    ("approvals", "en", "Brepocitinib gets green light in dermatomyositis", "regulatory", "high"),
    ("approvals", "de", "Vyvgart erhält EU-Zulassung", "regulatory", "high"),
    ("approvals", "de", "gruenes licht fuer vyvgart", "regulatory", "high"),  # slug: umlaut as "ue"
    ("approvals", "fr", "Feu vert européen pour Vyvgart", "regulatory", "high"),
    ("approvals", "it", "Via libera europeo a Vyvgart", "regulatory", "high"),
    ("approvals", "es", "Aprobación de Vyvgart en España", "regulatory", "high"),
    ("approvals", "pt", "Anvisa dá sinal verde para Vyvgart", "regulatory", "high"),
    ("approvals", "nl", "Vyvgart krijgt goedkeuring in Europa", "regulatory", "high"),
    ("approvals", "ja", "ウィフガート 承認取得", "regulatory", "high"),
    # the subject decides: a regulator (or its panel) clears, backs, OKs
    ("approvals (subject)", "en", "FDA OKs Vyvgart Hytrulo for CIDP", "regulatory", "high"),
    ("approvals (subject)", "en", "EMA panel backs brepocitinib in dermatomyositis", "regulatory", "high"),
    ("approvals (subject)", "en", "EU regulators clear Vyvgart prefilled syringe", "regulatory", "high"),
    # rejections
    ("rejections", "en", "FDA rebuffs brepocitinib with a CRL", "regulatory", "high"),
    ("rejections", "en", "Regulators snub Vyvgart in pemphigus", "regulatory", "high"),
    ("rejections", "de", "Zulassungsantrag für Vyvgart abgelehnt", "regulatory", "high"),
    ("rejections", "fr", "Refus de l'EMA pour Vyvgart", "regulatory", "high"),
    ("rejections", "it", "Vyvgart, l'Ema boccia la domanda", "regulatory", "high"),
    ("rejections", "es", "La EMA rechaza brepocitinib", "regulatory", "high"),
    ("rejections", "nl", "Aanvraag voor Vyvgart afgewezen", "regulatory", "high"),
    # reimbursement (a health-technology decision)
    ("reimbursement", "fr", "Vyvgart : le remboursement accordé en France", "regulatory", "medium"),
    ("reimbursement", "nl", "Vyvgart wordt vergoed vanaf januari", "regulatory", "medium"),
    # results: endpoints, failures, comparisons, effect sizes
    ("endpoints", "en", "Vyvgart hits primary endpoint in phase 3 ADHERE study", "results", "high"),
    ("endpoints", "es", "Brepocitinib alcanza el objetivo principal en fase 3", "results", "high"),
    ("endpoints", "de", "Brepocitinib erreicht Endpunkt in Phase-2-Studie", "results", "medium"),
    ("failures", "en", "Vyvgart fails to deliver in pemphigus phase III", "results", "high"),
    ("failures", "en", "Dazukibart flunks mid-stage lupus test", "results", "medium"),
    ("failures", "de", "Brepocitinib verfehlt Studienziel in Phase 3", "results", "high"),
    ("failures", "fr", "Échec de phase 3 pour Vyvgart dans le pemphigus", "results", "high"),
    ("failures", "it", "Vyvgart fallisce nello studio di fase 3", "results", "high"),
    ("failures", "nl", "Brepocitinib faalt in fase 3-studie", "results", "high"),
    ("comparisons", "en", "Vyvgart beats rival head-to-head in phase 3 myasthenia study", "results", "high"),
    (
        "comparisons",
        "en",
        "Brepocitinib outperforms placebo in phase 2 dermatomyositis trial",
        "results",
        "medium",
    ),
    ("effect sizes", "en", "Brepocitinib cuts flares by half in phase 2 lupus study", "results", "medium"),
    ("effect sizes", "de", "brepocitinib senkt risiko fuer schube um 40 prozent", "results", "medium"),
    ("effect sizes", "fr", "Le brepocitinib réduit le risque de poussées", "results", "medium"),
    # pipeline: a company drops, axes, scraps, shelves, bows out, deprioritises
    ("program dropped", "en", "Pfizer drops dazukibart", "pipeline", "high"),
    ("program dropped", "en", "Roivant axes brepocitinib in lupus", "pipeline", "high"),
    ("program dropped", "en", "Priovant shelves brepocitinib uveitis plans", "pipeline", "high"),
    ("program dropped", "en", "argenx bows out of efgartigimod myositis program", "pipeline", "high"),
    ("program dropped", "en", "argenx deprioritises efgartigimod in Graves disease", "pipeline", "high"),
    ("program dropped", "de", "Entwicklung von Dazukibart eingestellt", "pipeline", "high"),
    ("program dropped", "fr", "Pfizer abandonne le dazukibart", "pipeline", "high"),
    ("program dropped", "it", "Pfizer abbandona dazukibart", "pipeline", "high"),
    ("program dropped", "es", "Pfizer descarta dazukibart", "pipeline", "high"),
    ("program dropped", "nl", "Pfizer schrapt dazukibart", "pipeline", "high"),
    # trial start
    ("trial start", "en", "dazukibart phase 3 starts", "trial_start", "medium"),
    (
        "trial start",
        "en",
        "argenx doses first patient with efgartigimod in Graves disease",
        "trial_start",
        "medium",
    ),
    ("trial start", "en", "Brepocitinib study kicks off in Japan", "trial_start", "medium"),
    ("trial start", "it", "Avviato lo studio di brepocitinib", "trial_start", "medium"),
    ("trial start", "es", "Comienza el ensayo de brepocitinib", "trial_start", "medium"),
    # safety: warnings, harm, a regulator stopping a trial
    ("safety", "en", "EMA adds warning on infections to Vyvgart label", "safety", "high"),
    ("safety", "en", "FDA halts brepocitinib trial", "safety", "high"),
    ("safety", "de", "us arzneimittelbehoerde stoppt brepocitinib studie", "safety", "high"),
    ("safety", "nl", "Bijwerkingen van Vyvgart onderzocht", "safety", "high"),
    # trial status: the trial as the subject of a stop
    ("trial stopped", "en", "Brepocitinib trial paused in Europe", "trial_status", "high"),
    ("trial stopped", "en", "Dazukibart trial cancelled", "trial_status", "high"),
    # corporate: launches, earnings
    ("launches", "en", "Vyvgart hits the market in Canada", "corporate", "medium"),
    ("launches", "de", "Vyvgart kommt auf den Markt", "corporate", "medium"),
    ("earnings", "de", "argenx meldet hoehere vyvgart verkaeufe", "corporate", "low"),
    # trial update
    (
        "trial record change",
        "en",
        "argenx cuts enrollment for efgartigimod myositis trial",
        "trial_update",
        "low",
    ),
]


@pytest.mark.parametrize(
    ("family", "language", "title", "event", "severity"),
    HAND_MADE,
    ids=[f"{f}-{lang}-{i}" for i, (f, lang, *_rest) in enumerate(HAND_MADE)],
)
def test_event_family_by_language(family: str, language: str, title: str, event: str, severity: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.relevant, (family, language, out.reasons)
    assert (out.event_type, out.severity) == (event, severity), (family, language, out.reasons)


@pytest.mark.parametrize(
    ("title", "not_event"),
    [
        ("Vyvgart maker's shares drop 10% after earnings", "pipeline"),  # a price drops, not a program
        ("argenx files for an IPO of its Vyvgart unit", "regulatory"),  # a company files for an IPO
        ("FDA clears IND for brepocitinib trial in uveitis", "regulatory"),  # an IND is a trial start
        ("Vyvgart sales disappoint", "results"),  # a company's disappointment, not a trial's
        ("Brepocitinib cuts risk of death in phase 3", "safety"),  # a drug that lowers a risk has results
    ],
)
def test_everyday_words_without_their_subject_are_not_the_event(title: str, not_event: str) -> None:
    """HAND-MADE near-misses: the same verbs with a subject that does not decide the event."""
    out = CLASSIFIER.classify(title)
    assert out.relevant and out.event_type != not_event, out.reasons


def test_the_packaged_families_are_named_and_grouped_by_known_languages() -> None:
    taxonomy = CLASSIFIER.taxonomy
    assert isinstance(taxonomy, Taxonomy)
    assert all(rule.family for rule in taxonomy.events)
    languages = {lang for rule in taxonomy.events for lang in rule.cues}
    assert languages == set(LANGUAGES)  # every language the vocabulary covers has cues
    with_subject = [rule for rule in taxonomy.events if rule.subject is not None]
    assert {rule.event for rule in with_subject} == {"regulatory", "safety"}
    approvals = next(rule for rule in with_subject if rule.event == "regulatory")
    assert approvals.subject is not None and approvals.subject.pattern() in approvals.all_patterns()


def test_a_launch_is_medium_only_when_the_headline_says_so() -> None:
    """HAND-MADE: the launch severity rule reads the title only; a launch in an earnings summary is one line
    of the quarter (low), a launch headline is the news (medium)."""
    earnings = CLASSIFIER.classify("argenx reports third quarter sales", "Vyvgart launched in Japan in May.")
    assert (earnings.event_type, earnings.severity) == ("corporate", "low"), earnings.reasons
    launch = CLASSIFIER.classify("argenx launches Vyvgart in Japan", "Sales start next quarter.")
    assert (launch.event_type, launch.severity) == ("corporate", "medium"), launch.reasons

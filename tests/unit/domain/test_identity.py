"""Event identity extraction, part by part and language by language.

Real headlines are quoted with their page (tests/fixtures/labeled: headlines_dev.jsonl, events_dev.jsonl);
the ones written for a test are named HAND_MADE_*.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipewatch.domain.ingest.identity import (
    EventIdentity,
    agree,
    conflicts,
    dates_of,
    family_of,
    identity_of,
    phases_of,
    polarity_of,
    regulators_of,
    trials_of,
)

DAY = date(2025, 4, 28)


# -- family --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "family"),
    [
        # https://www.sec.gov/Archives/edgar/data/1697862/000110465920065639/tm2020904d1_ex99-1.htm
        (
            "argenx Announces Positive Topline Results from Phase 3 ADAPT Trial of Efgartigimod in Patients "
            "with Generalized Myasthenia Gravis",
            "results",
        ),
        # https://myastheniagravisnews.com/category/news/page/57
        ("Argenx Files for FDA Approval of Efgartigimod for Generalized MG", "filing"),
        # https://flcube.com/?p=16305
        (
            "Zai Lab’s Vyvgart Receives NMPA Review for Subcutaneous Injection Form in gMG Treatment",
            "acceptance",
        ),
        # https://pmlive.com/pharma_news/ec-approves-argenxs-subcutaneous-vyvgart-for-rare-autoimmune-disease-cipd
        ("ec approves argenxs subcutaneous vyvgart for rare autoimmune disease cipd", "approval"),
        # https://clival.com/news/ema-panel-backs-argenxs-vyvgart-sc-injection-for-treating-cidp
        ("EMA Panel Backs Argenx’s Vyvgart SC Injection for Treating CIDP", "opinion"),
        # https://www.ophthalmologytimes.com/view/argenx-discontinues-phase-3-uplighted-trials-of-efgartigimod-sc-in-thyroid-eye-disease
        ("Argenx discontinues phase 3 UplighTED trials of efgartigimod SC in thyroid eye disease", "halt"),
        # https://drug-dev.com/argenx-zai-lab-announce-strategic-collaboration/
        ("Argenx & Zai Lab Announce Strategic Collaboration", "deal"),
        # https://fr.advfn.com/bourses/EURONEXT/argen-x-ARGX/actualites/96009578/argenx-reports-first-quarter-2025-financial-result
        ("argenx reports first quarter 2025 financial result", "financials"),
    ],
)
def test_given_a_real_english_headline_then_its_event_family_is_named(title: str, family: str) -> None:
    assert family_of(title) == (family, True)


def test_given_a_plan_then_it_names_no_family_and_the_classifier_label_is_the_fallback() -> None:
    # https://bionewsfeeds.com/2021/11/11/zai-lab-plans-to-seek-efgartigimod-approval-in-china-in-early-2022/
    plan = "Zai Lab Plans to Seek Efgartigimod Approval in China in Early 2022"

    assert family_of(plan) == ("", False)
    assert family_of(plan, event_type="regulatory") == ("regulatory", False)


@pytest.mark.parametrize(
    ("title", "lede", "family"),
    [
        # FR: https://www.lecho.be/dossier/biotechs/succes-pour-un-essai-clinique-cle-d-argenx/10229169.html
        ("Succès pour un essai clinique clé d'Argenx, l'action bondit en bourse", "", "results"),
        # DE: https://www.belganewsagency.eu/argenx-aktien-steigen-nach-positiven-ergebnissen-fur-medikament-gegen-neurologische-erkrankungen-stark-an
        (
            "Argenx-Aktien steigen nach positiven Ergebnissen für Medikament gegen neurologische "
            "Erkrankungen stark an",
            "",
            "results",
        ),
        # NL (the family is in the lede): https://trends.knack.be/ondernemen/aandeel-schiet-26-procent-omhoog-een-nieuwe-mijlpaal-voor-beursster-argenx/
        (
            "aandeel schiet 26 procent omhoog een nieuwe mijlpaal voor beursster argenx",
            "Beleggers reageren op de positieve resultaten die argenx aankondigde voor een studie van zijn "
            "behandeling van de zeldzame zenuwziekte CIDP.",
            "results",
        ),
        # IT: https://it.marketscreener.com/quotazioni/azione/ROIVANT-SCIENCES-LTD-116111641/attualita/Il-farmaco-antinfiammatorio-di-Roivant-ha-successo-in-uno-studio-di-fase-intermedia-46337669/
        (
            "Il farmaco antinfiammatorio di Roivant ha successo in uno studio di fase intermedia 46337669",
            "",
            "results",
        ),
        # IT: https://socialfarma.it/fda-approva-ruxolitinib-in-crema-per-il-trattamento-della-dermatite-atopica
        ("Fda approva ruxolitinib in crema per il trattamento della dermatite atopica", "", "approval"),
        # ES: https://es.marketscreener.com/cotizacion/accion/ROIVANT-SCIENCES-LTD-116111641/noticia/El-f-rmaco-antiinflamatorio-de-Roivant-tiene-exito-en-un-estudio-de-fase-intermedia-46337669/
        (
            "el f rmaco antiinflamatorio de roivant tiene exito en un estudio de fase intermedia",
            "",
            "results",
        ),
        # ES: https://www.pmfarma.es/noticias/34505-argenx-recibe-la-opiniyin-positiva-del-chmp-para-efgartigimod-en-el-tratamiento-de-pacientes-adultos-con-miastenia-gravis-generalizada.html
        (
            "argenx recibe la opinión positiva del CHMP para efgartigimod en el tratamiento de pacientes "
            "adultos con miastenia gravis generalizada",
            "",
            "opinion",
        ),
    ],
)
def test_given_a_real_headline_in_another_language_then_its_family_is_named(
    title: str, lede: str, family: str
) -> None:
    assert family_of(title, lede) == (family, True)


HAND_MADE_JA_APPROVAL = "厚生労働省、エフガルチギモドを全身型重症筋無力症の治療薬として承認"
HAND_MADE_JA_RESULTS = "第3相試験の結果、主要評価項目を達成"
HAND_MADE_JA_FILING = "アルジェニクス、日本で承認申請"


def test_given_hand_made_japanese_headlines_then_family_regulator_and_outcome_are_read() -> None:
    approval = identity_of(HAND_MADE_JA_APPROVAL)
    results = identity_of(HAND_MADE_JA_RESULTS)

    assert approval.families == {"approval"} and approval.regulators == {"JP"}
    assert results.families == {"results"} and results.polarity == {"positive"}
    assert family_of(HAND_MADE_JA_FILING) == ("filing", True)  # "承認申請": an application for approval


# -- regulator -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "regulators"),
    [
        ("argenx Announces U.S. Food and Drug Administration (FDA) Approval of VYVGART", {"US"}),  # A21
        (
            "argenx Announces Approval of VYVGART (efgartigimod alfa) in Japan for Adults with Primary ITP",
            {"JP"},
        ),
        ("argenx Receives Positive CHMP Opinion for VYVGART SC Injection for CIDP", {"EU"}),  # ED10 (Patsnap)
        (
            "ec approves argenxs subcutaneous vyvgart for rare autoimmune disease cipd",
            {"EU"},
        ),  # XD12 (PMLive)
        ("Zai Lab’s Vyvgart Receives NMPA Review for Subcutaneous Injection Form in gMG Treatment", {"CN"}),
        ("HAND_MADE: Health Canada approves efgartigimod", {"CA"}),
        ("HAND_MADE: La Commission européenne approuve efgartigimod", {"EU"}),
        (
            "HAND_MADE: FDA approves efgartigimod after Japan's nod",
            {"US"},
        ),  # an agency outranks a country word
        ("HAND_MADE: argenx shares rise", set()),
    ],
)
def test_given_a_text_then_its_regulator_or_jurisdiction_is_read(text: str, regulators: set[str]) -> None:
    assert regulators_of(text) == regulators


# -- trial and phase -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("texts", "trials"),
    [
        (("argenx Reports Positive Topline Data from ADHERE Study of VYVGART Hytrulo",), {"ADHERE"}),  # ED06
        (("Argenx discontinues phase 3 UplighTED trials of efgartigimod SC",), {"UPLIGHTED"}),  # A38
        (
            ("argenx Submits BLA", "based on positive data from the Phase 3 ADAPT-SC trial"),
            {"ADAPT-SC"},
        ),  # XD05
        # a sentence-case lede: one capital inside a sentence names the trial (The Motley Fool, ED01)
        (
            ("Here's Why argenx Stock Is Soaring Today", "following positive results from the Adapt trial"),
            {"ADAPT"},
        ),
        # ordinary words next to "trial" are no names (ED01 outlets)
        (("argenx rockets on top line efgartigimod data", "released top-line trial results"), set()),
        (("Succès pour un essai clinique clé d'Argenx",), set()),
        (
            ("HAND_MADE: a Japanese study of efgartigimod", "A Japanese study of efgartigimod read out."),
            set(),
        ),
        (("HAND_MADE: long-term safety of PF-06823859 study drug in adults",), set()),
        # a URL slug says nothing by its case: only the NCT id counts
        (("argenx reports adhere study results nct04281472",), {"NCT04281472"}),
    ],
)
def test_given_texts_then_the_trials_they_name_are_read(texts: tuple[str, ...], trials: set[str]) -> None:
    assert trials_of(*texts) == trials


@pytest.mark.parametrize(
    ("title", "phases"),
    [
        ("Argenx Announces Positive Topline Results from the Phase III ADAPT Trial", {"3"}),  # ED01 TrialSite
        ("HAND_MADE: fase 2 results of brepocitinib", {"2"}),
        ("HAND_MADE: Phase 2b data", {"2"}),
        ("Argenx surges after hit in nerve disorder", set()),  # ED06 Evaluate Vantage
    ],
)
def test_given_a_title_then_its_phase_is_read(title: str, phases: set[str]) -> None:
    assert phases_of(title) == phases


# -- indication (given by the classifier) and outcome --------------------------------------------------------
def test_given_the_classifiers_indications_then_they_are_the_identitys() -> None:
    identity = identity_of("HAND_MADE: efgartigimod data", indications=("cidp", "myasthenia_gravis"))

    assert identity.indications == {"cidp", "myasthenia_gravis"}


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("argenx Announces Positive Topline Results from Phase 3 ADAPT Trial", {"positive"}),  # EN
        (
            "laction argenx son plus haut apres des resultats positifs sur un nouveau",
            {"positive"},
        ),  # FR (RTL)
        ("Argenx-Aktien steigen nach positiven Ergebnissen", {"positive"}),  # DE (Belga)
        ("Beleggers reageren op de positieve resultaten", {"positive"}),  # NL (Trends)
        ("Il farmaco antinfiammatorio di Roivant ha successo", {"positive"}),  # IT (Reuters)
        ("roivant tiene exito en un estudio de fase intermedia", {"positive"}),  # ES (Reuters)
        ("HAND_MADE: phase 3 trial fails to meet its primary endpoint", {"negative"}),
        ("HAND_MADE: 主要評価項目は未達", {"negative"}),
        ("HAND_MADE: positive signals despite a missed endpoint", set()),  # both: ambiguous, no polarity
    ],
)
def test_given_a_text_then_its_outcome_polarity_is_read(text: str, polarity: set[str]) -> None:
    assert polarity_of(text) == polarity


# -- dates ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "On April 28, 2025, argenx SE disclosed significant strides",  # ED10 (Patsnap Synapse) lede
        "HAND_MADE: le 28 avril 2025, la Commission",
        "HAND_MADE: am 28. April 2025 teilte argenx mit",
        "HAND_MADE: op 28 april 2025 maakte argenx bekend",
        "HAND_MADE: il 28 aprile 2025 argenx ha annunciato",
        "HAND_MADE: el 28 de abril de 2025 argenx anunció",
        "HAND_MADE: 2025年4月28日、アルジェニクスは発表した",
        "HAND_MADE: filed 2025-04-28",
    ],
)
def test_given_a_text_naming_a_date_then_the_date_is_read_in_each_language(text: str) -> None:
    assert dates_of(text) == {DAY}


def test_given_a_date_named_shortly_before_the_item_then_it_is_one_of_its_days_and_a_deadline_is_not() -> (
    None
):
    late = identity_of("On April 28, 2025, argenx disclosed", day=date(2025, 5, 7))
    deadline = identity_of("PDUFA target action date of June 30, 2025", day=DAY)

    assert late.days == {date(2025, 5, 7), DAY}
    assert deadline.days == {DAY}


# -- agreement -----------------------------------------------------------------------------------------------
def _results(**parts: object) -> EventIdentity:
    base: dict[str, object] = {
        "agents": frozenset({"efgartigimod"}),
        "families": frozenset({"results"}),
        "indications": frozenset({"cidp"}),
        "polarity": frozenset({"positive"}),
        "days": frozenset({DAY}),
        "words": frozenset({"argenx", "positive", "data"}),
    }
    base.update(parts)
    return EventIdentity(**base)  # type: ignore[arg-type]


def test_given_two_languages_with_no_common_word_then_indication_and_outcome_within_days_agree() -> None:
    english = _results(words=frozenset({"argenx", "surg", "hit", "nerve", "disorder"}))
    german = _results(words=frozenset({"aktien", "steigen", "positiven", "ergebnissen"}))

    assert agree(german, english, window_days=10)
    assert not agree(german, _results(words=english.words, polarity=frozenset()), window_days=10)


def test_given_a_publication_then_it_joins_only_a_story_about_that_publication() -> None:
    topline = _results(trials=frozenset({"ADAPT"}))
    paper = _results(
        trials=frozenset({"ADAPT"}), publication=True, venues=frozenset({"journal:LANCET_NEUROLOGY"})
    )
    news_of_paper = _results(trials=frozenset({"ADAPT"}), publication=True, venues=paper.venues)

    assert not agree(paper, topline, window_days=10)  # the paper of results reported before: a later event
    assert agree(news_of_paper, paper, window_days=10)
    assert agree(topline, paper, window_days=10)  # news after the paper (its first report) joins it


def test_given_two_abstracts_of_one_trial_then_they_are_two_reports() -> None:
    # ACR Convergence 2025 abstract 2671 (https://acrabstracts.org/?p=46324) and EULAR 2025 OP0002
    # (http://scientific.sparx-ip.net/archiveeular/?c=a&item=2025OP0002&view=3): ALKIVIA, months apart
    acr = identity_of(
        "Effect of Efgartigimod PH20 SC on Total Improvement Score, its Core Set Measures, and "
        "Patient/Clinician Impressions of Change: Results from the Phase 2 ALKIVIA Study of Adults with "
        "Active Idiopathic Inflammatory Myopathy",
        agents=("efgartigimod",),
        day=DAY,
    )
    eular = identity_of(
        "EFFICACY AND SAFETY OF EFGARTIGIMOD PH20 SC IN ADULT PARTICIPANTS WITH ACTIVE IDIOPATHIC "
        "INFLAMMATORY MYOPATHY: PHASE 2 RESULTS FROM THE ALKIVIA STUDY",
        agents=("efgartigimod",),
        day=DAY,
    )

    assert acr.publication and eular.publication
    assert not agree(acr, eular, window_days=10) and not agree(eular, acr, window_days=10)


@pytest.mark.parametrize(
    "part",
    [
        {"regulators": frozenset({"JP"})},
        {"trials": frozenset({"ADAPT-SC"})},
        {"phases": frozenset({"2"})},
        {"indications": frozenset({"myasthenia_gravis"})},
        {"polarity": frozenset({"negative"})},
        {"venues": frozenset({"congress:AAN"})},
    ],
)
def test_given_a_decisive_part_that_differs_then_the_identities_conflict(part: dict[str, object]) -> None:
    story = _results(
        regulators=frozenset({"US"}),
        trials=frozenset({"ADHERE"}),
        phases=frozenset({"3"}),
        venues=frozenset({"congress:PNS"}),
    )
    newcomer = _results(**{**story.__dict__, **part})

    assert agree(story, story, window_days=10)
    assert conflicts(newcomer, story) and not agree(newcomer, story, window_days=10)


def test_given_another_step_then_filing_acceptance_and_approval_never_agree() -> None:
    steps = [
        _results(families=frozenset({f}), regulators=frozenset({"US"})) for f in ("filing", "acceptance")
    ]
    approval = _results(families=frozenset({"approval"}), regulators=frozenset({"US"}))

    assert not any(
        agree(step, approval, window_days=10) or agree(approval, step, window_days=10) for step in steps
    )


@pytest.mark.parametrize(
    ("text", "publication", "venues"),
    [
        # https://ir.zailaboratory.com/zh-hant/news-releases/news-release-details/argenx-announces-publication-phase-3-adapt-trial-results
        (
            "argenx announces publication of Phase 3 ADAPT trial results of efgartigimod for the treatment "
            "of generalized myasthenia gravis in The Lancet Neurology",
            True,
            {"journal:LANCET_NEUROLOGY"},
        ),
        # https://eninvs.com/press_release.php?id=403375 (a congress: a venue, not a publication)
        (
            "argenx Presents Additional Efgartigimod Data from Global Phase 3 ADAPT Trial at the Myasthenia "
            "Gravis Foundation of America 2020 Scientific Session",
            False,
            {"congress:MGFA"},
        ),
        ("HAND_MADE: data presented at AAN 2024", False, {"congress:AAN"}),
        ("HAND_MADE: argenx gaat voluit met efgartigimod aan de beurs", False, set()),  # Dutch "aan": no AAN
        ("HAND_MADE: the Wall Street Journal reported argenx results", False, set()),
        ("HAND_MADE: efgartigimod results published in the journal Neurology", True, set()),
    ],
)
def test_given_a_text_then_whether_it_reports_a_publication_and_its_venue_are_read(
    text: str, publication: bool, venues: set[str]
) -> None:
    identity = identity_of(text)

    assert (identity.publication, identity.venues) == (publication, venues)


@pytest.mark.parametrize(
    "title",
    [
        # real headlines of the demo's recorded coverage of the 2023 SC review extension
        "FDA Pushes Back Decision Date on Argenx BLA to June",
        "argenx receives notification of PDUFA date extension for SC efgartigimod",
        # hand-made: the same kind of phrasing
        "FDA delays decision on efgartigimod",
        "Regulator extends the review of efgartigimod PFS by three months",
    ],
)
def test_given_a_review_pushed_back_in_any_wording_then_the_family_is_delay(title: str) -> None:
    assert identity_of(title, agents=("efgartigimod",), event_type="regulatory").families == {"delay"}


def test_given_pushed_back_guidance_then_it_is_no_review_delay() -> None:
    """Hand-made: "pushes back" names a regulatory delay only next to a decision, review or date."""
    assert (
        "delay" not in identity_of("Argenx pushes back its sales guidance", agents=("efgartigimod",)).families
    )

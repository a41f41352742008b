"""One test per classification mechanism of issue 13: misspellings, other scripts, NCT ids, indirect
references, salience, registry pages, cues per language, negative results, watched-trial phases, reasons vs
the developer view. Each uses the packaged watchlist and taxonomy unless it needs a watchlist of its own."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipewatch.cli import main
from pipewatch.config import load_classifier, load_data_file
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.fuzzy import edit_distance
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

CLASSIFIER = load_classifier()


def agents(title: str, summary: str = "") -> tuple[str, ...]:
    return CLASSIFIER.classify(title, summary).agents


# ------------------------------------------------------------------------------------------- misspellings


def test_edit_distance_counts_a_swap_as_one_and_stops_past_the_bound() -> None:
    assert edit_distance("vyvgart", "vyvgrat", 1) == 1  # swapped letters
    assert edit_distance("brepocitinib", "brepocitnib", 2) == 1  # dropped letter
    assert edit_distance("efgartigimod", "efgartigimood", 2) == 1  # doubled letter
    assert edit_distance("vyvgart", "vyvgrta", 1) == 2  # beyond the bound: bound + 1


@pytest.mark.parametrize(
    ("title", "agent"),
    [
        ("FDA approves Vyvgrat for CIDP", "efgartigimod"),  # swapped letters
        ("brepocitnib meets primary endpoint", "brepocitinib"),  # dropped letter
        ("efgartigimood data at AAN", "efgartigimod"),  # doubled letter
        ("Lisarya launch in the US", "brepocitinib"),  # swapped letters in a 7-letter brand
        ("dazukibrat phase 3 update", "dazukibart"),
        ("brepoictinbi shows promise", "brepocitinib"),  # two swaps: two edits allowed from 12 letters on
    ],
)
def test_a_misspelling_within_the_bound_names_the_agent(title: str, agent: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.agents == (agent,)
    assert any("misspelt name" in reason and "read as" in reason for reason in out.reasons)


@pytest.mark.parametrize(
    "title",
    [
        "FDA approves Vyvgrta",  # two edits in a 7-letter brand: beyond the bound
        "Vyvgt approved",  # two letters dropped
        "breptinib data",  # too far
        "brepocitnb data",  # two edits, but the word is shorter than 12 letters
        "efgartigimodxyz",  # a name inside a longer word
        "Lisra approved",  # shorter than the minimum length of a fuzzy word
    ],
)
def test_a_misspelling_beyond_the_bound_names_nothing(title: str) -> None:
    assert agents(title) == ()


@pytest.mark.parametrize(
    "title", ["ritlecitnib approved for alopecia", "tofacitinb data", "Vyvanse approved"]
)
def test_a_slip_of_a_near_miss_is_not_a_watched_drug(title: str) -> None:
    assert agents(title) == ()


def _watchlist_with_near_miss() -> Watchlist:
    packaged = load_data_file("watchlist.yaml", Watchlist)
    return Watchlist.model_validate(
        {
            "agents": [
                {
                    "id": "testimab",
                    "name": "testimab",
                    "sponsor": "Acme",
                    "aliases": {"generic": ["testimabol"]},
                    "near_misses": ["testimabul"],
                }
            ],
            "indications": [ind.model_dump() for ind in packaged.indications[:1]],
        }
    )


def test_a_word_one_edit_from_both_a_name_and_a_near_miss_is_blocked_and_explained() -> None:
    classifier = Classifier(_watchlist_with_near_miss(), load_data_file("taxonomy.yaml", Taxonomy))
    assert classifier.classify("testimabel approved").agents == ()  # one edit from both
    out, notes = classifier.explain("testimabel approved")
    assert not out.relevant
    assert any("testimabel" in note and "testimabul" in note for note in notes)
    assert not any("testimabul" in reason for reason in out.reasons)  # bookkeeping stays out of the e-mail
    assert classifier.classify("testimabol approved").agents == ("testimab",)  # the name itself still counts


# ------------------------------------------------------------------------------------ scripts and NCT ids


@pytest.mark.parametrize(
    ("title", "agent"),
    [
        ("ウィフガート、CIDPで承認取得", "efgartigimod"),  # Japanese brand (katakana)
        ("エフガルチギモド 第3相試験 結果", "efgartigimod"),  # Japanese INN
        ("ヒフデュラ配合皮下注", "efgartigimod"),  # Japanese SC brand (VYVDURA)
        ("비브가트주 허가", "efgartigimod"),  # Korean brand, with the injection suffix glued on
        ("艾加莫德获批", "efgartigimod"),  # Chinese INN
    ],
)
def test_names_in_other_scripts(title: str, agent: str) -> None:
    assert agents(title) == (agent,)


def test_a_watched_trials_nct_id_names_its_agent_and_implies_its_indications() -> None:
    out = CLASSIFIER.classify("NCT05523167 record updated")
    assert out.agents == ("efgartigimod",) and "myositis" in out.indications
    assert 'agent efgartigimod: "NCT05523167" (trial registry id) in title' in out.reasons
    assert agents("NCT05523168 record updated") == ()  # one digit off is another trial


# ---------------------------------------------------------------------------------- indirect references


@pytest.mark.parametrize(
    ("title", "agent"),
    [
        ("argenx antibody fails study in platelet disorder", "efgartigimod"),  # sole program + drug word
        ("L'essai d'un médicament de Priovant est prometteur", "brepocitinib"),  # sole program, French word
        ("Roivant announces study win for Pfizer asset", "brepocitinib"),  # sponsor + configured cue
        ("Roivant's TYK2/JAK1 inhibitor succeeds", "brepocitinib"),  # sponsor + mechanism
        ("argenx's FcRn blocker in a platelet disorder", "efgartigimod"),  # sponsor + mechanism + indication
        ("Pfizer anti-IFN-beta antibody in dermatomyositis", "dazukibart"),
    ],
)
def test_indirect_references(title: str, agent: str) -> None:
    out = CLASSIFIER.classify(title)
    assert out.agents == (agent,)
    assert any("program reference" in reason for reason in out.reasons)


@pytest.mark.parametrize(
    "title",
    [
        "argenx shares rise",  # the company alone
        "argenx antibody empasiprubart fails study",  # a near-miss of the agent in the field wins
        "Roivant drug succeeds",  # Roivant has several programs: a drug word is not enough
        "argenx " + "x " * 60 + "antibody",  # the drug word is too far from the company
        "Halozyme, a developer of drug-delivery therapies, says argenx picked a target",  # no drug named
        "ENHANZE partners include argenx, Roche and J&J; royalties on drug sales rose",  # another clause
    ],
)
def test_a_company_without_its_cue_is_not_a_reference(title: str) -> None:
    assert agents(title) == ()


# ------------------------------------------------------------------------------------------- salience


def test_a_drug_listed_among_a_competitors_prior_approvals_is_not_the_subject() -> None:
    out, notes = CLASSIFIER.explain(
        "FDA approves UCB's Rystiggo for gMG", "Rystiggo joins Vyvgart and Imaavy as FcRn blockers."
    )
    # not efgartigimod's news: a landscape item of its competitor (issue 26), never attributed to it
    assert out.agents == () and out.tier == "landscape" and out.competitor == "rozanolixizumab"
    assert out.competes_with == ("efgartigimod",)
    assert any("background" in note for note in notes)


def test_a_drug_named_once_in_a_landscape_list_is_not_the_subject() -> None:
    summary = "Options include eculizumab, ravulizumab, efgartigimod, rozanolixizumab and zilucoplan."
    out, notes = CLASSIFIER.explain("New treatments for myasthenia gravis", summary)
    assert not out.relevant
    assert any("in a list of" in note for note in notes)


def test_a_summary_mention_under_a_title_about_a_near_miss_drug_is_not_the_subject() -> None:
    out, notes = CLASSIFIER.explain(
        "J&J's nipocalimab succeeds in Sjogren's trial", "Vyvgart is approved in gMG."
    )
    assert not out.relevant
    assert any("the title is about 'nipocalimab'" in note for note in notes)
    # a company in the title is not another drug: brepocitinib stays the subject
    summary = "Roivant said brepocitinib missed in lupus."
    assert agents("Roivant bids farewell to lupus treatment", summary) == ("brepocitinib",)


def test_a_drug_in_the_title_or_the_only_drug_of_the_summary_stays_the_subject() -> None:
    assert agents("Vyvgart joins the market", "Rystiggo and Imaavy are FcRn blockers.") == ("efgartigimod",)
    assert agents("Hyloris rises", "argenx teams up with Zai Lab to develop efgartigimod.") == (
        "efgartigimod",
    )


# ----------------------------------------------------------------------------------- registry pages


def test_a_registry_page_is_a_listing_not_results() -> None:
    title = (
        "A Phase 3, Open-Label Extension Study to Investigate the Long-Term Safety and Efficacy of Dazukibart"
    )
    out = CLASSIFIER.classify(title)
    assert (out.event_type, out.severity) == ("trial_status", "medium")
    by_link = CLASSIFIER.classify(
        "Dazukibart in IIM", url="https://www.centerwatch.com/clinical-trials/listings/1"
    )
    assert by_link.event_type == "trial_status"
    assert CLASSIFIER.classify("Dazukibart in IIM", doc_type="registry").event_type == "trial_status"


def test_a_registry_page_of_posted_results_is_results() -> None:
    out = CLASSIFIER.classify(
        "A Phase 2b Study to Evaluate the Efficacy of PF-06700841 in SLE",
        url="https://www.clinicaltrialsregister.eu/ctr-search/trial/2018-004175-12/results",
    )
    assert (out.event_type, out.severity) == ("results", "medium")


# ----------------------------------------------------------------------------------- cues by language


@pytest.mark.parametrize(
    ("title", "event", "severity"),
    [
        ("Vyvgart, approvazione in Italia", "regulatory", "high"),  # IT
        # a reimbursement decision is a regulatory (health-technology) decision, as the labelled sets read it
        ("Vyvgart diventa rimborsabile", "regulatory", "medium"),  # IT reimbursement
        ("Approbation de Vyvgart en Europe", "regulatory", "high"),  # FR
        ("Efgartigimod : résultats positifs de phase 3", "results", "high"),  # FR
        ("EU-Zulassung für Vyvgart", "regulatory", "high"),  # DE
        ("Efgartigimod scheitert in Studie", "results", "medium"),  # DE failure
        ("Lisraya goedgekeurd door FDA", "regulatory", "high"),  # NL
        ("argenx sluit samenwerking met Zai Lab voor efgartigimod", "corporate", "medium"),  # NL
        ("La FDA aprueba brepocitinib", "regulatory", "high"),  # ES
        ("Brepocitinib tiene éxito en un estudio de fase intermedia", "results", "medium"),  # ES
        ("Anvisa: aprovação de brepocitinibe", "regulatory", "high"),  # PT
        ("ウィフガート 承認取得", "regulatory", "high"),  # JA
        ("エフガルチギモド 第3相試験の結果", "results", "high"),  # JA
    ],
)
def test_event_and_severity_cues_per_language(title: str, event: str, severity: str) -> None:
    out = CLASSIFIER.classify(title)
    assert (out.event_type, out.severity) == (event, severity), out.reasons


def test_a_japanese_cue_followed_by_a_plan_word_is_not_the_event() -> None:
    assert CLASSIFIER.classify("ウィフガート 承認申請予定").event_type != "regulatory"


@pytest.mark.parametrize(
    "title",
    [
        "Efgartigimod fails phase 3 pemphigus study",
        "Brepocitinib misses its primary endpoint in uveitis",
        "Efgartigimod flops in pemphigus",
        "Roivant's brepocitinib phase 2 failure in lupus",
    ],
)
def test_negative_results_are_results(title: str) -> None:
    assert CLASSIFIER.classify(title).event_type == "results"


def test_a_readout_of_a_watched_phase_3_trial_named_only_by_acronym_is_high() -> None:
    out = CLASSIFIER.classify("argenx reports topline results from ADVANCE-SC study")
    assert (out.event_type, out.severity) == ("results", "high")
    assert any("phase 3 trial in the watchlist" in reason for reason in out.reasons)
    # the text's own phase wins over the watchlist's
    assert CLASSIFIER.classify("ALKIVIA phase 2 results for efgartigimod").severity == "medium"
    # a readout still to come is not results
    assert CLASSIFIER.classify("ALKIVIA topline data expected in 2H 2026").event_type != "results"


# --------------------------------------------------------------------------- reasons vs developer view


def test_reasons_say_name_event_phrase_and_severity_rule_without_near_miss_bookkeeping() -> None:
    out, notes = CLASSIFIER.explain("Roivant's TYK2/JAK1 inhibitor wins approval")
    assert out.reasons[0].startswith('agent brepocitinib: "Roivant" + "TYK2/JAK1"')
    assert any(reason.startswith("event regulatory:") for reason in out.reasons)
    assert any(reason.startswith("severity high: approval") for reason in out.reasons)
    assert not any("near-miss" in reason for reason in out.reasons)
    assert any("near-miss" in note for note in notes)


def test_cli_explain_adds_the_developer_notes(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    line = json.dumps({"title": "FDA approves Pfizer's Litfulo (ritlecitinib)"})
    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
    assert main(["classify", "--explain"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["relevant"] is False and any("ritlecitinib" in note for note in out["explain"])
    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
    assert main(["classify"]) == 0
    assert "explain" not in json.loads(capsys.readouterr().out)


# ----------------------------------------------------------------------------------------- properties

SLIPS = st.sampled_from(
    ["Vyvgrat", "brepocitnib", "efgartigimdo", "ritlecitnib", "ウィフガート", "비브가트주", "NCT05523167",
     "argenx", "antibody", "Priovant", "médicament", "joins", "such as", "承認", "予定", "Zulassung", ",",
     "ADVANCE-SC", "topline", "fails", "eculizumab", "A Study to Evaluate", "results"]
)  # fmt: skip
MIXED = st.one_of(st.text(max_size=200), st.lists(SLIPS, max_size=30).map(" ".join))


@settings(max_examples=200, deadline=None)
@given(title=MIXED, summary=MIXED, url=st.text(max_size=80))
def test_explain_never_raises_and_agrees_with_classify(title: str, summary: str, url: str) -> None:
    first, notes = CLASSIFIER.explain(title, summary, url=url)
    again, notes_again = CLASSIFIER.explain(title, summary, url=url)
    assert (first, notes) == (again, notes_again)
    assert first == CLASSIFIER.classify(title, summary, url=url)
    assert first.relevant == bool(first.agents)
    assert all(isinstance(note, str) and note for note in notes)

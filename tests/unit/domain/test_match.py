"""The alias matcher: normalisation, every alias form, whole-word matching, programs and near-misses."""

from __future__ import annotations

import re

import pytest

from pipewatch.config import load_yaml_model, packaged_data_path
from pipewatch.domain.text import repair_mojibake
from pipewatch.domain.watch.match import Matcher, match_key, normalize, trie_regex
from pipewatch.domain.watch.watchlist import Watchlist

WATCHLIST = load_yaml_model(packaged_data_path("watchlist.yaml"), Watchlist)
MATCHER = Matcher(WATCHLIST)


def agents(title: str, summary: str = "") -> tuple[str, ...]:
    return MATCHER.match(title, summary).agent_ids


def indications(title: str, summary: str = "") -> tuple[str, ...]:
    return tuple(ev.target for ev in MATCHER.match(title, summary).indications)


def test_normalize_folds_case_accents_and_punctuation() -> None:
    assert normalize("Dermatomiosité, SVOLTA!") == "dermatomiosite svolta"
    assert normalize("Roivant's TYK2/JAK1 inhibitor") == "roivants tyk2 jak1 inhibitor"
    assert normalize("dell'uveite") == "dell uveite"
    assert normalize("anti-IFN-β") == "anti ifn beta"
    assert normalize("") == ""
    assert normalize("\x00\x07 \u200b") == ""


def test_mojibake_and_trademark_residue_are_repaired() -> None:
    assert repair_mojibake("VYVGARTÃ” (efgartigimod)") == "VYVGART  (efgartigimod)"
    assert repair_mojibake("naÃ¯ve") == "naïve"
    assert normalize("VYVGARTÔ (efgartigimod alfa-fcab)") == "vyvgart efgartigimod alfa fcab"
    assert normalize("VYVGARTÃ” approved") == "vyvgart approved"
    assert normalize("LITFULOâ„¢ approved") == "litfulo approved"
    assert normalize("CÔTE D'IVOIRE") == "cote d ivoire"  # an Ô inside a word is a letter


def test_trie_regex_text_is_the_factored_trie_as_written_before_its_runs_were_emitted_in_one_loop() -> None:
    """The text is what the regex tables are keyed by: the same keys give the same text (hand-made keys;
    the expected text is the one the recursive emitter wrote before issue 28's loop over literal runs)."""
    keys = ["phase 3", "phase\x003b", "ph", "approv", "approval", "c.r.l", "crl", "x"]
    assert trie_regex(keys) == r"(?:approv(?:al)?|c(?:\.r\.l|rl)|ph(?:ase(?: ?3b|\ 3))?|x)"
    codes = ["synthomab0001", "synthomab0002", "syn\x000001", "syn\x000002"]
    assert trie_regex(codes) == "syn(?: ?000(?:1|2)|thomab000(?:1|2))"
    assert trie_regex([]) == "" and trie_regex(["abc"]) == "abc"


def test_trie_regex_prefers_the_longest_key() -> None:
    regex = re.compile(f"(?:{trie_regex(['vyvgart', 'vyvgart hytrulo', 'vy'])})")
    assert regex.match("vyvgart hytrulo").group() == "vyvgart hytrulo"
    assert regex.match("vyvgart x").group() == "vyvgart"


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        ("efgartigimod", "efgartigimod"),
        ("Efgartigimod Alfa", "efgartigimod"),
        ("efgartigimod alfa-fcab", "efgartigimod"),
        ("efgartigimod alfa and hyaluronidase-qvfc", "efgartigimod"),
        ("efgartigimod alfa-qvfc", "efgartigimod"),
        ("efgartigimod alfa and hyaluronidase (human recombinant)", "efgartigimod"),
        ("ARGX-113", "efgartigimod"),
        ("argx113", "efgartigimod"),
        ("ARGX 113", "efgartigimod"),
        ("ARGX-113-2007 study", "efgartigimod"),
        ("EFG PH20 SC", "efgartigimod"),
        ("1000mg efgartigimod-PH20", "efgartigimod"),
        ("VYVGART", "efgartigimod"),
        ("Vyvgart Hytrulo PFS", "efgartigimod"),
        ("VYVGART-SC", "efgartigimod"),
        ("VYVDURA", "efgartigimod"),
        ("VYVGART high-titer", "efgartigimod"),
        ("Vyvgart's sales", "efgartigimod"),
        ("艾加莫德α注射液获批", "efgartigimod"),
        ("使用艾加莫德治疗", "efgartigimod"),
        ("ALKIVIA+", "efgartigimod"),
        ("UplighTED", "efgartigimod"),
        ("ADAPT SERON", "efgartigimod"),
        ("ADVANCE-NXT", "efgartigimod"),
        ("VitaliThy", "efgartigimod"),
        ("brepocitinib", "brepocitinib"),
        ("brepocitinib tosylate", "brepocitinib"),
        ("brepocitinib tosilato", "brepocitinib"),
        ("brepocitinibe", "brepocitinib"),
        ("PF-06700841", "brepocitinib"),
        ("PF06700841", "brepocitinib"),
        ("PF 06700841", "brepocitinib"),
        ("LISRAYA®", "brepocitinib"),
        ("Lisraya", "brepocitinib"),
        ("dazukibart", "dazukibart"),
        ("PF-06823859", "dazukibart"),
        ("Anti-Beta Interferon (PF-06823859)", "dazukibart"),
    ],
)
def test_every_alias_form(text: str, agent: str) -> None:
    assert agents(f"News: {text} update") == (agent,)


@pytest.mark.parametrize(
    "text",
    [
        "ARGX-1130",
        "ARGX-119 data",
        "ARGX-117 (empasiprubart)",
        "adimanebart",
        "ARGX-109 and ARGX-213",
        "abrocitinib (Cibinqo, PF-04965842)",
        "ritlecitinib",
        "Litfulo (PF-06651600)",
        "Immunovant's batoclimab (IMVT-1401)",
        "IMVT-1402",
        "ropsacitinib (PF-06826647)",
        "dazodalibep (VIB4920)",
        "lisinopril",
        "Vyvanse",
        "tofacitinib, baricitinib, upadacitinib, deucravacitinib, zasocitinib, povorcitinib",
        "nipocalimab (Imaavy) and Rystiggo",
        "FcRn blocker",
        "PF-068",
        "efgartigimodxyz",  # a name inside a longer word, beyond the misspelling bound
        "xvyvgart",
    ],
)
def test_near_misses_never_match(text: str) -> None:
    assert agents(text, text) == ()


@pytest.mark.parametrize(
    "company", ["argenx", "Pfizer", "Roivant", "Priovant", "Roivant Sciences", "Zai Lab"]
)
def test_company_alone_is_never_an_agent(company: str) -> None:
    assert agents(f"{company} reports quarterly results", f"{company} said sales grew") == ()


@pytest.mark.parametrize(
    ("title", "agent"),
    [
        ("Priovant's TYK2/JAK1 inhibitor succeeds", "brepocitinib"),
        ("Roivant drug licensed from Pfizer fails", "brepocitinib"),
        ("roivants jak tyk2 inhibitor fails phii lupus study", "brepocitinib"),
        ("roivant reports phase 3 autoimmune win ex pfizer asset", "brepocitinib"),
        ("Il farmaco di Roivant contro l'uveite non infettiva", "brepocitinib"),
        ("Pfizer's anti-IFN-beta antibody enters phase 3", "dazukibart"),
        ("Pfizer anti-IFNβ antibody", "dazukibart"),
        ("Pfizer dermatomyositis program update", "dazukibart"),
        ("argenx's FcRn blocker wins again", "efgartigimod"),
    ],
)
def test_sponsor_and_program_references(title: str, agent: str) -> None:
    assert agents(title) == (agent,)
    assert MATCHER.match(title).agents[0].kind == "program"


def test_near_miss_suppresses_program_references_in_its_field() -> None:
    assert agents("Roivant's Immunovant reports batoclimab data in dermatomyositis") == ()
    assert agents("argenx FcRn blocker ARGX-213 enters clinic") == ()
    assert agents("Pfizer's brepocitinib (PF-06700841) in dermatomyositis") == ("brepocitinib",)
    # the company and the cue must share a field
    assert agents("Roivant reports quarter", "uveitis remains a large market") == ()
    assert agents("Roivant reports quarter", "Roivant reported uveitis data") == ("brepocitinib",)


def test_ambiguous_trial_acronyms_need_case_and_a_trial_word() -> None:
    assert agents("Positive ADAPT study") == ("efgartigimod",)
    assert agents("positive neptune study results for uveitis") == ("brepocitinib",)  # slug
    assert agents("VALOR trial hits") == ("brepocitinib",)
    assert agents("Companies adapt their trial designs") == ()
    assert agents("The ADVANCE of science") == ()
    assert agents("Valor and unity in a study of courage") == ()


def test_indications_by_language_abbreviation_and_trial() -> None:
    assert indications("Dermatomiosite, svolta") == ("dermatomyositis",)
    assert indications("dermatomyosite juvénile") == ("juvenile_dm",)
    assert indications("Einschlusskörpermyositis") == ("inclusion_body_myositis",)
    assert indications("miopatía necrotizante inmunomediada") == ("necrotizing_myopathy",)
    assert indications("Idiopathic Inflammatory Myopathies") == ("myositis",)
    assert indications("Data in DM and ASyS") == ("dermatomyositis", "antisynthetase_syndrome")
    assert indications("Call at 4:30 PM ET") == ()
    assert indications("EFFICACY IN DM PATIENTS") == ()  # abbreviations ignored in all-caps text
    assert indications("ALKIVIA enrolment complete") == ("myositis",)  # implied by the trial
    assert indications("Sjögren's disease and gMG") == ("myasthenia_gravis", "sjogrens")


def test_match_key_collapses_spelling_variants() -> None:
    assert match_key("PF-06700841") == match_key("pf 06700841") == "pf06700841"
    assert match_key("---") == ""


def test_evidence_prefers_title_and_names_the_form() -> None:
    found = MATCHER.match("FDA approves VYVGARTÃ”", "efgartigimod alfa-fcab")
    assert found.agents[0].term == "VYVGART" and found.agents[0].kind == "brands"
    assert found.agents[0].field == "title"

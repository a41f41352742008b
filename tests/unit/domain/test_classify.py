"""Classifier: relevance, event type (title over summary, priority, publications, hedges), severity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipewatch.config import load_classifier
from pipewatch.domain.models import FetchedItem

CLASSIFIER = load_classifier()
DEV = Path(__file__).resolve().parents[2] / "fixtures" / "labeled" / "headlines_dev.jsonl"


def classify(title: str, summary: str = "", **kwargs: str):
    return CLASSIFIER.classify(title, summary, **kwargs)


@pytest.mark.parametrize(
    ("title", "event", "severity"),
    [
        ("Death reported in efgartigimod trial prompts FDA clinical hold", "safety", "high"),
        ("FDA approves LISRAYA (brepocitinib) for adult dermatomyositis", "regulatory", "high"),
        ("argenx receives complete response letter for VYVGART prefilled syringe", "regulatory", "high"),
        ("Priovant submits NDA for brepocitinib in dermatomyositis", "regulatory", "medium"),
        ("FDA grants orphan drug designation to dazukibart", "regulatory", "medium"),
        ("FDA accepts sBLA for VYVGART Hytrulo with priority review", "regulatory", "medium"),
        ("Brepocitinib hits primary endpoint in phase 3 VALOR study", "results", "high"),
        ("Positive phase 2 results for efgartigimod in Sjogren's", "results", "medium"),
        ("argenx discontinues phase 3 UplighTED studies", "trial_status", "high"),
        ("VALOR study of brepocitinib terminated", "trial_status", "high"),
        ("argenx completes enrollment in ALKIVIA study", "trial_status", "medium"),
        ("Pfizer initiates phase 3 study of PF-06823859", "trial_start", "medium"),
        ("First patient dosed in ADAPT OCULUS", "trial_start", "medium"),
        ("argenx advances efgartigimod into phase 3 for myositis", "pipeline", "medium"),
        ("Pfizer drops dazukibart from its pipeline", "pipeline", "high"),
        ("Roivant won't continue brepocitinib in lupus", "pipeline", "high"),
        ("argenx signs licensing deal for efgartigimod in Japan", "corporate", "medium"),
        ("Roivant launches Lisraya in the US after FDA approval", "corporate", "medium"),
        ("VYVGART sales top $1 billion in the third quarter", "corporate", "low"),
        ("ADVANCE-NXT primary completion pushed to 2027 for efgartigimod", "trial_update", "low"),
        ("argenx provides update on efgartigimod ALKIVIA study", "trial_update", "low"),
        ("Efgartigimod and the FcRn landscape", "commentary", "low"),
    ],
)
def test_event_and_severity_rules(title: str, event: str, severity: str) -> None:
    out = classify(title)
    assert out.relevant
    assert (out.event_type, out.severity) == (event, severity), out.reasons


def test_priority_picks_the_most_important_event_in_a_field() -> None:
    out = classify("Efgartigimod approved in Japan after positive phase 3 results and a licensing deal")
    assert out.event_type == "regulatory"
    assert classify("Clinical hold on brepocitinib after FDA approval of label").event_type == "safety"


def test_title_outweighs_summary() -> None:
    out = classify(
        "Brepocitinib succeeds in phase 3 dermatomyositis study",
        "Roivant plans to file for approval; the FDA approved other JAKs; a deal was signed last year.",
    )
    assert out.event_type == "results" and out.severity == "high"
    only_summary = classify("An update on brepocitinib", "The FDA approved brepocitinib on Friday.")
    assert only_summary.event_type == "regulatory"


def test_hedges_turn_events_into_plans() -> None:
    assert classify("Roivant to seek FDA approval for brepocitinib").event_type != "regulatory"
    assert classify("Argenx files for FDA approval of efgartigimod").severity == "medium"
    assert classify("No new safety signals with efgartigimod in ADAPT study").event_type != "safety"
    assert classify("brepocitinib results expected in 2027").event_type != "results"


def test_publications_by_doc_type_source_or_title_shape() -> None:
    title = "Efgartigimod in myositis: a phase 2, randomised, double-blind trial"
    assert classify(title).event_type == "publication"
    assert classify("Brepocitinib phase 3 results", source="PubMed").event_type == "publication"
    assert classify("Brepocitinib phase 3 results", doc_type="publication").severity == "low"
    assert classify("Brepocitinib phase 3 results", source="Wall Street Journal").event_type == "results"


def test_not_relevant_items_have_no_event_or_severity() -> None:
    out, notes = CLASSIFIER.explain("FDA approves Pfizer's Litfulo (ritlecitinib)", "Pfizer said ...")
    assert (out.relevant, out.agents, out.event_type, out.severity) == (False, (), None, None)
    # near-miss bookkeeping is the developer's view, not a subscriber's reason
    assert any("near-miss" in note for note in notes)
    assert not any("near-miss" in r for r in out.reasons)
    assert classify("Octagam 10% approved for adult dermatomyositis").indications == ("dermatomyositis",)


def test_reasons_are_readable() -> None:
    out = classify("FDA approves VYVGART for CIDP", "argenx said efgartigimod ...")
    assert out.reasons == (
        'agent efgartigimod: "VYVGART" (brand) in title',
        'indication cidp: "CIDP" in title',
        'event regulatory: "approves" in title',
        'severity high: approval ("approves" in title)',
    )
    program = classify("Priovant's TYK2/JAK1 inhibitor wins")
    assert program.reasons[0] == 'agent brepocitinib: "Priovant" + "TYK2/JAK1" (program reference) in title'


def test_classify_item_uses_doc_type_and_source() -> None:
    item = FetchedItem(source_id="pubmed", title="Efgartigimod in IIM", summary="", doc_type="news")
    assert CLASSIFIER.classify_item(item).event_type == "publication"
    news = FetchedItem(source_id="gnw", title="FDA approves VYVGART", source_name="GlobeNewswire")
    assert CLASSIFIER.classify_item(news).event_type == "regulatory"


def test_output_shape() -> None:
    out = classify("FDA approves VYVGART").as_output()
    assert set(out) == {
        "relevant",
        "agents",
        "indications",
        "event_type",
        "severity",
        "tier",
        "competitor",
        "competes_with",
        "reasons",
    }
    json.dumps(out)


def test_dev_set_is_classified_as_labelled() -> None:
    """A smoke check on the development set (the bench reports the figures; held-out data judges)."""
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    wrong = []
    for row in rows:
        label = row["label"]
        out = classify(row["title"], row.get("summary") or "", source=row.get("source") or "")
        own = out.relevant and out.tier == "own"  # a landscape item is a competitor's news, not the agent's
        wrong_relevance = label["relevant"] is not None and own != label["relevant"]
        if wrong_relevance or (label["event_type"] and out.event_type not in label["event_type"]):
            wrong.append(row["id"])
    assert len(wrong) <= len(rows) // 20, wrong  # 151 rows now (107 harder ones); the bench prints each miss

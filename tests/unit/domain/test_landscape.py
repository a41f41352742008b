"""The landscape tier (issue 26): a competitor's event in an indication it shares with a watched agent is a
landscape update naming the competitor and the agents it competes with, never the agents themselves.
Titles marked hand-made are written for the test; the recorded ones are rows of tests/fixtures/labeled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipewatch.config import load_classifier

CLASSIFIER = load_classifier()
LABELED = Path(__file__).resolve().parents[2] / "fixtures" / "labeled"


# One hand-made headline per event family, each about a competitor of efgartigimod in gMG or TED.
@pytest.mark.parametrize(
    ("title", "competitor", "event"),
    [
        ("FDA approves Imaavy (nipocalimab) for generalized myasthenia gravis", "nipocalimab", "regulatory"),
        (
            "FDA issues complete response letter for batoclimab in myasthenia gravis",
            "batoclimab",
            "regulatory",
        ),
        ("Zilucoplan phase 3 trial in myasthenia gravis meets primary endpoint", "zilucoplan", "results"),
        ("UCB discontinues rozanolixizumab development in myasthenia gravis", "rozanolixizumab", "pipeline"),
        ("Immunovant halts phase 3 batoclimab trial in thyroid eye disease", "batoclimab", "trial_status"),
        ("FDA places clinical hold on nipocalimab gMG trial after patient death", "nipocalimab", "safety"),
    ],
)
def test_hand_made_competitor_events_of_each_family_are_landscape_items(
    title: str, competitor: str, event: str
) -> None:
    out = CLASSIFIER.classify(title)

    assert out.relevant and out.tier == "landscape"
    assert out.agents == ()  # never attributed to the watched agent
    assert out.competitor == competitor and out.competes_with == ("efgartigimod",)
    assert out.event_type == event and out.severity == "high"
    assert out.reasons[0].startswith("landscape: ")


def test_a_competitor_shared_by_several_agents_competes_with_each_in_its_indication() -> None:
    out = CLASSIFIER.classify(
        "Saphnelo (anifrolumab) phase 3 trial in dermatomyositis meets primary endpoint"
    )
    assert out.tier == "landscape" and out.competitor == "anifrolumab"
    assert out.competes_with == ("brepocitinib", "dazukibart")  # efgartigimod does not list it


@pytest.mark.parametrize(
    "title",
    [
        "J&J files nipocalimab in gMG",  # a filing: not one of the landscape events
        "Nipocalimab phase 2 results in myositis presented at EULAR",  # not phase 3 or registrational
        "Nipocalimab approved for hemolytic disease of the fetus and newborn",  # no shared indication named
    ],
)
def test_hand_made_competitor_news_outside_the_landscape_events_or_indications_is_dropped(title: str) -> None:
    out = CLASSIFIER.classify(title)
    assert not out.relevant and out.tier == "own" and out.competitor is None


def test_a_competitor_named_only_in_the_summary_is_not_the_subject() -> None:
    out = CLASSIFIER.classify("FDA approves new myasthenia gravis drug", "Imaavy (nipocalimab) was approved.")
    assert not out.relevant and out.tier == "own"


def test_the_agents_own_news_naming_competitors_stays_own() -> None:
    out = CLASSIFIER.classify("Vyvgart approved in Japan for gMG as rivals nipocalimab and Rystiggo wait")
    assert out.tier == "own" and out.agents == ("efgartigimod",) and out.competitor is None


@pytest.mark.parametrize(
    ("row_id", "competitor", "competes_with"),
    [
        ("E-029", "rozanolixizumab", ("efgartigimod",)),  # "FDA Approves UCB's Rystiggo ... gMG"
        ("A29", "Octagam 10%", ("efgartigimod", "brepocitinib", "dazukibart")),
        ("A31", "Octagam 10%", ("efgartigimod", "brepocitinib", "dazukibart")),
    ],
)
def test_recorded_competitor_approvals_are_landscape_items(
    row_id: str, competitor: str, competes_with: tuple[str, ...]
) -> None:
    rows = [
        json.loads(line)
        for line in (LABELED / "headlines_dev.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    row = next(r for r in rows if r["id"] == row_id)
    assert row["label"]["relevant"] is False  # labelled: not the watched agents' own news

    out = CLASSIFIER.classify(row["title"], row.get("summary") or "", source=row.get("source") or "")

    assert (out.tier, out.competitor, out.competes_with, out.agents) == (
        "landscape",
        competitor,
        competes_with,
        (),
    )
    assert out.event_type == "regulatory" and out.severity == "high"


def test_no_landscape_item_of_the_labelled_sets_is_attributed_to_a_watched_agent() -> None:
    seen = 0
    for name in ("headlines_dev.jsonl", "headlines_broad_dev.jsonl", "events_dev.jsonl"):
        for line in (LABELED / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if not isinstance(row.get("title"), str):
                continue
            out = CLASSIFIER.classify(row["title"], row.get("summary") or "")
            if out.tier == "landscape":
                seen += 1
                assert out.agents == () and out.competes_with, row.get("id")
                # never labelled own news (headlines: relevant; events: the agent of the event)
                assert not (row.get("label") or {}).get("relevant") and not row.get("agent"), row.get("id")
    assert seen >= 4  # the recorded approvals above, at least

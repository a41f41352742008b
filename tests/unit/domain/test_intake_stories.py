"""The intake decider and stories (pure): copy candidates, escalation records, claims per agent.

Headlines are real (tests/fixtures/labeled/events_dev.jsonl, ED06: the ADHERE topline, 2023-07-17) unless
named HAND_MADE.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pipewatch.config import load_classifier
from pipewatch.domain.ingest.dedupe import Claim, claim_keys
from pipewatch.domain.ingest.intake import (
    MergeIntoStory,
    NotACopy,
    NotRelevant,
    StoreNew,
    decide_intake,
    escalation_id,
    prepare_batch,
)
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.models import Classification, FetchedItem, TrialChange, Update

NOW = datetime(2023, 7, 17, 12, 0, tzinfo=UTC)
CLASSIFIER = load_classifier()
# https://www.evaluate.com/vantage/articles/news/trial-results-news/argenx-surges-after-hit-nerve-disorder
VANTAGE_TITLE = "Argenx surges after hit in nerve disorder"
VANTAGE_LEDE = (
    "Argenx has passed its hardest test to date with flying colours. Today’s win for Vyvgart Hytrulo in "
    "chronic inflammatory demyelinating polyneuropathy (CIDP) has not only validated the role of FcRn "
    "antagonism as a treatment option in the rare nerve disorder ..."
)
# https://www.sec.gov/Archives/edgar/data/1697862/000110465923081428/tm2321424d1_ex99-1.htm
PRESS_TITLE = (
    "argenx Reports Positive Topline Data from ADHERE Study of VYVGART Hytrulo in Patients with Chronic "
    "Inflammatory Demyelinating Polyneuropathy"
)
PRESS_LEDE = (
    "argenx SE (Euronext & Nasdaq: ARGX) ... today announced positive topline results from the ADHERE study "
    "evaluating VYVGART Hytrulo (efgartigimod alfa and hyaluronidase-qvfc) in adults with chronic "
    "inflammatory demyelinating polyneuropathy (CIDP)."
)


def _item(source: str, title: str, summary: str = "", *, minutes: int = 0) -> FetchedItem:
    return FetchedItem(
        source_id=source,
        title=title,
        summary=summary,
        url=f"https://{source}.example/story-{minutes}",
        published=NOW - timedelta(hours=1) + timedelta(minutes=minutes),
    )


def _decide(candidates: tuple[Update, ...], stories: list[Update], now: datetime = NOW) -> list[object]:
    return list(
        decide_intake(
            candidates,
            known_ids={s.update_id for s in stories},
            claims={k: Claim(k) for u in candidates for k in claim_keys(u)},
            stories=stories,
            limits=PollLimits(),
            now=now,
            first_poll=False,
        )
    )


def _stored(item: FetchedItem) -> Update:
    (story,) = prepare_batch([item], CLASSIFIER.classify_item, NOW).candidates
    return story


# -- copy candidates ----------------------------------------------------------------------------------------
def test_given_a_near_exact_copy_that_does_not_name_the_drug_then_it_joins_the_story_it_copies() -> None:
    story = _stored(_item("vantage", VANTAGE_TITLE, VANTAGE_LEDE))
    # an aggregator's feed carries the title only: the classifier cannot tell the drug
    batch = prepare_batch([_item("aggregator", VANTAGE_TITLE + ".")], CLASSIFIER.classify_item, NOW)

    assert batch.candidates == () and len(batch.copies) == 1
    assert isinstance(batch.notes[0], NotRelevant)
    (intent,) = _decide(batch.decided, [story])
    assert isinstance(intent, MergeIntoStory) and intent.story_id == story.update_id
    assert intent.escalation is None and intent.reason == f"copy of {story.update_id}"


def test_given_a_not_relevant_item_that_copies_nothing_then_it_stays_not_relevant() -> None:
    story = _stored(_item("vantage", VANTAGE_TITLE, VANTAGE_LEDE))
    batch = prepare_batch(
        [_item("wire", "Pfizer reports third-quarter 2025 results")], CLASSIFIER.classify_item, NOW
    )

    (intent,) = _decide(batch.decided, [story])
    assert isinstance(intent, NotACopy)
    assert [type(n) for n in batch.notes] == [NotRelevant]


# -- escalation ---------------------------------------------------------------------------------------------
def test_given_an_outlet_that_raises_the_story_severity_then_one_escalation_record_with_a_fixed_id() -> None:
    story = _stored(_item("vantage", VANTAGE_TITLE, VANTAGE_LEDE))
    press = _stored(_item("sec", PRESS_TITLE, PRESS_LEDE, minutes=5))
    assert (story.classification.severity, press.classification.severity) == ("medium", "high")

    (intent,) = _decide((press,), [story])

    assert isinstance(intent, MergeIntoStory) and intent.story_id == story.update_id
    assert intent.escalation is not None
    assert intent.escalation.update_id == escalation_id(story.update_id, "high") == f"{story.update_id}~high"
    assert intent.escalation.escalates == story.update_id
    # the same decision again (a retried or a concurrent poll) names the same record: stored once
    (again,) = _decide((press,), [story], NOW + timedelta(minutes=3))
    assert isinstance(again, MergeIntoStory) and again.escalation is not None
    assert again.escalation.update_id == intent.escalation.update_id


def test_given_the_escalation_is_stored_then_a_retry_or_a_later_outlet_makes_no_second_one() -> None:
    story = _stored(_item("vantage", VANTAGE_TITLE, VANTAGE_LEDE))
    press = _stored(_item("sec", PRESS_TITLE, PRESS_LEDE, minutes=5))
    (first,) = _decide((press,), [story])
    assert isinstance(first, MergeIntoStory) and first.escalation is not None
    # HAND_MADE: another outlet's rewrite of the press release, also "high"
    rewrite = _stored(
        _item("rewrite", "argenx ADHERE study of VYVGART Hytrulo meets primary endpoint in CIDP", minutes=9)
    )

    retried = _decide((press,), [story, first.escalation])
    later = _decide((rewrite,), [story, first.escalation])

    assert [(type(i), getattr(i, "escalation", None)) for i in retried + later] == [
        (MergeIntoStory, None),
        (MergeIntoStory, None),
    ]


def test_given_noise_above_the_familys_ceiling_then_it_does_not_escalate() -> None:
    # HAND_MADE: a filing story, and another outlet of it rated "high" (noise: a filing is medium at most)
    filing = Classification(
        relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="medium"
    )
    story = Update(
        update_id="u-filing",
        title="argenx submits BLA to FDA for efgartigimod in CIDP",
        url="https://a.example/1",
        source_id="a",
        published=NOW,
        classification=filing,
        first_seen=NOW,
    )
    noisy = replace(
        story,
        update_id="u-noisy",
        url="https://b.example/2",
        source_id="b",
        title="argenx files BLA with FDA for efgartigimod in CIDP",
        classification=replace(filing, severity="high"),
    )

    (intent,) = _decide((noisy,), [story])

    assert isinstance(intent, MergeIntoStory) and intent.story_id == "u-filing"
    assert intent.escalation is None


# -- claims per agent ---------------------------------------------------------------------------------------
def test_given_updates_then_each_claims_one_neighbourhood_per_agent_and_registry_changes_none() -> None:
    two = Update(
        update_id="u-two",
        title="HAND_MADE: efgartigimod and brepocitinib data",
        source_id="a",
        classification=Classification(relevant=True, agents=("efgartigimod", "brepocitinib")),
        first_seen=NOW,
    )
    change = TrialChange(
        nct_id="NCT1", field="overallStatus", event_type="trial_status", severity="high", summary="x"
    )

    assert claim_keys(two) == ["agent#efgartigimod", "agent#brepocitinib"]
    assert claim_keys(replace(two, change=change)) == []
    assert claim_keys(replace(two, classification=Classification(relevant=False))) == []


def test_given_a_new_story_then_it_is_stored_under_every_agents_claim_which_moves_on() -> None:
    story = Update(
        update_id="u-two",
        title="HAND_MADE: efgartigimod and brepocitinib deal",
        source_id="a",
        published=NOW,
        classification=Classification(relevant=True, agents=("efgartigimod", "brepocitinib")),
        first_seen=NOW,
    )

    (intent,) = _decide((story,), [])

    assert isinstance(intent, StoreNew)
    assert [c.key for c in intent.claims] == ["agent#efgartigimod", "agent#brepocitinib"]
    assert [(c.version, c.ids) for c in intent.claims_after] == [(1, ("u-two",)), (1, ("u-two",))]

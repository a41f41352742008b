"""The intake decider (pure): a source result's items -> intents, from known ids, claims, stories, limits."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from pipewatch.config import load_classifier
from pipewatch.domain.ingest.dedupe import Claim, claim_keys
from pipewatch.domain.ingest.intake import (
    DEDUPE_LOOKBACK_DAYS,
    Defer,
    DuplicateInFeed,
    LinkDropped,
    MergeIntoStory,
    NotRelevant,
    RememberSeen,
    SkipKnown,
    Spent,
    StoreNew,
    claimed_story_ids,
    decide_intake,
    prepare_batch,
    story_lookup,
)
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.models import FetchedItem, Update

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLASSIFIER = load_classifier()
# Real headlines (tests/fixtures/labeled): two outlets' copies of one story, and three other stories.
VALOR = (
    "Priovant Announces Positive Topline Results from Phase 3 VALOR Study of Brepocitinib in Dermatomyositis"
)
VALOR_COPY = (
    "Priovant announces positive topline results of Phase 3 VALOR study of brepocitinib in dermatomyositis"
)
OTHERS = (
    "argenx wins FDA approval for efgartigimod in generalized myasthenia gravis",
    "Pfizer reports dazukibart phase 2 results in dermatomyositis",
    "argenx stops efgartigimod trial in thyroid eye disease after futility analysis",
)
IRRELEVANT = "Pfizer reports third-quarter 2025 results"
LIMITS = PollLimits()


def _item(title: str, url: str, *, published: datetime | None = NOW, **extra: str) -> FetchedItem:
    return FetchedItem(source_id="wire", title=title, url=url, published=published, extra=extra)


def _updates(*items: FetchedItem) -> list[Update]:
    return list(prepare_batch(items, CLASSIFIER.classify_item, NOW).candidates)


def _claims(*updates: Update) -> dict[str, Claim]:
    return {k: Claim(k) for u in updates for k in claim_keys(u)}


def _decide(candidates: list[Update], **overrides: object) -> list[object]:
    inputs: dict[str, object] = {
        "known_ids": set(),
        "claims": _claims(*candidates),
        "stories": [],
        "limits": LIMITS,
        "now": NOW,
        "first_poll": False,
    }
    inputs.update(overrides)
    return list(decide_intake(candidates, **inputs))


# -- step 1: the batch ----------------------------------------------------------------------------------
def test_given_a_result_then_the_batch_keeps_relevant_items_once_in_feed_order_and_notes_the_rest() -> None:
    items = [
        _item(OTHERS[0], "https://a.example/1"),
        _item(IRRELEVANT, "https://a.example/2"),
        _item(OTHERS[1], "https://a.example/3", url_dropped="over 2048 characters"),
        _item(OTHERS[0], "https://a.example/1"),  # the same item twice in one feed
    ]
    batch = prepare_batch(items, CLASSIFIER.classify_item, NOW)
    assert [u.title for u in batch.candidates] == [OTHERS[0], OTHERS[1]]
    assert all(u.first_seen == NOW and u.classification.relevant for u in batch.candidates)
    assert batch.ids == [u.update_id for u in batch.candidates]
    assert batch.links_dropped == [LinkDropped(items[2].guid, "over 2048 characters")]
    assert NotRelevant(items[1].guid) in batch.notes
    assert DuplicateInFeed(items[3].guid, batch.ids[0]) in batch.notes


def test_given_items_sharing_one_url_then_the_url_identifies_none_of_them() -> None:
    listing = "https://a.example/news"
    batch = prepare_batch(
        [_item(OTHERS[0], listing), _item(OTHERS[2], listing)], CLASSIFIER.classify_item, NOW
    )
    assert len(batch.candidates) == 2 and all(u.url_shared for u in batch.candidates)


# -- what to read ---------------------------------------------------------------------------------------
def test_given_only_stored_ids_then_nothing_is_read() -> None:
    candidates = _updates(_item(VALOR, "https://a.example/1"))
    assert story_lookup(candidates, {candidates[0].update_id}, NOW) is None


def test_given_fresh_candidates_then_their_claims_and_the_lookback_window_are_read() -> None:
    known, fresh = _updates(_item(OTHERS[0], "https://a.example/1"), _item(VALOR, "https://a.example/2"))
    lookup = story_lookup([known, fresh], {known.update_id}, NOW)
    assert lookup is not None
    assert lookup.claim_keys == tuple(claim_keys(fresh)) and lookup.claim_keys
    assert lookup.window == (NOW - timedelta(days=DEDUPE_LOOKBACK_DAYS), NOW + timedelta(seconds=1))


def test_given_claims_naming_stories_outside_the_window_then_those_are_the_ones_to_read() -> None:
    (story,) = _updates(_item(VALOR, "https://a.example/1"))
    claims = {"k": Claim("k", 2, (story.update_id, "u-older"))}
    assert claimed_story_ids(claims, [story]) == ["u-older"]


# -- step 2: intents ------------------------------------------------------------------------------------
def test_given_a_new_story_then_it_is_stored_under_its_claims_which_move_on() -> None:
    (update,) = _updates(_item(VALOR, "https://a.example/1"))
    claims = {k: Claim(k, 3, ("u-old",)) for k in claim_keys(update)}
    (intent,) = _decide([update], claims=claims)
    assert isinstance(intent, StoreNew) and intent.update == update and intent.reason == "new story"
    assert intent.claims == tuple(claims.values())
    assert intent.claims_after == tuple(Claim(c.key, 4, ("u-old", update.update_id)) for c in claims.values())


def test_given_a_stored_id_then_it_is_skipped() -> None:
    (update,) = _updates(_item(VALOR, "https://a.example/1"))
    assert _decide([update], known_ids={update.update_id}) == [SkipKnown(update)]


def test_given_another_outlets_copy_of_a_stored_story_then_it_merges_into_that_story() -> None:
    story, copy = _updates(_item(VALOR, "https://a.example/1"), _item(VALOR_COPY, "https://b.example/9"))
    (intent,) = _decide([copy], stories=[story])
    assert intent == MergeIntoStory(copy, story.update_id, f"same story as {story.update_id}")


def test_given_two_copies_in_one_result_then_the_first_is_stored_and_the_second_merges_into_it() -> None:
    first, second = _updates(_item(VALOR, "https://a.example/1"), _item(VALOR_COPY, "https://b.example/9"))
    stored, merged = _decide([first, second])
    assert isinstance(stored, StoreNew) and stored.update == first
    assert isinstance(merged, MergeIntoStory) and merged.story_id == first.update_id


def test_given_old_news_then_it_is_remembered_without_an_alert() -> None:
    month_old = NOW - timedelta(days=30)
    (update,) = _updates(_item(VALOR, "https://a.example/1", published=month_old))
    (intent,) = _decide([update])
    assert intent == RememberSeen(update, "published 2026-11-01, before the alert horizon")


def test_given_an_undated_item_then_it_is_a_baseline_on_a_first_poll_only() -> None:
    (update,) = _updates(_item(VALOR, "https://a.example/1", published=None))
    (first,) = _decide([update], first_poll=True)
    assert first == RememberSeen(update, "undated, on the source's first poll (baseline)")
    (later,) = _decide([update], first_poll=False)
    assert isinstance(later, StoreNew)
    (kept,) = _decide([update], first_poll=True, limits=PollLimits(baseline_undated=False))
    assert isinstance(kept, StoreNew)


def test_given_the_item_cap_then_the_rest_is_deferred_and_stored_ids_are_still_skipped() -> None:
    a, b, c = _updates(*(_item(t, f"https://a.example/{n}") for n, t in enumerate(OTHERS)))
    intents = _decide([a, b, c], known_ids={c.update_id}, limits=PollLimits(max_items_per_poll=1))
    assert intents == [
        StoreNew(
            a,
            tuple(Claim(k) for k in claim_keys(a)),
            tuple(Claim(k, 1, (a.update_id,)) for k in claim_keys(a)),
        ),
        Defer(b, "per-poll item cap (1) reached"),
        SkipKnown(c),
    ]


def test_given_the_alert_cap_then_remembered_items_do_not_use_it_and_stores_do() -> None:
    old = _item(OTHERS[0], "https://a.example/0", published=NOW - timedelta(days=30))
    a, b, c = _updates(old, _item(OTHERS[1], "https://a.example/1"), _item(OTHERS[2], "https://a.example/2"))
    intents = _decide([a, b, c], limits=PollLimits(max_alerts_per_poll=1))
    assert [type(i) for i in intents] == [RememberSeen, StoreNew, Defer]
    assert intents[2] == Defer(c, "per-poll alert cap (1) reached")


def test_given_what_was_spent_before_then_a_second_decision_goes_on_from_there() -> None:
    (update,) = _updates(_item(VALOR, "https://a.example/1"))
    limits = PollLimits(max_items_per_poll=5, max_alerts_per_poll=2)
    assert isinstance(_decide([update], limits=limits, spent=Spent(handled=4, alerts=1))[0], StoreNew)
    assert isinstance(_decide([update], limits=limits, spent=Spent(handled=5))[0], Defer)
    assert isinstance(_decide([update], limits=limits, spent=Spent(handled=1, alerts=2))[0], Defer)


def test_given_every_intent_then_each_says_why() -> None:
    story, copy = _updates(_item(VALOR, "https://a.example/1"), _item(VALOR_COPY, "https://b.example/9"))
    old, new, late = _updates(
        _item(OTHERS[0], "https://a.example/2", published=NOW - timedelta(days=30)),
        _item(OTHERS[1], "https://a.example/3"),
        _item(OTHERS[2], "https://a.example/4"),
    )
    intents = _decide(
        [story, copy, old, new, late],
        known_ids={story.update_id},
        stories=[story],
        limits=PollLimits(max_alerts_per_poll=1),
    )
    assert [type(i) for i in intents] == [SkipKnown, MergeIntoStory, RememberSeen, StoreNew, Defer]
    assert all(i.reason for i in intents)


# -- properties -----------------------------------------------------------------------------------------
def _mixed() -> tuple[list[Update], list[Update]]:
    items = [_item(VALOR, "https://a.example/1"), _item(VALOR_COPY, "https://b.example/9")]
    items += [_item(t, f"https://c.example/{n}") for n, t in enumerate(OTHERS)]
    items.append(_item(OTHERS[0], "https://d.example/old", published=NOW - timedelta(days=9)))
    updates = _updates(*items)
    return updates[1:], updates[:1]  # candidates; one stored story


def test_given_the_same_inputs_then_the_same_intents() -> None:
    candidates, stories = _mixed()
    assert _decide(candidates, stories=stories) == _decide(list(candidates), stories=list(stories))


@pytest.mark.parametrize("seed", range(5))
def test_given_stories_and_known_ids_in_any_order_then_the_same_intents(seed: int) -> None:
    candidates, stories = _mixed()
    (extra,) = _updates(_item(OTHERS[1], "https://e.example/other"))
    rng = random.Random(seed)
    shuffled = [*stories, extra]
    rng.shuffle(shuffled)
    known = [extra.update_id, candidates[-1].update_id]
    rng.shuffle(known)
    expected = _decide(candidates, stories=[*stories, extra], known_ids=set(known))
    assert _decide(candidates, stories=shuffled, known_ids=frozenset(known)) == expected
    assert any(isinstance(i, MergeIntoStory) for i in expected) and any(
        isinstance(i, SkipKnown) for i in expected
    )


def test_given_inputs_then_the_decider_changes_none_of_them() -> None:
    candidates, stories = _mixed()
    claims = _claims(*candidates)
    before = dict(claims)
    _decide(candidates, stories=stories, claims=claims)
    assert claims == before

"""The learned event fallback (domain/watch/learned.py, ADR 0015): loading, a confident answer, an answer
below the threshold keeping the default, a rule cue never overridden, the reason text, laziness, and
properties on arbitrary text. Every sentence here is hand-made; the small models are hand-made counts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipewatch.config import load_classifier, load_data_file, load_event_fallback
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.learned import EventModel, features, masked
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

WATCHLIST = load_data_file("watchlist.yaml", Watchlist)
TAXONOMY = load_data_file("taxonomy.yaml", Taxonomy)


def hand_made_data(threshold: float = 0.3) -> dict[str, Any]:
    """Two events told apart by made-up words no rule cue knows ("glimmers" for results, "ponders" for
    commentary); "cohortless" is shared, so it never decides."""
    return {
        "feature_version": 1,
        "classes": ["commentary", "results"],
        "class_documents": [6, 6],
        "alpha": 1.0,
        "threshold": threshold,
        "feature_counts": {"w:glimmers": [0, 6], "w:ponders": [6, 0], "w:cohortless": [3, 3]},
    }


class Loader:
    """A fallback loader that counts its calls."""

    def __init__(self, model: EventModel | None) -> None:
        self.model, self.calls = model, 0

    def __call__(self) -> EventModel | None:
        self.calls += 1
        return self.model


def classifier(threshold: float = 0.3) -> tuple[Classifier, Loader]:
    loader = Loader(EventModel.from_data(hand_made_data(threshold)))
    return Classifier(WATCHLIST, TAXONOMY, fallback=loader), loader


# ------------------------------------------------------------------------------------------------ loading


def test_the_packaged_model_loads_and_names_known_events() -> None:
    model = load_event_fallback()
    assert len(model.classes) >= 2
    assert TAXONOMY.default_event in model.classes
    assert 0.0 <= model.threshold <= 1.0
    assert model.log_likelihood


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"feature_version": 99}, "feature_version"),
        ({"classes": ["commentary", "rumour"]}, "unknown event"),
        ({"class_documents": [6]}, "class_documents"),
        ({"feature_counts": {"w:glimmers": [0, -1]}}, "feature_counts"),
        ({"threshold": 1.5}, "threshold"),
        ({"alpha": "one"}, "alpha"),
    ],
)
def test_a_malformed_model_is_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EventModel.from_data({**hand_made_data(), **change})


# ------------------------------------------------------------------------------------- the fallback path


def test_a_confident_fallback_replaces_the_default_with_a_readable_reason() -> None:
    classifier_, _ = classifier()
    result = classifier_.classify("Efgartigimod glimmers")  # hand-made: no rule cue
    assert result.event_type == "results"
    reason = next(r for r in result.reasons if r.startswith("event "))
    assert reason.startswith("event results (learned fallback, p=0.")
    assert reason.endswith("strongest features 'glimmers'")
    # a guess without a cue carries no phrase-level urgency: the event's default severity, said so
    assert result.severity == "medium"
    assert "severity medium: the default of results, a learned event" in result.reasons


def test_a_learned_event_keeps_its_default_severity_even_where_a_phrase_rule_would_raise_it() -> None:
    classifier_, _ = classifier()
    result = classifier_.classify("Efgartigimod glimmers in a phase 3 crowd")  # hand-made
    assert (result.event_type, result.severity) == ("results", "medium")


def test_a_fallback_below_the_threshold_keeps_the_default() -> None:
    classifier_, _ = classifier(threshold=0.3)
    result = classifier_.classify("Efgartigimod glimmers and ponders")  # hand-made: the words cancel out
    assert result.event_type == TAXONOMY.default_event
    assert "event commentary: no event cue found (default)" in result.reasons


def test_a_model_answering_the_default_event_leaves_the_default_reason() -> None:
    classifier_, _ = classifier()
    result = classifier_.classify("Efgartigimod ponders")  # hand-made
    assert result.event_type == "commentary"
    assert "event commentary: no event cue found (default)" in result.reasons


def test_the_prior_alone_never_answers() -> None:
    model = EventModel.from_data({**hand_made_data(threshold=0.0), "class_documents": [1, 9]})
    assert model.predict(" cohortless ") is None  # a feature shared by both: nothing favours either
    assert model.predict(" unknownword ") is None  # no known feature at all


def test_a_rule_cue_is_never_overridden_and_the_model_is_not_even_loaded() -> None:
    classifier_, loader = classifier()
    result = classifier_.classify("FDA approves efgartigimod, which glimmers")  # hand-made
    assert result.event_type == "regulatory"
    assert not any("learned fallback" in r for r in result.reasons)
    assert loader.calls == 0


def test_the_model_is_loaded_once_and_only_when_the_fallback_is_reached() -> None:
    classifier_, loader = classifier()
    assert loader.calls == 0  # construction never loads it (cold start)
    classifier_.classify("Efgartigimod glimmers")
    classifier_.classify("Efgartigimod ponders")
    assert loader.calls == 1


def test_a_cue_the_rules_set_aside_keeps_the_default_and_the_model_is_not_asked() -> None:
    model = EventModel.from_data(
        {**hand_made_data(threshold=0.0), "feature_counts": {"w:approval": [0, 6], "w:ponders": [6, 0]}}
    )
    classifier_ = Classifier(WATCHLIST, TAXONOMY, fallback=lambda: model)
    # hand-made: a plan to seek approval is not an event for the rules; the model must not overrule that
    result = classifier_.classify("Efgartigimod maker plans to seek approval, ponders glimmers")
    assert "event commentary: no event cue found (default)" in result.reasons


def test_a_speculative_headline_keeps_the_default() -> None:
    classifier_, loader = classifier()
    result = classifier_.classify("Argenx mulls whether efgartigimod glimmers")  # hand-made: speculation
    assert result.event_type == "commentary"
    assert loader.calls == 0


def test_masking_replaces_names_and_merges_overlapping_spans() -> None:
    text = " pfizer drops dazukibart program "
    start = text.index("dazukibart")
    assert masked(text, [(start, start + 10), (start + 2, start + 5)]).split() == [
        "pfizer",
        "drops",
        "<masked>",
        "program",
    ]
    assert "w:<masked>" not in features(masked(text, [(start, start + 10)]))


def test_features_cover_words_pairs_stems_and_scripts_without_spaces() -> None:
    found = features(" topline from phase 3 zulassung 2027 abc123 承認取得 ")
    assert {"w:topline", "b:phase 3", "p:zulas", "w:<num>", "w:<code>", "c:承認", "c:認取"} <= found


# -------------------------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_predict_never_raises_and_is_deterministic(text: str) -> None:
    model = load_event_fallback()
    first = model.predict(text)
    assert first == model.predict(text)
    if first is not None:
        assert first.margin >= model.threshold
        assert first.strongest


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_classify_with_the_fallback_never_raises_and_is_deterministic(title: str, summary: str) -> None:
    classifier_ = Classifier(WATCHLIST, TAXONOMY, fallback=load_event_fallback)
    text = f"efgartigimod {title}"
    assert classifier_.classify(text, summary) == classifier_.classify(text, summary)


def test_the_packaged_classifier_keeps_the_fallback_off_unless_asked() -> None:
    """ADR 0015: the learned fallback does not beat the default on the checking halves, so it is opt-in."""
    title = "Efgartigimod: the agency's label now covers adolescents"  # hand-made, no rule cue
    assert load_classifier().classify(title).event_type == "commentary"
    learned = load_classifier(learned_fallback=True).classify(title)
    assert learned.event_type == "regulatory"
    assert any("(learned fallback, p=" in reason for reason in learned.reasons)

"""Cold start: the classifier and the catalyst cues compile their regexes when a document first needs
them, keep them for the process, and find what eager compilation found (the dev sets are checked by
bench/classify_eval.py and bench/catalyst_eval.py; here, the mechanism). Headlines are hand-made."""

from __future__ import annotations

import re

from pipewatch.config import load_data_file
from pipewatch.domain.catalysts import cues
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.ingest import identity
from pipewatch.domain.text import LazyPattern
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.cue_index import cue_index
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

LAZY_CUES = ("KIND_CUES", "FORWARD", "PAST", "FINANCIAL")


def _classifier() -> Classifier:
    return Classifier(load_data_file("watchlist.yaml", Watchlist), load_data_file("taxonomy.yaml", Taxonomy))


def test_given_a_new_classifier_then_no_cue_regex_is_built_until_a_relevant_document_needs_it() -> None:
    classifier = _classifier()
    built = ("_index", "_cjk")
    assert [name for name in built if name in vars(classifier)] == []
    assert classifier._severities.compiled == {}
    unrelated = classifier.classify("Shares of a biotech rose", "No watched drug is named here")
    assert not unrelated.relevant
    assert [name for name in built if name in vars(classifier)] == []
    approval = classifier.classify("FDA approves efgartigimod for CIDP", "")
    assert approval.event_type == "regulatory"
    assert "_index" in vars(classifier)
    assert list(classifier._severities.compiled) == [
        "regulatory"
    ]  # only the severity rules of the event scored
    assert "_cjk" not in vars(classifier)  # no field in a script without spaces yet


def test_given_two_classifiers_of_one_taxonomy_then_the_second_compiles_nothing_again() -> None:
    first, second = _classifier(), _classifier()
    first.classify("FDA approves efgartigimod for CIDP", "")
    second.classify("FDA approves efgartigimod for CIDP", "")
    assert first._index is second._index
    assert first._index is cue_index(second._rule_patterns)


def test_given_an_item_in_japanese_then_its_cjk_cues_are_built_and_used() -> None:
    classifier = _classifier()
    result = classifier.classify("エフガルチギモド 承認取得", "")
    assert result.relevant
    assert "_cjk" in vars(classifier)
    assert result.event_type == "regulatory"


def test_given_a_lexicon_cue_read_then_it_is_compiled_once_and_kept() -> None:
    forward = cues.FORWARD
    assert isinstance(forward, re.Pattern)
    assert cues.FORWARD is forward
    assert forward.search("approval is expected in 2026")
    assert all(isinstance(pattern, re.Pattern) for _, pattern in cues.KIND_CUES)
    assert "FORWARD" in vars(cues)


def test_given_the_identity_vocabulary_then_every_pattern_compiled_on_first_use_is_a_valid_regex() -> None:
    """The identity patterns compile when first used, no longer at import: a broken vocabulary entry must
    still fail here, not on the first story of a deployed poll."""
    lazy = [value for value in vars(identity).values() if isinstance(value, LazyPattern)]
    lazy += [p for value in vars(identity).values() if isinstance(value, tuple) for p in _lazy_in(value)]
    assert len(lazy) > 20
    for pattern in lazy:
        assert isinstance(pattern.compiled(), re.Pattern)


def _lazy_in(value: tuple[object, ...]) -> list[LazyPattern]:
    return [p for item in value if isinstance(item, tuple) for p in item if isinstance(p, LazyPattern)]


def test_given_a_lazy_pattern_then_it_finds_what_the_compiled_pattern_finds() -> None:
    source = r"\b(?:approv\w*|nod)\b"
    lazy, eager = LazyPattern(source, re.IGNORECASE), re.compile(source, re.IGNORECASE)
    text = "FDA Approves drug; a nod from EMA"  # hand-made
    assert lazy.search(text) is not None
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy.findall(text) == eager.findall(text)
    assert lazy.sub("-", text) == eager.sub("-", text)
    assert lazy.split(text) == eager.split(text)
    assert lazy.fullmatch("nod") is not None
    assert lazy.match(text) is None
    assert lazy.pattern == source
    built = LazyPattern(lambda: "ab+")
    assert built.pattern == "ab+"
    assert built.search("xabbb") is not None


def test_given_a_classifier_and_an_extractor_of_one_watchlist_then_they_share_one_matcher() -> None:
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    classifier = Classifier(watchlist, load_data_file("taxonomy.yaml", Taxonomy))
    assert Extractor(watchlist)._matcher is classifier._matcher
    other = Watchlist.model_validate(watchlist.model_dump())  # equal, but another object
    assert Extractor(other)._matcher is not classifier._matcher

"""A rule with no cue patterns (decided by grammar alone) never fires from the cue index, gated or not.
Hand-made patterns: a lookbehind start turns the gate off, the case where an empty group once matched at
every space."""

from __future__ import annotations

from pipewatch.domain.watch.cue_index import cue_index


def test_ungated_index_gives_an_empty_rule_no_group() -> None:
    index = cue_index(((), ("(?<= )wins approval",)))
    assert index.gate is None and index.events is not None
    # two spaces in a row (padded fields joined): where an empty group used to match
    matches = list(index.events.finditer(" acme  reports sales today  "))
    assert matches == []
    hit = index.events.search(" acme wins approval today ")
    assert hit is not None and hit.lastgroup == "r1"

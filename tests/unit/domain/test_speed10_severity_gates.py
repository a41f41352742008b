"""speed10: a severity rule's start gate reads its alternatives past leading look-behinds, so the regulatory
"approval" rule (Italian, French, Spanish, Dutch and Portuguese phrases behind `(?<!domanda di )` and the
like) is gated; the gate never hides a match that the rule's regex finds from the start of the field."""

from __future__ import annotations

from pipewatch.config import load_classifier
from pipewatch.domain.watch.normalize import padded
from pipewatch.domain.watch.severity_table import _stems_past_lookbehinds

CLASSIFIER = load_classifier()


def test_speed10_stems_are_read_past_leading_lookbehinds() -> None:
    assert _stems_past_lookbehinds(
        "(?<!domanda di )(?<!richiesta di )(?:approva|autorizza\\w*)|via libera"
    ) == [
        "approva",
        "autorizza",
        "via libera",
    ]
    assert _stems_past_lookbehinds("(?<!x)") is None  # nothing after the look-behind: no literal start
    assert _stems_past_lookbehinds("(?<!(?:a|b) )approva") is None  # a look-behind with a group: no gate


def test_speed10_every_phrase_rule_of_the_packaged_taxonomy_has_a_gate() -> None:
    for event in CLASSIFIER._severities.config:
        for rule in CLASSIFIER._severity_rules(event):
            assert rule.regex is None or rule.gate is not None, (event, rule.label)


# Hand-made fields: approvals and requests for approval in the rule's languages, and in English.
HAND_MADE = [
    "via libera dell'aifa a efgartigimod",
    "la domanda di approvazione di efgartigimod",
    "feu vert pour efgartigimod, la demande d approbation deposee",
    "la anvisa ainda nao liberou o registro do efgartigimod",
    "keurt het middel efgartigimod goed",
    "fda approves efgartigimod for gmg",
    "nothing to see here",
]


def test_speed10_gated_rules_find_what_the_ungated_regex_finds() -> None:
    checked = 0
    for event in CLASSIFIER._severities.config:
        for rule in CLASSIFIER._severity_rules(event):
            if rule.regex is None or rule.gate is None:
                continue
            for raw in HAND_MADE:
                text = padded(raw)
                first = rule.gate.search(text)
                gated = [] if first is None else [m.span() for m in rule.regex.finditer(text, first.start())]
                assert gated == [m.span() for m in rule.regex.finditer(text)], (event, rule.label, raw)
                checked += bool(gated)
    assert checked >= 4

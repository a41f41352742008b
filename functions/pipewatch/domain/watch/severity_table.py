"""The taxonomy's severity rules by event, as the classifier (classify.py) applies them: each event's rules
(phrases, CJK phrases or a watched trial's phase) compiled when an item of that event is first scored, so a
cold start compiles only the rules of the events it meets, and each event's default rule."""

from __future__ import annotations

import re

from pipewatch.domain.models import EventType, Severity
from pipewatch.domain.watch.cue_index import compiled
from pipewatch.domain.watch.cues import SeverityRule, literal_stems, split_alternatives, words_regex
from pipewatch.domain.watch.normalize import trie_regex
from pipewatch.domain.watch.taxonomy import SeverityRule as SeverityConfig
from pipewatch.domain.watch.taxonomy import Taxonomy

__all__ = ["SeverityTable"]


class SeverityTable:
    """`config`: event -> its severity rules in taxonomy order; `compiled`: the same, compiled, for the
    events scored so far; `defaults`: event -> (severity, reason) of its default rule."""

    __slots__ = ("compiled", "config", "defaults")

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.config: dict[str, list[SeverityConfig]] = {}
        self.compiled: dict[str, list[SeverityRule]] = {}
        self.defaults: dict[str, tuple[Severity, str]] = {}
        for rule in taxonomy.severity:
            if rule.is_default:
                self.defaults.setdefault(
                    rule.event, (rule.severity, f"severity {rule.severity}: {rule.label}")
                )
                continue
            self.config.setdefault(rule.event, []).append(rule)

    def rules(self, event: EventType) -> list[SeverityRule]:
        rules = self.compiled.get(event)
        if rules is None:
            rules = self.compiled[event] = [
                SeverityRule(
                    compiled(words_regex(rule.all_patterns())) if rule.all_patterns() else None,
                    compiled("|".join(rule.cjk_patterns)) if rule.cjk_patterns else None,
                    rule.watched_trial_phase,
                    rule.severity,
                    rule.label,
                    rule.title_only,
                    rule.plan_is_event,
                    _start_gate(rule.all_patterns()),
                )
                for rule in self.config.get(event, ())
            ]
        return rules


def _start_gate(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """A space and one of the literals every alternative of `patterns` starts with, as one trie (see
    `SeverityRule.gate`); None when some alternative has no literal start (then the rule has no gate)."""
    stems: list[str] = []
    for pattern in patterns:
        found = _stems_past_lookbehinds(pattern)
        if not found:
            return None
        stems.extend(found)
    return compiled(f" (?:{trie_regex(dict.fromkeys(stems))})") if stems else None


def _stems_past_lookbehinds(pattern: str) -> list[str] | None:
    """`literal_stems` of each top-level alternative read past its leading look-behinds ("(?<!domanda di
    )approva..."): a look-behind matches no text, so every match still starts with the literal after it.
    Without this, one such alternative left a whole rule (regulatory "approval", in five languages) with no
    gate, its ~2,300-character alternation run over every field of every regulatory item (speed10)."""
    alternatives = split_alternatives(pattern)
    if alternatives is None:
        return None
    stems: list[str] = []
    for alternative in alternatives:
        rest = _LEADING_LOOKBEHINDS.sub("", alternative, count=1)
        found = literal_stems(rest) if rest else None
        if not found:
            return None
        stems.extend(found)
    return stems


# Leading look-behinds without parentheses or escapes inside (literal phrases): longer ones keep no gate.
_LEADING_LOOKBEHINDS = re.compile(r"^(?:\(\?<[!=][^()\\\[\]|]*\))+")

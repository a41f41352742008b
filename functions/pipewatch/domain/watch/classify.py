"""Classifier: title + summary (+ doc type and source) -> Classification (relevant, agents, indications, event
type, severity, reasons), driven entirely by the watchlist and the taxonomy.

Event type: a journal article or congress abstract is `publication`. Otherwise the strong cues of the title
decide (a headline states the event; a summary adds background noise); only when the title has none do the
summary's strong cues, then weak cues (title first), then the taxonomy's default. Within one tier the taxonomy
priority picks (safety > regulatory > results > ...). A cue right after a hedge ("plans to file", "seek
approval") is not an event. Severity: the first severity rule of the chosen event whose patterns match, title
first, else the event's default rule.

Pure and deterministic; never raises on any text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from functools import cached_property
from typing import NamedTuple

from pipewatch.domain.models import Classification, EventType, FetchedItem, Severity, Tier
from pipewatch.domain.watch.cues import (
    Best,
    CjkCues,
    Registry,
    SeverityRule,
    literal_stems,
    quote,
    title_gate,
    words_regex,
)
from pipewatch.domain.watch.landscape import Landscape, LandscapeSubject
from pipewatch.domain.watch.match import MAX_FIELD_CHARS, Matcher, MatchResult, trie_regex
from pipewatch.domain.watch.normalize import padded
from pipewatch.domain.watch.reasons import (
    agent_reason,
    configured_reasons,
    developer_notes,
    indication_reason,
)
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

__all__ = ["Classifier", "literal_stems"]

# Classification with every field given, as `model_construct` builds it (same __dict__, fields set, no extra,
# no private attributes) without its per-field loop; used only when the model has nothing that loop or a
# post-init hook would do differently.
_FIELDS = tuple(Classification.model_fields)
_PLAIN_MODEL = (
    _FIELDS
    == (
        "relevant",
        "agents",
        "indications",
        "event_type",
        "severity",
        "reasons",
        "tier",
        "competitor",
        "competes_with",
    )
    and all(
        field.alias is None and field.validation_alias is None
        for field in Classification.model_fields.values()
    )
    and Classification.__pydantic_post_init__ is None
    and not Classification.__pydantic_root_model__
    and Classification.model_config.get("extra") != "allow"
)
_FIELDS_SET = frozenset(_FIELDS)
_new = Classification.__new__
_set = object.__setattr__


def _classification(  # noqa: PLR0917 - one argument per field
    relevant: bool,
    agents: tuple[str, ...],
    indications: tuple[str, ...],
    event_type: EventType | None,
    severity: Severity | None,
    reasons: tuple[str, ...],
    landscape: LandscapeSubject | None = None,
) -> Classification:
    """`Classification.model_construct(...)` of every field: valid by construction (ids from the config,
    literals from the taxonomy). With `landscape`, a landscape update of that competitor."""
    tier: Tier = "own" if landscape is None else "landscape"
    competitor = None if landscape is None else landscape.competitor
    competes_with = () if landscape is None else landscape.competes_with
    if not _PLAIN_MODEL:
        return Classification.model_construct(
            relevant=relevant,
            agents=agents,
            indications=indications,
            event_type=event_type,
            severity=severity,
            reasons=reasons,
            tier=tier,
            competitor=competitor,
            competes_with=competes_with,
        )
    model = _new(Classification)
    _set(
        model,
        "__dict__",
        {
            "relevant": relevant,
            "agents": agents,
            "indications": indications,
            "event_type": event_type,
            "severity": severity,
            "reasons": reasons,
            "tier": tier,
            "competitor": competitor,
            "competes_with": competes_with,
        },
    )
    _set(model, "__pydantic_fields_set__", set(_FIELDS_SET))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


class _RuleInfo(NamedTuple):
    """What a cue of one event rule means, looked up by the rule's group name (m.lastgroup)."""

    event: EventType
    weak: bool
    rank: int  # taxonomy priority: lower wins
    cancel: re.Pattern[str] | None


class Classifier:
    def __init__(self, watchlist: Watchlist, taxonomy: Taxonomy) -> None:
        self.watchlist = watchlist
        self.taxonomy = taxonomy
        self._matcher = Matcher(watchlist)
        self._rank = {event: rank for rank, event in enumerate(taxonomy.priority)}
        rules = taxonomy.events
        self._rules = rules
        rule_patterns = [rule.all_patterns() for rule in rules]
        # Gate: one trie of the literal words every cue starts with; the cue patterns are then tried only
        # where a gate word starts (a few places per title instead of every word).
        rule_stems = [[literal_stems(p) for p in patterns] for patterns in rule_patterns]
        gated = all(group is not None for stems in rule_stems for group in stems)
        every_stem = {s for stems in rule_stems for group in stems if group for s in group}
        self._gate = re.compile(f" (?:{trie_regex(every_stem)})") if gated else None
        self._events: re.Pattern[str] | None = None  # the full alternation, only when some cue is not gated
        if not gated:
            groups = "|".join(
                f"(?P<r{index}>{'|'.join(f'(?:{p})' for p in patterns)})"
                for index, patterns in enumerate(rule_patterns)
            )
            self._events = re.compile(rf" (?:{groups})(?= )")
        # gate word (with its leading space, as matched) -> one regex of only the cue patterns that can start
        # with it, grouped by their rule (YAML order kept): small regexes, quick to try. Each is compiled the
        # first time its word is seen (most of the ~900 words never occur in one Lambda's items: cold start).
        self._by_stem_source: dict[str, str] = {}
        self._by_stem: dict[str, re.Pattern[str]] = {}
        if gated:
            # which (rule, pattern) can start at each gate word: the patterns with a stem the word starts
            # with, found by prefix range in the sorted words (not every word against every pattern)
            words = sorted(every_stem)
            starts: dict[str, set[tuple[int, int]]] = {word: set() for word in words}
            for index, stems in enumerate(rule_stems):
                for position, group in enumerate(stems):
                    for prefix in group or ():
                        at = bisect.bisect_left(words, prefix)
                        while at < len(words) and words[at].startswith(prefix):
                            starts[words[at]].add((index, position))
                            at += 1
            for word, found in starts.items():
                by_rule: dict[int, list[str]] = {}
                for index, position in sorted(found):
                    by_rule.setdefault(index, []).append(f"(?:{rule_patterns[index][position]})")
                alternation = [f"(?P<r{index}>{'|'.join(chosen)})" for index, chosen in by_rule.items()]
                self._by_stem_source[" " + word] = rf" (?:{'|'.join(alternation)})(?= )"
        self._cancel = {
            index: re.compile(words_regex(rule.cancel_before))
            for index, rule in enumerate(rules)
            if rule.cancel_before
        }
        self._rule_of = {
            f"r{index}": _RuleInfo(rule.event, rule.weak, self._rank[rule.event], self._cancel.get(index))
            for index, rule in enumerate(rules)
        }
        self._no_rank = len(self._rank)  # worse than any event
        self._hedge = re.compile(words_regex(taxonomy.hedges)) if taxonomy.hedges else None
        self._window = taxonomy.hedge_window
        self._cjk = CjkCues(taxonomy, self._rank)
        # event -> its severity rules in order (patterns, CJK patterns or a watched trial's phase), and its
        # default rule
        self._severity: dict[str, list[SeverityRule]] = {}
        self._severity_default: dict[str, tuple[Severity, str]] = {}
        for rule in taxonomy.severity:
            if rule.is_default:
                self._severity_default.setdefault(
                    rule.event, (rule.severity, f"severity {rule.severity}: {rule.label}")
                )
                continue
            self._severity.setdefault(rule.event, []).append(
                SeverityRule(
                    re.compile(words_regex(rule.all_patterns())) if rule.all_patterns() else None,
                    re.compile("|".join(rule.cjk_patterns)) if rule.cjk_patterns else None,
                    rule.watched_trial_phase,
                    rule.severity,
                    rule.label,
                    rule.title_only,
                )
            )
        pub = taxonomy.publication
        self._pub_doc_types = frozenset(pub.doc_types)
        self._pub_source = re.compile(words_regex(pub.source_patterns)) if pub.source_patterns else None
        self._pub_title = (
            re.compile("|".join(f"(?:{p})" for p in pub.title_patterns)) if pub.title_patterns else None
        )
        # A title without any literal the title patterns start with cannot match them: no regex search.
        self._pub_title_gate = title_gate(pub.title_patterns) if pub.title_patterns else None
        self._registry = Registry(taxonomy)
        questions = taxonomy.questions
        self._question_event: EventType = questions.event
        self._question = (
            re.compile("|".join(f"(?:{p})" for p in questions.title_patterns))
            if questions.title_patterns
            else None
        )
        self._reasons = configured_reasons(watchlist)

    # ------------------------------------------------------------------------------------------ classify

    def classify_item(self, item: FetchedItem) -> Classification:
        source = " ".join(part for part in (item.source_name, item.source_id) if part)
        return self.classify(item.title, item.summary, doc_type=item.doc_type, source=source, url=item.url)

    def classify(
        self, title: str, summary: str = "", *, doc_type: str = "news", source: str = "", url: str = ""
    ) -> Classification:
        """The classification; its reasons are for subscribers (which name, which phrase, which rule)."""
        return self._classify(title, summary, doc_type, source, url)[0]

    def explain(
        self, title: str, summary: str = "", *, doc_type: str = "news", source: str = "", url: str = ""
    ) -> tuple[Classification, tuple[str, ...]]:
        """The classification and the developer's notes: near-misses seen, misspellings a near-miss blocked,
        names set aside as passing mentions (never shown to subscribers)."""
        classification, found = self._classify(title, summary, doc_type, source, url)
        return classification, tuple(developer_notes(found))

    def _classify(
        self, title: str, summary: str, doc_type: str, source: str, url: str
    ) -> tuple[Classification, MatchResult]:
        title = title if isinstance(title, str) else ""
        summary = summary if isinstance(summary, str) else ""
        found = self._matcher.match(title, summary)
        known = self._reasons
        reasons = [known.get(ev) or agent_reason(ev) for ev in found.agents]
        reasons.extend([known.get(ev) or indication_reason(ev) for ev in found.indications])
        indications = tuple([ev.target for ev in found.indications])
        if not found.agents:
            if found.demoted:
                names = ", ".join(dict.fromkeys(d.evidence.target for d in found.demoted))
                reasons.append(f"not relevant: {names} only mentioned in passing")
            else:
                reasons.append("not relevant: no watchlist agent named")
            landscape = self._landscape_of(found, (title, summary, doc_type, source, url))
            if landscape is not None:
                return landscape, found
            return _classification(False, (), indications, None, None, tuple(reasons)), found
        event, event_reason = self._event(found, title, summary, (doc_type, source, url))
        severity, severity_reason = self._severity_for(event, found, title, summary)
        reasons.append(event_reason)
        reasons.append(severity_reason)
        agents = tuple([ev.target for ev in found.agents])
        return _classification(True, agents, indications, event, severity, tuple(reasons)), found

    @cached_property
    def _landscape(self) -> Landscape:
        """Built the first time an item names no agent, not at construction (cold start)."""
        return Landscape(self.watchlist)

    def _landscape_of(
        self, found: MatchResult, item: tuple[str, str, str, str, str]
    ) -> Classification | None:
        """A competitor's event in an indication it shares with a watched agent (domain/watch/landscape.py),
        or None. The event and severity are chosen as for the agent's own news."""
        subject = self._landscape.subject(found) if self._landscape.enabled else None
        if subject is None:
            return None
        title, summary, doc_type, source, url = item
        event, event_reason = self._event(found, title, summary, (doc_type, source, url))
        severity, severity_reason = self._severity_for(event, found, title, summary)
        if not self._landscape.counts(event, severity):
            return None
        competes = ", ".join(subject.competes_with)
        reasons = (
            f"landscape: {quote(subject.term)} names {subject.competitor}, a competitor of {competes}",
            *(indication_reason(ev) for ev in found.indications),
            event_reason,
            severity_reason,
        )
        indications = tuple([ev.target for ev in found.indications])
        return _classification(True, (), indications, event, severity, reasons, subject)

    # ------------------------------------------------------------------------------------------- events

    def _publication(self, raw_title: str, doc_type: str, source: str, norm_source: str) -> str | None:
        if doc_type in self._pub_doc_types:
            return f"event publication: doc_type {doc_type}"
        if self._pub_source is not None and source:
            m = self._pub_source.search(norm_source)
            if m:
                cue = m.group().strip()
                return f"event publication: source {quote(source)} is a journal or abstract ({cue})"
        if self._pub_title is not None and raw_title:
            title = raw_title[:MAX_FIELD_CHARS].lower()
            gate = self._pub_title_gate
            m = (
                None
                if gate is not None and not any(s in title for s in gate)
                else self._pub_title.search(title)
            )
            if m:
                return f"event publication: title reads like a journal article ({quote(m.group())})"
        return None

    def _asks(self, raw_title: str) -> str | None:
        """The reason when the headline is a question (speculation or analysis, not an event)."""
        if self._question is None or ("?" not in raw_title and "？" not in raw_title):
            return None
        m = self._question.search(raw_title[:MAX_FIELD_CHARS].lower())
        if m is None:
            return None
        return f"event {self._question_event}: the headline asks a question ({quote(m.group())})"

    def _hedged(self, text: str, start: int) -> bool:
        """`start` is the space before a cue in padded text; a hedge must end right before it or earlier."""
        return (
            self._hedge is not None
            and self._hedge.search(text, max(0, start - self._window), start + 1) is not None
        )

    def _event_matches(self, text: str) -> Iterator[re.Match[str]]:
        """Cue matches left to right, never overlapping (the same as one scan of the full alternation)."""
        if self._gate is None:
            if self._events is not None:
                yield from self._events.finditer(text)
            return
        by_stem = self._by_stem
        end = 0
        for gate in self._gate.finditer(text):
            start = gate.start()
            if start < end:
                continue
            word = gate.group()
            regex = by_stem.get(word)
            if regex is None:
                regex = by_stem[word] = re.compile(self._by_stem_source[word])
            m = regex.match(text, start)
            if m is not None:
                yield m
                end = m.end()

    def _cues(self, text: str, alias_spans: tuple[tuple[int, int], ...]) -> tuple[Best | None, Best | None]:
        """The best strong and the best weak cue of one field: the highest-priority event, the first such cue
        on a tie. A cue is not an event when it starts inside a name ("ADVANCE-NXT", "VALOR"), follows a
        hedge, or follows a word that cancels its rule. The checks run only for a cue that would become the
        best so far; once a strong cue is found, weak ones cannot matter (the caller never uses them then)."""
        strong: Best | None = None
        weak: Best | None = None
        strong_rank = weak_rank = self._no_rank
        rule_of = self._rule_of
        for m in self._event_matches(text):
            rule = rule_of[m.lastgroup or "r0"]
            if rule.weak:
                if strong is not None or rule.rank >= weak_rank:
                    continue  # cannot be chosen
            elif rule.rank >= strong_rank:
                continue  # cannot beat the best so far
            start = m.start()
            if alias_spans and any(a_start <= start + 1 < a_end for a_start, a_end in alias_spans):
                continue
            if self._hedged(text, start):
                continue
            cancel = rule.cancel
            if cancel is not None and cancel.search(text, max(0, start - self._window), start + 1):
                continue
            if rule.weak:
                weak, weak_rank = (rule.event, m.group()), rule.rank
            else:
                strong, strong_rank = (rule.event, m.group()), rule.rank
                if strong_rank == 0:
                    break  # the most important event: nothing later can change the choice
        return strong, weak

    def _event(
        self, found: MatchResult, raw_title: str, raw_summary: str, where: tuple[str, str, str]
    ) -> tuple[EventType, str]:
        doc_type, source, url = where
        norm_source = padded(source) if source else ""  # normalised once for both source checks
        publication = self._publication(raw_title, doc_type, source, norm_source)
        if publication is not None:
            return "publication", publication
        registry = self._registry.event_of(raw_title, doc_type, (source, norm_source), url)
        if registry is not None:
            return registry
        question = self._asks(raw_title)
        if question is not None:
            # the headline's verbs are asked about, not reported; the story may still report an event
            # ("Why is argenx trading lower today?" over a summary of trial results)
            summary_strong = self._cues(found.summary, found.summary_spans)[0]
            if summary_strong is None and self._cjk.enabled and not raw_summary.isascii():
                summary_strong = self._cjk.best(raw_summary)
            if summary_strong is None:
                return self._question_event, question
            event, text = summary_strong
            return event, f"event {event}: {quote(text)} in summary (the headline asks a question)"
        chosen, title_weak = self._cues(found.title, found.title_spans)
        if chosen is None and self._cjk.enabled and not raw_title.isascii():
            chosen = self._cjk.best(raw_title)
        field = "title"
        if chosen is None:
            summary_strong, summary_weak = self._cues(found.summary, found.summary_spans)
            if summary_strong is None and self._cjk.enabled and not raw_summary.isascii():
                summary_strong = self._cjk.best(raw_summary)
            if summary_strong is not None:
                chosen, field = summary_strong, "summary"
            elif title_weak is not None:
                chosen = title_weak
            else:
                chosen, field = summary_weak, "summary"
        if chosen is None:
            default = self.taxonomy.default_event
            return default, f"event {default}: no event cue found (default)"
        event, text = chosen
        return event, f"event {event}: {quote(text)} in {field}"

    def _severity_for(
        self, event: EventType, found: MatchResult, raw_title: str, raw_summary: str
    ) -> tuple[Severity, str]:
        """The first severity rule of the event that applies: its phrases (title, then summary) or the phase
        of a watched trial the item names; else the event's default."""
        rules = self._severity.get(event, ())
        fields = ((found.title, raw_title, "title"), (found.summary, raw_summary, "summary"))
        for rule in rules:
            if rule.phase is not None:
                trial = next((term for term, phase in found.trial_phases if phase >= rule.phase), None)
                if trial is not None:
                    reason = f"{rule.label} ({quote(trial)} is a phase {rule.phase} trial in the watchlist)"
                    return rule.severity, f"severity {rule.severity}: {reason}"
                continue
            for text, raw, field in fields[:1] if rule.title_only else fields:
                hit = self._severity_hit(rule, text, raw)
                if hit is not None:
                    return rule.severity, f"severity {rule.severity}: {rule.label} ({quote(hit)} in {field})"
        default = self._severity_default.get(event)
        if default is None:  # the taxonomy validator guarantees a default; stay total anyway
            return "low", f"severity low: no rule for {event}"
        return default

    def _severity_hit(self, rule: SeverityRule, text: str, raw: str) -> str | None:
        if rule.regex is not None:
            for m in rule.regex.finditer(text):
                if not self._hedged(text, m.start()):
                    return m.group()
        if rule.cjk is not None and not raw.isascii():
            cjk = rule.cjk.search(unicodedata.normalize("NFKC", raw[:MAX_FIELD_CHARS]))
            if cjk is not None:
                return cjk.group()
        return None

"""Classifier: title + summary (+ doc type and source) -> Classification (relevant, agents, indications, event
type, severity, reasons), driven entirely by the watchlist and the taxonomy.

Event type: a journal article or congress abstract is `publication`. Otherwise the strong cues of the title
decide (a headline states the event; a summary adds background noise); only when the title has none do the
summary's strong cues, then weak cues (title first), then the learned fallback when confident (learned.py),
else the taxonomy's default. Within one tier the taxonomy priority picks (safety > regulatory > ...). A cue
right after a hedge ("plans to file", "seek approval") is not an event. Severity: the first severity rule of
the chosen event whose patterns match, title first, else the event's default rule.

Pure and deterministic; never raises on any text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from pipewatch.domain.models import Classification, EventType, FetchedItem, Severity
from pipewatch.domain.watch.classification import classification as _classification
from pipewatch.domain.watch.cue_index import CueIndex, compiled, cue_index
from pipewatch.domain.watch.cues import (
    Best,
    CjkCues,
    ObjectRule,
    Registry,
    RuleInfo,
    SeverityRule,
    literal_stems,
    quote,
    rule_infos,
    title_gate,
    words_regex,
)
from pipewatch.domain.watch.governing import Cue, Governing
from pipewatch.domain.watch.landscape import Landscape
from pipewatch.domain.watch.match import MAX_FIELD_CHARS, Matcher, MatchResult
from pipewatch.domain.watch.normalize import padded
from pipewatch.domain.watch.reasons import ReasonLines, developer_notes, indication_reason
from pipewatch.domain.watch.severity_table import SeverityTable
from pipewatch.domain.watch.shared_matcher import matcher_for
from pipewatch.domain.watch.taxonomy import NOT_IN_A_NOUN_PHRASE, Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

if TYPE_CHECKING:
    from pipewatch.domain.watch.learned import EventModel

__all__ = ["Classifier", "literal_stems"]

_NORM_SOURCES = 256  # source names kept normalised (a poll reads a few dozen sources)
# The severity an event's cue family sets, with the cue (None: the severity rules decide; an empty cue: the
# event was learned, its default rule sets it)
Decided = tuple[Severity, str] | None


class Classifier:
    def __init__(
        self,
        watchlist: Watchlist,
        taxonomy: Taxonomy,
        fallback: Callable[[], EventModel | None] | None = None,
    ) -> None:
        """`fallback` loads the learned event model (learned.py) the first time no rule cue fires."""
        self.watchlist = watchlist
        self._load_fallback = fallback
        self.taxonomy = taxonomy
        self._rank = {event: rank for rank, event in enumerate(taxonomy.priority)}
        rules = taxonomy.events
        self._rules = rules
        # The cue index (gate words, the cues that can start at each) is built for the first document that
        # names a watched agent, and kept for the process (cue_index.py): a cold start pays for what it uses.
        self._rule_patterns = tuple(rule.all_patterns() for rule in rules)
        self._cancel = {
            index: re.compile(words_regex(rule.cancel_before))
            for index, rule in enumerate(rules)
            if rule.cancel_before
        }
        self._rule_of, self._grammar = rule_infos(taxonomy, self._rank, self._cancel)
        self._no_rank = len(self._rank)  # worse than any event
        self._hedge = re.compile(words_regex(taxonomy.hedges)) if taxonomy.hedges else None
        self._window = taxonomy.hedge_window
        # event -> its severity rules, compiled when an item of that event is first scored; its default rule
        self._severities = SeverityTable(taxonomy)
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
        # Reason lines are formatted when an item first yields their evidence (a cold start formats a few,
        # not one per alias and field of the watchlist: ~10 ms at 1,000 agents).
        self._reasons = ReasonLines()
        # A feed's name, normalised once per process, not once per item (a source name, never item text).
        self._norm_sources: dict[str, str] = {}

    # ------------------------------------------------------------------- built on first use (cold start)

    @cached_property
    def _matcher(self) -> Matcher:
        """The watchlist's name matcher (tries, spellings, the alias regex: the largest part of the service
        build, ~50 ms at 1,000 agents), built for the first document: a poll task whose source answers
        "not modified" or holds only registry records classifies nothing."""
        return matcher_for(self.watchlist)

    @cached_property
    def _index(self) -> CueIndex:
        return cue_index(self._rule_patterns)

    @cached_property
    def _fallback(self) -> EventModel | None:
        return None if self._load_fallback is None else self._load_fallback()

    @cached_property
    def _cjk(self) -> CjkCues:
        """Cues in scripts without spaces: built for the first field that is not ASCII."""
        return CjkCues(self.taxonomy, self._rank)

    @cached_property
    def _governing(self) -> Governing:
        """Clause-level rules of application (governing.py): built for the first item they could change."""
        return Governing(self.taxonomy)

    def _severity_rules(self, event: EventType) -> list[SeverityRule]:
        return self._severities.rules(event)

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
        lines = self._reasons
        reasons = [lines.agent(ev) for ev in found.agents]
        reasons.extend([lines.indication(ev) for ev in found.indications])
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
        event, event_reason, decided = self._event(found, title, summary, (doc_type, source, url))
        severity, severity_reason = self._severity_for(event, found, title, summary, decided)
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
        event, event_reason, decided = self._event(found, title, summary, (doc_type, source, url))
        severity, severity_reason = self._severity_for(event, found, title, summary, decided)
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

    def _publication(
        self, raw_title: str, raw_summary: str, doc_type: str, source: str, norm_source: str
    ) -> str | None:
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
        if self._grammar.structured_abstract is not None and raw_summary:
            m = self._grammar.structured_abstract.match(raw_summary[:200].lstrip().lower())
            if m:
                return f"event publication: the summary is a structured abstract ({quote(m.group())})"
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
        index = self._index
        if index.gate is None:
            if index.events is not None:
                yield from index.events.finditer(text)
            return
        by_stem, sources = index.by_stem, index.stem_sources
        end = 0
        for gate in index.gate.finditer(text):
            start = gate.start()
            if start < end:
                continue
            word = gate.group()
            regex = by_stem.get(word)
            if regex is None:
                regex = by_stem[word] = compiled(sources[word])
            m = regex.match(text, start)
            if m is not None:
                yield m
                end = m.end()

    def cue_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the rule cues match in normalised text (hedged or not): what the learned fallback masks."""
        return [m.span() for m in self._event_matches(text)]

    def _cues(self, text: str, alias_spans: tuple[tuple[int, int], ...]) -> tuple[Best | None, Best | None]:
        """The best strong and the best weak cue of one field: the highest-priority event, the first such cue
        on a tie. A cue is not an event when it starts inside a name ("ADVANCE-NXT", "VALOR"), follows a
        hedge, or follows a word that cancels its rule. The checks run only for a cue that would become the
        best so far; once a strong cue is found, weak ones cannot matter (the caller never uses them then)."""
        strong: Best | None = None
        weak: Best | None = None
        strong_rank = weak_rank = self._no_rank
        rule_of = self._rule_of
        objects = self._object_hits(text, alias_spans) if self._grammar.objects and alias_spans else None
        for m in self._event_matches(text):
            if objects and m.start() in objects:
                continue  # the verb has the drug as its object: read as that (below)
            rule = rule_of[m.lastgroup or "r0"]
            if rule.weak:
                if strong is not None or rule.rank >= weak_rank:
                    continue  # cannot be chosen
            elif rule.rank >= strong_rank:
                continue  # cannot beat the best so far
            start = m.start()
            if alias_spans and any(a_start <= start + 1 < a_end for a_start, a_end in alias_spans):
                continue
            if self._not_the_event(rule, text, start, m.group()):
                continue
            if rule.weak:
                weak, weak_rank = (rule.event, m.group(), rule.severity), rule.rank
            else:
                strong, strong_rank = (rule.event, m.group(), rule.severity), rule.rank
                if strong_rank == 0:
                    break  # the most important event: nothing later can change the choice
        for rule, cue in (objects or {}).values():
            if rule.rank < strong_rank:
                strong, strong_rank = (rule.event, cue, rule.severity), rule.rank
        return strong, weak

    def _strong_cues(self, text: str, alias_spans: tuple[tuple[int, int], ...]) -> list[Cue]:
        """Every strong cue of a field that counts as an event (as `_cues` checks them), drug-object verbs
        included, left to right: for the clause rules (governing.py), on the few titles they could change."""
        objects = self._object_hits(text, alias_spans) if self._grammar.objects and alias_spans else {}
        cues: list[Cue] = [(start, start + len(cue), rule, cue) for start, (rule, cue) in objects.items()]
        for m in self._event_matches(text):
            rule = self._rule_of[m.lastgroup or "r0"]
            start = m.start()
            if rule.weak or start in objects:
                continue
            if any(a_start <= start + 1 < a_end for a_start, a_end in alias_spans):
                continue
            if not self._not_the_event(rule, text, start, m.group()):
                cues.append((start, m.end(), rule, m.group()))
        return sorted(cues, key=lambda cue: cue[0])

    @staticmethod
    def _verb_before(rule: ObjectRule, text: str, name_start: int) -> re.Match[str] | None:
        """The rule's verb a few words before a name, tried at word starts only (nearest first)."""
        space = name_start - 1  # the space before the name
        for _ in range(rule.reach):
            space = text.rfind(" ", 0, space)
            if space < 0:
                return None
            m = rule.before.match(text, space, name_start)
            if m is not None and NOT_IN_A_NOUN_PHRASE.isdisjoint(m.group("np").split()):
                return m
        return None

    def _not_the_event(self, rule: RuleInfo, text: str, start: int, cue: str) -> bool:
        """A cue that follows a hedge (unless the company's plan is the event), a word that cancels its rule,
        or a determiner that makes its participle a modifier ("of FDA-approved gene therapy")."""
        hedge = self._grammar.speculation if rule.plan_is_event else self._hedge
        if hedge is not None and hedge.search(text, max(0, start - self._window), start + 1) is not None:
            return True
        cancel = rule.cancel
        if cancel is not None and cancel.search(text, max(0, start - self._window), start + 1):
            return True
        return rule.attributive is not None and self._modifies(rule.attributive, text, start, cue)

    def _modifies(self, participles: re.Pattern[str] | None, text: str, start: int, cue: str) -> bool:
        """The cue is one of `participles` right after a determiner: it modifies a noun."""
        return (
            participles is not None
            and self._grammar.modifier is not None
            and participles.fullmatch(cue.strip()) is not None
            and self._grammar.modifier.search(text, max(0, start - 40), start + 1) is not None
        )

    def _object_hits(
        self, text: str, alias_spans: tuple[tuple[int, int], ...]
    ) -> dict[int, tuple[RuleInfo, str]]:
        """Verbs whose object is the watched drug ("shuts down its drug X", "discontinues X"), by where the
        verb starts: the verb is read as that event, not as the same word in another family (a trial's
        status), since its object says what stopped."""
        hits: dict[int, tuple[RuleInfo, str]] = {}
        for rule in self._grammar.objects:
            for a_start, a_end in alias_spans:
                m = self._verb_before(rule, text, a_start)
                if m is None or m.start() in hits:
                    continue
                if rule.after is not None and rule.after.match(text, a_end):
                    continue
                if self._not_the_event(rule.info, text, m.start(), m.group()):
                    continue
                hits[m.start()] = (rule.info, m.group() + text[a_start:a_end])
        return hits

    def _normalised_source(self, source: str) -> str:
        norm_source = self._norm_sources.get(source)
        if norm_source is None:
            if len(self._norm_sources) >= _NORM_SOURCES:
                self._norm_sources.clear()
            norm_source = self._norm_sources[source] = padded(source)
        return norm_source

    def _event(
        self, found: MatchResult, raw_title: str, raw_summary: str, where: tuple[str, str, str]
    ) -> tuple[EventType, str, Decided]:
        """The event, its reason, and the severity its cue's family sets with that cue (or None)."""
        doc_type, source, url = where
        norm_source = self._normalised_source(source) if source else ""  # for both source checks
        publication = self._publication(raw_title, raw_summary, doc_type, source, norm_source)
        if publication is not None:
            return "publication", publication, None
        registry = self._registry.event_of(raw_title, doc_type, (source, norm_source), url)
        if registry is not None:
            return registry[0], registry[1], None
        question = self._asks(raw_title)
        if question is not None:
            # the headline's verbs are asked about, not reported; the story may still report an event
            # ("Why is argenx trading lower today?" over a summary of trial results)
            summary_strong = self._cues(found.summary, found.summary_spans)[0]
            if summary_strong is None and not raw_summary.isascii() and self._cjk.enabled:
                summary_strong = self._cjk.best(raw_summary)
            if summary_strong is None:
                return self._question_event, question, None
            event, text, severity = summary_strong
            reason = f"event {event}: {quote(text)} in summary (the headline asks a question)"
            return event, reason, None if severity is None else (severity, text)
        chosen, title_weak = self._cues(found.title, found.title_spans)
        if chosen is None and not raw_title.isascii() and self._cjk.enabled:
            chosen = self._governing.in_clause(self._cjk.best(raw_title), raw_title)
        elif chosen is not None and self.taxonomy.governs and chosen[0] in self._governing.outranked:
            cues = self._strong_cues(found.title, found.title_spans)
            chosen = self._governing.decision(chosen, found.title, cues) or chosen
        field = "title"
        if chosen is None:
            summary_strong, summary_weak = self._cues(found.summary, found.summary_spans)
            if summary_strong is None and not raw_summary.isascii() and self._cjk.enabled:
                summary_strong = self._governing.in_clause(self._cjk.best(raw_summary), raw_summary)
            if summary_strong is not None:
                chosen, field = summary_strong, "summary"
            elif title_weak is not None:
                chosen = title_weak
            else:
                chosen, field = summary_weak, "summary"
        return self._no_cue(found) if chosen is None else self._explained(chosen, field, found)

    def _no_cue(self, found: MatchResult) -> tuple[EventType, str, Decided]:
        """No rule cue fired: the learned fallback's event when it answers (ADR 0015), else the default. A
        guess without a cue carries no phrase-level urgency: its event's default severity (an empty cue)."""
        default, speculation = self.taxonomy.default_event, self._grammar.speculation
        speculative = speculation is not None and speculation.search(found.title) is not None  # "mulls"
        model = None if speculative else self._fallback
        learned = None if model is None else model.predict_found(found, self.cue_spans)
        if learned is None or learned.event == default:
            return default, f"event {default}: no event cue found (default)", None
        severity = self._severities.defaults.get(learned.event, ("low", ""))[0]
        return learned.event, learned.reason(), (severity, "")

    def _explained(self, chosen: Best, field: str, found: MatchResult) -> tuple[EventType, str, Decided]:
        """The chosen cue's event, except for a stop in the headline whose reason the summary states ("trials
        paused" over "the agency asked the company to place a hold"): the reason's event, when the taxonomy
        says it explains the stop."""
        event, cue, severity = chosen
        explained_by = self.taxonomy.reason_in_summary.get(event) if field == "title" else None
        if explained_by:
            reason = self._cues(found.summary, found.summary_spans)[0]
            if reason is not None and reason[0] in explained_by:
                text = f"event {reason[0]}: {quote(cue)} in title, for {quote(reason[1])} in summary"
                return reason[0], text, None if reason[2] is None else (reason[2], reason[1])
        return event, f"event {event}: {quote(cue)} in {field}", None if severity is None else (severity, cue)

    def _severity_for(
        self, event: EventType, found: MatchResult, raw_title: str, raw_summary: str, decided: Decided = None
    ) -> tuple[Severity, str]:
        """The severity the event's cue family sets (`decided`), else the first severity rule of the event
        that applies: its phrases (title, then summary) or the phase of a watched trial the item names; else
        the event's default."""
        if decided is not None:
            severity, cue = decided
            if not cue:
                return severity, f"severity {severity}: the default of {event}, a learned event"
            return severity, f"severity {severity}: the phrasing of the event sets it ({quote(cue)})"
        rules = self._severity_rules(event)
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
        default = self._severities.defaults.get(event)
        if default is None:  # the taxonomy validator guarantees a default; stay total anyway
            return "low", f"severity low: no rule for {event}"
        return default

    def _severity_hit(self, rule: SeverityRule, text: str, raw: str) -> str | None:
        if rule.regex is not None:
            begin = 0
            if rule.gate is not None:  # no match of the rule's regex starts before its gate's first hit
                first = rule.gate.search(text)
                begin = len(text) if first is None else first.start()
            hedge = self._grammar.speculation if rule.plan_is_event else self._hedge
            for m in rule.regex.finditer(text, begin):
                start = m.start()
                if hedge is not None and hedge.search(text, max(0, start - self._window), start + 1):
                    continue
                if not self._modifies(self._grammar.participles, text, start, m.group()):
                    return m.group()
        if rule.cjk is not None and not raw.isascii():
            cjk = rule.cjk.search(unicodedata.normalize("NFKC", raw[:MAX_FIELD_CHARS]))
            if cjk is not None:
                return cjk.group()
        return None

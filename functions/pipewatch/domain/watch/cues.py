"""Cue patterns of the taxonomy: how configured regular expressions are combined and gated, and the two
document kinds recognised before any cue (trial-registry pages) or beside them (cues in scripts written
without spaces). Pure; used by the classifier."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

from pipewatch.domain.models import EventType, Severity
from pipewatch.domain.watch.normalize import MAX_FIELD_CHARS

if TYPE_CHECKING:  # the identity module imports this one on paths that never load a taxonomy (cold start)
    from pipewatch.domain.watch.taxonomy import Taxonomy

_REASON_TERM_CHARS = 80

# (event, matched cue text, the severity its family sets or None) of the best cue of one tier in one field
Best = tuple[EventType, str, Severity | None]


def quote(text: str) -> str:
    """A term or phrase as a reason quotes it: one line, at most 80 characters."""
    text = " ".join(text.split())
    if len(text) > _REASON_TERM_CHARS:
        text = text[: _REASON_TERM_CHARS - 1] + "…"
    return f'"{text}"'


def words_regex(patterns: tuple[str, ...]) -> str:
    """Alternation of patterns matching whole words of padded normalised text (matches start at a space)."""
    return r" (?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?= )"


# The characters `split_alternatives` acts on (an escape with the character it escapes, a bracket, a
# parenthesis, a bar): the scan jumps from one to the next instead of stepping through every character.
_STRUCTURE = re.compile(r"\\.?|[\[\]()|]", re.DOTALL)
_FIRST_META = re.compile(r"[\\()\[\]{}?*+.|^$]")
_PARENTHESIS = re.compile(r"[()]")


def split_alternatives(pattern: str) -> list[str] | None:
    """Top-level alternatives of a regex (None if its brackets do not balance)."""
    parts: list[str] = []
    depth, start, in_class = 0, 0, False
    for token in _STRUCTURE.finditer(pattern):
        char = token.group()
        if char[0] == "\\":
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start : token.start()])
            start = token.end()
    if depth != 0 or in_class:
        return None
    parts.append(pattern[start:])
    return parts


def literal_stems(pattern: str) -> list[str] | None:
    """The literal text every match of `pattern` starts with, one per alternative ("results?" -> "result",
    "(?:halt|stop) ..." -> "halt", "stop"), or None when an alternative does not start with a literal."""
    alternatives = split_alternatives(pattern)
    if alternatives is None:
        return None
    stems: list[str] = []
    for alternative in alternatives:
        if alternative.startswith("(?:"):
            depth, close = 0, -1
            for paren in _PARENTHESIS.finditer(alternative):
                depth += 1 if paren.group() == "(" else -1
                if depth == 0:
                    close = paren.start()
                    break
            if close < 0 or alternative[close + 1 : close + 2] in ("?", "*", "{"):
                return None
            inner = literal_stems(alternative[3:close])
            if inner is None:
                return None
            stems.extend(inner)
            continue
        meta = _FIRST_META.search(alternative)
        stem = alternative if meta is None else alternative[: meta.start()]
        if meta is not None and meta.group() in "?*{":
            stem = stem[:-1]
        if not stem.strip():
            return None
        # a trailing space would make the gate swallow the space that starts the next word's cue
        # ("studie (?:\S+ )abgeschlossen" must not hide "ausgesetzt" in "studie ausgesetzt")
        stems.append(stem.rstrip())
    return stems


def title_gate(patterns: tuple[str, ...]) -> tuple[str, ...] | None:
    """Literals of which every match of the publication title patterns contains one (a `\\b` matches no
    text, so it is dropped before the stems are read), or None when some alternative has no literal start."""
    stems: list[str] = []
    for pattern in patterns:
        found = literal_stems(re.sub(r"\\(.)", lambda m: "" if m.group(1) == "b" else m.group(), pattern))
        if found is None:
            return None
        stems.extend(found)
    return tuple(dict.fromkeys(stems))


class SeverityRule(NamedTuple):
    regex: re.Pattern[str] | None  # over the normalised field
    cjk: re.Pattern[str] | None  # over the NFKC raw field, anywhere
    phase: int | None  # a watched trial of at least this phase named in the item
    severity: Severity
    label: str
    title_only: bool = False
    plan_is_event: bool = False  # only speculation hedges apply (a company's stated plan is the decision)
    # Finds the leftmost place where a match of `regex` can start (a space and one of its patterns' literal
    # starts, as a trie): most fields have none, and one trie scan costs less than the alternation's scan
    # at every word. None when some pattern does not start with a literal.
    gate: re.Pattern[str] | None = None


class Registry:
    """Trial-registry and trial-finder pages (see `RegistryRule`)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        rule = taxonomy.registry
        self.event: EventType = rule.event
        self._doc_types = frozenset(rule.doc_types)
        self._source = re.compile(words_regex(rule.source_patterns)) if rule.source_patterns else None
        self._url = re.compile("|".join(f"(?:{p})" for p in rule.url_patterns)) if rule.url_patterns else None
        self._title = (
            re.compile("|".join(f"(?:{p})" for p in rule.title_patterns)) if rule.title_patterns else None
        )
        self._results = (
            re.compile("|".join(f"(?:{p})" for p in rule.results_patterns)) if rule.results_patterns else None
        )

    def event_of(
        self, raw_title: str, doc_type: str, source: tuple[str, str], url: str
    ) -> tuple[EventType, str] | None:
        """(event, reason) of a registry page, None for anything else. `source`: (as given, padded
        normalised)."""
        reason = self.reason(raw_title, doc_type, source, url)
        if reason is None:
            return None
        if self._results is not None:
            for text in (url[:2000].lower(), raw_title[:MAX_FIELD_CHARS].lower()):
                m = self._results.search(text)
                if m:
                    return (
                        "results",
                        f"event results: a registry page of posted results ({quote(m.group())})",
                    )
        return self.event, reason

    def reason(self, raw_title: str, doc_type: str, source: tuple[str, str], url: str) -> str | None:
        if doc_type in self._doc_types:
            return f"event {self.event}: a trial registry record (doc_type {doc_type})"
        given, norm_source = source
        if self._source is not None and given:
            m = self._source.search(norm_source)
            if m:
                return f"event {self.event}: {quote(given)} is a trial registry or trial finder"
        if self._url is not None and url:
            m = self._url.search(url[:2000].lower())
            if m:
                return f"event {self.event}: the link is a trial registry page ({quote(m.group())})"
        if self._title is not None and raw_title:
            m = self._title.search(raw_title[:MAX_FIELD_CHARS].lower())
            if m:
                return f"event {self.event}: the title is a trial protocol title ({quote(m.group())})"
        return None


class CjkCues:
    """Event cues in scripts written without spaces (Japanese, Chinese), over the NFKC raw field: the
    best-ranked strong cue not followed by a hedge (申請予定, "filing planned")."""

    def __init__(self, taxonomy: Taxonomy, rank: dict[EventType, int]) -> None:
        rules = [(rule, rank[rule.event]) for rule in taxonomy.events if rule.cjk_patterns and not rule.weak]
        self.enabled = bool(rules)
        self._rules = [
            (re.compile("|".join(rule.cjk_patterns)), rule.event, r, rule.severity) for rule, r in rules
        ]
        hedges = taxonomy.cjk_hedges_after
        self._hedge = re.compile("|".join(f"(?:{h})" for h in hedges)) if hedges else None
        self._window = taxonomy.cjk_hedge_window

    def best(self, raw: str) -> Best | None:
        text = unicodedata.normalize("NFKC", raw[:MAX_FIELD_CHARS])
        best: Best | None = None
        best_rank = len(self._rules) + 1_000
        for regex, event, rank, severity in self._rules:
            if rank >= best_rank:
                continue
            for m in regex.finditer(text):
                if self._hedge is not None and self._hedge.search(text, m.end(), m.end() + self._window):
                    continue
                best, best_rank = (event, m.group(), severity), rank
                break
        return best


# ------------------------------------------------------------------------------------------- rule meanings


class RuleInfo(NamedTuple):
    """What a cue of one event rule means, looked up by the rule's group name (m.lastgroup)."""

    event: EventType
    weak: bool
    rank: int  # taxonomy priority: lower wins
    cancel: re.Pattern[str] | None
    plan_is_event: bool = False  # only speculation hedges apply (a company's stated plan is its decision)
    attributive: re.Pattern[str] | None = None  # participles that modify a noun after a determiner
    severity: Severity | None = None  # the family sets the severity of every event it decides


class ObjectRule(NamedTuple):
    """Verbs of one event rule that count only with the watched drug as their object (`DrugObject`)."""

    before: re.Pattern[str]  # the verb and up to `gap` words, ending where the drug's name starts
    after: re.Pattern[str] | None  # words right after the name that make it another object
    info: RuleInfo
    reach: int  # how many words before the name a verb may start (`gap` plus a verb of up to 4 words)


class Grammar(NamedTuple):
    """What the taxonomy says about a headline's structure beyond its cue words."""

    modifier: re.Pattern[str] | None  # a determiner before an attributive participle ("of FDA-approved")
    speculation: re.Pattern[str] | None  # the hedges that still apply where a company's plan is the event
    objects: list[ObjectRule]  # verbs with the watched drug as their object
    structured_abstract: re.Pattern[str] | None  # a summary that opens with an abstract's heading
    participles: re.Pattern[str] | None  # every family's attributive participles (severity phrases too)


def rule_infos(
    taxonomy: Taxonomy, rank: dict[EventType, int], cancel: dict[int, re.Pattern[str]]
) -> tuple[dict[str, RuleInfo], Grammar]:
    """What each event rule's cue means, by its group name, and the taxonomy's grammar."""
    rules = taxonomy.events
    rule_of = {
        f"r{index}": RuleInfo(
            rule.event,
            rule.weak,
            rank[rule.event],
            cancel.get(index),
            rule.plan_is_event,
            re.compile("|".join(f"(?:{p})" for p in rule.attributive)) if rule.attributive else None,
            rule.severity,
        )
        for index, rule in enumerate(rules)
    }
    return rule_of, grammar(taxonomy, rule_of)


def grammar(taxonomy: Taxonomy, rule_of: dict[str, RuleInfo]) -> Grammar:
    modifiers = taxonomy.modifier_before
    abstract = taxonomy.publication.summary_patterns
    participles = [p for rule in taxonomy.events for p in rule.attributive]
    return Grammar(
        # ("the first approved X" is an approval: an ordinal or "only" makes the participle the news)
        re.compile(rf" (?:{'|'.join(modifiers)}) (?:(?!first |only |sole )\S+ )?$") if modifiers else None,
        re.compile(words_regex(taxonomy.speculation)) if taxonomy.speculation else None,
        object_rules(taxonomy, rule_of),
        re.compile("|".join(f"(?:{p})" for p in abstract)) if abstract else None,
        re.compile("|".join(f"(?:{p})" for p in participles)) if participles else None,
    )


def object_rules(taxonomy: Taxonomy, rule_of: dict[str, RuleInfo]) -> list[ObjectRule]:
    """The strong event rules with verbs that take the watched drug as their object, compiled."""
    found: list[ObjectRule] = []
    for index, rule in enumerate(taxonomy.events):
        drug_object = rule.drug_object
        if drug_object is None or rule.weak:
            continue
        after = "|".join(drug_object.cancel_after)
        found.append(
            ObjectRule(
                re.compile(drug_object.pattern()),
                re.compile(rf"(?: \S+){{0,2}} (?:{after})(?= )") if after else None,
                rule_of[f"r{index}"],
                drug_object.gap + 4,
            )
        )
    return found

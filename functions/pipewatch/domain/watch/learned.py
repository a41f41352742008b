"""The learned event fallback (ADR 0015): a naive Bayes model over the words of a headline and its summary,
asked only when no rule cue fires, in place of the taxonomy's default event.

The model is data (`data/event_fallback.json`, written by `bench/train_fallback.py` from the tuning halves of
the labelled headline sets): per feature, how many training documents of each event held it. The
composition root reads the file and hands its mapping to `EventModel.from_data`; nothing here reads files.

Features come from the matcher's normalised fields (lower case, accents folded, one space between words)
with the watched names and every match of a rule cue masked (a drug's name never votes). A text in which
the rules set a cue aside (after a hedge or a cancelling word: "in talks to license") is never asked: the
rules decided it is no event.
- `w:` a word, `b:` two adjacent words (a number of three digits or more is `<num>`, a code name `<code>`);
- `p:` the first five letters of a word of seven letters or more: one stem for a word's forms across the
  Latin-script languages ("zulassung"/"zulassen", "approval"/"approves");
- `c:` two adjacent characters of a run in a script written without spaces (Chinese, Japanese, Korean).

A prediction counts only when the margin between the two best posteriors reaches the model's threshold
(chosen on the tuning halves by the training script) and some telling feature of the text (not a short
function word, not the prior alone) favours it over the runner-up; its reason quotes the telling features
that favour it most.
Pure and deterministic; `predict` never raises on any text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import get_args

from pipewatch.domain.models import EventType
from pipewatch.domain.watch.match import MatchResult

FEATURE_VERSION = 1
PLACEHOLDER = " <masked> "
_STEM = 5  # letters kept by a stem
_STEM_FROM = 7  # shortest word that also yields a stem
_REASON_FEATURES = 3
_EVENTS = frozenset(get_args(EventType))


def masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each (start, end) span replaced by the placeholder (overlapping spans merged)."""
    out, end = [], 0
    for start, stop in sorted(spans):
        if start >= end:
            out.append(text[end:start])
            out.append(PLACEHOLDER)
        end = max(end, stop)
    out.append(text[end:])
    return "".join(out)


def fallback_text(found: MatchResult, cue_spans: Callable[[str], Iterable[tuple[int, int]]]) -> str:
    """What the model reads: the matcher's normalised title and summary, the watched names and the spans
    `cue_spans` gives for each field (the rule cues' matches) masked."""
    return " ".join(
        masked(text, (*names, *cue_spans(text)))
        for text, names in ((found.title, found.title_spans), (found.summary, found.summary_spans))
    )


def _token(word: str) -> str:
    if word.isdigit():
        return word if len(word) < 3 else "<num>"
    if word.isascii() and any(ch.isdigit() for ch in word):
        return "<code>"
    return word


def features(text: str) -> frozenset[str]:
    """The features of normalised (and masked) text: a set, so a repeated word counts once."""
    found: set[str] = set()
    previous = ""
    for raw in text.split():
        if raw == PLACEHOLDER.strip():
            previous = ""
            continue
        if not raw.isascii() and not raw.isalpha():
            previous = ""  # mixed symbols: no feature
            continue
        if not raw.isascii() and any(ord(ch) >= 0x1100 for ch in raw):
            found.update(f"c:{raw[i : i + 2]}" for i in range(max(1, len(raw) - 1)))
            previous = ""
            continue
        word = _token(raw)
        found.add(f"w:{word}")
        if previous:
            found.add(f"b:{previous} {word}")
        if len(word) >= _STEM_FROM and word.isalpha():
            found.add(f"p:{word[:_STEM]}")
        previous = word
    return frozenset(found)


def _inside(start: int, names: Iterable[tuple[int, int]]) -> bool:
    """A cue starting at `start` (the space before it) lies inside one of the names' spans."""
    return any(n_start <= start + 1 < n_end for n_start, n_end in names)


def _telling(feature: str) -> bool:
    """A feature a reason may quote: not a short function word ("a", "for") nor a bare placeholder."""
    kind, _, value = feature.partition(":")
    return kind != "w" or (len(value) > 3 and not value.startswith("<"))


def readable(feature: str) -> str:
    """How a feature is quoted in a reason: the words, a stem with an ellipsis, the characters."""
    kind, _, value = feature.partition(":")
    return f"{value}…" if kind == "p" else value


@dataclass(frozen=True, slots=True)
class Prediction:
    event: EventType
    probability: float  # posterior of the event
    margin: float  # its posterior minus the runner-up's
    strongest: tuple[str, ...]  # the features that favoured it most over the runner-up, readable

    def reason(self) -> str:
        quoted = ", ".join(f"'{feature}'" for feature in self.strongest)
        return f"event {self.event} (learned fallback, p={self.probability:.2f}): strongest features {quoted}"


@dataclass(frozen=True, slots=True)
class EventModel:
    classes: tuple[EventType, ...]
    log_prior: tuple[float, ...]
    log_likelihood: Mapping[str, tuple[float, ...]]
    threshold: float  # least margin a prediction needs

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> EventModel:
        """The model from the training script's mapping; ValueError when it is not one (wrong shape, an
        unknown event, another feature version)."""
        if data.get("feature_version") != FEATURE_VERSION:
            raise ValueError(f"feature_version must be {FEATURE_VERSION}")
        classes = _events(data.get("classes"))
        width = len(classes)
        documents = _counts(data.get("class_documents"), width, "class_documents")
        raw = data.get("feature_counts")
        if not isinstance(raw, Mapping) or not raw:
            raise ValueError("feature_counts must map features to counts")
        counts = {str(key): _counts(value, width, f"feature_counts[{key}]") for key, value in raw.items()}
        alpha, threshold = _number(data.get("alpha"), "alpha"), _number(data.get("threshold"), "threshold")
        if alpha <= 0 or not 0 <= threshold <= 1:
            raise ValueError("alpha must be positive and threshold within [0, 1]")
        total = [sum(row[i] for row in counts.values()) + alpha * len(counts) for i in range(width)]
        log_likelihood = {
            feature: tuple(math.log((row[i] + alpha) / total[i]) for i in range(width))
            for feature, row in counts.items()
        }
        all_documents = sum(documents)
        if all_documents <= 0 or min(documents) <= 0:
            raise ValueError("class_documents must be positive")
        log_prior = tuple(math.log(n / all_documents) for n in documents)
        return cls(classes, log_prior, log_likelihood, threshold)

    def predict_found(
        self, found: MatchResult, cue_spans: Callable[[str], Iterable[tuple[int, int]]]
    ) -> Prediction | None:
        """`predict` on what the matcher found, names and cues masked (`fallback_text`); None when a rule
        cue matched outside a name but the rules set it aside (a hedge, a cancelling word): their call."""
        for text, names in ((found.title, found.title_spans), (found.summary, found.summary_spans)):
            if any(not _inside(start, names) for start, _ in cue_spans(text)):
                return None
        return self.predict(fallback_text(found, cue_spans))

    def predict(self, text: str) -> Prediction | None:
        """The most probable event of normalised, masked text, when its margin reaches the threshold."""
        present = [f for f in features(text) if f in self.log_likelihood]
        if not present:
            return None
        scores = list(self.log_prior)
        for feature in present:
            for i, value in enumerate(self.log_likelihood[feature]):
                scores[i] += value
        top = max(scores)
        weights = [math.exp(score - top) for score in scores]
        total = sum(weights)
        ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], self.classes[i]))
        best, second = ranked[0], ranked[1] if len(ranked) > 1 else ranked[0]
        probability = weights[best] / total
        margin = probability - (weights[second] / total if second != best else 0.0)
        if margin < self.threshold:
            return None
        lift = sorted(
            (self.log_likelihood[f][second] - self.log_likelihood[f][best], f) for f in present
        )  # most negative first: the features that favour the winner most
        strongest = tuple(readable(f) for gain, f in lift if gain < 0 and _telling(f))[:_REASON_FEATURES]
        if not strongest:
            return None  # only the prior or function words speak for it: no reason a subscriber could read
        return Prediction(self.classes[best], probability, margin, strongest)


def _events(value: object) -> tuple[EventType, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) < 2:
        raise ValueError("classes must list at least two events")
    events: list[EventType] = []
    for item in value:
        if item not in _EVENTS:
            raise ValueError(f"unknown event {item!r}")
        events.append(item)
    return tuple(events)


def _counts(value: object, width: int, name: str) -> tuple[int, ...]:
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or len(value) != width
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value)
    ):
        raise ValueError(f"{name} must be {width} counts")
    return tuple(value)


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number")
    return float(value)

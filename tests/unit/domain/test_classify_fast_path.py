"""The classifier's fast paths give exactly the results of the full paths, on the development set and on
generated text: the matcher's gate of the case-sensitive abbreviation scan, the event choice that checks
a cue only when it could become the best one (and stops at the most important event), the severity rules'
start gates, and the normalisation of text whose only characters beyond ASCII are punctuation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipewatch.config import load_classifier
from pipewatch.domain.models import EventType
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.cues import Best as _Best
from pipewatch.domain.watch.cues import SeverityRule
from pipewatch.domain.watch.match import Matcher

FAST = load_classifier()
DEV = Path(__file__).resolve().parents[2] / "fixtures" / "labeled" / "headlines_dev.jsonl"


class _UngatedMatcher(Matcher):
    """The matcher with the abbreviation scan run on every field."""

    def _record(self, *args: object, **kwargs: object) -> bool:
        super()._record(*args, **kwargs)
        return True


class _FullClassifier(Classifier):
    """Every cue checked, then the best of each tier picked (first of the highest priority)."""

    def __init__(self) -> None:
        super().__init__(FAST.watchlist, FAST.taxonomy)
        self._matcher = _UngatedMatcher(FAST.watchlist)

    def _severity_rules(self, event: EventType) -> list[SeverityRule]:
        """Each rule's regex scanned from the start of the field (no start gate)."""
        return [rule._replace(gate=None) for rule in super()._severity_rules(event)]

    def _cues(self, text: str, alias_spans: tuple[tuple[int, int], ...]) -> tuple[_Best | None, _Best | None]:
        strong: list[tuple[int, _Best]] = []
        weak: list[tuple[int, _Best]] = []
        objects = self._object_hits(text, alias_spans)
        for m in self._event_matches(text):
            rule = self._rule_of[m.lastgroup or "r0"]
            start = m.start()
            if start in objects or any(a_start <= start + 1 < a_end for a_start, a_end in alias_spans):
                continue
            if self._not_the_event(rule, text, start, m.group()):
                continue
            (weak if rule.weak else strong).append((rule.rank, (rule.event, m.group(), rule.severity)))
        strong.extend((rule.rank, (rule.event, cue, rule.severity)) for rule, cue in objects.values())

        def best(cues: list[tuple[int, _Best]]) -> _Best | None:
            return min(cues, key=lambda cue: cue[0])[1] if cues else None

        return best(strong), best(weak)


FULL = _FullClassifier()


def _same(title: str, summary: str, source: str = "", doc_type: str = "news") -> None:
    assert FAST._matcher.match(title, summary) == FULL._matcher.match(title, summary)
    fast = FAST.classify(title, summary, source=source, doc_type=doc_type)
    full = FULL.classify(title, summary, source=source, doc_type=doc_type)
    assert fast == full, (title, summary)


def test_dev_set_fast_equals_full() -> None:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        title, summary, source = row["title"], row.get("summary") or "", row.get("source") or ""
        for t, s in (
            (title, summary),
            (title.upper(), summary),
            (title.lower(), summary.lower()),
            (summary, title),
        ):
            _same(t, s, source)
            _same(re.sub(r"(\w)(\s)", r"\1'\2", t), s)  # apostrophes everywhere


def test_abbreviation_gate_cases() -> None:
    for text in [
        "Data in DM and ASyS",
        "DM's and IIMs",
        "DM's's outlook",
        "DM'sx",
        "éDM and DMé",
        "juvenile DM (JDM) trial",
        "inclusion body myositis (IBM)",
        "Call at 4:30 PM ET",
        "EFFICACY IN DM PATIENTS",
        "`DM`s",
        "x_DM_y",
        "DM-associated ILD",
        "gMG and MG",
        "Ted and TED",
    ]:
        _same(text, text)
        _same(f"VYVGART {text}", "")


VOCAB = st.sampled_from(
    ["DM", "DM's", "dm", "IIMs", "IIM", "JDM", "CADM", "PM", "4:30 PM", "MG", "gMG", "ASyS", "ASS", "TED",
     "SjD", "NIU", "dermatomyositis", "inclusion body myositis", "myasthenia gravis", "Sjögren's", "é", "Ô",
     "Ã”", "'", "`", "’", "'s", "-", "(", ")", "/", ":", "_", "VYVGART", "efgartigimod", "ARGX-113",
     "brepocitinib", "PF-06700841", "Pfizer", "Roivant", "Priovant", "argenx", "TYK2/JAK1", "FcRn blocker",
     "abrocitinib", "ADAPT", "VALOR", "study", "trial", "ALKIVIA", "approves", "approval", "after", "no",
     "safety", "death", "phase 3", "phase 2", "results", "data", "plans to", "seek", "files", "deal",
     "terminated", "initiates", "update on", "analysis", "journal", "艾加莫德", "\x00", "\u0301", " "]
)  # fmt: skip
TEXT = st.one_of(
    st.lists(VOCAB, max_size=30).map(" ".join),
    st.lists(VOCAB, max_size=30).map("".join),
    st.text(max_size=200),
)


@settings(max_examples=400, deadline=None)
@given(
    title=TEXT,
    summary=TEXT,
    source=st.sampled_from(["", "PubMed", "Reuters", "Lancet Rheumatology", "Wall Street Journal"]),
    doc_type=st.sampled_from(["news", "publication"]),
)
def test_generated_text_fast_equals_full(title: str, summary: str, source: str, doc_type: str) -> None:
    _same(title, summary, source, doc_type)


def test_classification_builder_equals_the_record_built_field_by_field() -> None:
    from dataclasses import astuple

    from pipewatch.domain.models import Classification
    from pipewatch.domain.watch.classification import classification as _classification
    from pipewatch.domain.watch.landscape import LandscapeSubject

    landscape = LandscapeSubject("nipocalimab", ("efgartigimod",), "Imaavy")
    names = (
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
    for args, last in (
        ((False, (), (), None, None, ("not relevant: no watchlist agent named",)), ("own", None, ())),
        ((True, ("efgartigimod",), ("gmg",), "results", "high", ("a", "b")), ("own", None, ())),
        ((True, (), ("gmg",), "regulatory", "high", ("a",)), ("landscape", "nipocalimab", ("efgartigimod",))),
    ):
        fast = _classification(*args, landscape if last[0] == "landscape" else None)  # type: ignore[arg-type]
        every = (*args, *last)
        slow = Classification(**dict(zip(names, every, strict=True)))  # type: ignore[arg-type]
        assert fast == slow
        assert astuple(fast) == every
        assert fast.to_json_dict() == slow.to_json_dict()


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_padded_equals_normalize(text: str) -> None:
    from pipewatch.domain.watch.normalize import normalize
    from pipewatch.domain.watch.normalize import padded as _padded

    assert _padded(text) == f" {normalize(text)} "
    assert _padded(text.upper()) == f" {normalize(text.upper())} "


def test_the_severity_rules_of_the_packaged_taxonomy_have_start_gates() -> None:
    """Else the gate test above compares nothing: most rules start with literals."""
    rules = [rule for event in FAST._severities.config for rule in FAST._severity_rules(event)]
    assert sum(rule.gate is not None for rule in rules) >= len(rules) - 2 >= 6


def test_text_with_only_punctuation_beyond_ascii_normalises_as_in_the_script_path() -> None:
    """Every character beyond ASCII that is not a word character (BMP and beyond, in steps), in hand-made
    text: the ASCII-speed path gives what the general path (lower-case, runs of non-word characters to one
    space, seams) gives."""
    from pipewatch.domain.watch import normalize as n

    def general(text: str) -> str:
        return n._SCRIPT_SEAM.sub(" ", n._NON_WORD.sub(" ", text.lower())).strip()

    checked = 0
    for code in [*range(0x80, 0x10000), *range(0x10000, 0x110000, 97)]:
        char = chr(code)
        if (
            0xD800 <= code <= 0xDFFF
            or re.match(r"\w", char)
            or char in "\u0300\u0301"
            or n._SPECIAL.match(char)
        ):
            continue
        text = f"Argenx{char}s PHASE{char}3_x {char}{char} efgartigimod {char}"
        folded = n._COMBINING.sub(
            "", __import__("unicodedata").normalize("NFKD", n._POSSESSIVE.sub("", text))
        )
        if folded.isascii() or n._NON_ASCII_WORD.search(folded):
            continue  # another path (NFKD made it ASCII or a word character)
        assert n._fold(text) == general(folded), hex(code)
        checked += 1
    assert checked > 5_000

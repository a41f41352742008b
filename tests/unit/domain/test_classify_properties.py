"""Property tests: the classifier never raises and is deterministic on arbitrary text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipewatch.config import load_classifier
from pipewatch.domain.watch.match import normalize

CLASSIFIER = load_classifier()
VOCAB = st.sampled_from(
    ["VYVGART", "Ã”", "ARGX-113", "Roivant", "TYK2/JAK1", "approves", "phase 3", "DM", "4:30 PM", "™", "α",
     "'s",
     "ADAPT", "study", "艾加莫德", "\x00", "\u0301", " ", "-", "results", "seek", "no", "death", "PubMed"]
)  # fmt: skip
TEXT = st.one_of(st.text(max_size=300), st.lists(VOCAB, max_size=40).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(title=TEXT, summary=TEXT, source=TEXT, doc_type=st.sampled_from(["news", "publication", "whatever"]))
def test_never_raises_and_is_deterministic(title: str, summary: str, source: str, doc_type: str) -> None:
    first = CLASSIFIER.classify(title, summary, doc_type=doc_type, source=source)
    second = CLASSIFIER.classify(title, summary, doc_type=doc_type, source=source)
    assert first == second
    assert first.relevant == bool(first.agents)
    assert (first.event_type is None) == (not first.relevant)
    assert (first.severity is None) == (not first.relevant)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_normalize_output_is_plain_words(text: str) -> None:
    out = normalize(text)
    assert out == out.strip() and "  " not in out and out == normalize(out)


def test_huge_and_control_text() -> None:
    huge = "VYVGART approved " * 50_000
    assert CLASSIFIER.classify(huge, huge).relevant
    assert not CLASSIFIER.classify("", "").relevant
    assert not CLASSIFIER.classify("\x00\x01\x02\ud800", "\ufeff").relevant


# Everyday trade-press cues of the event families (issue 23) and hedges that make them a plan or a hope.
FAMILY_CUES = [
    "approval", "nod", "green light", "go-ahead", "all clear", "Zulassung", "feu vert", "via libera",
    "goedkeuring", "aprobación", "OK", "drops", "axes", "scraps", "shelves", "flunks", "beats",
    "head-to-head", "fails to deliver", "kicks off", "doses first patient", "CRL", "rebuffs", "snubs",
    "warning", "may cause", "remboursement", "verkaeufe",
]  # fmt: skip
APPROVAL_CUES = [
    "approval", "nod", "green light", "go-ahead", "all clear", "Zulassung", "feu vert", "via libera",
    "goedkeuring", "aprobación", "approvazione", "luz verde",
]  # fmt: skip
HEDGES = ["plans to seek", "expects", "hopes for", "aims for", "could win", "is poised to win", "eyes",
          "prevede", "erwartet", "verwacht", "espera", "in hopes of"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    title=st.lists(
        st.sampled_from([*FAMILY_CUES, "VYVGART", "FDA", "phase 3", "not", "shares"]), max_size=12
    ),
    summary=TEXT,
)
def test_family_vocabulary_never_raises_and_is_deterministic(title: list[str], summary: str) -> None:
    text = " ".join(title)
    first = CLASSIFIER.classify(text, summary)
    assert first == CLASSIFIER.classify(text, summary)
    assert (first.event_type is None) == (not first.relevant)


@settings(max_examples=200, deadline=None)
@given(
    hedge=st.sampled_from(HEDGES),
    filler=st.sampled_from(["", "an", "the", "EU", "swift"]),
    cue=st.sampled_from(APPROVAL_CUES),
)
def test_an_approval_cue_after_a_hedge_does_not_fire(hedge: str, filler: str, cue: str) -> None:
    """ "argenx hopes for EU nod for VYVGART" is a hope, not an approval: the cue is not the event."""
    title = " ".join(part for part in ("argenx", hedge, filler, cue, "for VYVGART") if part)
    out = CLASSIFIER.classify(title)
    assert out.relevant
    assert out.event_type != "regulatory", out.reasons
    assert out.severity != "high", out.reasons

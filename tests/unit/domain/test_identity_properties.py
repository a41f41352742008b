"""Properties of grouping by event identity (hypothesis; every headline here is HAND_MADE from templates):
copies of one story make one story in any order, and items that differ in a decisive part (another
regulator, another step, another trial, another indication) never join."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pipewatch.domain.ingest.dedupe import Claim, claim_keys, same_story
from pipewatch.domain.ingest.identity import EventIdentity, agree
from pipewatch.domain.ingest.intake import MergeIntoStory, StoreNew, decide_intake
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.models import Classification, Update

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FILLER = (
    "argenx",
    "announces",
    "efgartigimod",
    "today",
    "adults",
    "patients",
    "treatment",
    "autoimmune",
    "global",
    "immunology",
    "company",
    "vyvgart",
    "subcutaneous",
    "injection",
    "rare",
    "disease",
)
EVENT_TYPES = ("results", "regulatory", "commentary", "corporate", None)
SEVERITIES = ("high", "medium", "low", None)


def _update(n: int, title: str, *, event_type: str | None, severity: str | None, day: int = 0) -> Update:
    return Update(
        update_id=f"u-{n}",
        title=title,
        url=f"https://outlet-{n}.example/story",
        source_id=f"outlet-{n}",
        published=NOW - timedelta(days=day),
        classification=Classification(
            relevant=True,
            agents=("efgartigimod",),
            event_type=event_type,  # type: ignore[arg-type]
            severity=severity,  # type: ignore[arg-type]
        ),
        first_seen=NOW + timedelta(minutes=n),
    )


def _restyled(title: str, style: int) -> str:
    """What another outlet does to one headline: case, punctuation, spacing (a near-exact copy)."""
    return (title, title.upper(), title.lower(), title.title(), title.replace(" ", "  ") + ".", f"{title} -")[
        style % 6
    ]


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(FILLER), min_size=8, max_size=14, unique=True),
    styles=st.lists(st.integers(0, 5), min_size=2, max_size=6),
    labels=st.data(),
    order=st.randoms(use_true_random=False),
)
def test_given_copies_of_one_story_in_any_order_then_they_make_one_story(
    words: list[str], styles: list[int], labels: st.DataObject, order: object
) -> None:
    title = " ".join(words)
    copies = [
        _update(
            n,
            _restyled(title, style),
            event_type=labels.draw(st.sampled_from(EVENT_TYPES)),  # the classifier may label each differently
            severity=labels.draw(st.sampled_from(SEVERITIES)),
            day=labels.draw(st.integers(0, 3)),
        )
        for n, style in enumerate(styles)
    ]
    order.shuffle(copies)  # type: ignore[attr-defined]

    intents = decide_intake(
        copies,
        known_ids=set(),
        claims={k: Claim(k) for u in copies for k in claim_keys(u)},
        stories=[],
        limits=PollLimits(),
        now=NOW,
        first_poll=False,
    )

    stored = [i for i in intents if isinstance(i, StoreNew)]
    assert len(stored) == 1 and stored[0].update is copies[0]
    assert all(isinstance(i, MergeIntoStory) and i.story_id == copies[0].update_id for i in intents[1:])


# -- a decisive part that differs ---------------------------------------------------------------------------
REGULATORS = {"US": "FDA", "EU": "EMA", "JP": "PMDA", "CN": "NMPA", "CA": "Health Canada"}
STEPS = {
    "filing": "submits application to",
    "acceptance": "accepted for review by",
    "approval": "approved by",
}
TRIALS = ("ADAPT", "ADHERE", "ADVANCE", "ALKIVIA", "UplighTED")
INDICATIONS = {
    "myasthenia_gravis": "myasthenia gravis",
    "cidp": "CIDP",
    "itp": "immune thrombocytopenia",
    "thyroid_eye_disease": "thyroid eye disease",
}


def _headline(step: str, regulator: str, trial: str, indication: str, filler: list[str]) -> str:
    return (
        f"efgartigimod {STEPS[step]} {REGULATORS[regulator]} in {INDICATIONS[indication]} on {trial} trial "
        f"data {' '.join(filler)}"
    )


def _regulatory(n: int, title: str, indication: str) -> Update:
    return replace(
        _update(n, title, event_type="regulatory", severity="high"),
        classification=Classification(
            relevant=True,
            agents=("efgartigimod",),
            indications=(indication,),
            event_type="regulatory",
            severity="high",
        ),
    )


@settings(max_examples=80, deadline=None)
@given(
    step=st.sampled_from(sorted(STEPS)),
    regulator=st.sampled_from(sorted(REGULATORS)),
    trial=st.sampled_from(TRIALS),
    indication=st.sampled_from(sorted(INDICATIONS)),
    filler=st.lists(st.sampled_from(FILLER), min_size=0, max_size=16, unique=True),
    part=st.sampled_from(("regulator", "step", "trial", "indication")),
    other=st.integers(1, 4),
)
def test_given_two_items_that_differ_in_a_decisive_part_then_they_never_join(
    step: str,
    regulator: str,
    trial: str,
    indication: str,
    filler: list[str],
    part: str,
    other: int,
) -> None:
    changed = {"step": step, "regulator": regulator, "trial": trial, "indication": indication}  # in order
    choices = {
        "step": sorted(STEPS),
        "regulator": sorted(REGULATORS),
        "trial": TRIALS,
        "indication": INDICATIONS,
    }
    options = [c for c in choices[part] if c != changed[part]]
    changed[part] = options[other % len(options)]
    a = _regulatory(1, _headline(step, regulator, trial, indication, filler), indication)
    b = _regulatory(2, _headline(*changed.values(), filler), changed["indication"])

    assert same_story(a, replace(a, update_id="u-3", url="https://x.example/3"))
    assert not same_story(a, b) and not same_story(b, a)


_PARTS = st.frozensets(st.sampled_from(("A", "B", "C")), max_size=2)


@settings(max_examples=200, deadline=None)
@given(
    regulators=_PARTS,
    trials=_PARTS,
    phases=_PARTS,
    indications=_PARTS,
    words=st.frozensets(st.sampled_from(FILLER), max_size=10),
    decisive=st.sampled_from(("regulators", "trials", "phases", "indications", "families")),
)
def test_given_identities_disjoint_in_a_decisive_part_then_they_never_agree(
    regulators: frozenset[str],
    trials: frozenset[str],
    phases: frozenset[str],
    indications: frozenset[str],
    words: frozenset[str],
    decisive: str,
) -> None:
    base = EventIdentity(
        agents=frozenset({"efgartigimod"}),
        families=frozenset({"approval"}),
        regulators=regulators,
        trials=trials,
        phases=phases,
        indications=indications,
        days=frozenset({NOW.date()}),
        words=words,
    )
    first, second = (frozenset({"X"}), frozenset({"Y"}))
    if decisive == "families":
        first, second = frozenset({"filing"}), frozenset({"approval"})
    a = EventIdentity(**{**base.__dict__, decisive: first})
    b = EventIdentity(**{**base.__dict__, decisive: second})

    assert not agree(a, b, window_days=10) and not agree(b, a, window_days=10)

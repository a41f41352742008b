"""Registry change matching (pure): a study of the change list is kept when it names a watched agent, NCT id,
sponsor or condition; the watermark and its overlap. Study keys here are hand-made (named per test)."""

from __future__ import annotations

import pytest

from pipewatch.domain.ingest.registry_match import (
    RegistryMatcher,
    StudyKeys,
    change_range,
    next_watermark,
    stale_marks,
    words,
)

MATCHER = RegistryMatcher(
    aliases=["efgartigimod", "ARGX-113", "VYVGART Hytrulo"],
    nct_ids=["NCT05523167", "not-an-id"],
    conditions=["myositis", "dermatomyositis"],
    sponsors=["argenx"],
)


def test_words_fold_case_accents_and_split_letter_digit_junctions() -> None:
    assert words("ARGX-113 (Efgartigimod alfa)") == ("argx", "113", "efgartigimod", "alfa")
    assert words("ARGX113") == ("argx", "113")
    assert words("Myosite idiopathique à l'étude") == ("myosite", "idiopathique", "a", "l", "etude")


@pytest.mark.parametrize(
    ("hand_made_keys", "reason"),
    [
        (StudyKeys("NCT05523167"), "nct_ids"),
        (StudyKeys("NCT00000001", names=("A study of argx113 in CIDP",)), "aliases"),
        (StudyKeys("NCT00000001", names=("Vyvgart hytrulo PFS",)), "aliases"),
        (StudyKeys("NCT00000001", sponsors=("argenx BV",)), "sponsors"),
        (StudyKeys("NCT00000001", conditions=("Juvenile Dermatomyositis",)), "conditions"),
        (StudyKeys("NCT00000001", names=("Vyvgart",), conditions=("Asthma",)), None),  # brand word alone
        (StudyKeys("NCT00000001", names=("A study of efgartigimodx",)), None),  # whole words only
        (StudyKeys("NCT00000001", conditions=("Myasthenia Gravis",), sponsors=("Pfizer",)), None),
    ],
)
def test_a_study_matches_for_its_first_reason_or_not_at_all(
    hand_made_keys: StudyKeys, reason: str | None
) -> None:
    assert MATCHER.match(hand_made_keys) == reason


def test_match_on_limits_what_counts() -> None:
    only_ids = RegistryMatcher(aliases=["efgartigimod"], nct_ids=["NCT05523167"], match_on=("nct_ids",))
    assert only_ids.match(StudyKeys("NCT00000001", names=("efgartigimod",))) is None
    assert only_ids.match(StudyKeys("NCT05523167")) == "nct_ids"


def test_the_cost_of_a_match_does_not_depend_on_the_number_of_agents() -> None:
    """The phrase table is looked up per word run of the study: 1,000 agents' aliases, one table."""
    many = RegistryMatcher(aliases=[f"hand-made agent {n:04d}" for n in range(1000)] + ["efgartigimod"])
    assert many.match(StudyKeys("NCT00000001", names=("Efgartigimod in myositis",))) == "aliases"
    assert many.match(StudyKeys("NCT00000001", names=("hand made agent 0999 trial",))) == "aliases"
    assert many.match(StudyKeys("NCT00000001", names=("hand made agent 1000 trial",))) is None


def test_change_range_goes_back_by_the_overlap() -> None:
    assert change_range("2026-08-19", 2) == "AREA[LastUpdatePostDate]RANGE[2026-08-17,MAX]"
    assert change_range("2026-08-19T09:00:06", 0) == "AREA[LastUpdatePostDate]RANGE[2026-08-19,MAX]"


def test_the_watermark_moves_to_the_latest_date_read_and_never_back() -> None:
    assert next_watermark("2026-08-10", ["2026-08-12", "2026-08-11", "2026-08"]) == "2026-08-12"
    assert next_watermark("2026-08-10", ["2026-08-01"]) == "2026-08-10"
    assert next_watermark("2026-08-10", []) == "2026-08-10"
    assert next_watermark("", ["2026-08-03"]) == "2026-08-03"


def test_stale_marks_keep_the_state_bounded_by_age_status_and_watching() -> None:
    # hand-made marks ("date STATUS"), measured against the registry's watermark, not the clock
    marks = {
        "NCT00000001": "2026-08-10 RECRUITING",  # recent: kept
        "NCT00000002": "2026-01-01 COMPLETED",  # closed 230 days before: pruned
        "NCT00000003": "2026-07-01 COMPLETED",  # closed 48 days before: kept
        "NCT00000004": "2024-01-01 RECRUITING",  # quiet 2+ years, not watched: pruned
        "NCT00000005": "2024-01-01 RECRUITING",  # quiet 2+ years but watched: kept
        "NCT00000006": "2024-01-01 TERMINATED",  # watched but closed long ago: pruned
        "NCT00000007": "",  # no date: an empty mark saves nothing
        "NCT00000008": "2025-09-01",  # a mark written before statuses were kept: its date still counts
    }
    stale = stale_marks(
        marks,
        watermark="2026-08-18",
        watched=["nct00000005", "NCT00000006"],
        retention_days=365,
        closed_retention_days=90,
    )
    assert sorted(stale) == ["NCT00000002", "NCT00000004", "NCT00000006", "NCT00000007"]


def test_stale_marks_prune_nothing_before_there_is_a_watermark() -> None:
    assert stale_marks({"NCT00000007": ""}, watermark="", retention_days=1, closed_retention_days=1) == []

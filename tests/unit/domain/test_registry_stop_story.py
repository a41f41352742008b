"""A registry stop and the news of that stop are one story, whichever comes first; a registry change that
stops nothing, or the news of another trial's stop, stays apart. Updates are HAND-MADE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipewatch.domain.ingest.dedupe import StoryIndex, registry_halt, same_story
from pipewatch.domain.models import Classification, TrialChange, Update

DAY = datetime(2025, 12, 10, 9, tzinfo=UTC)


def _classification() -> Classification:
    return Classification(
        relevant=True,
        agents=("efgartigimod",),
        indications=("thyroid_eye_disease",),
        event_type="trial_status",
        severity="high",
    )


def _news(title: str) -> Update:
    return Update(
        update_id="u-news",
        title=title,
        url="https://news.example/uplighted",
        source_id="wire",
        published=DAY,
        first_seen=DAY,
        classification=_classification(),
    )


def _registry(new: str = "TERMINATED", acronym: str = "UplighTED", nct: str = "NCT05524571") -> Update:
    change = TrialChange(
        nct_id=nct,
        acronym=acronym,
        field="overall_status",
        old="RECRUITING",
        new=new,
        event_type="trial_status",
        severity="high",
        summary=f"{acronym} ({nct}): status Recruiting -> {new.title()}",
    )
    return Update(
        update_id="r-change",
        title=change.summary,
        url=f"https://clinicaltrials.gov/study/{nct}",
        source_id="ctgov",
        published=DAY + timedelta(days=1),
        first_seen=DAY + timedelta(days=1),
        change=change,
        classification=_classification(),
    )


NEWS = _news("argenx stops UplighTED phase 3 trials of efgartigimod in thyroid eye disease")


def test_given_the_stop_and_its_news_then_they_are_one_story_in_either_order() -> None:
    assert same_story(NEWS, _registry()) and same_story(_registry(), NEWS)
    assert StoryIndex([_registry()]).find(NEWS) is not None
    assert StoryIndex([NEWS]).find(_registry()) is not None


@pytest.mark.parametrize(
    "registry",
    [_registry(new="ACTIVE_NOT_RECRUITING"), _registry(acronym="ADHERE", nct="NCT04281472")],
    ids=["not-a-stop", "another-trial"],
)
def test_given_a_change_that_is_no_stop_of_that_trial_then_apart(registry: Update) -> None:
    assert not same_story(NEWS, registry) and not same_story(registry, NEWS)
    assert StoryIndex([registry]).find(NEWS) is None


def test_given_only_a_registry_stop_then_its_identity_names_the_trial_by_id_and_acronym() -> None:
    halt = registry_halt(_registry())
    assert halt is not None and halt.families == {"halt"}
    assert halt.trials == {"UPLIGHTED", "NCT05524571"}
    assert registry_halt(NEWS) is None

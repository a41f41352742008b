"""A story's page lists every outlet with its link and the day it published (issue 22). Updates are
HAND-MADE."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from pipewatch.domain.ingest.dedupe import merge_outlet
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.page import PageLinks, outlet_days, outlets, render_update_page

SEEN = datetime(2024, 4, 3, 9, 0, tzinfo=UTC)
LINKS = PageLinks(feedback="fb-token", page_for=lambda uid: f"page-{uid}")


def _outlet(uid: str, outlet: str, published: datetime | None) -> Update:
    return Update(
        update_id=uid,
        title=f"efgartigimod NEPTUNE topline ({outlet})",
        url=f"https://{outlet}.example/neptune",
        source_id=outlet,
        source_name=outlet,
        sources=(outlet,),
        published=published,
        first_seen=SEEN,
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="results", severity="high"
        ),
    )


STORY = _outlet("u-1", "wire", datetime(2024, 4, 2, 6, tzinfo=UTC))


def test_given_merged_outlets_then_each_keeps_its_day_and_the_page_lists_link_and_day() -> None:
    story = merge_outlet(STORY, _outlet("u-2", "retina", datetime(2024, 4, 2, 18, tzinfo=UTC)))
    story = merge_outlet(story, _outlet("u-3", "undated", None))

    assert story.story_dates == ("2024-04-02", "")
    assert [label for label, _ in outlets(story)] == ["wire", "retina", "undated"]
    assert outlet_days(story) == ["2024-04-02", "2024-04-02", ""]
    page = render_update_page(story, links=LINKS)
    assert 'href="https://retina.example/neptune"' in page
    assert page.count('<span class="muted">2024-04-02</span>') == 2


def test_given_a_story_stored_before_outlets_kept_their_day_then_the_days_align_from_the_end() -> None:
    older = replace(
        STORY, sources=("wire", "a", "b"), story_urls=("https://a.example/x", "https://b.example/x")
    )
    older = replace(older, story_dates=("2024-04-05",))  # only the last merge kept its day
    assert outlet_days(older) == ["2024-04-02", "", "2024-04-05"]

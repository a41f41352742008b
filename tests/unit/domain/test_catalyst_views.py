"""Where analysts see the calendar: the digest's "coming up in the next 30 days" and "overdue" sections, and
`pipewatch catalysts list` as a table, JSON lines and .ics. Entries are HAND-MADE."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import icalendar

from pipewatch.commands.catalysts_list import render
from pipewatch.domain.catalysts.calendar import CalendarEntry
from pipewatch.domain.catalysts.ics import entries_for
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.digest import build_digest
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def _entry(
    cid: str, agent: str, start: date, end: date, state: str, trial: str | None = None, alerted: bool = True
) -> CalendarEntry:
    return CalendarEntry(
        **{
            "catalyst_id": cid,
            "agent": agent,
            "kind": "readout",
            "trial": trial,
            "drug": agent,
            "window_start": start,
            "window_end": end,
            "precision": "half" if (start.month, end.month) in ((1, 6), (7, 12)) else "month",
            "phase3": trial is not None,
            "sentences": ("Results expected, as guided.",),
            "links": ("https://example.com/guidance",),
            "stated_on": date(2025, 10, 30),
            "first_seen": datetime(2025, 10, 30, tzinfo=UTC),
            "last_confirmed": datetime(2025, 10, 30, tzinfo=UTC),
            "state": state,
            "notified": (f"k-overdue-{cid}",) if state == "overdue" and alerted else (),
        }
    )


ENTRIES = [
    _entry("c-alkivia", "efgartigimod", date(2026, 7, 1), date(2026, 12, 31), "due", "ALKIVIA"),
    _entry("c-valor", "brepocitinib", date(2026, 3, 1), date(2026, 3, 31), "overdue"),
    _entry("c-later", "dazukibart", date(2027, 6, 1), date(2027, 6, 30), "upcoming"),
]
NOT_IN_DIGESTS = [
    # overdue when first heard of (never alerted), and overdue for longer than the listing keeps
    _entry("c-silent", "brepocitinib", date(2026, 5, 1), date(2026, 5, 31), "overdue", alerted=False),
    _entry("c-old", "efgartigimod", date(2024, 10, 1), date(2024, 12, 31), "overdue"),
]


def test_given_the_calendar_then_the_digest_lists_coming_up_and_overdue_for_the_subscribers_agents() -> None:
    sub = Subscription.model_validate(
        {
            "endpoint": "bd@example.com",
            "preferences": {"mode": "digest", "agents": ["efgartigimod", "brepocitinib"]},
        }
    )
    update = Update(
        update_id="u-1",
        title="Headline",
        source_id="s",
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="results", severity="high"
        ),
        first_seen=NOW,
    )
    message = build_digest(
        sub, [update], digest_date="2026-12-01", since=NOW, until=NOW, catalysts=[*ENTRIES, *NOT_IN_DIGESTS]
    )
    assert message is not None
    body = message.email
    assert "== coming up in the next 30 days (1) ==" in body
    assert "- ALKIVIA Phase 3 readout: 2H 2026 (2026-07-01..2026-12-31, due)" in body
    assert "== overdue (1) ==" in body
    assert "- brepocitinib readout guided for March 2026: window closed 2026-03-31" in body
    assert "dazukibart" not in body  # not the subscriber's agent, and not within 30 days


def test_given_the_list_formats_then_table_json_and_ics_show_every_entry() -> None:
    table = render(ENTRIES, "table", name="t", now=NOW).splitlines()
    assert table[0].split() == ["window", "precision", "state", "agent", "catalyst", "stated"]
    assert table[1].startswith("2026-03-01..2026-03-31")  # by window end
    lines = [json.loads(line) for line in render(ENTRIES, "json", name="t", now=NOW).splitlines()]
    assert [x["catalyst_id"] for x in lines] == ["c-valor", "c-alkivia", "c-later"]
    assert lines[1]["label"] == "ALKIVIA Phase 3 readout" and lines[1]["window"] == "2H 2026"
    cal = icalendar.Calendar.from_ical(render(ENTRIES, "ics", name="pipewatch catalysts", now=NOW))
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [
        "c-valor@pipewatch.catalysts",
        "c-alkivia@pipewatch.catalysts",
        "c-later@pipewatch.catalysts",
    ]


def test_given_a_subscription_filter_then_the_feed_keeps_its_agents() -> None:
    prefs = Preferences(agents=("brepocitinib",))
    assert [e.catalyst_id for e in entries_for(prefs, ENTRIES)] == ["c-valor"]
    assert len(entries_for(Preferences(), ENTRIES)) == 3

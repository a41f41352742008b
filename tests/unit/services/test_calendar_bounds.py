"""Issue 27 finding 5 with the real numbers: a flood of forward-looking statements. One item naming 12 NCT
ids made 12 entries; nothing capped entries per source or agent or pruned closed ones; at 11,000 entries
`/cal` answered 6.3 MB (over Lambda's 6 MB response limit) and the digest's "coming up" block was 1 MiB.
Items and entries are HAND-MADE (fakes.readout_entry, with five sentences and links like a much-restated
catalyst); the service runs on tests/fakes.py's in-memory catalyst store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import icalendar

from fakes import InMemoryCatalystStore, readout_entry
from pipewatch.config import load_data_file
from pipewatch.domain.catalysts import bounds
from pipewatch.domain.catalysts.calendar import CalendarEntry
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.catalysts.ics import render_ics, render_ics_within
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.digest import build_digest
from pipewatch.domain.subscribers.links import LinkKeys, SignedLinks
from pipewatch.domain.subscribers.subscriptions import Subscription
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.calendar import CalendarService

WATCHLIST = load_data_file("watchlist.yaml", Watchlist)
NOW = datetime(2026, 12, 1, 7, tzinfo=UTC)
FLOOD = 11_000
LINKS = SignedLinks(LinkKeys(1, {1: bytes(range(32))}), "https://pw.example/dev", clock=lambda: NOW)
LAMBDA_RESPONSE_MAX = 6 * 1024 * 1024


def _item(uid: str, summary: str, source: str = "Wire", agent: str = "efgartigimod") -> Update:
    return Update(
        update_id=uid,
        title=f"{agent} programme update",
        summary=summary,
        url=f"https://news.example/{uid}",
        source_id="wire",
        source_name=source,
        published=NOW,
        first_seen=NOW,
        classification=Classification(relevant=True, agents=(agent,), event_type="pipeline", severity="low"),
    )


def _service(store: InMemoryCatalystStore) -> CalendarService:
    return CalendarService(
        store=store, extractor=Extractor(WATCHLIST), watchlist=WATCHLIST, clock=lambda: NOW
    )


def _flood(count: int) -> list[CalendarEntry]:
    """`count` open entries spread over the next year, each restated five times from five pages."""
    entries = []
    for n in range(count):
        start = date(2027, 1, 1) + timedelta(days=n % 365)
        entry = readout_entry(f"c-{n:06d}", "efgartigimod", start, start + timedelta(days=30))
        entries.append(
            replace(
                entry,
                trial=f"NCT{6000000 + n:08d}",
                sentences=tuple(f"Topline results of NCT{6000000 + n:08d} expected ({k})." for k in range(5)),
                links=tuple(f"https://news.example/flood/{n}/{k}" for k in range(5)),
            )
        )
    return entries


def test_given_one_item_naming_12_trials_then_at_most_the_per_item_bound_is_calendared() -> None:
    store = InMemoryCatalystStore()
    service = _service(store)
    text = " ".join(
        f"Topline results of efgartigimod in NCT{5000000 + i:08d} are expected in 2H 2027." for i in range(12)
    )
    service.observe_update(_item("hm-12-ncts", text), NOW)
    assert len(store.list()) == bounds.MAX_CATALYSTS_PER_ITEM == 5  # was 12
    assert service.refused == 7


def test_given_an_agent_or_a_source_at_its_bound_then_new_entries_are_refused_and_held_ones_still_move() -> (
    None
):
    store = InMemoryCatalystStore()
    for entry in _flood(bounds.MAX_OPEN_PER_AGENT):
        store.entries[entry.catalyst_id] = entry
    service = _service(store)
    service.observe_update(_item("hm-one-more", "ALKIVIA Phase 3 results expected in 2H 2027."), NOW)
    assert len(store.list()) == bounds.MAX_OPEN_PER_AGENT and service.refused == 1
    # another agent still has room; one source flooding it stops at the per-source bound
    for n in range(bounds.MAX_OPEN_PER_SOURCE + 3):
        sentence = f"Topline results of dazukibart in NCT{7000000 + n:08d} are expected in 2H 2027."
        service.observe_update(_item(f"hm-src-{n}", sentence, source="Flood wire", agent="dazukibart"), NOW)
    held = [e for e in store.list() if e.agent == "dazukibart"]
    assert len(held) == bounds.MAX_OPEN_PER_SOURCE and {e.source for e in held} == {"Flood wire"}
    assert service.refused == 1 + 3


def test_given_closed_entries_past_their_window_then_the_daily_check_prunes_them_and_keeps_the_rest() -> None:
    store = InMemoryCatalystStore()
    base = readout_entry("c-x", "efgartigimod", date(2026, 1, 1), date(2026, 1, 31))
    kept_open = replace(base, catalyst_id="c-open", window_end=date(2027, 1, 31))
    resolved_old = replace(base, catalyst_id="c-res", state="resolved")
    withdrawn_recent = replace(
        base, catalyst_id="c-wd", state="withdrawn", window_end=NOW.date() - timedelta(days=3)
    )
    overdue_recent = replace(base, catalyst_id="c-od", state="overdue")
    overdue_old = replace(base, catalyst_id="c-od-old", state="overdue", window_end=date(2025, 10, 31))
    for entry in (kept_open, resolved_old, withdrawn_recent, overdue_recent, overdue_old):
        store.entries[entry.catalyst_id] = entry
    report = _service(store).check(NOW)
    assert report.pruned == 2
    assert sorted(store.entries) == ["c-od", "c-open", "c-wd"]


def test_given_11000_entries_then_cal_stays_under_its_budget_and_says_how_many_are_left_out() -> None:
    entries = _flood(FLOOD)
    unbounded = render_ics(entries, name="pipewatch catalysts: all watched agents", now=NOW)
    assert len(unbounded.encode("utf-8")) > LAMBDA_RESPONSE_MAX  # the 6.3 MB: a 502 for everyone
    body, omitted = render_ics_within(
        entries, name="all", now=NOW, budget=bounds.ICS_BUDGET_BYTES, more_link="https://pw.example/feed/t"
    )
    assert len(body.encode("utf-8")) <= bounds.ICS_BUDGET_BYTES
    calendar = icalendar.Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert omitted == FLOOD - (len(events) - 1) and omitted > 0
    assert f"{omitted} more catalysts not shown" in str(calendar["X-WR-CALDESC"])
    notice = next(e for e in events if str(e["UID"]).startswith("omitted-"))
    assert str(notice["URL"]) == "https://pw.example/feed/t"
    kept = sorted(e.decoded("DTSTART") for e in events if not str(e["UID"]).startswith("omitted-"))
    assert kept[0] == date(2027, 1, 1)  # the nearest are kept
    small, none_left = render_ics_within(entries[:3], name="all", now=NOW, budget=bounds.ICS_BUDGET_BYTES)
    assert none_left == 0 and "X-WR-CALDESC" not in small


def test_given_11000_coming_up_then_the_digest_caps_it_with_n_more_and_keeps_its_unsubscribe_footer() -> None:
    entries = [
        replace(e, window_start=NOW.date(), window_end=NOW.date() + timedelta(days=10)) for e in _flood(FLOOD)
    ]
    subscription = Subscription(endpoint="analyst@example.com")
    update = _item("hm-digest", "argenx reports results.")
    digest = build_digest(
        subscription,
        [update],
        digest_date="2026-12-01",
        since=NOW - timedelta(days=1),
        until=NOW,
        catalysts=entries,
        links=LINKS,
    )
    assert digest is not None
    unsubscribe = LINKS.unsubscribe_url(subscription.subscription_id)
    assert all(unsubscribe in part for part in digest.parts)
    text = "\n".join(digest.parts)
    assert f"== coming up in the next 30 days ({FLOOD}) ==" in text
    assert text.count("\n- NCT0") == bounds.COMING_UP_MAX
    assert f"... and {FLOOD - bounds.COMING_UP_MAX} more coming up not shown here" in text
    assert LINKS.calendar_url(subscription.subscription_id) in text
    assert len(digest.parts) == 1 and len(text.encode("utf-8")) < 64 * 1024  # was 1 MiB of "coming up"

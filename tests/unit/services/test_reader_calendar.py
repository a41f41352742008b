"""GET /cal/{token}: a subscriber's catalyst calendar as an iCalendar feed (services.reader.ReaderService
.calendar behind handlers.page), on in-memory fakes. Calendar entries are HAND-MADE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest

from fakes import altered_token, readout_entry
from pipewatch.domain.catalysts.calendar import CalendarEntry
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.subscribers.feedback import Feedback
from pipewatch.domain.subscribers.links import ANY_READER, LinkKeys, SignedLinks
from pipewatch.domain.subscribers.records import SubscriptionRecord
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription, subscription_id_for
from pipewatch.services.reader import ReaderService, WebResponse

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
KEYS = LinkKeys(1, {1: bytes(range(32))})
ANALYST = "analyst@example.com"  # brepocitinib and efgartigimod
GENERALIST = "generalist@example.com"  # every agent
SUB = subscription_id_for(ANALYST)
EVERYTHING = subscription_id_for(GENERALIST)
UPDATE = Update(
    update_id="u-" + "a" * 24,
    title="Priovant starts VALOR extension",
    url="https://news.example/valor",
    source_id="press",
    source_name="Press wire",
    first_seen=NOW - timedelta(hours=1),
    classification=Classification(relevant=True, agents=("brepocitinib",), event_type="trial_status"),
)


ENTRIES = [
    readout_entry("c-brepo", "brepocitinib", date(2027, 3, 1), date(2027, 3, 31), sequence=2),
    readout_entry("c-efgart", "efgartigimod", date(2027, 1, 1), date(2027, 1, 31)),
    readout_entry("c-dazu", "dazukibart", date(2027, 6, 1), date(2027, 6, 30)),
]


def _record(endpoint: str, agents: tuple[str, ...]) -> SubscriptionRecord:
    return SubscriptionRecord(
        subscription=Subscription(endpoint=endpoint, preferences=Preferences(agents=agents)),
        status="active",
        sns_attributes={},
        created_at=NOW,
        updated_at=NOW,
    )


class _Subscriptions:
    def __init__(self, *records: SubscriptionRecord) -> None:
        self.records = {r.subscription_id: r for r in records}

    def find(self, subscription_id: str) -> SubscriptionRecord | None:
        return self.records.get(subscription_id)

    def unsubscribe(self, key: str) -> SubscriptionRecord:
        return self.records.pop(key)


class _Keys:
    def get(self, *, create: bool = False) -> LinkKeys:
        return KEYS


class _Store:
    def get_update(self, update_id: str) -> Update | None:
        return UPDATE if update_id == UPDATE.update_id else None

    def updates_between(self, start: datetime, end: datetime) -> list[Update]:
        return [UPDATE]


class _Feedback:
    def record(self, feedback: Feedback) -> bool:
        return True

    def given(self, update_id: str, subscription_id: str) -> list[str]:
        return []


class _Calendar:
    def __init__(self) -> None:
        self.calls = 0

    def list(self, agent: str | None = None) -> list[CalendarEntry]:
        self.calls += 1
        return [e for e in ENTRIES if agent is None or e.agent == agent]


def _service(
    clock: Callable[[], datetime] = lambda: NOW, calendar: _Calendar | None = None
) -> tuple[ReaderService, _Subscriptions]:
    subscriptions = _Subscriptions(
        _record(ANALYST, ("brepocitinib", "efgartigimod")), _record(GENERALIST, ())
    )
    service = ReaderService(
        store=_Store(),
        feedback=_Feedback(),
        subscriptions=subscriptions,
        keys=_Keys(),
        calendar=calendar if calendar is not None else _Calendar(),
        clock=clock,
    )
    return service, subscriptions


def _links(now: datetime = NOW) -> SignedLinks:
    return SignedLinks(KEYS, "https://pw.example/dev", clock=lambda: now)


def _events(answer: WebResponse) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(answer.body)
    return list(calendar.walk("VEVENT"))


def test_given_a_calendar_link_then_it_answers_the_subscriptions_agents_as_icalendar() -> None:
    service, _ = _service()
    answer = service.calendar(_links().sign("calendar", SUB))

    assert answer.status == 200
    assert answer.content_type == "text/calendar; charset=utf-8"
    assert answer.headers["Cache-Control"] == "private, max-age=3600"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="pipewatch-catalysts.ics"'
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.body.startswith("BEGIN:VCALENDAR\r\n") and answer.body.endswith("END:VCALENDAR\r\n")
    calendar = icalendar.Calendar.from_ical(answer.body)
    assert str(calendar["X-WR-CALNAME"]) == "pipewatch catalysts: brepocitinib + efgartigimod"
    events = _events(answer)
    # Only the subscription's agents (no dazukibart), in window order; slips carry their SEQUENCE.
    assert [str(e["UID"]) for e in events] == ["c-efgart@pipewatch.catalysts", "c-brepo@pipewatch.catalysts"]
    assert {str(c) for e in events for c in e["CATEGORIES"].cats} >= {"brepocitinib", "efgartigimod"}
    brepo = events[1]
    assert brepo.decoded("DTSTART") == date(2027, 3, 1) and brepo.decoded("DTEND") == date(2027, 4, 1)
    assert int(brepo["SEQUENCE"]) == 2


def test_given_two_requests_then_every_uid_is_the_same_and_only_the_stamp_moves() -> None:
    now = [NOW]
    service, _ = _service(clock=lambda: now[0])
    token = _links().sign("calendar", SUB)

    first = _events(service.calendar(token))
    now[0] = NOW + timedelta(hours=2)
    second = _events(service.calendar(token))

    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in second]
    assert [e.decoded("DTSTAMP") for e in first] != [e.decoded("DTSTAMP") for e in second]


def test_given_a_subscription_naming_no_agent_then_the_calendar_has_every_agent() -> None:
    service, _ = _service()
    answer = service.calendar(_links().sign("calendar", EVERYTHING))
    assert answer.status == 200
    assert {str(e["UID"]).split("@")[0] for e in _events(answer)} == {"c-brepo", "c-efgart", "c-dazu"}
    assert "all watched agents" in answer.body


def test_given_an_altered_unsigned_or_expired_link_then_it_is_refused_and_nothing_is_read() -> None:
    calendar = _Calendar()
    service, _ = _service(calendar=calendar)
    links = _links()
    expired = links.sign("calendar", SUB, expires=NOW - timedelta(seconds=1))

    refused = service.calendar(altered_token(links.sign("calendar", SUB)))
    assert refused.status == 403 and refused.content_type.startswith("text/html")
    assert "not valid" in refused.body and "BEGIN:VCALENDAR" not in refused.body
    assert service.calendar(SUB).status == 403  # an unsigned subscription id
    assert service.calendar("not a token!").status == 403
    assert service.calendar(expired).status == 410
    assert calendar.calls == 0


@pytest.mark.parametrize(
    "sign",
    [
        lambda links: links.sign("feed", SUB, fmt="atom"),
        lambda links: links.sign("unsub", SUB),
        lambda links: links.sign("page", SUB, update_id=UPDATE.update_id),
    ],
    ids=["feed", "unsub", "page"],
)
def test_given_a_token_for_another_purpose_then_the_calendar_refuses_it(
    sign: Callable[[SignedLinks], str],
) -> None:
    service, _ = _service()
    assert service.calendar(sign(_links())).status == 403


def test_given_a_calendar_token_on_the_other_routes_then_each_refuses_it() -> None:
    service, _ = _service()
    token = _links().sign("calendar", SUB)
    assert service.feed(token, "https://pw.example/dev").status == 403
    assert service.unsubscribe(token).status == 403
    assert service.page(token).status == 403


def test_given_a_removed_subscription_then_its_calendar_link_is_gone_like_its_feed() -> None:
    service, subscriptions = _service()
    links = _links()
    calendar, feed = links.sign("calendar", SUB), links.sign("feed", SUB, fmt="atom")
    subscriptions.unsubscribe(SUB)

    gone = service.calendar(calendar)
    assert gone.status == service.feed(feed, "https://pw.example/dev").status == 410
    assert "removed" in gone.body and "BEGIN:VCALENDAR" not in gone.body


def test_given_a_subscribers_page_then_its_footer_links_the_calendar_and_a_shared_page_does_not() -> None:
    service, _ = _service()
    links = _links()
    own = service.page(links.sign("page", SUB, update_id=UPDATE.update_id)).body
    shared = service.page(links.sign("page", ANY_READER, update_id=UPDATE.update_id)).body

    token = own.split('href="../cal/', 1)[1].split('"', 1)[0]
    assert links.verify(token, "calendar").subscription_id == SUB
    assert service.calendar(token).status == 200
    assert "../cal/" not in shared


def test_given_no_calendar_configured_then_the_page_offers_no_calendar_link() -> None:
    service = ReaderService(
        store=_Store(), feedback=_Feedback(), subscriptions=_Subscriptions(_record(ANALYST, ())), keys=_Keys()
    )
    links = _links()
    assert "../cal/" not in service.page(links.sign("page", SUB, update_id=UPDATE.update_id)).body
    assert service.calendar(links.sign("calendar", SUB)).status == 404


class _FloodedCalendar(_Calendar):
    """11,000 HAND-MADE open entries (issue 27: /cal answered 6.3 MB, over Lambda's 6 MB response limit)."""

    def list(self, agent: str | None = None) -> list[CalendarEntry]:
        self.calls += 1
        start = date(2027, 1, 1)
        return [
            readout_entry(f"c-{n:06d}", "efgartigimod", start + timedelta(days=n % 365), date(2028, 3, 1))
            for n in range(11_000)
        ]


def test_given_11000_entries_then_the_route_answers_under_its_budget_and_names_what_it_left_out() -> None:
    service, _ = _service(calendar=_FloodedCalendar())
    answer = service.calendar(_links().sign("calendar", SUB), "https://pw.example/dev")
    assert answer.status == 200
    assert len(answer.body.encode("utf-8")) <= 1024 * 1024
    calendar = icalendar.Calendar.from_ical(answer.body)
    kept = len(list(calendar.walk("VEVENT"))) - 1  # less the notice
    assert f"{11_000 - kept} more catalysts not shown" in str(calendar["X-WR-CALDESC"])
    assert "https://pw.example/dev/feed/" in str(calendar["X-WR-CALDESC"])

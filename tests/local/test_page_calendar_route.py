"""GET /cal/{token} through the page handler with the harness's API Gateway events (pipewatch_local): the
route reaches ReaderService.calendar (on in-memory fakes; the service's own rules are
tests/unit/services/test_reader_calendar.py). Calendar entries are HAND-MADE."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest

from pipewatch.adapters.subscriptions import SubscriptionRecord
from pipewatch.domain.catalysts.calendar import CalendarEntry
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.subscribers.feedback import Feedback
from pipewatch.domain.subscribers.links import LinkKeys, SignedLinks
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription, subscription_id_for
from pipewatch.handlers import page
from pipewatch.services.reader import ReaderService, WebResponse
from pipewatch_local.local_stack import LambdaContext, api_gateway_event

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


def _entry(cid: str, agent: str, start: date, end: date, sequence: int = 0) -> CalendarEntry:
    return CalendarEntry.model_validate(
        {
            "catalyst_id": cid,
            "agent": agent,
            "kind": "readout",
            "drug": agent,
            "window_start": start,
            "window_end": end,
            "precision": "month",
            "sentences": ("Topline results are expected in the month.",),
            "links": (f"https://news.example/{cid}",),
            "stated_on": date(2026, 10, 30),
            "first_seen": datetime(2026, 10, 30, tzinfo=UTC),
            "last_confirmed": datetime(2026, 10, 30, tzinfo=UTC),
            "sequence": sequence,
        }
    )


ENTRIES = [
    _entry("c-brepo", "brepocitinib", date(2027, 3, 1), date(2027, 3, 31), sequence=2),
    _entry("c-efgart", "efgartigimod", date(2027, 1, 1), date(2027, 1, 31)),
    _entry("c-dazu", "dazukibart", date(2027, 6, 1), date(2027, 6, 30)),
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


def _altered(token: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[7] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def test_given_the_page_handler_then_get_cal_is_routed_to_the_calendar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service, _ = _service(clock=lambda: datetime.now(UTC))
    monkeypatch.setattr(page, "_service", lambda: service)
    token = SignedLinks(KEYS, "", clock=lambda: datetime.now(UTC)).sign("calendar", SUB)

    def get(route: str, token: str) -> dict[str, Any]:
        event = api_gateway_event("GET", f"/{route}/{{token}}", path_parameters={"token": token})
        answer = page.handler(event, LambdaContext("page"))
        answer["headers"] = {k: v[-1] for k, v in (answer.get("multiValueHeaders") or {}).items()}
        return answer

    answer = get("cal", token)
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer["headers"]["Content-Disposition"] == 'attachment; filename="pipewatch-catalysts.ics"'
    assert len(_events(WebResponse(200, "", answer["body"]))) == 2
    assert get("cal", _altered(token))["statusCode"] == 403
    assert get("feed", token)["statusCode"] == 403

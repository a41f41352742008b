"""GET /cal/{token} through the page handler with the harness's API Gateway events (pipewatch_local): the
route reaches ReaderService.calendar, here on in-memory fakes (the service's own rules are
tests/unit/services/test_reader_calendar.py). Calendar entries are HAND-MADE."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import icalendar

from fakes import (
    FixedLinkKeys,
    InMemoryFeedback,
    InMemorySubscriptionTable,
    ListedCatalysts,
    StoredUpdates,
    altered_token,
    readout_entry,
    subscription_record,
)
from pipewatch.domain.subscribers.links import SignedLinks
from pipewatch.domain.subscribers.subscriptions import subscription_id_for
from pipewatch.handlers import page
from pipewatch.services.reader import ReaderService
from pipewatch_local.local_stack import LambdaContext, api_gateway_event

ANALYST = "analyst@example.com"  # brepocitinib and efgartigimod
SUB = subscription_id_for(ANALYST)


ENTRIES = [
    readout_entry("c-brepo", "brepocitinib", date(2027, 3, 1), date(2027, 3, 31)),
    readout_entry("c-efgart", "efgartigimod", date(2027, 1, 1), date(2027, 1, 31)),
    readout_entry("c-dazu", "dazukibart", date(2027, 6, 1), date(2027, 6, 30)),
]


def test_given_the_page_handler_then_get_cal_is_routed_to_the_calendar() -> None:
    keys = FixedLinkKeys()
    subscriber = subscription_record(ANALYST, now=datetime.now(UTC), agents=["brepocitinib", "efgartigimod"])
    service = ReaderService(
        store=StoredUpdates(),
        feedback=InMemoryFeedback(),
        subscriptions=InMemorySubscriptionTable.of(subscriber),
        keys=keys,
        calendar=ListedCatalysts(ENTRIES),
    )
    token = SignedLinks(keys.keys, "", clock=lambda: datetime.now(UTC)).sign("calendar", SUB)

    def get(route: str, token: str) -> dict[str, Any]:
        event = api_gateway_event("GET", f"/{route}/{{token}}", path_parameters={"token": token})
        answer = page.handler(event, LambdaContext("page"), service=service)
        answer["headers"] = {k: v[-1] for k, v in (answer.get("multiValueHeaders") or {}).items()}
        return answer

    answer = get("cal", token)
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer["headers"]["Content-Disposition"] == 'attachment; filename="pipewatch-catalysts.ics"'
    assert len(list(icalendar.Calendar.from_ical(answer["body"]).walk("VEVENT"))) == 2
    assert get("cal", altered_token(token))["statusCode"] == 403
    assert get("feed", token)["statusCode"] == 403

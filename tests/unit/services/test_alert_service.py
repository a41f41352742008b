"""AlertService on in-memory fakes: a stream INSERT of a relevant update becomes one publish, exactly once;
everything else (other records, irrelevant or unclassified updates) publishes nothing; a failed publish
raises and the retry publishes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer

from fakes import InMemoryShortLinks, OncePublisher, RecordingNotifier
from pipewatch.adapters.store import update_to_item
from pipewatch.adapters.stream import update_from_stream_record
from pipewatch.domain.models import Classification, Update
from pipewatch.domain.subscribers.links import ANY_READER, LinkKeys, SignedLinks
from pipewatch.domain.subscribers.short_links import ShortLink
from pipewatch.errors import PublishError
from pipewatch.services.alert import AlertService

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
APPROVAL = Update(
    update_id="u-approval",
    title="Argenx wins approval for Vyvgart in myositis",
    url="https://news.example/vyvgart",
    source_id="press",
    source_name="Press Wire",
    first_seen=NOW,
    classification=Classification(
        relevant=True, agents=("efgartigimod",), event_type="regulatory", severity="high"
    ),
)


def _record(update: Update, event: str = "INSERT") -> dict[str, Any]:
    """The DynamoDB stream record the table emits when the poll stores UPDATE."""
    image = {k: TypeSerializer().serialize(v) for k, v in update_to_item(update).items() if v is not None}
    return {"eventName": event, "dynamodb": {"NewImage": image}}


def _service(notifier: RecordingNotifier, **kwargs: Any) -> tuple[AlertService, OncePublisher]:
    publisher = OncePublisher(notifier)
    return AlertService(publisher, stream_updates=update_from_stream_record, **kwargs), publisher


def test_given_a_new_relevant_update_then_one_alert_is_published_with_its_routing_attributes() -> None:
    notifier = RecordingNotifier()
    service, _ = _service(notifier, link_base="https://l.example/u")

    assert service.handle_record(_record(APPROVAL)) == "msg-1"

    (alert,) = notifier.sent
    assert (alert.update_id, alert.agents, alert.event_type, alert.severity) == (
        "u-approval", ("efgartigimod",), "regulatory", "high",
    )  # fmt: skip
    assert "Argenx wins approval for Vyvgart" in alert.subject


def test_given_the_same_record_replayed_then_the_first_message_id_is_returned_and_nothing_is_resent() -> None:
    notifier = RecordingNotifier()
    service, _ = _service(notifier)
    first = service.handle_record(_record(APPROVAL))
    again = service.handle_record(_record(APPROVAL))
    assert first == again == "msg-1"
    assert len(notifier.sent) == 1


@pytest.mark.parametrize(
    "record",
    [
        _record(APPROVAL, event="MODIFY"),
        _record(APPROVAL, event="REMOVE"),
        {"eventName": "INSERT", "dynamodb": {"NewImage": {"kind": {"S": "state"}}}},
        {"eventName": "INSERT", "dynamodb": {}},
        _record(replace(APPROVAL, classification=Classification(relevant=False))),
        _record(replace(APPROVAL, classification=Classification(relevant=True))),
    ],
    ids=["modify", "remove", "state-item", "no-image", "irrelevant", "no-event-type"],
)
def test_given_a_record_that_is_no_alertable_update_then_nothing_is_published(record: dict[str, Any]) -> None:
    notifier = RecordingNotifier()
    service, publisher = _service(notifier)
    assert service.handle_record(record) is None
    assert notifier.sent == [] and publisher.results == {}


def test_given_a_failed_publish_then_it_raises_and_the_retry_publishes_once() -> None:
    notifier = RecordingNotifier(fail=1)
    service, _ = _service(notifier)
    with pytest.raises(PublishError, match="u-approval"):
        service.handle_record(_record(APPROVAL))
    assert notifier.sent == []
    assert service.handle_record(_record(APPROVAL)) == "msg-1"
    assert len(notifier.sent) == 1


def test_given_signed_links_then_the_alert_links_the_topic_wide_reader_page() -> None:
    notifier = RecordingNotifier()
    links = SignedLinks(LinkKeys(1, {1: bytes(range(32))}), "https://pw.example/dev", clock=lambda: NOW)
    service, _ = _service(notifier, links=lambda: links)
    service.handle_record(_record(APPROVAL))
    (alert,) = notifier.sent
    page = links.update_url(ANY_READER, "u-approval")
    assert page.startswith("https://pw.example/dev/u/") and page in alert.message
    assert links.verify(page.rsplit("/", 1)[1], "page").subscription_id == ANY_READER


def test_given_an_invocation_then_its_context_reaches_the_publisher() -> None:
    service, publisher = _service(RecordingNotifier())
    context = object()
    service.start_invocation(context)
    assert publisher.contexts == [context]


def _signed() -> SignedLinks:
    return SignedLinks(LinkKeys(1, {1: bytes(range(32))}), "https://pw.example/dev", clock=lambda: NOW)


def test_given_short_links_then_the_code_is_stored_before_the_publish_and_the_sms_carries_it() -> None:
    short_links = InMemoryShortLinks()
    links = _signed()

    class StoredFirst(RecordingNotifier):
        def publish(self, alert: Any) -> str:  # the code must resolve by the time an SMS can be opened
            assert list(short_links.stored) == [links.short_link("u-approval").code]
            return super().publish(alert)

    notifier = StoredFirst()
    service, _ = _service(notifier, links=lambda: links, short_links=short_links)
    service.handle_record(_record(APPROVAL))

    (alert,) = notifier.sent
    (stored,) = short_links.stored.values()
    assert stored.update_id == "u-approval" and stored.expires == NOW + timedelta(days=90)
    assert alert.sms.endswith(f" https://pw.example/dev/s/{stored.code}")
    assert "Argenx wins approval for Vyvgart in myositis" in alert.sms
    assert links.update_url(ANY_READER, "u-approval") in alert.message  # the e-mail keeps the page link


def test_given_a_failed_publish_then_the_retry_writes_and_sends_the_same_code() -> None:
    short_links = InMemoryShortLinks()
    notifier = RecordingNotifier(fail=1)
    service, _ = _service(notifier, links=_signed, short_links=short_links)
    with pytest.raises(PublishError):
        service.handle_record(_record(APPROVAL))
    service.handle_record(_record(APPROVAL))

    assert short_links.puts == 2 and len(short_links.stored) == 1
    (code,) = short_links.stored
    assert notifier.sent[0].sms.endswith(f"/s/{code}")


def test_given_the_code_held_by_another_update_then_the_sms_carries_the_signed_page_link() -> None:
    links = _signed()
    taken = links.short_link("u-approval")
    short_links = InMemoryShortLinks({taken.code: ShortLink(taken.code, "u-other", taken.expires)})
    notifier = RecordingNotifier()
    service, _ = _service(notifier, links=lambda: links, short_links=short_links)
    service.handle_record(_record(APPROVAL))

    (alert,) = notifier.sent
    assert "/s/" not in alert.sms and alert.sms.endswith(links.update_url(ANY_READER, "u-approval"))
    assert short_links.stored[taken.code].update_id == "u-other"  # never overwritten


def test_given_a_calendar_slip_its_story_reported_then_nothing_is_published_again() -> None:
    """Hand-made: the calendar's slip made from an outlet that wrote "the FDA extended the review" joins
    that outlet's story (part_of), whose alert already said it."""
    notifier = RecordingNotifier()
    service, _ = _service(notifier)
    slip = replace(
        APPROVAL,
        update_id="c-slip",
        part_of="u-approval",
        classification=replace(APPROVAL.classification, event_type="catalyst_slip"),
    )
    assert service.handle_record(_record(slip)) is None
    assert service.handle_record(_record(replace(slip, part_of=""))) == "msg-1"
    assert len(notifier.sent) == 1


def test_given_an_escalation_then_it_says_update_and_links_the_story_it_raises() -> None:
    notifier = RecordingNotifier()
    links = _signed()
    service, _ = _service(notifier, links=lambda: links)
    raised = replace(APPROVAL, update_id="u-approval~high", escalates="u-approval")
    service.handle_record(_record(raised))
    (alert,) = notifier.sent
    assert alert.subject.startswith("update: ") and "update: Argenx wins approval" in alert.sms
    assert links.update_url(ANY_READER, "u-approval") in alert.message

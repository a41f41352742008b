"""DigestService on in-memory fakes: due digest subscribers get one digest of what they selected since the
last one; not-due, empty, pending and instant subscribers get none; a replayed run sends nothing twice; a
failed or overlapping publish is reported (and raised, unless told not to) without moving the state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes import (
    DigestState,
    InMemorySubscriptionTable,
    OnceDigestPublisher,
    StoredUpdates,
    subscription_record,
)
from pipewatch.domain.models import Classification, SourceState, Update
from pipewatch.services.digest import DigestRunError, DigestService

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # after the 08:00 UTC digest hour
CREATED = NOW - timedelta(days=10)


def _update(uid: str, agent: str, hours_ago: float) -> Update:
    return Update(
        update_id=uid,
        title=f"{agent} news {uid}",
        url=f"https://news.example/{uid}",
        source_id="press",
        source_name="Press Wire",
        first_seen=NOW - timedelta(hours=hours_ago),
        classification=Classification(relevant=True, agents=(agent,), event_type="results", severity="high"),
    )


UPDATES = [_update("u-efg", "efgartigimod", 3), _update("u-brepo", "brepocitinib", 5)]
ANALYST = subscription_record(
    "analyst@example.com", now=CREATED, mode="digest", digest_hour=8, agents=["efgartigimod"]
)


def _service(
    table: InMemorySubscriptionTable, publisher: OnceDigestPublisher, states: list[SourceState] | None = None
) -> DigestService:
    return DigestService(
        table=table,  # type: ignore[arg-type]
        store=StoredUpdates(UPDATES, states or []),  # type: ignore[arg-type]
        publisher=publisher,
    )


def test_given_a_due_digest_subscriber_then_one_digest_of_its_selection_is_sent_and_the_state_moves() -> None:
    table, publisher = InMemorySubscriptionTable.of(ANALYST), OnceDigestPublisher()

    report = _service(table, publisher).run(NOW)

    assert (report.subscribers, report.due, report.failed) == (1, 1, [])
    (sent,) = report.sent
    assert (sent["subscription_id"], sent["digest_date"], sent["updates"]) == (
        ANALYST.subscription_id, "2026-11-25", 1,
    )  # fmt: skip
    ((message, part),) = publisher.sent
    assert message.update_ids == ("u-efg",) and part == 0
    assert table.digest_states[ANALYST.subscription_id] == DigestState(
        last_digest_at=NOW, last_digest_date="2026-11-25", tracks_sent=True
    )  # u-efg, first seen 3 hours before, lies outside the overlap the next digest re-reads


def test_given_the_run_repeated_then_nothing_more_is_due_and_nothing_is_sent_again() -> None:
    table, publisher = InMemorySubscriptionTable.of(ANALYST), OnceDigestPublisher()
    service = _service(table, publisher)
    service.run(NOW)
    again = service.run(NOW + timedelta(minutes=5))
    assert (again.due, again.sent) == (0, [])
    assert len(publisher.sent) == 1


def test_given_a_lost_state_write_then_the_retried_run_gets_the_first_publish_and_sends_nothing_new() -> None:
    table, publisher = InMemorySubscriptionTable.of(ANALYST), OnceDigestPublisher()
    service = _service(table, publisher)
    first = service.run(NOW)
    table.digest_states.clear()  # the run stopped after the publish, before its state write
    retried = service.run(NOW)
    assert retried.sent[0]["message_id"] == first.sent[0]["message_id"]
    assert len(publisher.sent) == 1


def test_given_subscribers_not_due_pending_or_instant_then_no_digest_is_sent() -> None:
    later = subscription_record("late@example.com", now=CREATED, mode="digest", digest_hour=20)
    pending = subscription_record("pending@example.com", now=CREATED, status="pending", mode="digest")
    instant = subscription_record("instant@example.com", now=CREATED)
    table, publisher = InMemorySubscriptionTable.of(later, pending, instant), OnceDigestPublisher()

    report = _service(table, publisher).run(NOW)

    assert (report.subscribers, report.due, report.sent) == (1, 0, [])
    assert publisher.sent == [] and table.digest_states == {}


def test_given_nothing_selected_then_the_digest_is_empty_and_not_sent() -> None:
    dazu = subscription_record("dazu@example.com", now=CREATED, mode="digest", agents=["dazukibart"])
    table, publisher = InMemorySubscriptionTable.of(dazu), OnceDigestPublisher()
    report = _service(table, publisher).run(NOW)
    assert report.empty == [dazu.subscription_id] and report.sent == []
    assert publisher.sent == [] and table.digest_states == {}


def test_given_a_subscription_that_became_a_digest_one_then_what_it_was_alerted_as_instant_is_left_out() -> (
    None
):
    switched = subscription_record(
        "switched@example.com", now=CREATED, mode="digest", mode_since=NOW - timedelta(hours=4)
    )
    table, publisher = InMemorySubscriptionTable.of(switched), OnceDigestPublisher()
    _service(table, publisher).run(NOW)
    ((message, _),) = publisher.sent
    assert message.update_ids == ("u-efg",)  # u-brepo (5 h ago) was sent to it as an instant alert


def test_given_a_failed_publish_then_the_run_raises_and_the_state_stays() -> None:
    probe = OnceDigestPublisher()
    _service(InMemorySubscriptionTable.of(ANALYST), probe).run(NOW)
    table, publisher = InMemorySubscriptionTable.of(ANALYST), OnceDigestPublisher(fail={probe.sent[0][0].key})

    with pytest.raises(DigestRunError, match="1 digests not sent"):
        _service(table, publisher).run(NOW)
    report = _service(table, publisher).run(NOW, raise_on_failure=False)
    assert [f["subscription_id"] for f in report.failed] == [ANALYST.subscription_id]
    assert table.digest_states == {} and publisher.sent == []


def test_given_an_overlapping_run_publishing_then_the_subscriber_is_skipped_not_failed() -> None:
    probe = OnceDigestPublisher()
    _service(InMemorySubscriptionTable.of(ANALYST), probe).run(NOW)
    table, publisher = InMemorySubscriptionTable.of(ANALYST), OnceDigestPublisher(busy={probe.sent[0][0].key})

    report = _service(table, publisher).run(NOW)

    assert report.in_progress == [ANALYST.subscription_id] and report.failed == [] and report.sent == []
    assert table.digest_states == {}


def test_given_a_failing_source_then_the_digest_says_so() -> None:
    failing = SourceState(
        source_id="argenx-press",
        consecutive_failures=5,
        failing_since=NOW - timedelta(days=1),
        last_error="HTTP 503",
    )
    table, publisher = InMemorySubscriptionTable.of(ANALYST), OnceDigestPublisher()
    _service(table, publisher, [failing]).run(NOW)
    ((message, _),) = publisher.sent
    assert "Source argenx-press failing since" in message.email and "HTTP 503" in message.email

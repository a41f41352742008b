"""Issue 27 finding 1 on in-memory fakes: an update stamped before a digest's clock (its poll started
earlier) but written after the digest's query reaches the next digest, exactly once; what a digest sent is
not sent again by the next one's overlap re-read, and a retried run records what was sent, not what it
would send now. The interleaving is forced with threading.Barrier. Updates are hand-made."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from fakes import (
    DigestState,
    InMemorySubscriptionTable,
    OnceDigestPublisher,
    StoredUpdates,
    subscription_record,
)
from pipewatch.domain.models import Classification, Update
from pipewatch.services.digest import DigestService

DAY1 = datetime(2026, 11, 25, 8, 0, 30, tzinfo=UTC)  # the 08:00 UTC digest run, 30 s after the hour
DAY2 = DAY1 + timedelta(days=1)
READER = subscription_record(
    "reader@example.com", now=DAY1 - timedelta(days=5), mode="digest", digest_hour=8, agents=["efgartigimod"]
)


def _update(uid: str, first_seen: datetime) -> Update:
    return Update(
        update_id=uid,
        title=f"Hand-made efgartigimod update {uid}",
        url=f"https://news.example/{uid}",
        source_id="press",
        first_seen=first_seen,
        classification=Classification(
            relevant=True, agents=("efgartigimod",), event_type="results", severity="high"
        ),
    )


class RacingStore(StoredUpdates):
    """The digest's query answers from what is stored when it reads; then (barrier) a poll writes."""

    def __init__(self, updates: list[Update]) -> None:
        super().__init__(list(updates), [])
        self.read_done = threading.Barrier(2)
        self.write_done = threading.Barrier(2)
        self.racing = True

    def updates_between(self, start: datetime, end: datetime) -> list[Update]:
        found = super().updates_between(start, end)
        if self.racing:
            self.racing = False
            self.read_done.wait(timeout=10)  # the poll may write now
            self.write_done.wait(timeout=10)  # and has written
        return found


def _service(
    table: InMemorySubscriptionTable, store: StoredUpdates, publisher: OnceDigestPublisher
) -> DigestService:
    return DigestService(table=table, store=store, publisher=publisher)  # type: ignore[arg-type]


def test_given_an_update_written_while_the_digest_runs_then_the_next_digest_sends_it_once() -> None:
    early = _update("u-early", DAY1 - timedelta(minutes=10))  # inside the overlap the next run re-reads
    late = _update("u-late", DAY1 - timedelta(minutes=2))  # its poll started at 07:58, wrote at 08:00:31
    store = RacingStore([early])
    table = InMemorySubscriptionTable.of(READER)
    table.digest_states[READER.subscription_id] = DigestState(
        last_digest_at=DAY1 - timedelta(days=1), last_digest_date="2026-11-24", tracks_sent=True
    )
    publisher = OnceDigestPublisher()

    def poll() -> None:
        store.read_done.wait(timeout=10)
        store.updates.append(late)
        store.write_done.wait(timeout=10)

    poller = threading.Thread(target=poll)
    poller.start()
    first = _service(table, store, publisher).run(DAY1)
    poller.join(timeout=10)
    after_first = table.digest_states[READER.subscription_id]
    second = _service(table, store, publisher).run(DAY2)

    assert [m.update_ids for m, _ in publisher.sent] == [("u-early",), ("u-late",)]
    assert [s["updates"] for s in (*first.sent, *second.sent)] == [1, 1]
    # u-early lay in the overlap the second run re-read: remembered, so skipped; then past it, forgotten
    assert after_first.sent == {"u-early": early.first_seen}
    assert table.digest_states[READER.subscription_id].sent == {}


def test_given_a_retried_run_then_the_state_records_the_ids_of_the_publish_that_went_out() -> None:
    early = _update("u-early", DAY1 - timedelta(minutes=10))
    late = _update("u-late", DAY1 - timedelta(minutes=5))
    store = StoredUpdates([early], [])
    table = InMemorySubscriptionTable.of(READER)
    publisher = OnceDigestPublisher()
    message_key = f"{READER.subscription_id}#2026-11-25"
    # The first run published [u-early] and stopped before recording its state; u-late lands meanwhile.
    _service(table, store, publisher).run(DAY1)
    publisher.results[message_key]["update_ids"] = "u-early"
    del table.digest_states[READER.subscription_id]
    store.updates.append(late)

    _service(table, store, publisher).run(DAY1 + timedelta(minutes=5))  # the scheduler's retry
    _service(table, store, publisher).run(DAY2)

    assert [m.update_ids for m, _ in publisher.sent] == [("u-early",), ("u-late",)]

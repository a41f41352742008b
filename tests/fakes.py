"""In-memory fakes of the service ports (pipewatch.services.ports): services tested without moto."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from pipewatch.domain.catalysts.calendar import CalendarEntry
from pipewatch.domain.ingest.dedupe import Claim, merge_outlet
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourceConfig
from pipewatch.domain.models import Alert, SourceState, Update
from pipewatch.domain.render.digest import DigestMessage
from pipewatch.domain.subscribers.delivery import Claim as DeliveryClaim
from pipewatch.domain.subscribers.delivery import FailureCount, PostResult
from pipewatch.domain.subscribers.feedback import Feedback
from pipewatch.domain.subscribers.links import LinkKeys
from pipewatch.domain.subscribers.records import DigestState, SubscriptionRecord
from pipewatch.domain.subscribers.short_links import ShortLink
from pipewatch.domain.subscribers.subscriptions import Preferences, Subscription
from pipewatch.errors import (
    ConcurrentChange,
    PublishError,
    PublishInProgress,
    SnsSubscriptionError,
    SourceError,
)
from pipewatch.services.ports import Fetcher, IndexedUpdate, WatchlistLike


@dataclass
class InMemoryStore:
    """The UpdateStore port over dicts, with the same conditional semantics as the DynamoDB adapter."""

    updates: dict[str, Update] = field(default_factory=dict)
    states: dict[str, SourceState] = field(default_factory=dict)
    snapshots: dict[str, tuple[str, int]] = field(default_factory=dict)
    merged: list[tuple[str, str]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # merged outlet's id -> its story's id
    seen: set[str] = field(default_factory=set)
    claims: dict[str, Claim] = field(default_factory=dict)
    state_writes: int = 0
    trimmed: int = 0

    def get_source_state(self, source_id: str) -> SourceState:
        return self.states.get(source_id, SourceState(source_id=source_id))

    def put_source_state(self, state: SourceState) -> None:
        self.state_writes += 1
        self.states[state.source_id] = state

    def existing_update_ids(self, update_ids: Sequence[str]) -> set[str]:
        return {uid for uid in update_ids if uid in self.updates or uid in self.aliases}

    def updates_between(self, start: datetime, end: datetime) -> list[Update]:
        return [u for u in self.updates.values() if u.first_seen and start <= u.first_seen < end]

    def put_update(self, update: Update) -> bool:
        if update.update_id in self.updates:
            return False
        self.updates[update.update_id] = update
        return True

    def put_seen(self, update: Update) -> bool:
        if update.update_id in self.updates or update.update_id in self.seen:
            return False
        self.seen.add(update.update_id)
        return True

    def get_claims(self, keys: Iterable[str]) -> dict[str, Claim]:
        return {key: self.claims.get(key, Claim(key)) for key in dict.fromkeys(keys)}

    def read_intake(
        self, update_ids: Sequence[str], claim_keys: Iterable[str]
    ) -> tuple[set[str], dict[str, Claim]]:
        """The two reads as the DynamoDB store answers them (a subclass overriding either is followed)."""
        return self.existing_update_ids(update_ids), self.get_claims(claim_keys)

    def get_updates(self, update_ids: Iterable[str]) -> list[Update]:
        return [self.updates[uid] for uid in update_ids if uid in self.updates]

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str:
        """Same contract as the DynamoDB store: "stored", "exists", or "conflict" when a claim moved on."""
        if update.update_id in self.updates:
            return "exists"
        if any(self.claims.get(key, Claim(key)).version != claim.version for key, claim in claims.items()):
            return "conflict"
        self.updates[update.update_id] = update
        for key, claim in claims.items():
            self.claims[key] = Claim(key, claim.version + 1, (*claim.ids, update.update_id))
        return "stored"

    def merge_source(self, story_id: str, duplicate: Update) -> bool:
        """Appends the outlet to the stored story as the DynamoDB store does (merge_outlet): not when its
        URL is the story's or is listed already; an alias under the outlet's id makes the next poll skip
        it."""
        self.merged.append((story_id, duplicate.update_id))
        self.aliases.setdefault(duplicate.update_id, story_id)
        story = self.updates.get(story_id)
        if story is None:
            return True
        url = duplicate.url or f"id:{duplicate.update_id}"
        if url == story.url or url in story.story_urls:
            return False
        self.updates[story_id] = merge_outlet(story, duplicate)
        return True

    def get_snapshot(self, nct_id: str) -> tuple[str, int] | None:
        return self.snapshots.get(nct_id)

    def save_snapshot_with_updates(
        self, nct_id: str, snapshot_json: str, previous_version: int | None, updates: Iterable[Update]
    ) -> bool:
        current = self.snapshots.get(nct_id)
        if (current[1] if current else None) != previous_version:
            return False
        self.snapshots[nct_id] = (snapshot_json, (previous_version or 0) + 1)
        for update in updates:
            self.updates.setdefault(update.update_id, update)
        return True


@dataclass
class ScriptedPoller:
    """The SourcePoller port: answers each source id from a script (a result, or an error to raise)."""

    script: Mapping[str, Callable[[SourceState], SourceResult]]
    calls: list[str] = field(default_factory=list)
    environments: list[Mapping[str, str]] = field(default_factory=list)

    def __call__(
        self,
        config: SourceConfig,
        state: SourceState,
        fetcher: Fetcher,
        watchlist: WatchlistLike | None,
        *,
        now: datetime,
        deadline: float,
        environ: Mapping[str, str] | None = None,
    ) -> SourceResult:
        self.calls.append(config.id)
        self.environments.append(dict(environ or {}))
        answer = self.script.get(config.id)
        if answer is None:
            raise SourceError(config.id, "scripted: no answer", retryable=True)
        return answer(state)


@dataclass
class CountingMetrics:
    counts: dict[tuple[str, tuple[tuple[str, str], ...]], float] = field(default_factory=dict)

    def count(self, name: str, value: float = 1, **dimensions: str) -> None:
        key = (name, tuple(sorted(dimensions.items())))
        self.counts[key] = self.counts.get(key, 0) + value


# -- alerts and digests: the idempotent publishers -----------------------------------------------------------


@dataclass
class RecordingNotifier:
    """The SNS topic: every alert it was asked to publish; `fail` makes the next publishes raise."""

    sent: list[Alert] = field(default_factory=list)
    fail: int = 0

    def publish(self, alert: Alert) -> str:
        if self.fail:
            self.fail -= 1
            raise PublishError(alert.update_id, "scripted outage")
        self.sent.append(alert)
        return f"msg-{len(self.sent)}"


@dataclass
class OncePublisher:
    """The idempotent alert publish over a notifier: the first successful result per update id is kept and
    returned again; a failed publish keeps nothing, so a retry publishes."""

    notifier: RecordingNotifier
    results: dict[str, str] = field(default_factory=dict)
    contexts: list[Any] = field(default_factory=list)

    def publish_once(self, *, update_id: str, alert: Alert) -> str:
        if update_id not in self.results:
            self.results[update_id] = self.notifier.publish(alert)
        return self.results[update_id]

    def register_lambda_context(self, context: Any) -> None:
        self.contexts.append(context)


@dataclass
class OnceDigestPublisher:
    """The idempotent digest publish: one result per part key; `fail`/`busy` hold keys that raise
    PublishError / PublishInProgress."""

    sent: list[tuple[DigestMessage, int]] = field(default_factory=list)
    results: dict[str, dict[str, str]] = field(default_factory=dict)
    fail: set[str] = field(default_factory=set)
    busy: set[str] = field(default_factory=set)
    contexts: list[Any] = field(default_factory=list)

    def publish_once(self, message: DigestMessage, part: int = 0) -> dict[str, str]:
        key = message.part_key(part)
        if key in self.busy:
            raise PublishInProgress(key)
        if key in self.fail:
            raise PublishError(key, "scripted outage")
        if key not in self.results:
            self.sent.append((message, part))
            self.results[key] = {"message_id": f"digest-{len(self.sent)}", "until": message.until}
        return self.results[key]

    def register_lambda_context(self, context: Any) -> None:
        self.contexts.append(context)


# -- signed links and calendar entries -------------------------------------------------------------------


def altered_token(token: str, index: int = 7) -> str:
    """A signed link token with one bit of byte `index` flipped (byte 7 falls in the subscription id)."""
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def readout_entry(cid: str, agent: str, start: date, end: date, sequence: int = 0) -> CalendarEntry:
    """A HAND-MADE entry: AGENT's readout guided for START..END (month precision), stated 2026-10-30."""
    return CalendarEntry(
        **{
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


# -- subscriptions -------------------------------------------------------------------------------------------


def subscription_record(
    endpoint: str,
    *,
    now: datetime,
    status: str = "active",
    mode_since: datetime | None = None,
    owner: str = "",
    **preferences: Any,
) -> SubscriptionRecord:
    """A stored subscription record for ENDPOINT with PREFERENCES (created at NOW)."""
    return SubscriptionRecord(
        subscription=Subscription(endpoint=endpoint, preferences=Preferences.model_validate(preferences)),
        status=status,  # type: ignore[arg-type]
        sns_attributes={},
        created_at=now,
        updated_at=now,
        mode_since=mode_since,
        owner=owner,
    )


@dataclass
class InMemorySubscriptionTable:
    """The subscription records and digest states (adapters.subscriptions.SubscriptionTable), in dicts."""

    records: dict[str, SubscriptionRecord] = field(default_factory=dict)
    digest_states: dict[str, DigestState] = field(default_factory=dict)

    @classmethod
    def of(cls, *records: SubscriptionRecord) -> InMemorySubscriptionTable:
        return cls(records={r.subscription_id: r for r in records})

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        return self.records.get(subscription_id)

    def find(self, subscription_id: str) -> SubscriptionRecord | None:
        return self.records.get(subscription_id)

    def list(self, mode: str | None = None) -> list[SubscriptionRecord]:
        return [r for r in self.records.values() if mode is None or r.subscription.preferences.mode == mode]

    def unsubscribe(self, key: str) -> SubscriptionRecord:
        return self.records.pop(key)

    def put(self, record: SubscriptionRecord, *, expect: int | None = None) -> SubscriptionRecord:
        """The conditional write: ConcurrentChange unless the stored record is at `expect` (0: absent)."""
        current = self.records.get(record.subscription_id)
        if expect is not None and (current.version if current else 0) != expect:
            raise ConcurrentChange(record.subscription_id)
        written = record.model_copy(
            update={"version": (expect if expect is not None else record.version) + 1}
        )
        self.records[record.subscription_id] = written
        return written

    def delete(self, subscription_id: str, *, expect: int | None = None) -> None:
        current = self.records.get(subscription_id)
        if expect is not None and (current.version if current else 0) != expect:
            raise ConcurrentChange(subscription_id)
        self.records.pop(subscription_id, None)

    def get_digest_state(self, subscription_id: str) -> DigestState | None:
        return self.digest_states.get(subscription_id)

    def put_digest_state(self, subscription_id: str, state: DigestState) -> None:
        self.digest_states[subscription_id] = state


@dataclass
class StoredUpdates:
    """The read side of the update store: updates by id and by first-seen time, and source states."""

    updates: list[Update] = field(default_factory=list)
    states: list[SourceState] = field(default_factory=list)

    def get_update(self, update_id: str) -> Update | None:
        return next((u for u in self.updates if u.update_id == update_id), None)

    def updates_between(self, start: datetime, end: datetime) -> list[Update]:
        return [u for u in self.updates if u.first_seen and start <= u.first_seen < end]

    def source_states(self) -> list[SourceState]:
        return list(self.states)


# -- the catalyst calendar -----------------------------------------------------------------------------------


@dataclass
class InMemoryCatalystStore:
    """The calendar entries (adapters.catalyst_store.CatalystStore) with its conditional, all-or-nothing
    save: the entry at previous_version + 1 and its updates not yet stored, or nothing when another writer
    moved the entry."""

    entries: dict[str, CalendarEntry] = field(default_factory=dict)
    updates: dict[str, Update] = field(default_factory=dict)
    writes: int = 0

    def get(self, catalyst_id: str) -> CalendarEntry | None:
        return self.entries.get(catalyst_id)

    def list(self, agent: str | None = None) -> list[CalendarEntry]:
        entries = sorted(self.entries.values(), key=lambda e: (e.window_end, e.catalyst_id))
        return [e for e in entries if agent is None or e.agent == agent]

    def save(
        self, entry: CalendarEntry, previous_version: int | None, updates: Sequence[Update] = ()
    ) -> bool:
        current = self.entries.get(entry.catalyst_id)
        if (current.version if current else None) != previous_version:
            return False
        fresh = [u for u in updates if u.update_id not in self.updates]  # a stored one is not written again
        self.entries[entry.catalyst_id] = replace(entry, version=(previous_version or 0) + 1)
        self.updates.update({u.update_id: u for u in fresh})
        self.writes += 1 + len(fresh)
        return True

    def delete(self, catalyst_id: str, version: int) -> bool:
        current = self.entries.get(catalyst_id)
        if current is None or current.version != version:
            return False
        del self.entries[catalyst_id]
        self.writes += 1
        return True


@dataclass
class InMemorySns:
    """The SNS side of subscriptions (adapters.subscriptions.SnsSubscriptions): ARNs by endpoint; `refuse`
    holds endpoints SNS refuses."""

    subscriptions: dict[str, tuple[str, str, dict[str, str]]] = field(default_factory=dict)
    refuse: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)

    @staticmethod
    def attributes(policy: dict[str, Any]) -> dict[str, str]:
        return {"FilterPolicy": json.dumps(policy, sort_keys=True), "FilterPolicyScope": "MessageAttributes"}

    def subscribe(self, protocol: str, endpoint: str, attributes: dict[str, str]) -> str:
        self.calls.append(f"subscribe {endpoint}")
        if endpoint in self.refuse:
            raise SnsSubscriptionError(f"Invalid parameter: Endpoint {endpoint}")
        arn = f"arn:aws:sns:us-east-1:123456789012:alerts:{endpoint}"
        self.subscriptions[arn] = (protocol, endpoint, attributes)
        return arn

    def set_attributes(self, arn: str, attributes: dict[str, str]) -> bool:
        self.calls.append(f"set_attributes {arn}")
        if arn not in self.subscriptions:
            return False
        protocol, endpoint, _ = self.subscriptions[arn]
        self.subscriptions[arn] = (protocol, endpoint, attributes)
        return True

    def unsubscribe(self, arn: str) -> None:
        self.calls.append(f"unsubscribe {arn}")
        self.subscriptions.pop(arn, None)

    def find(self, protocol: str, endpoint: str) -> str:
        self.calls.append(f"find {endpoint}")
        return next(
            (arn for arn, (p, e, _) in self.subscriptions.items() if (p, e) == (protocol, endpoint)), ""
        )


# -- delivery (chat, webhook and SES e-mail) -----------------------------------------------------------------


@dataclass
class InMemoryDeliveryState:
    """Claims, rate slots, failure streaks and suppressions (adapters.delivery_store.DeliveryStore): a claim
    is leased to one token until sent or released; a live lease of another token is "in_flight"."""

    claims: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    next_slot: dict[str, float] = field(default_factory=dict)
    streaks: dict[str, int] = field(default_factory=dict)
    suppressed: dict[str, str] = field(default_factory=dict)

    def claim(
        self, subscription_id: str, message_key: str, *, token: str, now: float, lease_seconds: float
    ) -> DeliveryClaim:
        held = self.claims.setdefault((subscription_id, message_key), {"sent": False, "lease_until": 0.0})
        if held["sent"]:
            return DeliveryClaim("sent")
        if held["lease_until"] > now:
            return DeliveryClaim("in_flight", lease_until=held["lease_until"])
        held.update(token=token, lease_until=now + lease_seconds, attempts=held.get("attempts", 0) + 1)
        return DeliveryClaim("claimed", held["lease_until"], held["attempts"], held.get("slot_at", 0.0))

    def mark_sent(self, subscription_id: str, message_key: str, *, token: str, now: float) -> bool:
        held = self.claims.get((subscription_id, message_key))
        if held is None or held.get("token") != token:
            return False
        held.update(sent=True, lease_until=0.0)
        return True

    def release(
        self, subscription_id: str, message_key: str, *, token: str, now: float, slot_at: float = 0.0
    ) -> bool:
        held = self.claims.get((subscription_id, message_key))
        if held is None or held.get("token") != token:
            return False
        held.update(lease_until=0.0, slot_at=slot_at)
        return True

    def take_slot(self, subscription_id: str, *, now: float, interval: float) -> float:
        slot = max(now, self.next_slot.get(subscription_id, 0.0))
        self.next_slot[subscription_id] = slot + interval
        return slot

    def hold_until(self, subscription_id: str, until: float) -> None:
        self.next_slot[subscription_id] = max(until, self.next_slot.get(subscription_id, 0.0))

    def record_failure(self, subscription_id: str, *, error: str, failing_after: int) -> FailureCount:
        streak = self.streaks.get(subscription_id, 0) + 1
        self.streaks[subscription_id] = streak
        return FailureCount(consecutive_failures=streak, newly_failing=streak == failing_after)

    def record_success(self, subscription_id: str, failing_after: int = 3) -> bool:
        """True when the destination was failing (so its owner hears it resumed)."""
        return self.streaks.pop(subscription_id, 0) >= failing_after

    def suppress(self, address: str, *, reason: str, now: float) -> None:
        self.suppressed[address] = reason

    def is_suppressed(self, address: str) -> bool:
        return address in self.suppressed


@dataclass
class ScriptedPoster:
    """The HTTPS poster: answers from a script (the last answer repeats), recording every request."""

    answers: list[PostResult] = field(default_factory=lambda: [PostResult(200)])
    requests: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    timeouts: list[float | None] = field(default_factory=list)  # the budget each POST was given

    def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout: float | None = None
    ) -> PostResult:
        self.requests.append((url, body, headers))
        self.timeouts.append(timeout)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@dataclass
class RecordingEmailSender:
    sender: str = "alerts@pipewatch.example"
    sent: list[tuple[str, bytes]] = field(default_factory=list)

    def send(self, recipient: str, raw_message: bytes) -> str:
        self.sent.append((recipient, raw_message))
        return f"ses-{len(self.sent)}"


@dataclass
class RecordingQueue:
    bodies: list[str] = field(default_factory=list)

    def send_jobs(self, bodies: list[str]) -> None:
        self.bodies.extend(bodies)


class PlainCipher:
    """Envelope encryption stand-in: the sealed text is the plaintext with its context (round-trips)."""

    def encrypt(self, plaintext: bytes, context: dict[str, str]) -> str:
        return json.dumps({"context": context, "plain": plaintext.decode()})

    def decrypt(self, token: str, context: dict[str, str]) -> bytes:
        sealed = json.loads(token)
        if sealed["context"] != context:
            raise ValueError("encryption context mismatch")
        return str(sealed["plain"]).encode()


# -- the reader's pages --------------------------------------------------------------------------------------


@dataclass
class InMemoryFeedback:
    """Reader feedback (adapters.feedback.FeedbackTable): one label per reader, update and label."""

    stored: dict[tuple[str, str, str], Feedback] = field(default_factory=dict)

    def record(self, feedback: Feedback) -> bool:
        key = (feedback.update_id, feedback.subscription_id, feedback.label)
        if key in self.stored:
            return False
        self.stored[key] = feedback
        return True

    def given(self, update_id: str, subscription_id: str) -> list[str]:
        return sorted(label for uid, sid, label in self.stored if (uid, sid) == (update_id, subscription_id))


@dataclass
class InMemoryShortLinks:
    """SMS short codes (adapters.short_links.ShortLinkTable): a code is created once, or re-written with the
    same update id (a retry); another update's code is refused. `puts` counts every attempt."""

    stored: dict[str, ShortLink] = field(default_factory=dict)
    puts: int = 0

    def put(self, link: ShortLink) -> bool:
        self.puts += 1
        held = self.stored.get(link.code)
        if held is not None and held.update_id != link.update_id:
            return False
        self.stored[link.code] = link
        return True

    def get(self, code: str) -> ShortLink | None:
        return self.stored.get(code)


@dataclass
class FixedLinkKeys:
    """The link-signing key source, with one fixed key."""

    keys: LinkKeys = field(default_factory=lambda: LinkKeys(1, {1: bytes(range(32))}))

    def get(self, *, create: bool = False) -> LinkKeys:
        return self.keys


@dataclass
class ListedCatalysts:
    """The calendar's entries for the reader (CatalystLister): a fixed list, counting reads."""

    entries: list[CalendarEntry] = field(default_factory=list)
    calls: int = 0

    def list(self, agent: str | None = None) -> list[CalendarEntry]:
        self.calls += 1
        return [e for e in self.entries if agent is None or e.agent == agent]


# -- live watchlist (issue 26): the agents' "watched since" marks ------------------------------------------


@dataclass
class InMemoryWatchMarks:
    """The WatchMarkStore and WatchMarkEraser ports over a dict, with the adapter's rules: created with every
    agent at EPOCH, then each new agent marked at its first poll; `forget` removes marks."""

    since: dict[str, datetime] | None = None
    reads: int = 0

    def watched_since(self, watchlist: Sequence[str], now: datetime) -> dict[str, datetime]:
        from pipewatch.domain.ingest.back_catalogue import EPOCH

        self.reads += 1
        if self.since is None:
            self.since = {a: EPOCH for a in watchlist}
        for agent in watchlist:
            self.since.setdefault(agent, now)
        return dict(self.since)

    def forget(self, agent_ids: Sequence[str]) -> None:
        for agent in agent_ids:
            (self.since or {}).pop(agent, None)


# -- the console -------------------------------------------------------------------------------------------


@dataclass
class InMemoryUpdateIndex:
    """ports.UpdateIndex over a list (adapters/console_index.py's semantics: newest first, an update filed
    under its first agent only, strictly below the `before` position)."""

    updates: list[Update] = field(default_factory=list)
    read: int = 0

    @staticmethod
    def position(update: Update) -> str:
        return f"{update.first_seen.astimezone(UTC).isoformat()}#{update.update_id}"

    def newest_first(
        self, *, start: datetime, end: datetime, agent: str = "", before: str = ""
    ) -> Iterator[IndexedUpdate]:
        high = f"{end.astimezone(UTC).isoformat()}#"
        high = before if before and before < high else high
        low = f"{start.astimezone(UTC).isoformat()}#"
        for update in sorted(self.updates, key=self.position, reverse=True):
            position = self.position(update)
            if agent and (update.classification.agents[:1] != (agent,)):
                continue
            if low <= position < high:
                self.read += 1
                yield IndexedUpdate(position, update)

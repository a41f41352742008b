"""Ports: what the use cases need from the outside world, as Protocols, and the records they exchange.

Services are typed against these, never against an adapter class, so a service runs in a unit test on an
in-memory fake (tests/fakes.py) and the composition root alone decides which adapter stands behind each.
Each port is narrow: it names only what its service calls. A port two services share is written once and
composed (`UpdateReader` is `UpdateLookup` + `RecentUpdates`). Adapters may import this module (the
contracts they fulfil); nothing here imports an adapter or a service, and the domain types are imported
for type checking only, so importing a port costs a Lambda's cold start nothing.

Sections follow the use cases: shared, poll, calendar, alert, digest, plan, subscriptions, reader, delivery,
console.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pipewatch.domain.catalysts.calendar import CalendarEntry
    from pipewatch.domain.catalysts.models import ExtractedCatalyst
    from pipewatch.domain.ingest.dedupe import Claim
    from pipewatch.domain.ingest.polling import PollTask, SourceResult
    from pipewatch.domain.ingest.sources import SourceConfig
    from pipewatch.domain.models import Alert, SourceState, Update
    from pipewatch.domain.render.digest import DigestMessage
    from pipewatch.domain.render.page import Catalyst
    from pipewatch.domain.subscribers.delivery import Claim as DeliveryClaim
    from pipewatch.domain.subscribers.delivery import FailureCount, PostResult
    from pipewatch.domain.subscribers.feedback import Feedback
    from pipewatch.domain.subscribers.links import LinkKeys
    from pipewatch.domain.subscribers.records import DigestState, SubscriptionRecord
    from pipewatch.domain.subscribers.short_links import ShortLink
    from pipewatch.domain.trials.model import TrialSnapshot
    from pipewatch.domain.watch.checks import RecordedHeadline

# -- shared ------------------------------------------------------------------------------------------------


class RecentUpdates(Protocol):
    """Stored updates first seen in [start, end) (the calendar's re-fold, the digest, the reader's feeds)."""

    def updates_between(self, start: datetime, end: datetime) -> list[Update]: ...


class UpdateLookup(Protocol):
    """One stored update by id (a delivery job names its update; a reader's link names one)."""

    def get_update(self, update_id: str) -> Update | None: ...


class CatalystLister(Protocol):
    """The stored catalyst calendar (adapters/catalyst_store.py): every entry, or one agent's."""

    def list(self, agent: str | None = None) -> list[CalendarEntry]: ...


class SubscriptionReader(Protocol):
    """Subscription records read by id or listed (all, or one mode's: "instant" or "digest")."""

    def get(self, subscription_id: str) -> SubscriptionRecord | None: ...

    def list(self, mode: str | None = None) -> list[SubscriptionRecord]: ...


class MetricsSink(Protocol):
    """Counters with dimensions (CloudWatch EMF in Lambda, in-memory in the CLI and tests)."""

    def count(self, name: str, value: float = 1, **dimensions: str) -> None: ...


# -- poll --------------------------------------------------------------------------------------------------

Expect = Literal["xml", "json", "any"]


@dataclass(frozen=True)
class HttpResponse:
    """What a Fetcher answers: the final URL, status, body and lower-cased headers (or a 304's mark)."""

    url: str
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    not_modified: bool = False

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class Fetcher(Protocol):
    """What the source adapters need from an HTTP client (adapters/http.py HttpFetcher, or a fake). The poll
    service only hands it to the SourcePoller."""

    contact: str

    def get(
        self,
        url: str,
        *,
        source_id: str,
        deadline: float,
        params: Mapping[str, str] | None = None,
        expect: Expect = "any",
        etag: str = "",
        last_modified: str = "",
        headers: Mapping[str, str] | None = None,
        min_interval: float | None = None,
        max_bytes: int | None = None,
        timeout: float | None = None,
    ) -> HttpResponse: ...


class AgentLike(Protocol):
    """An agent as far as sources are concerned: its id and every term a search should use."""

    @property
    def id(self) -> str: ...

    def search_terms(self) -> list[str]: ...


class WatchlistLike(Protocol):
    """The watchlist as sources see it: agents to search for, and trials as (nct, agent, acronym)."""

    @property
    def agents(self) -> Sequence[AgentLike]: ...

    def watched_trials(self) -> list[tuple[str, str, str]]: ...


@runtime_checkable
class RegistryWatchlistLike(Protocol):
    """What the registry's by-change poll also matches on, when the watchlist offers it (issue 25)."""

    def condition_terms(self) -> list[str]: ...

    def sponsor_names(self) -> list[str]: ...


class UpdateStore(RecentUpdates, Protocol):
    """Stored updates, source states and trial snapshots (the DynamoDB single table in Lambda)."""

    def get_source_state(self, source_id: str) -> SourceState: ...

    def put_source_state(self, state: SourceState) -> None: ...

    def existing_update_ids(self, update_ids: Sequence[str]) -> set[str]: ...

    def put_update(self, update: Update) -> bool: ...

    # Records the store had to truncate to fit the item limit (the service counts them per source).
    trimmed: int

    def put_seen(self, update: Update) -> bool: ...

    def get_claims(self, keys: Iterable[str]) -> dict[str, Claim]: ...

    def get_updates(self, update_ids: Iterable[str]) -> list[Update]: ...

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str: ...

    def merge_source(self, story_id: str, duplicate: Update) -> bool: ...

    def get_snapshot(self, nct_id: str) -> tuple[str, int] | None: ...

    def save_snapshot_with_updates(
        self, nct_id: str, snapshot_json: str, previous_version: int | None, updates: Iterable[Update]
    ) -> bool: ...


class WatchMarkStore(Protocol):
    """When each watched agent was first watched (adapters/watch_marks.py): marks the agents of `watchlist`
    seen for the first time at `now` (all of them at EPOCH the first time any mark is written, so agents
    watched before marks existed are not new) and returns every mark."""

    def watched_since(self, watchlist: Sequence[str], now: datetime) -> dict[str, datetime]: ...


class WatchMarkEraser(Protocol):
    """Forgets the marks of agents removed from the watchlist (`pipewatch watchlist push`)."""

    def forget(self, agent_ids: Sequence[str]) -> None: ...


class SourcePoller(Protocol):
    """One poll of one source (adapters.sources.poll_source in Lambda): items and the next state."""

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
    ) -> SourceResult: ...


# -- calendar ----------------------------------------------------------------------------------------------


class CatalystExtractor(Protocol):
    """The catalysts an item's text states, with the watched agents they concern (domain/catalysts)."""

    def extract(
        self, title: str, text: str = "", *, published: date | None = None, url: str = "", source: str = ""
    ) -> list[ExtractedCatalyst]: ...


class CatalystRepository(CatalystLister, Protocol):
    """Calendar entries by id, and a write conditional on the version read (with the updates it makes)."""

    def get(self, catalyst_id: str) -> CalendarEntry | None: ...

    def save(
        self, entry: CalendarEntry, previous_version: int | None, updates: Sequence[Update] = ()
    ) -> bool: ...

    def delete(self, catalyst_id: str, version: int) -> bool:
        """Remove a pruned entry if it is still at `version` (False: a writer moved it; it stays)."""
        ...


# -- alert -------------------------------------------------------------------------------------------------


class Publisher(Protocol):
    """The idempotent publish: `publish_once(update_id=..., alert=...)` runs at most once per update id."""

    def publish_once(self, *, update_id: str, alert: Alert) -> str: ...

    def register_lambda_context(self, context: Any) -> None: ...


class StreamUpdates(Protocol):
    """The new update a table stream record announces, or None for any other record (state writes,
    snapshots, idempotency records, MODIFY/REMOVE): decoding DynamoDB images is the adapter's business."""

    def __call__(self, record: dict[str, Any]) -> Update | None: ...


class ShortLinkWriter(Protocol):
    """Stores an SMS short code before its alert is published: True when the code now names this update
    (written, or already written by an earlier attempt), False when another update holds the code."""

    def put(self, link: ShortLink) -> bool: ...


# -- digest ------------------------------------------------------------------------------------------------


class DigestSubscriptions(Protocol):
    """The digest subscribers and when each last had a digest (its own item, written only after a send)."""

    def list(self, mode: str | None = None) -> list[SubscriptionRecord]: ...

    def get_digest_state(self, subscription_id: str) -> DigestState | None: ...

    def put_digest_state(self, subscription_id: str, state: DigestState) -> None: ...


class DigestUpdates(RecentUpdates, Protocol):
    """The updates a digest covers, and the sources' health for its notices."""

    def source_states(self) -> list[SourceState]: ...


class DigestPublisher(Protocol):
    """The idempotent digest publish: one part of one subscriber's digest at most once."""

    def publish_once(self, message: DigestMessage, part: int = 0) -> dict[str, str]: ...

    def register_lambda_context(self, context: Any) -> None: ...


# -- plan --------------------------------------------------------------------------------------------------


class TaskQueue(Protocol):
    """The poll queue (SQS in Lambda): sends the planned tasks, returns how many were sent."""

    def send(self, tasks: Sequence[PollTask]) -> int: ...


# -- subscriptions -----------------------------------------------------------------------------------------


class SubscriptionRecords(SubscriptionReader, Protocol):
    """Subscription records written on the version read: `put`/`delete` raise errors.ConcurrentChange when
    the stored record is not at `expect` (None: unconditional)."""

    def put(self, record: SubscriptionRecord, *, expect: int | None = None) -> SubscriptionRecord: ...

    def delete(self, subscription_id: str, *, expect: int | None = None) -> None: ...


class TopicSubscriptions(Protocol):
    """The endpoint subscriptions on the alerts topic (SNS): refusals raise errors.SnsSubscriptionError
    (errors.TopicFull when the topic holds as many filter policies as SNS allows)."""

    def attributes(self, policy: dict[str, Any]) -> dict[str, str]: ...

    def subscribe(self, protocol: str, endpoint: str, attributes: dict[str, str]) -> str: ...

    def set_attributes(self, arn: str, attributes: dict[str, str]) -> bool: ...

    def unsubscribe(self, arn: str) -> None: ...

    def find(self, protocol: str, endpoint: str) -> str:
        """The ARN of the endpoint's confirmed subscription on the topic, or "" (a read: no Subscribe)."""
        ...


class Encrypter(Protocol):
    """Encrypts a channel's URL and signing secret for storage (KMS envelope in Lambda)."""

    def encrypt(self, plaintext: bytes, context: dict[str, str]) -> str: ...


# -- reader ------------------------------------------------------------------------------------------------


class UpdateReader(UpdateLookup, RecentUpdates, Protocol):
    """The reader's pages and feeds: one update, and the recent ones."""


class FeedbackStore(Protocol):
    """A reader's answers to an update (one per label), and the labels already given."""

    def record(self, feedback: Feedback) -> bool: ...

    def given(self, update_id: str, subscription_id: str) -> list[str]: ...


class Subscriptions(Protocol):
    """The subscription use cases a reader may trigger (a look-up, and unsubscribe)."""

    def find(self, subscription_id: str) -> SubscriptionRecord | None: ...

    def unsubscribe(self, key: str) -> SubscriptionRecord: ...


class KeySource(Protocol):
    """The link-signing keys (KMS-encrypted in the table), created on first use when asked."""

    def get(self, *, create: bool = False) -> LinkKeys: ...


class ShortLinkReader(Protocol):
    """A stored SMS short code (`GET /s/{code}`), or None for a code the table does not hold."""

    def get(self, code: str) -> ShortLink | None: ...


class CatalystSource(Protocol):
    """An agent's coming catalysts from `today`, for an update's page."""

    def upcoming(self, agents: Sequence[str], today: date) -> list[Catalyst]: ...


# -- delivery ----------------------------------------------------------------------------------------------


class JobQueue(Protocol):
    """The delivery queue: one message per (subscription, message) job."""

    def send_jobs(self, bodies: list[str]) -> None: ...


class RedeliveryQueue(Protocol):
    """Where a deferred job's message waits (the delivery handler's port, not the service's): `delay`
    sets when the queue hands the received message back (the SQS visibility timeout)."""

    def delay(self, receipt_handle: str, seconds: float) -> None: ...


class Decrypter(Protocol):
    """Decrypts a channel's stored credentials (KMS envelope in Lambda)."""

    def decrypt(self, token: str, context: dict[str, str]) -> bytes: ...


class Poster(Protocol):
    """One HTTPS POST to a chat or webhook destination; the outcome, never an exception for a refusal.
    `timeout` is the most the whole exchange may take (the job's budget), not a per-read timeout."""

    def post(
        self, url: str, body: bytes, headers: dict[str, str], *, timeout: float | None = None
    ) -> PostResult: ...


class EmailSender(Protocol):
    """Sends one raw e-mail (SES in Lambda) from `sender`; returns the message id."""

    sender: str

    def send(self, recipient: str, raw_message: bytes) -> str: ...


class UnsubscribeLinks(Protocol):
    """Signed one-click unsubscribe URLs (domain/subscribers/links.py SignedLinks, built by a colleague)."""

    def unsubscribe_url(self, subscription_id: str) -> str: ...


class DeliveryState(Protocol):
    """Per (subscription, message) claims with a lease, per destination rate slots, holds and failure
    counts, and the e-mail suppression list (adapters/delivery_store.py)."""

    def claim(
        self, subscription_id: str, message_key: str, *, token: str, now: float, lease_seconds: float
    ) -> DeliveryClaim: ...
    def mark_sent(self, subscription_id: str, message_key: str, *, token: str, now: float) -> bool: ...
    def release(
        self, subscription_id: str, message_key: str, *, token: str, now: float, slot_at: float = 0.0
    ) -> bool: ...
    def take_slot(self, subscription_id: str, *, now: float, interval: float) -> float: ...
    def hold_until(self, subscription_id: str, until: float) -> None: ...
    def record_failure(self, subscription_id: str, *, error: str, failing_after: int) -> FailureCount: ...
    def record_success(self, subscription_id: str) -> bool: ...
    def suppress(self, address: str, *, reason: str, now: float) -> None: ...
    def is_suppressed(self, address: str) -> bool: ...


class CatalystObserver(Protocol):
    """The catalyst calendar as the poll feeds it (services.calendar.CalendarService), after its writes:
    each returns the calendar updates it wrote (slips)."""

    def observe_stored(self, updates: Sequence[Update]) -> list[Update]: ...

    def observe_trials(
        self, records: Sequence[tuple[TrialSnapshot, str | None]], now: datetime
    ) -> list[Update]: ...


# -- live configuration (issue 26) -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigObject:
    """One version of a configuration file in the config store (its text, ETag and version id)."""

    key: str
    body: str
    etag: str
    version_id: str


@dataclass(frozen=True)
class ConfigVersion:
    """A stored version as `history` lists it: who changed it, when, and their note."""

    key: str
    version_id: str
    modified: datetime
    changed_by: str
    note: str
    latest: bool


class ConfigSource(Protocol):
    """The current version of a configuration file, read conditionally (adapters/config_store.py): None when
    no object is stored (the packaged file applies), `not_modified` when it still has `etag`."""

    def current(self, key: str, *, etag: str = "") -> ConfigObject | Literal["not_modified"] | None: ...


class ConfigStore(ConfigSource, Protocol):
    """The versioned store the CLI pushes to: read a version, write a new one, list the history."""

    def version(self, key: str, version_id: str) -> ConfigObject: ...
    def put(self, key: str, body: str, *, changed_by: str, note: str) -> str: ...
    def history(self, key: str) -> list[ConfigVersion]: ...


# -- console -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedUpdate:
    """A stored update and its index position ("<first_seen>#<update_id>"): a page resumes below it."""

    position: str
    update: Update


class UpdateIndex(Protocol):
    """Stored updates newest first from the indexes (no Scan): all (the day index) or one agent's (the
    agent index, where an update is filed under its first agent), first seen in [start, end), strictly
    below the position `before` when given. Lazy: a caller stops reading when its page is full."""

    def newest_first(
        self, *, start: datetime, end: datetime, agent: str = "", before: str = ""
    ) -> Iterator[IndexedUpdate]: ...


class SourceHealth(Protocol):
    """Every source's stored state (validators and health: last success, failure streak, items seen)."""

    def source_states(self) -> list[SourceState]: ...


class FeedbackLabels(Protocol):
    """Records an analyst's answer to an update, and lists the labels already given."""

    def record(self, feedback: Feedback) -> bool: ...

    def given(self, update_id: str, subscription_id: str) -> list[str]: ...


class IdentityProvider(Protocol):
    """The user pool (Amazon Cognito): the Hosted UI's addresses, the authorization-code exchange (with the
    PKCE verifier) and, for the local console only, a password sign-in. Each returns the ID token issued;
    errors.SignInRefused when the pool refuses."""

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str) -> str: ...

    def logout_url(self, *, redirect_uri: str) -> str: ...

    def exchange_code(self, *, code: str, verifier: str, redirect_uri: str) -> str: ...

    def password_sign_in(self, username: str, password: str) -> str: ...


class KeySetSource(Protocol):
    """The pool's public signing keys as a JWKS document (cached; `refresh` re-reads it once a token names
    a key id the cached set lacks, as after a key rotation)."""

    def jwks(self, *, refresh: bool = False) -> dict[str, Any]: ...


# ---------------------------------------------------------------------------------------- watchlist check


class WordFrequencies(Protocol):
    """How common a word is in everyday text of a language (zipf scale, 0.0 for an unknown word)."""

    def zipf(self, word: str, language: str) -> float: ...


class HeadlineCorpus(Protocol):
    """The project's recorded headlines, each with the agents its label says it is about."""

    def headlines(self) -> Iterable[RecordedHeadline]: ...

"""The reader pages' and the console's ports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from pipewatch.services.ports.shared import RecentUpdates, UpdateLookup

if TYPE_CHECKING:
    from pipewatch.domain.models import SourceState, Update
    from pipewatch.domain.render.page import Catalyst
    from pipewatch.domain.subscribers.feedback import Feedback
    from pipewatch.domain.subscribers.links import LinkKeys
    from pipewatch.domain.subscribers.records import SubscriptionRecord
    from pipewatch.domain.subscribers.short_links import ShortLink


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

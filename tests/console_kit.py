"""Builders for the console's tests: an RSA key pair standing for a Cognito user pool's (made here, per
run), ID tokens minted with it (hand-made claims, shaped as Cognito's ID tokens are), and a ConsoleService
on the in-memory fakes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from fakes import (
    FixedLinkKeys,
    InMemoryFeedback,
    InMemorySns,
    InMemorySubscriptionTable,
    InMemoryUpdateIndex,
    ListedCatalysts,
    StoredUpdates,
)
from pipewatch.domain.models import Classification, Update
from pipewatch.errors import ConfigStoreUnavailable, SignInRefused
from pipewatch.services.console import ConsoleRequest, ConsoleResponse, ConsoleService, Vocabulary
from pipewatch.services.console_auth import TokenVerifier, csrf_token
from pipewatch.services.console_web import WatchlistStatus
from pipewatch.services.ports import ConfigObject, ConfigVersion
from pipewatch.services.subscriptions import SubscriptionService

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TESTPOOL"
CLIENT_ID = "console-client-id"
KID = "test-key-1"
BASE = "/dev/console"
AGENTS = ("brepocitinib", "dazukibart", "efgartigimod")


@cache
def pool_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks() -> dict[str, Any]:
    public = jwt.algorithms.RSAAlgorithm.to_jwk(pool_key().public_key(), as_dict=True)
    return {"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}


def mint(
    sub: str = "alice-sub",
    *,
    groups: tuple[str, ...] = ("analysts",),
    key: rsa.RSAPrivateKey | None = None,
    expires: datetime | None = None,
    **overrides: Any,
) -> str:
    """A hand-made ID token shaped as Cognito's (signed with the test pool key unless `key` is given)."""
    claims: dict[str, Any] = {
        "sub": sub,
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "token_use": "id",
        "iat": int((NOW - timedelta(minutes=5)).timestamp()),
        "exp": int((expires or NOW + timedelta(hours=1)).timestamp()),
        "cognito:username": sub.removesuffix("-sub"),
        "cognito:groups": list(groups),
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key or pool_key(), algorithm="RS256", headers={"kid": KID})


@dataclass
class StaticJwks:
    fetched: int = 0

    def jwks(self, *, refresh: bool = False) -> dict[str, Any]:
        self.fetched += 1
        return jwks()


@dataclass
class FakeIdentity:
    """The user pool: one password per user name; each sign-in mints a token."""

    users: dict[str, tuple[str, str, tuple[str, ...]]] = field(
        default_factory=dict
    )  # name -> pw, sub, groups

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str) -> str:
        return f"https://auth.example/oauth2/authorize?state={state}&code_challenge={challenge}"

    def logout_url(self, *, redirect_uri: str) -> str:
        return "https://auth.example/logout"

    def exchange_code(self, *, code: str, verifier: str, redirect_uri: str) -> str:
        raise SignInRefused("no codes here")

    def password_sign_in(self, username: str, password: str) -> str:
        known = self.users.get(username)
        if known is None or known[0] != password:
            raise SignInRefused("wrong user name or password")
        return mint(known[1], groups=known[2])


def update(n: int, *, agent: str = "efgartigimod", hours_ago: float | None = None, **fields: Any) -> Update:
    """A hand-made stored update number `n`, first seen `hours_ago` (default n) hours before NOW."""
    classification = {
        "relevant": True,
        "agents": (agent,),
        "indications": ("myasthenia_gravis",),
        "event_type": "results",
        "severity": "medium",
        **fields.pop("classification", {}),
    }
    return Update(
        update_id=f"u-{n:06d}",
        title=fields.pop("title", f"Update {n} on {agent}"),
        summary=fields.pop("summary", "A summary."),
        url=fields.pop("url", f"https://news.example/{n}"),
        source_id=fields.pop("source_id", "press-wire"),
        first_seen=NOW - timedelta(hours=n if hours_ago is None else hours_ago),
        classification=Classification(**classification),
        **fields,
    )


class UnavailableConfigStore:
    """A config bucket that does not answer: every read raises ConfigStoreUnavailable, as S3ConfigStore does
    when S3 refuses (the message is hand-made, shaped as the adapter's)."""

    def __init__(self) -> None:
        self.reads = 0

    def _refuse(self, key: str) -> ConfigStoreUnavailable:
        self.reads += 1
        return ConfigStoreUnavailable(f"s3://hand-made-bucket/{key}: cannot list versions (AccessDenied)")

    def current(self, key: str, *, etag: str = "") -> ConfigObject | None:
        raise self._refuse(key)

    def version(self, key: str, version_id: str) -> ConfigObject:
        raise self._refuse(key)

    def history(self, key: str) -> list[ConfigVersion]:
        raise self._refuse(key)

    def put(self, key: str, body: str, *, changed_by: str, note: str) -> str:
        raise self._refuse(key)


@dataclass
class Console:
    service: ConsoleService
    index: InMemoryUpdateIndex
    table: InMemorySubscriptionTable
    feedback: InMemoryFeedback

    def get(self, path: str, token: str | None = None, **params: str) -> ConsoleResponse:
        cookies = {"pw_session": token} if token is not None else {}
        return self.service.handle(
            ConsoleRequest("GET", path, BASE, "https://pw.example", params, {}, cookies)
        )

    def post(
        self, path: str, token: str | None, form: dict[str, str], *, csrf: bool = True
    ) -> ConsoleResponse:
        cookies = {"pw_session": token} if token is not None else {}
        if csrf and token is not None:
            form = {"csrf": csrf_token(FixedLinkKeys().keys.current, token), **form}
        return self.service.handle(
            ConsoleRequest("POST", path, BASE, "https://pw.example", {}, form, cookies)
        )


def console(
    updates: list[Update] | None = None,
    *,
    hosted_ui: bool = False,
    now: datetime = NOW,
    watchlist: WatchlistStatus | Callable[[], WatchlistStatus] | None = None,
    vocabulary: Vocabulary | Callable[[], Vocabulary] | None = None,
) -> Console:
    stored = list(updates or [])
    index = InMemoryUpdateIndex(stored)
    table = InMemorySubscriptionTable()
    feedback = InMemoryFeedback()
    subscriptions = SubscriptionService(
        table=table,  # type: ignore[arg-type]
        sns=InMemorySns(),  # type: ignore[arg-type]
        known_agents=set(AGENTS),
        known_indications={"myasthenia_gravis"},
        clock=lambda: now,
    )
    service = ConsoleService(
        index=index,
        updates=StoredUpdates(stored),
        calendar=ListedCatalysts(),
        sources=StoredUpdates(),
        feedback=feedback,
        subscriptions=subscriptions,
        keys=FixedLinkKeys(),
        verifier=TokenVerifier(keys=StaticJwks(), issuer=ISSUER, client_id=CLIENT_ID, clock=lambda: now),
        identity=FakeIdentity({"alice": ("pw-alice", "alice-sub", ("analysts",))}),
        vocabulary=vocabulary
        or Vocabulary(agents=AGENTS, indications=("myasthenia_gravis",), sources=("press-wire",)),
        hosted_ui=hosted_ui,
        clock=lambda: now,
        watchlist=watchlist,
    )
    return Console(service, index, table, feedback)


def wall_clock_now() -> datetime:
    return datetime.fromtimestamp(time.time(), UTC)

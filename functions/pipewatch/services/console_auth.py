"""Who is signed in to the console: the Cognito ID token, verified here on every request, and the CSRF token
every form carries.

A token is accepted only when PyJWT verifies its RS256 signature with the pool's key named by its `kid`
(the JWKS, fetched through ports.KeySetSource and cached per container), its issuer is the pool, its
`token_use` is "id" and its audience is the console's app client, and it has not expired (by the injected
clock, so tests and the local console share one time source; no leeway beyond `LEEWAY`). The session is the
ID token itself in an HttpOnly, Secure, SameSite=Lax cookie: nothing is stored server-side, and sign-out
clears the cookie (and, on AWS, ends the Hosted UI session too).

CSRF: every form carries HMAC-SHA256(key, session token), checked in constant time on every POST; the key
is derived from the link-signing key, so it is secret and rotates with it. The sign-in form, which has no
session yet, carries a random value also set in a short-lived cookie (double submit), and so does the
Hosted UI round trip (its `state`, with the PKCE verifier kept in that cookie).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pipewatch.services.subscriptions import Caller

if TYPE_CHECKING:
    import jwt

    from pipewatch.services.ports import KeySetSource

LEEWAY_SECONDS = 30
ADMINS = "admins"
ANALYSTS = "analysts"


class TokenRefused(Exception):
    """The session token is not one the console accepts (the reason is logged, never shown)."""


@dataclass(frozen=True)
class Viewer:
    """A verified signed-in user."""

    subject: str
    name: str
    groups: tuple[str, ...]

    @property
    def admin(self) -> bool:
        return ADMINS in self.groups

    @property
    def caller(self) -> Caller:
        """As the subscription service knows callers: owners are recorded as "cognito:<sub>"."""
        return Caller(f"cognito:{self.subject}", self.admin)


class TokenVerifier:
    def __init__(
        self,
        *,
        keys: KeySetSource,
        issuer: str,
        client_id: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._client_id = client_id
        self._clock = clock
        self._keyset: jwt.PyJWKSet | None = None

    def _key(self, kid: str) -> Any:
        import jwt

        for refresh in (False, True):
            if self._keyset is None or refresh:
                try:
                    self._keyset = jwt.PyJWKSet.from_dict(self._keys.jwks(refresh=refresh))
                except jwt.PyJWKSetError as exc:
                    raise TokenRefused(f"the pool's key set is unusable: {exc}") from exc
            for key in self._keyset.keys:
                if key.key_id == kid:
                    return key.key
        raise TokenRefused(f"no key {kid!r} in the pool's key set")

    def verify(self, token: str) -> Viewer:
        if not token or len(token) > 8192:
            raise TokenRefused("no token")
        # PyJWT and cryptography (~35 ms of import) load with the first session to check: a request
        # without one (the sign-in redirect, the sign-in form) never needs them.
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                raise TokenRefused(f"algorithm {header.get('alg')!r}")
            claims = jwt.decode(
                token,
                self._key(str(header.get("kid", ""))),
                algorithms=["RS256"],
                issuer=self._issuer,
                audience=self._client_id,
                options={
                    "require": ["exp", "iat", "iss", "aud", "sub", "token_use"],
                    "verify_exp": False,  # checked below against the injected clock
                    "verify_iat": False,
                },
            )
        except jwt.InvalidTokenError as exc:
            raise TokenRefused(str(exc)) from exc
        if claims.get("token_use") != "id":
            raise TokenRefused(f"token_use {claims.get('token_use')!r}")
        now = self._clock().timestamp()
        if not isinstance(claims["exp"], int | float) or claims["exp"] + LEEWAY_SECONDS <= now:
            raise TokenRefused("expired")
        groups = claims.get("cognito:groups") or []
        name = claims.get("cognito:username") or claims.get("email") or claims["sub"]
        return Viewer(str(claims["sub"]), str(name), tuple(str(g) for g in groups))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def csrf_token(key: bytes, session: str) -> str:
    return _b64(hmac.new(key, b"console-csrf\x00" + session.encode("utf-8"), hashlib.sha256).digest())


def csrf_valid(key: bytes, session: str, offered: str) -> bool:
    return bool(session) and hmac.compare_digest(csrf_token(key, session), offered or "")


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256."""
    return _b64(hashlib.sha256(verifier.encode("ascii")).digest())


def random_token(random_bytes: Callable[[int], bytes], size: int = 32) -> str:
    return _b64(random_bytes(size))

"""Amazon Cognito for the console: the user pool's JWKS (fetched over HTTPS, cached for the container's life
and re-read at most once a minute when a token names an unknown key), the Hosted UI's OAuth 2.0 endpoints
(authorization code with PKCE; the app client is public, so the exchange sends no secret), and the
USER_PASSWORD_AUTH sign-in the local console uses against moto's cognito-idp."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import urllib3
from botocore.exceptions import ClientError

from pipewatch.errors import SignInRefused

TIMEOUT = urllib3.Timeout(connect=3.0, read=5.0)
MAX_JWKS_BYTES = 64 * 1024
REFRESH_INTERVAL = 60.0


def pool_issuer(region: str, pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


class HttpJwks:
    """ports.KeySetSource over HTTPS (`<issuer>/.well-known/jwks.json`)."""

    def __init__(self, issuer: str, *, pool: urllib3.PoolManager | None = None) -> None:
        self._url = f"{issuer}/.well-known/jwks.json"
        self._pool = pool or urllib3.PoolManager(timeout=TIMEOUT, retries=urllib3.Retry(2))
        self._cached: dict[str, Any] | None = None
        self._fetched_at = 0.0

    def jwks(self, *, refresh: bool = False) -> dict[str, Any]:
        stale = refresh and time.monotonic() - self._fetched_at > REFRESH_INTERVAL
        if self._cached is None or stale:
            response = self._pool.request("GET", self._url, preload_content=False)
            try:
                body = response.read(MAX_JWKS_BYTES + 1)
            finally:
                response.release_conn()
            if response.status != 200 or len(body) > MAX_JWKS_BYTES:
                raise SignInRefused(f"the user pool's key set answered {response.status}")
            self._cached = json.loads(body)
            self._fetched_at = time.monotonic()
        return self._cached or {}


class CognitoIdentity:
    """ports.IdentityProvider: the Hosted UI at `domain` (https://<prefix>.auth.<region>.amazoncognito.com)
    for the app client `client_id`, and the cognito-idp API for password sign-in."""

    def __init__(
        self,
        *,
        domain: str,
        client_id: str,
        cognito_client: Any = None,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self._domain = domain.rstrip("/")
        self._client_id = client_id
        self._cognito = cognito_client
        self._pool = pool or urllib3.PoolManager(timeout=TIMEOUT, retries=urllib3.Retry(1))

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self._client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{self._domain}/oauth2/authorize?{urlencode(query)}"

    def logout_url(self, *, redirect_uri: str) -> str:
        return (
            f"{self._domain}/logout?{urlencode({'client_id': self._client_id, 'logout_uri': redirect_uri})}"
        )

    def exchange_code(self, *, code: str, verifier: str, redirect_uri: str) -> str:
        response = self._pool.request(
            "POST",
            f"{self._domain}/oauth2/token",
            body=urlencode(
                {
                    "grant_type": "authorization_code",
                    "client_id": self._client_id,
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": verifier,
                }
            ),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if response.status != 200:
            raise SignInRefused("the sign-in code was refused (used, expired or not ours); sign in again")
        token = json.loads(response.data).get("id_token")
        if not isinstance(token, str):
            raise SignInRefused("the user pool answered without an ID token")
        return token

    def password_sign_in(self, username: str, password: str) -> str:
        if self._cognito is None:
            raise SignInRefused("password sign-in is not offered here; use the Hosted UI")
        try:
            answer = self._cognito.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except ClientError as exc:
            raise SignInRefused("wrong user name or password") from exc
        token = (answer.get("AuthenticationResult") or {}).get("IdToken")
        if not isinstance(token, str):
            raise SignInRefused("the user pool asked for another step (a new password, MFA)")
        return token

"""Signing in to the console and out: on AWS through the Cognito Hosted UI (authorization code with PKCE:
the state and verifier wait in a short-lived HttpOnly cookie), locally through a password form against
moto's pool (double-submit CSRF); either way the ID token issued is verified before it becomes the session
cookie."""

from __future__ import annotations

import hmac

from pipewatch.errors import SignInRefused
from pipewatch.observability import logger
from pipewatch.services import console_views as views
from pipewatch.services.console_auth import (
    TokenRefused,
    pkce_challenge,
    random_token,
)
from pipewatch.services.console_http import (
    HTML,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    ConsoleRequest,
    ConsoleResponse,
)
from pipewatch.services.console_web import SESSION_SECONDS, SIGNIN_COOKIE, ConsoleBase


class SignInPages(ConsoleBase):
    # -- sign-in and sign-out ----------------------------------------------------------------------------
    def _redirect_uri(self, request: ConsoleRequest) -> str:
        return f"{request.site}{request.base}/callback"

    def _signin_form(self, request: ConsoleRequest) -> ConsoleResponse:
        nonce = random_token(self._random_bytes)
        if self._hosted_ui:
            verifier = random_token(self._random_bytes, 48)
            url = self._identity.authorize_url(
                redirect_uri=self._redirect_uri(request), state=nonce, challenge=pkce_challenge(verifier)
            )
            cookie = self._cookie(request, SIGNIN_COOKIE, f"{nonce}.{verifier}", 600)
            return self._redirect(url, (cookie,))
        cookie = self._cookie(request, SIGNIN_COOKIE, nonce, 600)
        response = self._page(request, None, "signin.html", title="Sign in", hosted_ui="", csrf=nonce)
        return ConsoleResponse(response.status, HTML, response.body, response.headers, (cookie,))

    def _start_session(self, request: ConsoleRequest, id_token: str) -> ConsoleResponse:
        try:
            viewer = self._verifier.verify(id_token)
        except TokenRefused as exc:
            logger.warning("the pool issued a token the console refuses", extra={"reason": str(exc)[:200]})
            return self._message(request, 401, "Sign-in failed", "The sign-in could not be verified.")
        logger.info("console sign-in", extra={"subject": viewer.subject})
        return self._redirect(
            f"{request.base}/updates",
            (
                self._cookie(request, SESSION_COOKIE, id_token, SESSION_SECONDS),
                self._cookie(request, SIGNIN_COOKIE, "", 0),
            ),
        )

    def _password_signin(self, request: ConsoleRequest) -> ConsoleResponse:
        nonce = request.cookies.get(SIGNIN_COOKIE, "")
        if self._hosted_ui or not nonce or not hmac.compare_digest(nonce, request.form.get("csrf", "")):
            return self._message(
                request, 403, "Refused", "Open the sign-in page again and sign in from there."
            )
        try:
            token = self._identity.password_sign_in(
                request.form.get("username", "")[:128], request.form.get("password", "")[:256]
            )
        except SignInRefused:
            again = self._signin_form(request)
            body = views.render(
                "signin.html",
                base=request.base,
                viewer=None,
                csrf=again.cookies[0].split("=", 1)[1].split(";", 1)[0],
                message="",
                error="Wrong user name or password.",
                section="",
                title="Sign in",
                hosted_ui="",
            )
            return ConsoleResponse(401, HTML, body, SECURITY_HEADERS, again.cookies)
        return self._start_session(request, token)

    def _callback(self, request: ConsoleRequest) -> ConsoleResponse:
        stored = request.cookies.get(SIGNIN_COOKIE, "")
        nonce, _, verifier = stored.partition(".")
        state, code = request.params.get("state", ""), request.params.get("code", "")
        if (
            not self._hosted_ui
            or not nonce
            or not verifier
            or not code
            or not hmac.compare_digest(nonce, state)
        ):
            return self._message(
                request, 403, "Sign-in failed", "This sign-in did not start here; sign in again."
            )
        try:
            token = self._identity.exchange_code(
                code=code[:2048], verifier=verifier, redirect_uri=self._redirect_uri(request)
            )
        except SignInRefused as exc:
            return self._message(request, 401, "Sign-in failed", str(exc))
        return self._start_session(request, token)

    def signout(self, request: ConsoleRequest) -> ConsoleResponse:
        cleared = self._cookie(request, SESSION_COOKIE, "", 0)
        after = f"{request.base}/signin"
        if self._hosted_ui:
            return self._redirect(
                self._identity.logout_url(redirect_uri=f"{request.site}{after}"), (cleared,)
            )
        return self._redirect(after, (cleared,))

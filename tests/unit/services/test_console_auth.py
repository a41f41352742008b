"""The console's sign-in checks on hand-made ID tokens (tests/console_kit.py mints them with a key pair made
per run, shaped as Cognito's): a token is accepted only with the pool's signature, issuer, app client,
token_use "id" and an unexpired `exp`; every POST needs the CSRF token of its session; the password form
needs its double-submitted nonce; sign-out clears the cookie."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from console_kit import CLIENT_ID, ISSUER, KID, NOW, StaticJwks, console, mint, other_key, pool_key
from pipewatch.services.console_auth import TokenRefused, TokenVerifier, csrf_token, csrf_valid

VERIFIER = TokenVerifier(keys=StaticJwks(), issuer=ISSUER, client_id=CLIENT_ID, clock=lambda: NOW)


def test_given_a_token_the_pool_signed_then_the_viewer_is_its_subject_and_groups() -> None:
    viewer = VERIFIER.verify(mint("bob-sub", groups=("analysts", "admins")))

    assert (viewer.subject, viewer.name, viewer.admin) == ("bob-sub", "bob", True)
    assert viewer.caller.arn == "cognito:bob-sub"


@pytest.mark.parametrize(
    ("token", "why"),
    [
        (lambda: mint(key=other_key()), "forged: signed with another key"),
        (lambda: mint(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER"), "wrong issuer"),
        (lambda: mint(aud="another-client"), "wrong audience"),
        (lambda: mint(token_use="access"), "an access token"),
        (lambda: mint(expires=NOW - timedelta(minutes=5)), "expired"),
        (lambda: mint(token_use=None), "no token_use"),
        (lambda: mint(exp=None), "no expiry"),
        (lambda: jwt.encode({"sub": "x", "iss": ISSUER, "aud": CLIENT_ID, "token_use": "id", "exp": 9e9,
                             "iat": 1}, "a-shared-secret-of-32-bytes-or-more", algorithm="HS256",
                            headers={"kid": KID}), "HS256"),
        (lambda: mint() + "x", "altered signature"),
        (lambda: "not-a-token", "garbage"),
    ],
)  # fmt: skip
def test_given_a_token_not_from_the_pool_for_this_client_then_it_is_refused(token, why: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TokenRefused):
        VERIFIER.verify(token())


def test_given_a_token_naming_an_unknown_key_then_the_key_set_is_read_again_once_and_it_is_refused() -> None:
    keys = StaticJwks()
    verifier = TokenVerifier(keys=keys, issuer=ISSUER, client_id=CLIENT_ID, clock=lambda: NOW)
    token = jwt.encode({"sub": "x"}, pool_key(), algorithm="RS256", headers={"kid": "rotated-away"})

    with pytest.raises(TokenRefused, match="no key"):
        verifier.verify(token)
    assert keys.fetched == 2


def test_given_a_session_then_its_csrf_token_is_valid_for_it_only() -> None:
    key = bytes(range(32))
    alice, bob = mint("alice-sub"), mint("bob-sub")

    assert csrf_valid(key, alice, csrf_token(key, alice))
    assert not csrf_valid(key, bob, csrf_token(key, alice))
    assert not csrf_valid(key, alice, "")
    assert not csrf_valid(bytes(32), alice, csrf_token(key, alice))


def test_given_no_cookie_then_a_page_redirects_to_sign_in_and_a_post_is_refused() -> None:
    kit = console()

    page = kit.get("/updates")
    post = kit.post("/signout", None, {})

    assert (page.status, page.headers["Location"]) == (303, "/dev/console/signin")
    assert post.status == 401


@pytest.mark.parametrize(
    "token",
    [lambda: mint(key=other_key()), lambda: mint(expires=NOW - timedelta(seconds=31))],
    ids=["forged", "expired"],
)
def test_given_a_refused_session_then_the_page_is_401_and_the_cookie_is_cleared(token) -> None:  # type: ignore[no-untyped-def]
    answer = console().get("/updates", token())

    assert answer.status == 401
    assert any(c.startswith("pw_session=;") and "Max-Age=0" in c for c in answer.cookies)


def test_given_a_post_without_or_with_another_sessions_csrf_token_then_it_is_refused() -> None:
    kit = console()
    alice = mint("alice-sub")

    missing = kit.post("/signout", alice, {}, csrf=False)
    foreign = kit.post("/signout", alice, {"csrf": csrf_token(bytes(range(32)), mint("bob-sub"))}, csrf=False)
    valid = kit.post("/signout", alice, {})

    assert (missing.status, foreign.status) == (403, 403)
    assert valid.status == 303
    assert any(c.startswith("pw_session=;") for c in valid.cookies)


def test_given_the_local_form_then_sign_in_needs_its_nonce_and_the_password_and_sets_a_strict_cookie() -> (
    None
):
    kit = console()
    form = kit.get("/signin")
    nonce = form.cookies[0].split("=", 1)[1].split(";", 1)[0]
    from pipewatch.services.console import ConsoleRequest

    def post(fields: dict[str, str], cookie: str) -> object:
        return kit.service.handle(
            ConsoleRequest("POST", "/signin", "/dev/console", "", {}, fields, {"pw_signin": cookie})
        )

    no_nonce = post({"username": "alice", "password": "pw-alice"}, nonce)
    wrong = post({"csrf": nonce, "username": "alice", "password": "nope"}, nonce)
    right = post({"csrf": nonce, "username": "alice", "password": "pw-alice"}, nonce)

    assert no_nonce.status == 403  # type: ignore[attr-defined]
    assert wrong.status == 401  # type: ignore[attr-defined]
    assert right.status == 303  # type: ignore[attr-defined]
    session = next(c for c in right.cookies if c.startswith("pw_session="))  # type: ignore[attr-defined]
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/dev/console"} <= {
        p.strip() for p in session.split(";")
    }


def test_given_the_hosted_ui_then_sign_in_redirects_with_a_pkce_challenge_and_a_state_kept_in_a_cookie() -> (
    None
):
    kit = console(hosted_ui=True)

    answer = kit.get("/signin")

    location = answer.headers["Location"]
    assert answer.status == 303 and "code_challenge=" in location
    state = location.split("state=", 1)[1].split("&", 1)[0]
    assert answer.cookies[0].startswith(f"pw_signin={state}.")
    refused = kit.get("/callback", None, state="forged-state", code="c")
    assert refused.status == 403

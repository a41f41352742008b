"""The analyst's console in a real browser (tests/e2e/browser_kit.py: Debian's headless Chromium driven by
Selenium, axe-core, screenshots): the console served on 127.0.0.1 against a moto stack, signed in through
moto's cognito-idp pool with the console's password form, and the same token checks as on AWS.

An analyst signs in, filters, searches, opens a story, gives feedback, previews and saves a subscription,
pauses and resumes it, exports CSV and signs out. Refused: no cookie (to the sign-in page), a forged and an
expired token (401), another analyst's subscription (403), a POST whose CSRF token was removed (403). Every
page at 390 and 1280 px: axe-core finds no serious or critical violation, and a screenshot is saved under
tests/output/console/ (gitignored)."""

from __future__ import annotations

import gzip
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import jwt
import pytest
from browser_kit import axe_violations, browser, chromium_binary, screenshot
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(
    chromium_binary() is None, reason="no chromium binary on PATH (make browser installs Debian's chromium)"
)
HOSTILE = 'Dazukibart <script>document.title="pwned"</script> <a href="javascript:alert(1)">x</a> \u202eevil'
PAGES = ("updates", "story", "agent", "calendar", "sources", "subscriptions", "subscription", "signin")


@dataclass
class Site:
    url: str
    pool: Any
    cognito: Any
    story_id: str


def _update(n: int, agent: str, title: str, **classification: Any) -> Any:
    from pipewatch.domain.models import Classification, Update

    return Update(
        update_id=f"u-{n:024x}",
        title=title,
        summary=f"Hand-made summary {n} for the console's browser test.",
        url=f"https://news.example/{n}",
        source_id="press-wire",
        source_name="Press wire",
        first_seen=datetime.now(UTC) - timedelta(hours=n * 7),
        sources=("Press wire", "Trade daily"),
        story_urls=(f"https://news.example/{n}", f"https://trade.example/{n}"),
        classification=Classification(
            relevant=True, agents=(agent,), indications=("dermatomyositis",),
            **{"event_type": "results", "severity": "medium", **classification},
        ),
    )  # fmt: skip


@pytest.fixture
def site(local_stack: Any) -> Iterator[Site]:
    import boto3

    from pipewatch.adapters.aws import client
    from pipewatch.adapters.store import Store
    from pipewatch.domain.models import SourceState
    from pipewatch.settings import Settings, get_settings
    from pipewatch_local.console_local import ConsoleServer, add_analyst, console_service, create_pool

    get_settings.cache_clear()
    settings = Settings.from_env()
    store = Store(client("dynamodb", settings), settings.table_name)
    updates = [
        _update(1, "brepocitinib", "Priovant reports VALOR phase 3 results for brepocitinib",
                severity="high"),
        _update(2, "efgartigimod", "argenx files efgartigimod in myositis", event_type="regulatory"),
        _update(3, "dazukibart", HOSTILE),
        _update(4, "efgartigimod", "ADAPT SERON readout for efgartigimod", severity="high"),
        _update(5, "brepocitinib", "Brepocitinib safety update from the open-label extension",
                event_type="safety"),
    ]  # fmt: skip
    for update in updates:
        store.put_update(update)
    now = datetime.now(UTC)
    store.put_source_state(SourceState(source_id="press-wire", last_success=now, items_seen=42))
    store.put_source_state(
        SourceState(source_id="edgar", consecutive_failures=4, failing_since=now - timedelta(hours=5),
                    last_error="HTTP 503 from www.sec.gov", items_seen=7)
    )  # fmt: skip
    cognito = boto3.client("cognito-idp", region_name="us-east-1")
    pool = create_pool(cognito, passwords={"analyst": "Pw-analyst-1", "admin": "Pw-admin-1"})
    add_analyst(cognito, pool, "bob", "Pw-bob-1")
    with ConsoleServer(console_service(settings, cognito, pool)) as server:
        yield Site(server.url, pool, cognito, updates[0].update_id)


def _sign_in(driver: WebDriver, site: Site, user: str, password: str) -> None:
    driver.get(f"{site.url}/signin")
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    _click(driver, "form button[type=submit]")
    _wait_for(driver, "/console/updates")


def _click(driver: WebDriver, css: str) -> None:
    """Click what `css` finds and wait until the page it submits or opens has replaced this one."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(driver, 30).until(lambda _: _replaced(old))


def _replaced(old: WebElement) -> bool:
    """True once `old` left the document. Mid-navigation Chromium may say so with a generic inspector error
    ("Node with given id does not belong to the document") instead of a stale-element error."""
    try:
        old.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise
    return False


def _wait_for(driver: WebDriver, suffix: str) -> None:
    """Until the page after a click has loaded at a URL ending with `suffix`."""
    WebDriverWait(driver, 30).until(lambda d: d.current_url.split("?", 1)[0].endswith(suffix))


def _check(driver: WebDriver, name: str, width: int) -> None:
    serious = axe_violations(driver)
    assert serious == [], [(v["id"], v["help"], len(v["nodes"])) for v in serious]
    screenshot(driver, "console", f"{name}-{width}")


def _moto_token(pool: Any, **claims: Any) -> str:
    """A token signed with moto's own private key (so its signature verifies), with `claims` changed."""
    raw = resources.files("moto.cognitoidp").joinpath("resources", "jwks-private.json.gz").read_bytes()
    key = jwt.PyJWK.from_dict(json.loads(gzip.decompress(raw)))
    now = int(time.time())
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool.pool_id}"
    payload = {"sub": "x", "iss": issuer, "aud": pool.client_id, "token_use": "id",
               "iat": now - 7200, "exp": now - 3600, **claims}  # fmt: skip
    return jwt.encode(payload, key.key, algorithm="RS256", headers={"kid": "dummy"})


def _status(url: str, cookie: str = "", data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


@needs_chromium
def test_given_an_analyst_then_the_console_works_end_to_end_and_refuses_what_it_must(site: Site) -> None:
    with browser(1280) as driver:
        # Refused: no cookie -> the sign-in page; forged and expired tokens -> 401.
        driver.get(f"{site.url}/updates")
        assert driver.current_url.endswith("/console/signin")
        driver.add_cookie(
            {
                "name": "pw_session",
                "value": _moto_token(site.pool, exp=int(time.time()) + 3600)[:-4] + "AAAA",
                "path": "/local/console",
            }
        )
        driver.get(f"{site.url}/updates")
        assert "Please sign in" in driver.find_element(By.TAG_NAME, "h1").text
        driver.add_cookie({"name": "pw_session", "value": _moto_token(site.pool), "path": "/local/console"})
        driver.get(f"{site.url}/updates")
        assert "Please sign in" in driver.find_element(By.TAG_NAME, "h1").text

        _sign_in(driver, site, "analyst", "Pw-analyst-1")
        titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".rows a.title")]
        hostile = next(t for t in titles if t.startswith("Dazukibart"))
        assert len(titles) == 5 and driver.title != "pwned"
        assert '<script>document.title="pwned"</script>' in hostile and "\u202e" not in hostile
        assert not driver.find_elements(By.CSS_SELECTOR, 'a[href^="javascript:"]')

        # Filter, then search.
        Select(driver.find_element(By.NAME, "agent")).select_by_value("brepocitinib")
        _click(driver, "form.filters button[type=submit]")
        titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".rows a.title")]
        assert len(titles) == 2 and all("repocitinib" in t for t in titles)
        Select(driver.find_element(By.NAME, "agent")).select_by_value("")
        search = driver.find_element(By.NAME, "q")
        search.clear()
        search.send_keys("VALOR")
        _click(driver, "form.filters button[type=submit]")
        titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".rows a.title")]
        assert titles == ["Priovant reports VALOR phase 3 results for brepocitinib"]

        # Open the story, give feedback.
        _click(driver, ".rows a.title")
        assert "Every outlet (2)" in driver.page_source
        _click(driver, "button[value=wrong_event_type]")
        assert "you told us wrong event type" in driver.find_element(By.CSS_SELECTOR, "[role=status]").text

        # Subscribe with the preview, then save.
        driver.get(f"{site.url}/subscriptions")
        driver.find_element(By.NAME, "endpoint").send_keys("analyst@example.com")
        Select(driver.find_element(By.NAME, "agents")).select_by_value("efgartigimod")
        _click(driver, "button[value=preview]")
        assert "would have sent you 2 alerts" in driver.page_source
        _click(driver, "button[value=save]")
        assert "Saved." in driver.find_element(By.CSS_SELECTOR, "[role=status]").text
        own = (
            driver.find_element(By.CSS_SELECTOR, "td a[href*='/subscriptions/']").get_attribute("href") or ""
        )

        # Pause it (the list says so), then resume it.
        _click(driver, "form[action$='/pause'] button")
        assert (
            "nothing is sent until you resume it"
            in driver.find_element(By.CSS_SELECTOR, "[role=status]").text
        )
        assert "paused" in [td.text for td in driver.find_elements(By.CSS_SELECTOR, "tbody td")]
        _click(driver, "form[action$='/resume'] button")
        assert "Resumed" in driver.find_element(By.CSS_SELECTOR, "[role=status]").text

        # Export, with the browser's session.
        session = driver.get_cookie("pw_session")
        assert session is not None and session["httpOnly"] and session["secure"]
        status, body = _status(f"{site.url}/updates.csv?agent=efgartigimod", f"pw_session={session['value']}")
        assert status == 200 and body.startswith("first_seen,") and body.count("efgartigimod") >= 2

        # Sign out: the cookie is gone, the pages ask for sign-in again.
        _click(driver, "header form button")
        _wait_for(driver, "/console/signin")
        assert driver.get_cookie("pw_session") is None
        driver.get(f"{site.url}/updates")
        assert driver.current_url.endswith("/console/signin")

        # Another analyst: the first one's subscription is refused; a POST without its CSRF token too.
        _sign_in(driver, site, "bob", "Pw-bob-1")
        driver.get(own)
        assert "Not yours" in driver.find_element(By.TAG_NAME, "h1").text
        driver.get(f"{site.url}/updates")
        driver.execute_script("document.querySelector('header input[name=csrf]').remove()")
        _click(driver, "header form button")
        assert "Refused" in driver.find_element(By.TAG_NAME, "h1").text
        assert driver.get_cookie("pw_session") is not None  # not signed out


@needs_chromium
@pytest.mark.parametrize("width", [390, 1280])
def test_given_each_console_page_then_axe_finds_no_serious_violation_and_it_is_screenshotted(
    site: Site, width: int
) -> None:
    with browser(width) as driver:
        driver.get(f"{site.url}/signin")
        _check(driver, "signin", width)
        _sign_in(driver, site, "admin", "Pw-admin-1")
        driver.get(f"{site.url}/subscriptions")
        driver.find_element(By.NAME, "endpoint").send_keys("admin@example.com")
        _click(driver, "button[value=save]")
        subscription = driver.find_element(By.CSS_SELECTOR, "td a[href*='/subscriptions/']").get_attribute(
            "href"
        )
        pages = {
            "updates": f"{site.url}/updates",
            "story": f"{site.url}/story/{site.story_id}",
            "agent": f"{site.url}/agent/efgartigimod",
            "calendar": f"{site.url}/calendar",
            "sources": f"{site.url}/sources",
            "watchlist": f"{site.url}/watchlist",  # admins only
            "subscriptions": f"{site.url}/subscriptions",
            "subscription": subscription or "",
        }
        for name, url in pages.items():
            driver.get(url)
            assert driver.find_element(By.TAG_NAME, "h1").text
            # the inline stylesheet applied (the CSP allows it by its hash): the header is a flex row
            assert (
                driver.execute_script("return getComputedStyle(document.querySelector('header nav')).display")
                == "flex"
            )
            if width == 390:  # usable on a phone: nothing wider than the viewport
                wide = driver.execute_script(
                    "return [...document.querySelectorAll('body *')]"
                    ".filter(e => e.getBoundingClientRect().right > 391)"
                    ".map(e => e.tagName + '.' + e.className + ' '"
                    " + Math.round(e.getBoundingClientRect().right))"
                )
                assert driver.execute_script("return document.documentElement.scrollWidth") <= 390, (
                    name,
                    wide[:8],
                )
            _check(driver, name, width)
        _click(driver, "button[value=preview]")
        _check(driver, "subscription-preview", width)
        driver.get(f"{site.url}/feed.atom")
        screenshot(driver, "console", f"atom-feed-{width}")
        assert driver.find_element(By.TAG_NAME, "h1").text == "pipewatch console"

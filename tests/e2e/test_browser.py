"""A real browser: Selenium drives Debian's headless Chromium (tests/e2e/browser_kit.py) to the update page
and the feeds from the page function served on 127.0.0.1 (stack in moto), at phone (390 px) and desktop
(1280 px) widths. It checks the visible text, that a hostile headline (`<script>`, a `javascript:` link,
a U+202E override) stays inert text in the DOM the browser built, that axe-core finds no serious or
critical violation on the update page, and saves screenshots under tests/output/browser/ (gitignored).
`make test` installs chromium, chromedriver and axe-core first (`make browser`); the test skips only when
no chromium binary exists at all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from browser_kit import axe_violations, browser, chromium_binary, screenshot
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them
needs_chromium = pytest.mark.skipif(
    chromium_binary() is None, reason="no chromium binary on PATH (make browser installs Debian's chromium)"
)

HOSTILE = (
    'Brepocitinib <script>document.title="pwned"</script> <a href="javascript:alert(1)">click</a> \u202eevil'
)
WIDTHS = (390, 1280)


@pytest.fixture
def site(local_stack: Any) -> Iterator[dict[str, Any]]:
    from pipewatch.adapters.aws import client
    from pipewatch.adapters.store import Store
    from pipewatch.composition import build_link_keys, build_subscription_service
    from pipewatch.domain.models import Classification, Update
    from pipewatch.domain.subscribers.links import SignedLinks
    from pipewatch.settings import Settings, get_settings
    from pipewatch_local.page_server import PageServer

    get_settings.cache_clear()
    settings = Settings.from_env()
    store = Store(client("dynamodb", settings), settings.table_name)
    update = Update(
        update_id="u-" + "e" * 24,
        title=HOSTILE,
        summary="Priovant reported the phase 3 VALOR results in dermatomyositis.",
        url="https://news.example/brepocitinib-valor",
        source_id="press-wire",
        source_name="Press wire",
        first_seen=datetime.now(UTC) - timedelta(minutes=3),
        sources=("Press wire",),
        classification=Classification(
            relevant=True, agents=("brepocitinib",), indications=("dermatomyositis",),
            event_type="results", severity="high",
            reasons=("agent brepocitinib: 'Brepocitinib' in the title",),
        ),
    )  # fmt: skip
    store.put_update(update)
    record = build_subscription_service(settings).subscribe({"endpoint": "browser@example.com"})
    with PageServer() as server:
        links = SignedLinks(
            build_link_keys(settings).get(create=True), server.base_url, clock=lambda: datetime.now(UTC)
        )
        yield {"links": links, "sid": record.subscription_id, "update": update, "server": server}
    get_settings.cache_clear()


@needs_chromium
def test_given_the_update_page_in_chromium_then_text_is_visible_and_the_hostile_headline_is_inert(
    site: dict[str, Any],
) -> None:
    url = site["links"].update_url(site["sid"], site["update"].update_id)
    for width in WIDTHS:
        with browser(width) as driver:
            driver.get(url)
            html = driver.page_source
            # The DOM Chromium built: the headline is text; no script, no javascript: link, no override.
            assert driver.title.startswith('Brepocitinib <script>document.title="pwned"</script>')
            assert driver.find_elements(By.TAG_NAME, "script") == []
            hrefs = [a.get_attribute("href") or "" for a in driver.find_elements(By.TAG_NAME, "a")]
            assert hrefs and not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
            assert '&lt;a href="javascript:alert(1)"&gt;click&lt;/a&gt;' in html
            assert "\u202e" not in html and "pwned</title>" not in html
            text = driver.find_element(By.TAG_NAME, "body").text
            for visible in ("Reported by", "Press wire", "dermatomyositis", "Why you got this",
                            "Not about this drug", "Severity too high", "Atom feed", "Unsubscribe",
                            "VALOR results"):  # fmt: skip
                assert visible in text, (width, visible)
            # The page fits the phone: nothing wider than the viewport.
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width
            violations = axe_violations(driver)
            assert violations == [], [(v["id"], v["impact"], v["help"]) for v in violations]
            shot = screenshot(driver, "browser", f"update_page_{width}px")
            assert shot.stat().st_size > 5000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_chromium
@pytest.mark.parametrize(
    ("fmt", "marker"), [("json", "https://jsonfeed.org/version/1.1"), ("atom", "2005/Atom")]
)
def test_given_a_feed_in_chromium_then_it_shows_its_entries_as_inert_text(
    site: dict[str, Any], fmt: str, marker: str
) -> None:
    url = site["links"].feed_url(site["sid"], fmt)
    for width in WIDTHS:
        with browser(width) as driver:
            driver.get(url)
            html = driver.page_source
            # Chromium shows both feeds as text: the hostile title is text, never an element.
            assert marker in html and "Brepocitinib &" in html
            assert not re.search(r"<script\b", html, re.IGNORECASE)
            assert driver.find_elements(By.TAG_NAME, "script") == []
            shot = screenshot(driver, "browser", f"{fmt}_feed_{width}px")
            assert shot.stat().st_size > 2000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    served = [status for _, path, status in site["server"].requests if "/feed/" in path]
    assert served and set(served) == {200}

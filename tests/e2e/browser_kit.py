"""The browser kit for every browser test: Selenium driving Debian's headless Chromium (/usr/bin/chromium with
/usr/bin/chromedriver, both installed by `make browser`) at the two widths the pages are made for, axe-core
(installed from the npm registry by `make browser` into the gitignored .cache/axe) for accessibility, and
screenshots under tests/output/<folder>/ (gitignored). Nothing here reaches the network: Selenium is given
both binaries, so its driver manager never runs.

    with browser(390) as driver:
        driver.get(url)
        assert axe_violations(driver) == []
        screenshot(driver, "console", "updates-390")
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "output"
# `make browser` installs axe-core here (npm install --prefix .cache/axe axe-core@4); PIPEWATCH_AXE overrides.
AXE = Path(os.environ.get("PIPEWATCH_AXE", ROOT / ".cache/axe/node_modules/axe-core/axe.min.js"))
# Width -> window height: a phone held upright and a laptop screen.
HEIGHTS = {390: 844, 1280: 900}
PAGE_LOAD_SECONDS = 60


def chromium_binary() -> str | None:
    """Debian's Chromium, or None (then the browser tests skip: the one skip condition)."""
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


def chromedriver_binary() -> str:
    found = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
    if not Path(found).exists():
        raise RuntimeError("chromedriver not found: `make browser` installs Debian's chromium-driver")
    return found


@contextmanager
def browser(width: int) -> Iterator[WebDriver]:
    """A headless Chromium WebDriver whose viewport is `width` CSS pixels wide (390 or 1280), with its own
    throw-away profile; quit on exit."""
    if width not in HEIGHTS:
        raise ValueError(f"width {width}: the pages are checked at {sorted(HEIGHTS)} px")
    binary = chromium_binary()
    if binary is None:
        raise RuntimeError("no chromium binary on PATH: `make browser` installs Debian's chromium")
    with tempfile.TemporaryDirectory(prefix="pipewatch-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for argument in (
            "--headless=new",
            "--no-sandbox",  # root in a container: Chromium's sandbox needs user namespaces
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={width},{HEIGHTS[width]}",
        ):
            options.add_argument(argument)
        driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver_binary()))
        try:
            # The window size is the outer size: pin the viewport itself to the width the page is checked at.
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": HEIGHTS[width], "deviceScaleFactor": 1, "mobile": width < 600},
            )
            driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
            driver.set_script_timeout(PAGE_LOAD_SECONDS)
            yield driver
        finally:
            driver.quit()


def axe_violations(
    driver: WebDriver, impacts: Sequence[str] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """axe-core's violations on the open page whose impact is one of `impacts`, each as axe reports it (id,
    impact, help, nodes...). axe.min.js is injected by the test (the pages' CSP does not apply to it)."""
    if not AXE.is_file():
        raise RuntimeError(f"{AXE} is missing: `make browser` installs axe-core from the npm registry")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        "  .then(r => done({violations: r.violations}), e => done({error: String(e)}));"
    )
    if "error" in result:
        raise RuntimeError(f"axe.run failed: {result['error']}")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def screenshot(driver: WebDriver, folder: str, name: str) -> Path:
    """The whole page (beyond the viewport too) as tests/output/<folder>/<name>.png; returns its path."""
    path = OUTPUT / folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path

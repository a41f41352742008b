"""A real browser: Debian's headless Chromium opens the update page and a feed from the page function served
on 127.0.0.1 (stack in moto), at phone (390 px) and desktop (1280 px) widths. It checks the visible text, that
a hostile headline (`<script>`, a `javascript:` link, a U+202E override) stays inert text in the DOM the
browser built, and saves screenshots under tests/output/browser/ (gitignored). `make test` installs
chromium first (`make browser`); the test skips only when no chromium binary exists at all."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "browser"
HOSTILE = (
    'Brepocitinib <script>document.title="pwned"</script> <a href="javascript:alert(1)">click</a> \u202eevil'
)
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary on PATH (make browser installs Debian's chromium)"
)


def _browse(url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # root in a container: Chromium's sandbox needs user namespaces
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
        *args,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


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


def test_given_the_update_page_in_chromium_then_text_is_visible_and_the_hostile_headline_is_inert(
    site: dict[str, Any], tmp_path: Path
) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    url = site["links"].update_url(site["sid"], site["update"].update_id)
    dom = _browse(url, tmp_path, "--dump-dom", "--window-size=390,844")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # The DOM Chromium built: the headline is text, no script element, no javascript: link, no override.
    assert '<title>Brepocitinib &lt;script&gt;document.title="pwned"&lt;/script&gt;' in html
    assert not re.search(r"<script\b", html, re.IGNORECASE)
    # (as text the serialiser writes `&lt;a href="javascript:...`; only a real element would match)
    assert not re.search(r'<a\b[^<>]*href="\s*javascript:', html, re.IGNORECASE)
    assert '&lt;a href="javascript:alert(1)"&gt;click&lt;/a&gt;' in html
    assert "\u202e" not in html and "pwned</title>" not in html
    for visible in ("Reported by", "Press wire", "dermatomyositis", "Why you got this", "Not about this drug",
                    "Severity too high", "Atom feed", "Unsubscribe", "VALOR results"):  # fmt: skip
        assert visible in html, visible
    for name, (width, height) in WIDTHS.items():
        shot = OUTPUT / f"update_page_{name}_{width}px.png"
        shot.unlink(missing_ok=True)
        result = _browse(url, tmp_path, f"--screenshot={shot}", f"--window-size={width},{height}")
        assert result.returncode == 0 and shot.stat().st_size > 5000, (name, result.stderr[-2000:])
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("fmt", "marker"), [("json", "https://jsonfeed.org/version/1.1"), ("atom", "2005/Atom")]
)
def test_given_a_feed_in_chromium_then_it_shows_its_entries_as_inert_text(
    site: dict[str, Any], tmp_path: Path, fmt: str, marker: str
) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    url = site["links"].feed_url(site["sid"], fmt)
    dom = _browse(url, tmp_path, "--dump-dom", "--window-size=1280,900")
    assert dom.returncode == 0, dom.stderr[-2000:]
    # Chromium shows both feeds as text (a <pre>): the hostile title is text, never an element.
    assert marker in dom.stdout and "Brepocitinib &" in dom.stdout
    assert not re.search(r"<script\b", dom.stdout, re.IGNORECASE)
    for name, (width, height) in WIDTHS.items():
        shot = OUTPUT / f"{fmt}_feed_{name}_{width}px.png"
        shot.unlink(missing_ok=True)
        result = _browse(url, tmp_path, f"--screenshot={shot}", f"--window-size={width},{height}")
        assert result.returncode == 0 and shot.stat().st_size > 2000, (name, result.stderr[-2000:])
    served = [status for _, path, status in site["server"].requests if "/feed/" in path]
    assert served and set(served) == {200}

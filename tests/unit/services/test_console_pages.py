"""The console's pages on fakes: hostile text stays inert (autoescaped, invisible controls removed, only
http(s) links), every page carries the strict CSP, feedback is recorded for the signed-in analyst, the
subscription preview lists what the filter would have sent, and ownership holds (another analyst's
subscription answers 403; an admin sees and changes all)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml

from console_kit import BASE, UnavailableConfigStore, console, mint, update
from fakes import subscription_record
from pipewatch.config import packaged_data_path
from pipewatch.services import console_watchlist
from pipewatch.services.config_admin import ConfigAdmin
from pipewatch.services.console_http import CONTENT_SECURITY_POLICY
from pipewatch.services.console_web import WatchlistStatus
from pipewatch.services.ports import ConfigObject, ConfigVersion

ALICE = mint("alice-sub")
BOB = mint("bob-sub")
ADMIN = mint("root-sub", groups=("admins",))
HOSTILE = "<script>alert(1)</script>\u202eevil <img src=x onerror=alert(2)>"


PAGES = ["/updates", "/story/u-000001", "/agent/efgartigimod", "/calendar", "/sources", "/subscriptions"]


@pytest.mark.parametrize("path", PAGES)
def test_given_hostile_text_then_each_page_escapes_it_and_carries_the_csp(path: str) -> None:
    hostile = update(1, title=HOSTILE, summary=HOSTILE, url="javascript:alert(3)", sources=(HOSTILE,))
    kit = console([hostile])

    answer = kit.get(path, ALICE)

    assert answer.status == 200
    assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "<script>" not in answer.body and "<img" not in answer.body and "\u202e" not in answer.body
    assert 'href="javascript:' not in answer.body
    assert "script-src 'none'" in CONTENT_SECURITY_POLICY


def test_given_an_update_then_its_row_has_date_outlets_and_link() -> None:
    kit = console(
        [
            update(
                1, sources=("Reuters", "Endpoints"), story_urls=("https://r.example/1", "https://e.example/1")
            )
        ]
    )

    body = kit.get("/updates", ALICE).body

    assert "2026-12-01 11:00" in body and "2 outlets: Reuters, Endpoints" in body
    assert 'href="/dev/console/story/u-000001"' in body and 'href="https://news.example/1"' in body


def test_given_feedback_then_it_is_recorded_for_the_analyst_and_the_story_thanks_them() -> None:
    kit = console([update(1)])

    answer = kit.post("/story/u-000001/feedback", ALICE, {"label": "wrong_event_type"})

    assert answer.status == 303
    assert [f.subscription_id for f in kit.feedback.stored.values()] == ["console:alice-sub"]
    assert "you told us wrong event type" in kit.get("/story/u-000001", ALICE).body


def test_given_a_filter_then_the_preview_lists_what_it_would_have_sent_in_30_days() -> None:
    kit = console([update(1), update(2, classification={"severity": "high"}), update(3, hours_ago=24 * 40)])

    form = {"endpoint": "alice@example.com", "agents": "efgartigimod", "min_severity": "high"}
    answer = kit.post("/subscriptions", ALICE, {**form, "action": "preview"})

    assert "would have sent you 1 alert:" in answer.body
    assert re.findall(r'/story/(u-\d+)">', answer.body.split("Preview", 1)[1]) == ["u-000002"]
    assert kit.table.records == {}  # a preview saves nothing


def test_given_analysts_then_each_sees_and_changes_only_their_own_subscriptions_and_an_admin_all() -> None:
    kit = console()
    saved = kit.post("/subscriptions", ALICE, {"endpoint": "alice@example.com", "action": "save"})
    sid = next(iter(kit.table.records))
    created = kit.table.records[sid].created_at
    kit.table.records["other"] = subscription_record(
        "carol@example.com", now=created, owner="cognito:carol-sub"
    )

    assert saved.status == 200 and kit.table.records[sid].owner == "cognito:alice-sub"
    assert "alice@example.com" in kit.get("/subscriptions", ALICE).body
    assert "alice@example.com" not in kit.get("/subscriptions", BOB).body
    assert kit.get(f"/subscriptions/{sid}", BOB).status == 403
    assert kit.post(f"/subscriptions/{sid}/delete", BOB, {}).status == 403
    assert kit.post(f"/subscriptions/{sid}", BOB, {"min_severity": "high", "action": "save"}).status == 403
    assert kit.post("/subscriptions", BOB, {"endpoint": "alice@example.com", "action": "save"}).status == 403
    admin_view = kit.get("/subscriptions", ADMIN).body
    assert "alice@example.com" in admin_view and "carol@example.com" in admin_view
    assert kit.post(f"/subscriptions/{sid}/delete", ADMIN, {}).status == 200
    assert sid not in kit.table.records


OWNED_ROUTES = [
    ("GET", "/subscriptions/{sid}"),
    ("POST", "/subscriptions/{sid}"),
    ("POST", "/subscriptions/{sid}/delete"),
    ("POST", "/subscriptions/{sid}/pause"),
    ("POST", "/subscriptions/{sid}/resume"),
]


@pytest.mark.parametrize(("method", "route"), OWNED_ROUTES)
def test_given_one_subscription_route_then_missing_is_404_another_analysts_403_and_an_admin_passes(
    method: str, route: str
) -> None:
    kit = console()
    kit.post("/subscriptions", ALICE, {"endpoint": "alice@example.com", "action": "save"})
    sid = next(iter(kit.table.records))
    form = {"min_severity": "high", "action": "save"}

    def ask(token: str, subscription_id: str) -> tuple[int, str]:
        path = route.format(sid=subscription_id)
        answer = kit.get(path, token) if method == "GET" else kit.post(path, token, form)
        return answer.status, answer.body

    before = kit.table.records[sid]
    missing_status, missing_body = ask(ALICE, "no-such-subscription")
    refused_status, refused_body = ask(BOB, sid)
    after_refusal = kit.table.records.get(sid)
    admin_status, _ = ask(ADMIN, sid)

    assert missing_status == 404 and "<p>There is no such subscription.</p>" in missing_body
    assert refused_status == 403 and "<h1>Not yours</h1>" in refused_body
    assert "<p>This subscription belongs to another analyst.</p>" in refused_body
    assert after_refusal == before
    assert admin_status == 200


def test_given_an_edit_then_the_preferences_change_and_the_endpoint_stays() -> None:
    kit = console()
    kit.post("/subscriptions", ALICE, {"endpoint": "alice@example.com", "action": "save"})
    sid = next(iter(kit.table.records))

    answer = kit.post(f"/subscriptions/{sid}", ALICE, {"event_types": "safety", "min_severity": "high",
                                                       "mode": "digest", "action": "save"})  # fmt: skip

    prefs = kit.table.records[sid].subscription.preferences
    assert answer.status == 200
    assert (prefs.event_types, prefs.min_severity, prefs.mode) == (("safety",), "high", "digest")


def test_given_the_csv_export_then_it_is_an_attachment_with_the_lists_filters() -> None:
    kit = console([update(1), update(2, agent="dazukibart")])

    answer = kit.get("/updates.csv", ALICE, agent="dazukibart")

    assert answer.content_type.startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    text = answer.text()
    assert text.count("u-00000") == 1 and "u-000002" in text


def test_given_the_atom_feed_then_it_names_its_xsl_stylesheet_served_without_sign_in() -> None:
    kit = console([update(1)])

    feed = kit.get("/feed.atom", ALICE)
    stylesheet = kit.get("/feed.xsl")

    assert '<?xml-stylesheet type="text/xsl" href="/dev/console/feed.xsl"?>' in feed.body
    assert stylesheet.status == 200 and "xsl:stylesheet" in stylesheet.body


def test_given_an_unknown_page_or_agent_then_404() -> None:
    kit = console()

    assert kit.get("/nowhere", ALICE).status == 404
    assert kit.get("/agent/aspirin", ALICE).status == 404
    assert kit.get("/story/u-missing", ALICE).status == 404


def test_given_a_page_then_its_inline_stylesheet_is_exactly_what_the_csp_hash_allows() -> None:
    import base64
    import hashlib

    body = console([update(1)]).get("/updates", ALICE).body
    style = body.split("<style>", 1)[1].split("</style>", 1)[0]

    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CONTENT_SECURITY_POLICY


def test_given_pause_and_resume_then_the_list_and_page_say_paused_and_only_the_owner_may() -> None:
    kit = console()
    kit.post("/subscriptions", ALICE, {"endpoint": "alice@example.com", "action": "save"})
    sid = next(iter(kit.table.records))

    assert kit.post(f"/subscriptions/{sid}/pause", BOB, {}).status == 403
    assert kit.post(f"/subscriptions/{sid}/pause", ALICE, {}, csrf=False).status == 403
    assert not kit.table.records[sid].paused
    paused = kit.post(f"/subscriptions/{sid}/pause", ALICE, {})

    assert paused.status == 200 and kit.table.records[sid].paused
    assert "<td>paused</td>" in paused.body and f"/subscriptions/{sid}/resume" in paused.body
    page = kit.get(f"/subscriptions/{sid}", ALICE).body
    assert "· paused" in page and "Resume this subscription" in page
    assert kit.post(f"/subscriptions/{sid}/resume", ALICE, {}).status == 200
    assert not kit.table.records[sid].paused
    assert "<td>active</td>" in kit.get("/subscriptions", ALICE).body


class VersionedConfigStore:
    """A config store in memory (as adapters/config_store.py S3ConfigStore answers): versions v1, v2..."""

    def __init__(self) -> None:
        self.versions: list[tuple[str, ConfigVersion]] = []

    def put(self, key: str, body: str, *, changed_by: str, note: str) -> str:
        version_id = f"v{len(self.versions) + 1}"
        modified = datetime(2026, 12, 1, 9, tzinfo=UTC) + timedelta(hours=len(self.versions))
        self.versions.append((body, ConfigVersion(key, version_id, modified, changed_by, note, latest=False)))
        return version_id

    def current(self, key: str, *, etag: str = "") -> ConfigObject | None:
        return self.version(key, self.versions[-1][1].version_id) if self.versions else None

    def version(self, key: str, version_id: str) -> ConfigObject:
        body = next(b for b, v in self.versions if v.version_id == version_id)
        return ConfigObject(key, body, f"etag-{version_id}", version_id)

    def history(self, key: str) -> list[ConfigVersion]:
        last = len(self.versions) - 1
        newest_first = [replace(v, latest=i == last) for i, (_, v) in enumerate(self.versions)]
        return newest_first[::-1]


def test_given_an_admin_then_the_watchlist_page_shows_the_applied_version_and_each_push() -> None:
    packaged = packaged_data_path("watchlist.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(packaged)
    document["agents"].pop()
    store = VersionedConfigStore()
    store.put("watchlist.yaml", packaged, changed_by="ops@example.com", note="first push")
    store.put("watchlist.yaml", yaml.safe_dump(document), changed_by="lead@example.com", note="drop one")
    status = WatchlistStatus(version="v2", history=ConfigAdmin(store), packaged_text=packaged)
    kit = console(watchlist=status)

    page = kit.get("/watchlist", ADMIN)

    assert page.status == 200 and "Applied by the console now: <strong>v2</strong>" in page.body
    rows = page.body.split("<tbody>", 1)[1].split("</tr>")
    assert "v2</code> <strong>(current)</strong>" in rows[0] and "lead@example.com" in rows[0]
    assert "Change: </span>-1 agent(s)" in rows[0] and "Note: drop one" in rows[0]
    assert "v1</code>" in rows[1] and "2026-12-01 09:00 UTC" in rows[1] and "ops@example.com" in rows[1]
    assert "Change: </span>no change" in rows[1]  # the first push is told against the packaged file
    assert f'href="{BASE}/watchlist"' in kit.get("/updates", ADMIN).body


def test_given_an_analyst_or_no_config_bucket_then_the_watchlist_page_refuses_or_says_packaged() -> None:
    kit = console()

    assert kit.get("/watchlist", ALICE).status == 403
    assert "/watchlist" not in kit.get("/updates", ALICE).body
    page = kit.get("/watchlist", ADMIN).body
    assert "<strong>packaged</strong>" in page and "has no config bucket" in page


class RecordingLogger:
    def __init__(self) -> None:
        self.warnings: list[tuple[str, dict[str, Any]]] = []

    def warning(self, message: str, *, extra: dict[str, Any]) -> None:
        self.warnings.append((message, extra))


def test_given_the_config_bucket_fails_then_the_watchlist_page_is_a_503_saying_so_and_the_rest_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = UnavailableConfigStore()
    status = WatchlistStatus(version="v7", history=ConfigAdmin(store), packaged_text="")
    kit = console([update(1)], watchlist=status)
    log = RecordingLogger()
    monkeypatch.setattr(console_watchlist, "logger", log)

    page = kit.get("/watchlist", ADMIN)

    assert page.status == 503 and store.reads == 1
    assert "The watchlist history is unavailable" in page.body and "<h1>Watchlist</h1>" in page.body
    assert "Applied by the console now: <strong>v7</strong>" in page.body
    assert "Nothing pushed yet" not in page.body  # an unknown history is not an empty one
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    [(message, extra)] = log.warnings
    assert message == "watchlist history unavailable" and extra["source"] == "config store"
    assert extra["error"] == "ConfigStoreUnavailable"
    assert "s3://hand-made-bucket/watchlist.yaml: cannot list versions (AccessDenied)" in extra["reason"]
    assert kit.get("/updates", ADMIN).status == 200 and kit.get("/subscriptions", ADMIN).status == 200
    assert kit.get("/watchlist", ALICE).status == 403


def test_cold9web_given_configuration_read_on_first_use_then_only_pages_with_a_filter_read_it() -> None:
    """Issue 28 (cold9web): the production console gets its vocabulary and watchlist status as functions
    reading the live configuration; a story, the calendar, source health, a feed or an export never calls
    them, the first page with a filter calls the vocabulary's once, the watchlist page the status's."""
    from pipewatch.services.console import Vocabulary

    calls: list[str] = []

    def vocabulary() -> Vocabulary:
        calls.append("vocabulary")
        return Vocabulary(agents=("efgartigimod",), indications=("myasthenia_gravis",), sources=("wire",))

    def status() -> WatchlistStatus:
        calls.append("watchlist")
        return WatchlistStatus(version="v9")

    kit = console([update(1)], vocabulary=vocabulary, watchlist=status)
    for path in ("/story/u-000001", "/calendar", "/sources", "/feed.atom", "/updates.csv"):
        assert kit.get(path, ALICE).status == 200, path
    assert calls == []
    assert '<option value="wire"' in kit.get("/updates", ALICE).body
    assert (
        kit.get("/agent/efgartigimod", ALICE).status == 200 and kit.get("/agent/other", ALICE).status == 404
    )
    assert calls == ["vocabulary"]
    assert "v9" in kit.get("/watchlist", ADMIN).body
    assert calls == ["vocabulary", "watchlist"]

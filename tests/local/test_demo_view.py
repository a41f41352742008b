"""The demo's analyst view on a hand-made result: which watchlist it loaded, a date, its outlets (named as a
reader knows them) and a link on each alert, "watched, nothing new" for a watched agent without news, sources
by name, and the webhook's signatures kept for --verbose."""

from __future__ import annotations

from typing import Any

from pipewatch_local.demo_preflight import DemoWatchlist
from pipewatch_local.demo_view import DemoResult, SubscriberView
from pipewatch_local.demo_webhook import WebhookDemoResult


def _update(update_id: str, agent: str, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "agents": [agent],
        "event_type": "results",
        "severity": "high",
        "indications": ["myositis"],
        "title": title,
        "sources": [o["name"] for o in extra.get("outlets", [])],
        "reasons": [f"agent {agent}: hand-made reason"],
        "part_of": "",
        **extra,
    }


def _result(*, own: bool) -> DemoResult:
    single = _update(
        "u-1",
        "efgartigimod",
        "Hand-made headline about efgartigimod",
        outlets=[{"name": "NeurologyLive", "url": "https://www.neurologylive.com/view/x"}],
        url="https://www.neurologylive.com/view/x",
        when="published 2025-08-25",
        published="2025-08-25",
        first_seen="2026-12-07",
    )
    merged = _update(
        "u-2",
        "efgartigimod",
        "Hand-made headline two outlets wrote",
        outlets=[
            {"name": "MedNous", "url": "https://mednous.com/a"},
            {"name": "SEC EDGAR (argenx Exhibit 99.1)", "url": "https://www.sec.gov/b"},
        ],
        url="https://mednous.com/a",
        when="first seen 2026-12-07 (no publication date given)",
        published="",
        first_seen="2026-12-07",
    )
    analyst = SubscriberView(
        "CI analyst", "email", "ci@example.com", {"delivery": ["instant"]}, shadow=None,  # type: ignore[arg-type]
        messages=[{"update_id": "u-1", "subject": "[HIGH] efgartigimod: results - Hand-made headline",
                   "sms": "", "message": "", "page": ""}],
    )  # fmt: skip
    webhook = WebhookDemoResult("http://127.0.0.1:1/…#abc", "sub-1", {"min_severity": "medium"})
    webhook.received.append(
        {"webhook-id": "msg_1", "webhook-timestamp": "1796658567", "webhook-signature": "v1,c2lnbmF0dXJl",
         "signature_valid": True, "headline": "Hand-made headline about efgartigimod", "body": {}}
    )  # fmt: skip
    watchlist = DemoWatchlist(
        origin="/home/me/my-watchlist.yaml" if own else "functions/pipewatch/data/watchlist.yaml",
        document={},
        agents=("efgartigimod", "dazukibart"),
        indications=("myositis",),
        own=own,
    )
    failed = {"source": "ema-news", "task": "ema-news", "receives": 3, "error": "HTML page"}
    cycle = {"cycle": 1, "sources": 2, "tasks": 2, "deliveries": 3, "batches": 1, "new_updates": 2,
             "not_modified": 0, "merged": 1, "alerts_published": 2, "failed": [failed]}  # fmt: skip
    return DemoResult(
        "pipewatch-demo", [cycle], [single, merged], [analyst], 0, 2,
        webhook=webhook, watchlist=watchlist,
        source_names={"press-wire": "Press wire (recorded headlines)", "ema-news": "EMA news"},
    )  # fmt: skip


def test_given_my_watchlist_then_the_analyst_view_says_which_and_lists_watched_agents_without_news() -> None:
    text = _result(own=True).render_analyst()

    assert (
        "Watchlist: yours, /home/me/my-watchlist.yaml ($PIPEWATCH_WATCHLIST): efgartigimod, dazukibart"
        in text
    )
    assert "(plus remdesivir, added for the demo" in text
    happened = text.split("WHAT HAPPENED, BY DRUG", 1)[1].split("WHO GOT WHAT", 1)[0]
    assert "  dazukibart: watched, nothing new" in happened
    assert "efgartigimod: watched" not in happened  # it has news


def test_given_the_packaged_watchlist_then_the_analyst_view_names_it() -> None:
    text = _result(own=False).render_analyst()

    assert "Watchlist: the packaged one, functions/pipewatch/data/watchlist.yaml: efgartigimod" in text


def test_given_alerts_then_each_has_its_date_its_outlets_by_name_and_a_link() -> None:
    text = _result(own=False).render_analyst()

    assert "        published 2025-08-25; reported by NeurologyLive\n" in text
    assert "        link: https://www.neurologylive.com/view/x\n" in text
    assert (
        "        first seen 2026-12-07 (no publication date given); 2 outlets, one alert: MedNous, "
        "SEC EDGAR (argenx Exhibit 99.1)\n" in text
    )
    assert "        link: https://mednous.com/a\n" in text
    # who got what: each e-mail with the day its story was published
    assert "      - 2025-08-25  [HIGH] efgartigimod: results - Hand-made headline" in text


def test_given_sources_then_they_are_named_as_a_reader_knows_them() -> None:
    text = _result(own=False).render_analyst()

    sources = text.split("SOURCES", 1)[1]
    assert "Polled twice: Press wire (recorded headlines), EMA news." in sources
    assert "  EMA news: broken on purpose in this demo" in sources and "ema-news" not in sources


def test_given_the_webhook_subscriber_then_the_analyst_view_sums_it_up_and_verbose_shows_signatures() -> None:
    result = _result(own=False)

    analyst = result.render_analyst()
    verbose = result.render()

    assert "got 1 signed POSTs; every signature verifies (the signed headers: --verbose)" in analyst
    assert "webhook-signature" not in analyst and "v1,c2lnbmF0dXJl" not in analyst
    assert "webhook-signature: v1,c2lnbmF0dXJl  (verifies: True)" in verbose
    assert "Watchlist: the packaged one" in verbose


def test_given_a_signature_that_does_not_verify_then_the_analyst_view_says_so() -> None:
    result = _result(own=False)
    assert result.webhook is not None
    result.webhook.received[0]["signature_valid"] = False

    assert "got 1 signed POSTs; 1 signatures DO NOT verify" in result.render_analyst()


def test_given_the_result_as_json_then_it_names_the_watchlist_and_the_sources() -> None:
    data = _result(own=True).as_dict()

    assert data["watchlist"] == {
        "origin": "/home/me/my-watchlist.yaml",
        "own": True,
        "agents": ["efgartigimod", "dazukibart"],
    }
    assert data["sources"]["ema-news"] == "EMA news"

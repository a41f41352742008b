"""`pipewatch demo --json` end to end in a subprocess: what each example subscriber received, syndicated
copies merged, the replayed batch adding nothing, the digest retried without a second send, the failing
source, and the deployed path (plan -> poll queue -> poll in batches, failed tasks parked in the DLQ)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import icalendar
import pytest

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "demo", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def _subscriber(demo: dict[str, Any], endpoint: str) -> dict[str, Any]:
    return next(s for s in demo["subscribers"] if s["endpoint"] == endpoint)


def test_given_the_demo_then_the_instant_email_subscriber_gets_every_update_once(
    demo: dict[str, Any],
) -> None:
    analyst = _subscriber(demo, "ci.analyst@example.com")

    assert analyst["mode"] == "instant" and analyst["digests"] == []
    assert sorted(a["update_id"] for a in analyst["alerts"]) == sorted(
        u["update_id"] for u in demo["updates"] if not u["part_of"]
    )
    # the SC review extension reaches the analyst once: the outlet's story, its slip joins it
    joined = [u for u in demo["updates"] if u["part_of"]]
    assert joined and all(u["event_type"] == "catalyst_slip" for u in joined)
    stories = {u["update_id"] for u in demo["updates"]}
    assert all(u["part_of"] in stories for u in joined)


def test_given_the_demo_then_the_sms_subscriber_gets_only_high_severity_in_160_characters(
    demo: dict[str, Any],
) -> None:
    sms = _subscriber(demo, "+15555550123")
    high = sorted(
        u["update_id"]
        for u in demo["updates"]
        # a competitor's news (tier landscape) only reaches subscribers who opted in, as the analyst did
        if u["severity"] == "high" and not u["part_of"] and u["tier"] == "own"
    )

    assert sorted(a["update_id"] for a in sms["alerts"]) == high and high
    assert all(len(a["sms"]) <= 160 for a in sms["alerts"])


def test_given_the_demo_then_the_digest_subscriber_gets_one_digest_and_no_instant_alert(
    demo: dict[str, Any],
) -> None:
    digest = _subscriber(demo, "bd.lead@example.com")
    later = set(demo["calendar"]["projected_update_ids"])  # written by the check the demo runs ahead
    wanted = [
        u
        for u in demo["updates"]
        if set(u["agents"]) & {"brepocitinib", "efgartigimod"}
        and u["severity"] in {"medium", "high"}
        and u["update_id"] not in later
    ]

    assert digest["alerts"] == [] and len(digest["digests"]) == 1
    body = digest["digests"][0]["message"]
    assert all(u["title"][:60] in body for u in wanted)
    assert "remdesivir" not in body.split("Why you got this")[0]
    scheduled, retried = demo["digest_runs"]
    assert len(scheduled["sent"]) == 1 and retried["sent"] == [] and retried["due"] == 0


def test_given_syndicated_copies_then_one_update_lists_their_outlets(demo: dict[str, Any]) -> None:
    stop = next(u for u in demo["updates"] if "UplighTED" in u["title"])

    assert demo["merged_copies"] == 5
    assert len(stop["sources"]) == 4 and "Ophthalmology Times" in stop["sources"]
    assert sum("UplighTED" in u["title"] or "Thyroid Eye" in u["title"] for u in demo["updates"]) == 1
    # the 2023 SC review extension, worded apart by two outlets ("PDUFA date extension", "pushes back
    # decision date"), is one story
    (extension,) = [
        u for u in demo["updates"] if "date extension" in u["title"] or "Pushes Back" in u["title"]
    ]
    assert len(extension["sources"]) == 2


def test_given_the_demo_then_the_replayed_batch_adds_no_alert_and_the_failing_source_is_reported(
    demo: dict[str, Any],
) -> None:
    assert demo["replayed_batch_new_messages"] == 0
    failed = {f["source"] for c in demo["cycles"] for f in c["failed"]}
    assert failed == {"ema-news"}
    instant = len([u for u in demo["updates"] if not u["part_of"]])
    # one publish per update (not for one its story already reported), plus the one digest
    assert demo["topic_publishes"] == instant + 1


def test_given_the_demo_then_polling_ran_through_the_plan_and_the_poll_queue_in_batches(
    demo: dict[str, Any],
) -> None:
    for cycle in demo["cycles"]:
        assert cycle["tasks"] >= cycle["sources"] == 7
        # The failing task is delivered until the redrive policy parks it; every other task once.
        (failure,) = cycle["failed"]
        assert failure["receives"] == 3
        assert cycle["deliveries"] == cycle["tasks"] + failure["receives"] - 1
        assert 1 < cycle["batches"] < cycle["deliveries"]  # SQS batches (BatchSize 4), not one call per task
    first, second = demo["cycles"]
    assert first["not_modified"] == 0 and second["not_modified"] >= 3  # unchanged feeds answer 304
    assert first["merged"] == demo["merged_copies"] and second["merged"] == 0


def test_given_the_demo_then_the_subscribers_were_created_through_the_api(demo: dict[str, Any]) -> None:
    for subscriber in demo["subscribers"]:
        assert subscriber["subscription_id"].startswith("sub-")
        policy = subscriber["filter_policy"]
        if "tier" in policy:  # opted into the landscape: selects by tier, which digests never carry
            assert subscriber["mode"] == "instant" and "delivery" not in policy
            assert policy["tier"] == ["own", "landscape"]
        else:
            assert policy["delivery"] == [subscriber["mode"]]
    assert any("tier" in s["filter_policy"] for s in demo["subscribers"])  # the CI analyst opted in


@pytest.fixture(scope="module")
def analyst_view(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """`pipewatch demo` as a user runs it: the default view, their own digest subscriber, and their own
    watchlist (the packaged one without dazukibart) through $PIPEWATCH_WATCHLIST."""
    import os

    import yaml

    watchlist = yaml.safe_load((ROOT / "functions" / "pipewatch" / "data" / "watchlist.yaml").read_text())
    watchlist["agents"] = [a for a in watchlist["agents"] if a["id"] != "brepocitinib"]
    path = tmp_path_factory.mktemp("watchlist") / "watchlist.yaml"
    path.write_text(yaml.safe_dump(watchlist, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "PIPEWATCH_WATCHLIST": str(path)}
    argv = ["demo", "--subscriber", "me@example.com", "--agent", "efgartigimod", "--digest", "--hour", "9",
            "--timezone", "UTC", "--min-severity", "high"]  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_given_the_default_demo_then_it_opens_with_the_analysts_view_and_no_log_lines(
    analyst_view: subprocess.CompletedProcess[str],
) -> None:
    assert analyst_view.returncode == 0, analyst_view.stderr[-2000:]
    assert analyst_view.stderr == ""  # no Powertools UserWarning, no JSON log line
    lines = analyst_view.stdout.splitlines()
    assert lines[0].startswith("pipewatch demo: a day of drug-pipeline news")
    assert not any(line.lstrip().startswith('{"level"') for line in lines)
    text = analyst_view.stdout
    for section in ("WHAT HAPPENED, BY DRUG", "WHO GOT WHAT", "SOURCES"):
        assert section in text
    # (the digest quoted under "      | " is the product's own e-mail, shown as sent)
    view = "\n".join(line for line in lines if not line.startswith("      | "))
    assert "EMA news: broken on purpose in this demo" in view and "ema-news" not in view
    assert "SNS filter policy" not in text and "deliveries in" not in text  # engine talk is for --verbose
    # the webhook's signed headers are for --verbose: the analyst reads one line about them
    assert "webhook-signature" not in text and "webhook-id" not in text
    assert "signed POSTs; every signature verifies (the signed headers: --verbose)" in text
    # no fixture file names as sources: outlets and registries as a reader knows them
    assert "HANDMADE" not in text and ".xml" not in view and ".json" not in view
    assert "reported by ClinicalTrials.gov" in view and "reported by NeurologyLive" in view


def test_given_the_demo_then_each_alert_has_a_date_and_a_link(
    analyst_view: subprocess.CompletedProcess[str],
) -> None:
    happened = analyst_view.stdout.split("WHAT HAPPENED, BY DRUG", 1)[1].split("WHO GOT WHAT", 1)[0]
    lines = happened.splitlines()
    alerts = [n for n, line in enumerate(lines) if line.startswith("    [")]
    assert len(alerts) >= 5
    for n in alerts:
        when, link = lines[n + 1].strip(), lines[n + 2].strip()
        assert when.startswith(("published 20", "first seen 20")), lines[n]
        assert link.startswith(("link: https://", "link: http://")), lines[n]


def test_given_my_own_subscriber_and_watchlist_then_the_demo_shows_what_i_would_receive(
    analyst_view: subprocess.CompletedProcess[str],
) -> None:
    text = analyst_view.stdout
    mine = text.split("You (--subscriber) <me@example.com>", 1)[1].split("SOURCES", 1)[0]
    assert "wants: efgartigimod; high severity and above; one digest a day at 09:00 UTC" in mine
    assert "got 1 digest: pipewatch digest" in mine
    assert "argenx wins approval for Vyvgart" in mine and "Unsubscribe (one click" in mine
    assert "roivant" not in mine.lower()
    # $PIPEWATCH_WATCHLIST without brepocitinib: no update is about it any more.
    happened = text.split("WHO GOT WHAT", 1)[0]
    assert "  efgartigimod" in happened and "  brepocitinib" not in happened
    # it says which watchlist it loaded (the user's file), and what it watched without news
    (loaded,) = [line for line in text.splitlines() if line.startswith("Watchlist: ")]
    assert loaded.startswith("Watchlist: yours, ") and loaded.endswith(
        "watchlist.yaml ($PIPEWATCH_WATCHLIST): efgartigimod, dazukibart"
    )
    assert "  dazukibart: watched, nothing new" in happened


def test_given_a_subscriber_the_api_refuses_then_the_demo_says_why(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "demo", "--subscriber", "not-an-address"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "pipewatch demo: --subscriber 'not-an-address': expected an email address (name@example.com) "
        "or an E.164 phone number (+15555550123)\n"
    )


def test_given_a_watchlist_the_demo_cannot_use_then_it_names_the_users_file_in_one_line(
    tmp_path: Path,
) -> None:
    import os

    path = tmp_path / "my-watchlist.yaml"  # hand-made: the packaged watchlist with one unknown key
    document = (ROOT / "functions" / "pipewatch" / "data" / "watchlist.yaml").read_text(encoding="utf-8")
    path.write_text(document.replace("agents:\n", "agents:\n- colour: blue\n", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pipewatch.cli", "demo"],
        cwd=ROOT,
        env={**os.environ, "PIPEWATCH_WATCHLIST": str(path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"pipewatch demo: your watchlist ($PIPEWATCH_WATCHLIST) is not valid: {path}: "
    )
    assert "pipewatch-demo-" not in result.stderr  # never the run's temporary copy


def test_given_the_recorded_statements_then_the_calendar_shows_one_slip_and_one_overdue_alert(
    demo: dict[str, Any],
) -> None:
    calendar = demo["calendar"]
    entries = {e["title"]: e for e in calendar["entries"]}
    alkivia = entries["ALKIVIA Phase 3 readout"]
    assert (alkivia["window"], alkivia["state"]) == ("2H 2026", "due")
    decision = entries["efgartigimod regulatory decision"]
    assert (decision["window_start"], decision["state"]) == ("2023-06-20", "overdue")
    # the FDA's extension, reported by Maestro and again by ChemDiv: one slip, made by the first
    (slip,) = [u for u in demo["updates"] if u["event_type"] == "catalyst_slip"]
    assert slip["title"].startswith("efgartigimod regulatory decision: moved to 2023-06-20 (Maestro Database")
    today, ahead = calendar["checks"]
    assert today["updates"] == []  # the 2023 decision was over before the calendar heard of it: no alert
    (overdue,) = ahead["updates"]
    assert overdue["title"] == (
        "ALKIVIA Phase 3 readout guided for 2H 2026: window closed 2026-12-31, no readout seen in 14 days"
    )
    assert calendar["projected_update_ids"] == [overdue["update_id"]]
    sms = _subscriber(demo, "+15555550123")
    assert overdue["update_id"] in [a["update_id"] for a in sms["alerts"]]  # high: it reached the SMS reader
    events = icalendar.Calendar.from_ical(calendar["ics"]).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events)[0].startswith("ALKIVIA Phase 3 readout")
    assert len(events) == len(calendar["entries"]) == 2


def test_given_the_demo_then_anifrolumab_is_pushed_live_and_picked_up_with_no_flood(
    demo: dict[str, Any],
) -> None:
    """Issue 26: the demo's watchlist lives in the stack's config bucket; a push adds anifrolumab, the next
    cycle's poll watches it (its "watched since" mark), nothing from its back catalogue alerts, and each
    drug without news in that cycle reads "watched, nothing new"."""
    push = demo["watchlist_push"]
    assert push["first_version"] and push["pushed_version"] != push["first_version"]
    assert push["change"] == ["agents added: anifrolumab"]
    assert push["picked_up"] is True and push["watched_since"]
    assert push["new_agent_alerts"] == 0
    assert push["news"]["anifrolumab"] == 0 and set(push["news"]) >= {"efgartigimod", "anifrolumab"}

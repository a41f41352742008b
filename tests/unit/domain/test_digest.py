"""Digest content: selection window and preferences, grouping by agent, severity order, formats, empty."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pipewatch.domain.models import Classification, Update
from pipewatch.domain.render.digest import build_digest, group_by_agent, select
from pipewatch.domain.render.messages import SMS_LIMIT, is_gsm7
from pipewatch.domain.subscribers.links import LinkKeys, SignedLinks
from pipewatch.domain.subscribers.subscriptions import Subscription

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=1)


def _update(
    n: int, agents: tuple[str, ...], severity: str, *, hours_ago: float = 1, event: str = "results"
) -> Update:
    return Update(
        update_id=f"u-{n}",
        title=f"Headline number {n} about {agents[0]}",
        url=f"https://example.com/{n}",
        source_id="s",
        source_name="Wire",
        classification=Classification.from_json_dict(
            {"relevant": True, "agents": agents, "event_type": event, "severity": severity}
        ),
        first_seen=NOW - timedelta(hours=hours_ago),
    )


SUB = Subscription.model_validate(
    {
        "endpoint": "bd@example.com",
        "preferences": {
            "mode": "digest",
            "agents": ["brepocitinib", "efgartigimod"],
            "min_severity": "medium",
            "timezone": "Europe/Brussels",
        },
    }
)


def test_given_updates_then_the_digest_selects_the_window_and_the_preferences() -> None:
    updates = [
        _update(1, ("efgartigimod",), "high"),
        _update(2, ("efgartigimod",), "low"),  # below the minimum severity
        _update(3, ("dazukibart",), "high"),  # another agent
        _update(4, ("brepocitinib",), "medium", hours_ago=30),  # before the last digest
        _update(5, ("brepocitinib",), "medium", hours_ago=0),  # at the run time: the next digest's
        _update(6, ("brepocitinib",), "medium"),
    ]

    assert [u.update_id for u in select(SUB, updates, SINCE, NOW)] == ["u-1", "u-6"]


def test_given_several_agents_then_groups_are_ordered_by_severity_then_size() -> None:
    updates = [
        _update(1, ("efgartigimod",), "medium"),
        _update(2, ("brepocitinib",), "medium"),
        _update(3, ("brepocitinib", "efgartigimod"), "high"),
        _update(4, ("efgartigimod",), "high", hours_ago=3),
        _update(5, ("efgartigimod",), "medium", hours_ago=2),
    ]

    groups = group_by_agent(SUB, updates)

    assert [(agent, [u.update_id for u in items]) for agent, items in groups] == [
        ("efgartigimod", ["u-4", "u-5", "u-1"]),
        ("brepocitinib", ["u-3", "u-2"]),
    ]


def test_given_selected_updates_then_email_and_sms_are_well_formed() -> None:
    updates = [
        _update(n, ("efgartigimod",) if n % 2 else ("brepocitinib",), "high" if n < 3 else "medium")
        for n in range(1, 9)
    ]

    digest = build_digest(SUB, updates, digest_date="2026-11-25", since=SINCE, until=NOW)

    assert digest is not None
    assert digest.key == f"{SUB.subscription_id}#2026-11-25"
    assert digest.subject == "pipewatch digest 2026-11-25: 8 updates (2 high)"
    assert "== efgartigimod (4) ==" in digest.email and "== brepocitinib (4) ==" in digest.email
    assert "- [HIGH] results: Headline number 1 about efgartigimod" in digest.email
    # Without signed links the footer speaks to the reader in plain words: no command, no API path.
    assert "your administrator" in digest.email
    assert "pipewatch unsubscribe" not in digest.email and "/subscriptions/" not in digest.email
    assert len(digest.sms) <= SMS_LIMIT and is_gsm7(digest.sms)
    assert digest.sms.startswith("pipewatch digest 2026-11-25: 8 updates, 2 high.")
    assert digest.until == NOW.isoformat()


def test_given_signed_links_then_the_footer_carries_the_subscribers_feeds_calendar_and_unsubscribe() -> None:
    links = SignedLinks(LinkKeys(1, {1: bytes(range(32))}), "https://pw.example/dev", clock=lambda: NOW)
    digest = build_digest(
        SUB,
        [_update(1, ("efgartigimod",), "high")],
        digest_date="2026-11-25",
        since=SINCE,
        until=NOW,
        links=links,
    )

    assert digest is not None
    own = {
        line.split(": ", 1)[0]: line.rsplit(" ", 1)[1]
        for line in digest.email.splitlines()
        if line.startswith(("Your catalyst calendar", "Unsubscribe"))
    }
    calendar = own["Your catalyst calendar (iCalendar; subscribe to it from Outlook or Google Calendar)"]
    assert calendar.startswith("https://pw.example/dev/cal/")
    assert links.verify(calendar.rsplit("/", 1)[1], "calendar").subscription_id == SUB.subscription_id
    assert "Your feeds: Atom https://pw.example/dev/feed/" in digest.email
    assert own["Unsubscribe (one click, takes effect at once)"].startswith("https://pw.example/dev/unsub/")


def test_given_nothing_selected_then_there_is_no_digest() -> None:
    assert build_digest(SUB, [], digest_date="2026-11-25", since=SINCE, until=NOW) is None


def _long(n: int) -> Update:
    update = _update(n, ("efgartigimod",), "high", hours_ago=1 + n / 1000)
    return replace(
        update, title=f"Story {n:04d} " + "efgartigimod long headline words " * 14, summary="x" * 300
    )


def test_given_a_digest_over_one_sns_message_then_it_comes_in_parts_each_under_the_limit_and_none_lost() -> (
    None
):
    import json

    from pipewatch.domain.limits import MESSAGE_BUDGET_BYTES

    updates = [_long(n) for n in range(1000)]
    digest = build_digest(SUB, updates, digest_date="2026-11-25", since=SINCE, until=NOW)

    assert digest is not None and len(digest.all_parts) > 1
    assert digest.email == digest.all_parts[0]
    for index, part in enumerate(digest.all_parts):
        body = json.dumps({"default": part, "sms": digest.sms}, ensure_ascii=False)
        size = len(body.encode()) + len(digest.part_subject(index)) + 200  # + the message attributes
        assert size <= MESSAGE_BUDGET_BYTES
        assert f"(part {index + 1} of {len(digest.all_parts)})" in part
    shown = "\n".join(digest.all_parts)
    assert all(f"Story {n:04d} " in shown for n in range(1000))
    assert digest.omitted == 0
    assert len({digest.part_key(i) for i in range(len(digest.all_parts))}) == len(digest.all_parts)
    assert digest.part_key(0) == digest.key


def test_given_a_digest_past_the_part_cap_then_the_rest_is_named_not_silently_dropped() -> None:
    updates = [_long(n) for n in range(1000)]
    digest = build_digest(SUB, updates, digest_date="2026-11-25", since=SINCE, until=NOW, part_bytes=20_000)

    assert digest is not None and len(digest.all_parts) == 10
    assert digest.omitted > 0
    assert f"... and {digest.omitted} more updates not shown" in digest.all_parts[-1]

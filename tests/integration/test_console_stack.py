"""The console on the template's stack in moto (stack_run.py drives it with a session moto's user pool
issued, as the Hosted UI would, and records its AWS calls for the least-privilege proof): every page
answers (the admins' watchlist page too, with the version the run pushed), a request without a session goes
to sign-in, feedback is recorded, e-mail and webhook subscriptions are created, changed, paused, resumed and
deleted through the subscription service with the analyst as owner."""

from __future__ import annotations

import pytest
from stack_run import StackRun, stack_run


@pytest.fixture(scope="module")
def run() -> StackRun:
    return stack_run()


def test_given_the_console_on_the_stack_then_each_request_answers_as_it_should(run: StackRun) -> None:
    statuses = [(c.method, c.resource.split("?")[0].split("/")[1], c.status) for c in run.console_responses]

    assert statuses[0] == ("GET", "updates", 303)  # no session: to sign-in
    assert statuses[1:] == [
        ("GET", "updates", 200),
        ("GET", "updates", 200),
        ("GET", "agent", 200),
        ("GET", "story", 200),
        ("POST", "story", 303),  # feedback recorded, back to the story
        ("GET", "calendar", 200),
        ("GET", "calendar.csv", 200),
        ("GET", "sources", 200),
        ("GET", "updates.csv", 200),
        ("POST", "subscriptions", 200),
        ("POST", "subscriptions", 200),
        ("GET", "subscriptions", 200),
        ("POST", "subscriptions", 200),  # changed
        ("POST", "subscriptions", 200),  # paused
        ("GET", "subscriptions", 200),
        ("POST", "subscriptions", 200),  # resumed
        ("POST", "subscriptions", 200),  # deleted
        ("GET", "watchlist", 403),  # an analyst
        ("GET", "watchlist", 200),  # an admin
    ]


def test_given_the_console_then_its_pages_show_the_stacks_updates_and_subscriptions(run: StackRun) -> None:
    by_path = {c.resource: str(c.body) for c in run.console_responses}

    assert 'class="title"' in by_path["/updates"]
    assert "Saved." in by_path["/subscriptions"] or "Subscribed." in str(run.console_responses[11].body)
    assert "Webhook signing secret (shown once)" in str(run.console_responses[11].body)
    assert "console-analyst@example.com" in by_path["/subscriptions"]
    assert "Deleted the subscription of" in str(run.console_responses[-3].body)
    assert by_path["/updates.csv?agent=efgartigimod"].startswith("first_seen,")


def test_given_pause_then_sns_holds_the_policy_matching_nothing_and_resume_puts_the_filter_back(
    run: StackRun,
) -> None:
    from pipewatch.domain.subscribers.subscriptions import PAUSED_FILTER_POLICY

    policies = run.console_sns_policies
    assert policies["edited"]["severity_rank"] == [{"numeric": [">=", 2]}]
    assert policies["paused"] == PAUSED_FILTER_POLICY
    assert policies["resumed"] == policies["edited"]
    pause, page, resume = run.console_responses[-6:-3]
    assert "nothing is sent until you resume it" in str(pause.body)
    assert "· paused" in str(page.body) and "Resume this subscription" in str(page.body)
    assert "Resumed the subscription of" in str(resume.body)


def test_given_a_pushed_watchlist_then_the_console_applies_it_and_an_admin_sees_its_history(
    run: StackRun,
) -> None:
    """The console reads the live configuration like the other functions: the watchlist the run pushed
    (adding anifrolumab) is the one its filters offer, and the admins' page names it with who pushed it."""
    updates = str(run.console_responses[1].body)
    assert 'value="anifrolumab"' in updates
    page = str(run.console_responses[-1].body)
    assert f"Applied by the console now: <strong>{run.pushed_version}</strong>" in page
    assert f"{run.pushed_version}</code> <strong>(current)</strong>" in page
    assert "stack-test" in page and "+1 agent(s)" in page and "Note: watch anifrolumab" in page

"""Two pollers race on two outlets' coverage of one event (moto, the real poll service, store and alert
handler): they read the stories at the same moment (a threading.Barrier), both decide "new story", the
story claim lets one store it and sends the other back to read again, and its outlet joins that story.
One story, both outlets on it, one alert.

The headlines and ledes are real (tests/fixtures/labeled/events_dev.jsonl, ED01: the ADAPT topline of
2020-05-26, an English press release and a French newspaper); the feeds and their dates are hand-made.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial
from typing import Any

import pollkit
import pytest
from pollkit import NOW, rfc822, rss

from pipewatch.composition import build_alert_service
from pipewatch.handlers import alert as alert_handler
from pipewatch.observability import CountingMetrics
from pipewatch.settings import Settings
from pipewatch_local.local_stack import StreamPump, add_shadow_subscriber
from pipewatch_local.replay_server import ReplayServer, Route

# https://www.sec.gov/Archives/edgar/data/1697862/000110465920065639/tm2020904d1_ex99-1.htm
PRESS = {
    "title": "argenx Announces Positive Topline Results from Phase 3 ADAPT Trial of Efgartigimod in Patients "
    "with Generalized Myasthenia Gravis",
    "description": "argenx (Euronext & Nasdaq: ARGX) ... today announced positive topline data from the "
    "pivotal ADAPT trial of efgartigimod.",
    "link": "https://www.sec.gov/Archives/edgar/data/1697862/000110465920065639/tm2020904d1_ex99-1.htm",
}
# https://www.lecho.be/dossier/biotechs/succes-pour-un-essai-clinique-cle-d-argenx/10229169.html
ECHO = {
    "title": "Succès pour un essai clinique clé d'Argenx, l'action bondit en bourse",
    "description": "Les principaux résultats d'un essai clinique de phase III testant l'efgartigimod dans le "
    "traitement de la myasthénie grave se sont révélés positifs. Une demande de mise sur le marché va être "
    "introduite aux États-Unis.",
    "link": "https://www.lecho.be/dossier/biotechs/succes-pour-un-essai-clinique-cle-d-argenx/10229169.html",
}


@pytest.fixture
def server(local_stack: Any) -> Any:
    with ReplayServer() as replay:
        yield replay


def _racing(service: Any, barrier: threading.Barrier, transaction: threading.Lock) -> None:
    """The first read of the stories waits for the other poller's: both decide before either writes.
    DynamoDB serialises conflicting transactions; moto in-process does not across threads, so each
    conditional write holds a lock (the conditions themselves are moto's)."""
    store = service._store
    read, put = store.updates_between, store.put_claimed_update
    first = [True]

    def updates_between(*window: Any) -> Any:
        stories = read(*window)
        if first.pop() if first else False:
            barrier.wait()
        return stories

    def put_claimed_update(*args: Any) -> Any:
        with transaction:
            return put(*args)

    store.updates_between = updates_between
    store.put_claimed_update = put_claimed_update


def test_given_two_pollers_racing_on_two_outlets_of_one_event_then_one_story_and_one_alert(
    server: Any,
) -> None:
    when = rfc822(NOW - timedelta(hours=1))
    server.routes["/press.xml"] = Route(rss([{**PRESS, "pubDate": when}]), "text/xml")
    server.routes["/echo.xml"] = Route(rss([{**ECHO, "pubDate": when}]), "text/xml")
    metrics = CountingMetrics()
    pollers = [
        pollkit.build([pollkit.feed_source(server.base_url, "press", "/press.xml")], metrics=metrics),
        pollkit.build([pollkit.feed_source(server.base_url, "echo", "/echo.xml")], metrics=metrics),
    ]
    barrier, transaction = threading.Barrier(2, timeout=60), threading.Lock()
    for service in pollers:
        _racing(service, barrier, transaction)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def run(service: Any) -> None:
        try:
            reports.append(service.poll())
        except BaseException as exc:  # handed to the main thread: a failure in a thread fails the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(service,)) for service in pollers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == [] and len(reports) == 2
    assert metrics.total("StoryClaimConflicts") == 1  # both decided "new story": the claim told one apart
    assert sorted(len(r.new_updates) for r in reports) == [0, 1]
    assert sum(o.merged for r in reports for o in r.outcomes) == 1
    (story,) = pollkit.store().scan_updates()
    assert set(story.sources) == {"press", "echo"}
    assert story.story_urls in ((PRESS["link"],), (ECHO["link"],))  # the other outlet's link
    assert {story.url, *story.story_urls} == {PRESS["link"], ECHO["link"]}

    settings = Settings.from_env()
    pump = StreamPump(
        settings.table_name,
        partial(alert_handler.handler, service=build_alert_service(settings)),
        function_name="alert",
        filters=[{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["update"]}}}}],
    )
    inbox = add_shadow_subscriber(settings.topic_arn, "all", None)
    pump.pump()

    assert [m["MessageAttributes"]["update_id"]["Value"] for m in inbox.received()] == [story.update_id]

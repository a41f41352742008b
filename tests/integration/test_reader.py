"""Reader routes on the stack in moto (template.yaml created by CloudFormation, the page handler called with
API Gateway REST events): the page, feedback, feeds, the catalyst calendar and unsubscribe, each signed;
refused when altered, expired, unsigned or revoked; feedback stored once and exported in the dev-set
format."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import pytest

from fakes import altered_token
from pipewatch.adapters.aws import client
from pipewatch.adapters.catalyst_store import CatalystStore
from pipewatch.adapters.feedback import FeedbackTable
from pipewatch.adapters.short_links import ShortLinkTable
from pipewatch.adapters.store import Store
from pipewatch.composition import build_link_keys, build_reader_service, build_subscription_service
from pipewatch.domain.catalysts.calendar import CalendarEntry
from pipewatch.domain.models import Classification, TrialChange, Update
from pipewatch.domain.render.page import CONTENT_SECURITY_POLICY
from pipewatch.domain.subscribers.feedback import dev_row
from pipewatch.domain.subscribers.links import ANY_READER, SignedLinks
from pipewatch.domain.subscribers.short_links import ShortLink
from pipewatch.handlers import page
from pipewatch.settings import Settings, get_settings
from pipewatch_local.local_stack import LambdaContext, api_gateway_event

FIXTURES_LABELED = Path(__file__).resolve().parents[1] / "fixtures" / "labeled"
HOSTILE = 'Brepocitinib <script>alert(1)</script> <a href="javascript:alert(2)">x</a> \u202eevil'


def _update(update_id: str, title: str, minutes: int, **extra: Any) -> Update:
    return Update(
        update_id=update_id,
        title=title,
        url=f"https://news.example/{update_id}?x=1",
        source_id="press-wire",
        source_name="Press wire",
        first_seen=datetime.now(UTC) - timedelta(minutes=minutes),
        sources=("Press wire",),
        classification=Classification(
            relevant=True,
            agents=("brepocitinib",),
            indications=("dermatomyositis",),
            event_type="results",
            severity="high",
            reasons=("agent brepocitinib: 'brepocitinib' in the title",),
        ),
        **extra,
    )


def _catalyst(agent: str) -> CalendarEntry:
    # HAND-MADE: a readout guided for 2H of next year.
    year = datetime.now(UTC).year + 1
    return CalendarEntry(
        **{
            "catalyst_id": f"c-{agent}-readout",
            "agent": agent,
            "kind": "readout",
            "drug": agent,
            "window_start": date(year, 7, 1),
            "window_end": date(year, 12, 31),
            "precision": "half",
            "sentences": (f"{agent} topline data expected in the second half of {year}.",),
            "stated_on": datetime.now(UTC).date(),
            "first_seen": datetime.now(UTC),
            "last_confirmed": datetime.now(UTC),
        }
    )


@pytest.fixture
def reader(local_stack: Any) -> Iterator[dict[str, Any]]:
    get_settings.cache_clear()
    settings = Settings.from_env()
    ddb = client("dynamodb", settings)
    store = Store(ddb, settings.table_name)
    main = _update("u-" + "1" * 24, HOSTILE, 5)
    older = _update("u-" + "2" * 24, "Priovant doses first patient in VALOR extension", 60 * 24)
    trial = _update(
        "t-" + "3" * 24,
        "VALOR status",
        30,
        change=TrialChange(
            nct_id="NCT05437263", acronym="VALOR", field="overall_status", old="RECRUITING",
            new="ACTIVE_NOT_RECRUITING", event_type="trial_status", severity="medium",
            summary="VALOR (NCT05437263): status Recruiting -> Active, not recruiting",
        ),
    )  # fmt: skip
    for u in (main, older, trial):
        store.put_update(u)
    store.merge_source(
        main.update_id,
        replace(
            main, url="https://other.example/copy", update_id="u-" + "4" * 24, sources=("Second outlet",)
        ),
    )
    calendar = CatalystStore(ddb, settings.table_name)
    for agent in ("brepocitinib", "efgartigimod"):
        assert calendar.save(_catalyst(agent), None)
    subs = build_subscription_service(settings)
    record = subs.subscribe({"endpoint": "reader@example.com", "preferences": {"agents": ["brepocitinib"]}})
    keys = build_link_keys(settings)
    links = SignedLinks(keys.get(create=True), settings.site_url, clock=lambda: datetime.now(UTC))
    yield {
        "settings": settings,
        "links": links,
        "sid": record.subscription_id,
        "main": main,
        "trial": trial,
        "keys": keys,
        "page": _page_function(settings),
    }
    get_settings.cache_clear()


def _page_function(settings: Settings) -> Any:
    """The page handler as a fresh container runs it (its reader service reads the link keys anew)."""
    return partial(page.handler, service=build_reader_service(settings))


def _call(
    reader: dict[str, Any], method: str, route: str, token: str, form: dict[str, str] | None = None
) -> dict[str, Any]:
    event = api_gateway_event(method, f"/{route}/{{token}}", path_parameters={"token": token}, form=form)
    answer: dict[str, Any] = reader["page"](event, LambdaContext("page"))
    # Powertools answers REST events with multiValueHeaders; one value each here.
    answer["headers"] = {k: v[-1] for k, v in (answer.get("multiValueHeaders") or {}).items()}
    return answer


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_given_a_signed_page_link_then_the_page_shows_the_update_escaped_under_a_strict_csp(
    reader: dict[str, Any],
) -> None:
    links, main, sid = reader["links"], reader["main"], reader["sid"]
    answer = _call(reader, "GET", "u", _token(links.update_url(sid, main.update_id)))

    assert answer["statusCode"] == 200
    headers = answer["headers"]
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in CONTENT_SECURITY_POLICY and "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert headers["Referrer-Policy"] == "no-referrer"
    body = answer["body"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script" not in body
    assert 'href="javascript:' not in body and "\u202e" not in body
    # Every outlet with its link, the reasons, indications and the recent update of the same agent.
    assert 'href="https://news.example/u-111111111111111111111111?x=1"' in body
    assert 'href="https://other.example/copy"' in body and "Second outlet" in body
    assert "dermatomyositis" in body and "in the title" in body
    assert "Priovant doses first patient in VALOR extension" in body
    assert "VALOR (NCT05437263): status Recruiting -&gt; Active, not recruiting" in body
    # A subscriber's own link shows its feeds and unsubscribe; a topic-wide link shows neither.
    assert "../feed/" in body and "../unsub/" in body
    shared = _call(reader, "GET", "u", _token(links.update_url(ANY_READER, main.update_id)))["body"]
    assert "../feed/" not in shared and "../unsub/" not in shared and "Tell us if it was wrong" in shared


def test_given_a_trial_change_then_the_page_says_old_to_new(reader: dict[str, Any]) -> None:
    links, trial = reader["links"], reader["trial"]
    body = _call(reader, "GET", "u", _token(links.update_url(ANY_READER, trial.update_id)))["body"]
    assert "overall_status: RECRUITING &rarr; ACTIVE_NOT_RECRUITING" in body


def test_given_altered_unsigned_expired_or_misused_links_then_each_is_refused(reader: dict[str, Any]) -> None:
    links, main, sid = reader["links"], reader["main"], reader["sid"]
    good = links.sign("page", sid, update_id=main.update_id)
    expired = links.sign("page", sid, update_id=main.update_id, expires=datetime.now(UTC) - timedelta(1))

    assert _call(reader, "GET", "u", altered_token(good))["statusCode"] == 403
    assert _call(reader, "GET", "u", main.update_id)["statusCode"] == 403  # the old unsigned /u/<update id>
    assert _call(reader, "GET", "u", expired)["statusCode"] == 410
    assert _call(reader, "GET", "feed", good)["statusCode"] == 403  # a page token is not a feed token
    assert _call(reader, "POST", "unsub", good)["statusCode"] == 403
    refused = _call(reader, "GET", "u", altered_token(good))
    assert "not valid" in refused["body"] and main.title[:12] not in refused["body"]


def test_given_feedback_clicked_twice_then_it_is_stored_once_and_exported_as_a_dev_row(
    reader: dict[str, Any],
) -> None:
    links, main, sid, settings = reader["links"], reader["main"], reader["sid"], reader["settings"]
    token = links.feedback_token(sid, main.update_id)
    first = _call(reader, "POST", "fb", token, form={"label": "severity_too_high"})
    again = _call(reader, "POST", "fb", token, form={"label": "severity_too_high"})
    bogus = _call(reader, "POST", "fb", token, form={"label": "<script>"})

    assert first["statusCode"] == again["statusCode"] == 303
    assert first["headers"]["Location"].startswith("../u/")
    assert bogus["statusCode"] == 400
    stored = FeedbackTable(client("dynamodb", settings), settings.table_name).all()
    assert [(f.update_id, f.subscription_id, f.label) for f in stored] == [
        (main.update_id, sid, "severity_too_high")
    ]
    row = dev_row(stored[0])
    assert set(row) >= {"id", "published", "source", "title", "url", "summary", "label"}
    assert row["label"] == {"relevant": True, "agents": ["brepocitinib"], "severity": ["medium", "low"]}
    assert row["url"] == main.url and row["source"] == "Press wire"
    # The page now thanks the reader (and the redirect's fresh page token is valid).
    thanked = _call(reader, "GET", "u", first["headers"]["Location"].rsplit("/", 1)[1])["body"]
    assert "you told us" in thanked and "severity too high" in thanked


def test_given_a_feed_link_then_atom_and_json_feeds_list_the_subscriptions_updates(
    reader: dict[str, Any],
) -> None:
    links, sid, main = reader["links"], reader["sid"], reader["main"]
    atom = _call(reader, "GET", "feed", _token(links.feed_url(sid, "atom")))
    assert atom["statusCode"] == 200 and atom["headers"]["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(atom["body"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id and parsed.feed.title and parsed.feed.updated
    assert len(parsed.entries) == 3
    entry = next(e for e in parsed.entries if e.id.endswith(main.update_id))
    assert entry.title.startswith("Brepocitinib <script>") and entry.updated
    assert entry.link.startswith("https://local.execute-api.us-east-1.amazonaws.com/dev/u/")

    feed = json.loads(_call(reader, "GET", "feed", _token(links.feed_url(sid, "json")))["body"])
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    assert all(item["id"] and ("content_text" in item or "content_html" in item) for item in feed["items"])
    # An entry's page link is this subscriber's signed page.
    page_token = _token(feed["items"][0]["url"])
    assert links.verify(page_token, "page").subscription_id == sid


def test_given_the_unsubscribe_link_then_get_asks_and_post_removes_the_subscription(
    reader: dict[str, Any],
) -> None:
    links, sid, settings = reader["links"], reader["sid"], reader["settings"]
    token = _token(links.unsubscribe_url(sid))
    asked = _call(reader, "GET", "unsub", token)
    assert asked["statusCode"] == 200 and 'method="post"' in asked["body"]
    subs = build_subscription_service(settings)
    assert [r.subscription_id for r in subs.list()] == [sid]  # a GET (a link scanner) changes nothing

    done = _call(reader, "POST", "unsub", token)
    assert done["statusCode"] == 200 and "Unsubscribed" in done["body"]
    assert subs.list() == []
    sns = client("sns", settings)
    left = sns.list_subscriptions_by_topic(TopicArn=settings.topic_arn)["Subscriptions"]
    # Only the stack's own delivery queue stays subscribed; no subscriber's SNS subscription is left.
    assert [s["Protocol"] for s in left] == ["sqs"] and "DeliveryQueue" in left[0]["Endpoint"]
    assert _call(reader, "GET", "feed", _token(links.feed_url(sid, "atom")))["statusCode"] == 410
    assert _call(reader, "GET", "cal", _token(links.calendar_url(sid)))["statusCode"] == 410


def test_given_the_calendar_link_then_it_serves_the_subscriptions_catalysts_as_icalendar(
    reader: dict[str, Any],
) -> None:
    links, sid, main = reader["links"], reader["sid"], reader["main"]
    # The link a subscriber finds at the foot of its own page.
    body = _call(reader, "GET", "u", _token(links.update_url(sid, main.update_id)))["body"]
    token = re.findall(r'href="../cal/([A-Za-z0-9_-]+)"', body)[0]

    first, again = _call(reader, "GET", "cal", token), _call(reader, "GET", "cal", token)

    assert first["statusCode"] == 200
    assert first["headers"]["Content-Type"] == "text/calendar; charset=utf-8"
    assert first["headers"]["Cache-Control"] == "private, max-age=3600"
    assert first["headers"]["Content-Disposition"] == 'attachment; filename="pipewatch-catalysts.ics"'
    events = list(icalendar.Calendar.from_ical(first["body"]).walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == ["c-brepocitinib-readout@pipewatch.catalysts"]  # its agent only
    assert str(events[0]["SUMMARY"]) == f"brepocitinib readout (2H {datetime.now(UTC).year + 1})"
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(again["body"]).walk("VEVENT")] == [
        str(e["UID"]) for e in events
    ]
    # Refused like every other route: a feed token, an altered token, a calendar token elsewhere.
    assert _call(reader, "GET", "cal", _token(links.feed_url(sid, "atom")))["statusCode"] == 403
    assert _call(reader, "GET", "cal", altered_token(token))["statusCode"] == 403
    assert _call(reader, "GET", "feed", token)["statusCode"] == 403


def test_given_the_local_page_server_then_it_serves_the_calendar_route(reader: dict[str, Any]) -> None:
    from urllib.request import urlopen

    from pipewatch_local.page_server import PageServer

    with PageServer() as server:
        url = f"{server.base_url}/cal/{_token(reader['links'].calendar_url(reader['sid']))}"
        with urlopen(url, timeout=30) as answer:  # 127.0.0.1: the server above
            assert answer.status == 200
            assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
            assert b"BEGIN:VEVENT" in answer.read()


def test_given_the_local_page_server_then_an_sms_short_link_leads_to_the_page(reader: dict[str, Any]) -> None:
    from urllib.request import urlopen

    from pipewatch_local.page_server import PageServer

    settings, main = reader["settings"], reader["main"]
    short = reader["links"].short_link(main.update_id)
    assert ShortLinkTable(client("dynamodb", settings), settings.table_name).put(short)
    server = PageServer()
    # urlopen follows the 302 to the signed page the same server serves (127.0.0.1).
    with server, urlopen(f"{server.base_url}/s/{short.code}", timeout=30) as answer:
        assert answer.status == 200 and "/dev/u/" in answer.url
        assert b"Second outlet" in answer.read()
    assert [status for _, _, status in server.requests] == [302, 200]


def test_given_two_rotations_then_links_signed_before_are_revoked(reader: dict[str, Any]) -> None:
    links, main, keys = reader["links"], reader["main"], reader["keys"]
    token = links.sign("page", ANY_READER, update_id=main.update_id)
    keys.rotate()
    reader["page"] = _page_function(reader["settings"])
    assert _call(reader, "GET", "u", token)["statusCode"] == 200  # the previous key still verifies
    keys.rotate()
    reader["page"] = _page_function(reader["settings"])
    assert _call(reader, "GET", "u", token)["statusCode"] == 403


def test_given_the_stored_key_item_then_it_holds_only_kms_ciphertext(reader: dict[str, Any]) -> None:
    settings, keys = reader["settings"], reader["keys"]
    item = client("dynamodb", settings).get_item(
        TableName=settings.table_name, Key={"pk": {"S": "LINKKEY#signing"}, "sk": {"S": "LINKKEY"}}
    )["Item"]
    plaintext = keys.get().current
    assert plaintext not in item["current_blob"]["B"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", _token(reader["links"].unsubscribe_url(reader["sid"])))


def test_given_answers_on_the_stack_then_feedback_export_writes_dev_rows_and_report_summarises(
    reader: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    from pipewatch.cli import main

    links, main_update, trial, sid = reader["links"], reader["main"], reader["trial"], reader["sid"]
    _call(
        reader,
        "POST",
        "fb",
        links.feedback_token(sid, main_update.update_id),
        form={"label": "not_about_drug"},
    )
    _call(
        reader,
        "POST",
        "fb",
        links.feedback_token(ANY_READER, trial.update_id),
        form={"label": "wrong_event_type"},
    )
    out = tmp_path / "labelled.jsonl"

    assert main(["feedback", "export", "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    dev_keys = set(json.loads((FIXTURES_LABELED / "headlines_dev.jsonl").read_text().splitlines()[0]))
    assert len(rows) == 2 and all(dev_keys <= set(r) for r in rows)
    by_label = {r["reader_feedback"]: r for r in rows}
    assert by_label["not_about_drug"]["label"] == {"relevant": False, "agents": []}
    assert by_label["wrong_event_type"]["title"].startswith("VALOR (NCT05437263)")

    capsys.readouterr()
    assert main(["feedback", "report"]) == 0
    report = capsys.readouterr().out
    assert "2 answers on 2 updates" in report and "brepocitinib" in report and "Press wire" in report


def test_given_links_rotate_revoke_then_earlier_links_are_refused(
    reader: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from pipewatch.cli import main

    links, main_update = reader["links"], reader["main"]
    token = links.sign("page", ANY_READER, update_id=main_update.update_id)
    assert main(["links", "rotate", "--revoke"]) == 0
    assert "every earlier link is now refused" in capsys.readouterr().out
    reader["page"] = _page_function(reader["settings"])
    assert _call(reader, "GET", "u", token)["statusCode"] == 403


def test_given_an_sms_short_code_stored_by_the_adapter_then_the_page_function_redirects_to_the_page(
    reader: dict[str, Any],
) -> None:
    """The short-link item round trip on the table: written once (a retry re-writes the same update, another
    update cannot take the code), read by GET /s/{code}, which answers 302 to the signed page or 404."""
    settings, links, main = reader["settings"], reader["links"], reader["main"]
    table = ShortLinkTable(client("dynamodb", settings), settings.table_name)
    short = links.short_link(main.update_id)

    assert table.put(short) and table.put(short)  # the alert's retry
    assert not table.put(ShortLink(short.code, reader["trial"].update_id, short.expires))
    assert table.get(short.code) == ShortLink(
        short.code, main.update_id, short.expires.replace(microsecond=0), short.key_id
    )
    assert table.get("Zq4k7TnP2x") is None

    event = api_gateway_event("GET", "/s/{code}", path_parameters={"code": short.code})
    answer = reader["page"](event, LambdaContext("page"))
    location = {k: v[-1] for k, v in answer["multiValueHeaders"].items()}["Location"]
    assert answer["statusCode"] == 302
    assert location.startswith("https://local.execute-api.us-east-1.amazonaws.com/dev/u/")
    opened = _call(reader, "GET", "u", _token(location))
    assert opened["statusCode"] == 200 and "Second outlet" in opened["body"]

    unknown = api_gateway_event("GET", "/s/{code}", path_parameters={"code": "Zq4k7TnP2x"})
    assert reader["page"](unknown, LambdaContext("page"))["statusCode"] == 404

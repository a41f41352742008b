"""One event, one alert (issue 22): real coverage of real events replayed through the whole pipeline.

The rows of tests/fixtures/labeled/events_dev.jsonl (real headlines of 10 efgartigimod events, 3-7 outlets
each, and 12 real distractors about the same drug) are served as one RSS feed per outlet (`source`) on
127.0.0.1, configured as sources of the real poll service (real HTTP fetcher, feed parser and classifier with
the packaged watchlist and taxonomy, real store in moto). Items become visible in their feed at their
publication time; the poll service's clock follows the replay: one poll cycle (every feed, once) per quarter
hour in which something was published, as the 15-minute news schedule would see it, and a last one six hours
after the last item. So late outlets arrive after the first alert, and real old dates never fall outside the
alert horizon by construction. After each cycle the table stream is pumped through the real alert handler
(with the template's stream filter) and every message published on the topic is counted per update id.

Publication times (all UTC, deterministic):
- a `published` that is a full day: that day at 08:00 plus 15 minutes per row listed before it in its event
  (the file lists each event's own press release first: rows of one day keep that order);
- inferred (`~`), unknown (null) or not a full day ("2023-07"): the event_date at 10:00 plus 0-23 hours (a
  fixed offset per outlet), so such outlets arrive the day of the event or the next morning;
- a distractor: moved next to the event it sits beside (the shared README allows it; real gaps are weeks to
  months): that event's event_date + 1 day when real_gap_days >= 0 or null, - 1 day when negative, at
  08:00 plus 0-105 minutes (a fixed offset per outlet).

Each row's item is then traced in the table: stored (it is a story's own URL), merged (another story lists its
URL, or its alias points there), seen (remembered as old news, no alert), not relevant (the classifier says
so), else lost. A story's first alert counts for the event (or distractor) whose row started the story; a
later alert of the story (an "update:" escalation, stored under its own id naming the story) for each one
whose row had arrived by then; an alert for an update no row is on (a calendar slip) is counted apart.
Printed per event:
alerts, outlets on its story / outlets served, the first alert's severity (and event type) against the labels,
and the stories it split into when more than one; per distractor: alerts and any merge with an event; then

    events N, exactly-one E, extra alerts X, missed M, distractors merged wrongly D, severity right S/N

for all rows and per half ("tuning" when sha256(event_id)[0] is even, else "checking"; a distractor goes with
its event). extra alerts = sum over events of max(0, alerts - 1); missed = events with no alert; D =
distractor rows merged into a story an event's row started plus event rows merged into a story a distractor
started.

Run: .venv/bin/python bench/events.py [--data PATH]   (only 127.0.0.1 is contacted; about a minute or two)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from _devset import LABELED, load_devset
from _events_score import Replay, Row, SentAlert, Story, half, report, score

__all__ = ["Replay", "Row", "half", "plan_rows", "replay", "report", "score"]

DEFAULT_DATA = LABELED / "events_dev.jsonl"
QUARTER = timedelta(minutes=15)
LAST_CYCLE_AFTER = timedelta(hours=6)
_FULL_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"[^a-z0-9]+")
BENCH_ENV = {
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "CRITICAL",
}  # fmt: skip


# -- the replay plan: rows, feeds, times ----------------------------------------------------------------


def _outlet_number(source: str) -> int:
    return hashlib.sha256(source.encode()).digest()[0]


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def replay_time(raw: dict[str, Any], event_dates: dict[str, str], position: int) -> datetime:
    """When the row's item becomes visible in its feed (see the module docstring); `position` is the row's
    place among its event's rows in the file."""
    n = _outlet_number(str(raw["source"]))
    if raw["kind"] == "distractor":
        gap = raw.get("real_gap_days")
        shift = timedelta(days=-1 if gap is not None and gap < 0 else 1)
        return _day(event_dates[raw["distractor_for"]]) + shift + timedelta(hours=8, minutes=15 * (n % 8))
    published = raw.get("published")
    if isinstance(published, str) and _FULL_DAY.match(published):
        return _day(published) + timedelta(hours=8) + QUARTER * position
    return _day(str(raw["event_date"])) + timedelta(hours=10 + n % 24)


def plan_rows(raw_rows: list[dict[str, Any]]) -> list[Row]:
    """The rows in replay order (publication time, then file order), each with its outlet's feed id."""
    event_dates = {str(r["event_id"]): str(r["event_date"]) for r in raw_rows if r["kind"] == "event"}
    feeds: dict[str, str] = {}
    counts: dict[str, int] = {}
    rows = []
    for raw in raw_rows:
        source = str(raw["source"])
        if source not in feeds:
            slug = _SLUG.sub("-", source.lower()).strip("-")[:48] or "outlet"
            feeds[source] = slug if slug not in feeds.values() else f"{slug}-{len(feeds)}"
        event_id = str(raw["event_id"])
        counts[event_id] = counts.get(event_id, 0) + 1
        rows.append(
            Row(
                key=f"{event_id}/{counts[event_id]}",
                event_id=event_id,
                kind=str(raw["kind"]),
                group=str(raw.get("distractor_for") or event_id),
                source=source,
                feed=feeds[source],
                title=str(raw["title"]),
                summary=str(raw.get("summary") or ""),
                url=str(raw["url"]),
                at=replay_time(raw, event_dates, counts[event_id] - 1),
                expected_event_type=tuple(raw["expected_event_type"] or ()),
                expected_severity=tuple(raw["expected_severity"] or ()),
            )
        )
    return sorted(rows, key=lambda r: r.at)  # stable: file order among equal times


def cycle_times(rows: list[Row]) -> list[datetime]:
    """A poll at the end of every quarter hour in which an item was published, and one six hours later."""
    ticks = {r.at - timedelta(seconds=r.at.timestamp() % QUARTER.total_seconds()) + QUARTER for r in rows}
    return [*sorted(ticks), max(ticks) + LAST_CYCLE_AFTER]


def feed_body(rows: list[Row], now: datetime) -> bytes:
    """The outlet's RSS feed at `now`: its items published by then, newest first."""
    items = [
        f"<item><title>{escape(r.title)}</title><link>{escape(r.url)}</link>"
        f"<description>{escape(r.summary)}</description>"
        f"<pubDate>{format_datetime(r.at, usegmt=True)}</pubDate></item>"
        for r in sorted(rows, key=lambda r: r.at, reverse=True)
        if r.at <= now
    ]
    channel = f"<channel><title>{escape(rows[0].source)}</title>"
    document = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">{channel}{"".join(items)}</channel></rss>'
    )
    return document.encode()


def sources_config(rows: list[Row], base_url: str) -> dict[str, Any]:
    """The packaged sources.yaml's poll limits, local HTTP settings, one rss source per outlet."""
    from pipewatch.config import packaged_data_path

    packaged = yaml.safe_load(packaged_data_path("sources.yaml").read_text(encoding="utf-8"))
    outlets = {r.feed: r.source for r in rows}
    return {
        "version": 1,
        "http": {"max_retries": 1, "backoff_base_s": 0, "backoff_cap_s": 0, "read_timeout_s": 10},
        "hosts": {"127.0.0.1": {"min_interval_s": 0}},
        **({"poll": packaged["poll"]} if packaged.get("poll") else {}),
        "sources": [
            {"id": feed, "name": name, "kind": "rss", "url": f"{base_url}/feeds/{feed}.xml"}
            for feed, name in outlets.items()
        ],
    }


# -- the replay ------------------------------------------------------------------------------------------


@contextmanager
def _quiet_environment(extra: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(extra)
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)
        os.environ.clear()
        os.environ.update(saved)


def replay(raw_rows: list[dict[str, Any]]) -> Replay:
    """Replay the rows through the stack in moto (see the module docstring) and trace every row."""
    from moto import mock_aws

    from pipewatch.config import clear_cache
    from pipewatch.settings import get_settings
    from pipewatch_local.replay_server import ReplayServer

    result = Replay(plan_rows(raw_rows))
    started = time.perf_counter()
    with (
        _quiet_environment(BENCH_ENV),
        tempfile.TemporaryDirectory() as tmp,
        mock_aws(),
        ReplayServer() as server,
    ):
        try:
            _run(result, server, Path(tmp))
        finally:
            get_settings.cache_clear()
            clear_cache()
    result.seconds = time.perf_counter() - started
    return result


def _run(result: Replay, server: Any, workdir: Path) -> None:
    from pipewatch.adapters.aws import client
    from pipewatch.composition import build_alert_service, build_poll_service
    from pipewatch.config import clear_cache, load_classifier, load_data_file
    from pipewatch.domain.ingest.polling import plan_tasks
    from pipewatch.domain.ingest.sources import SourcesConfig
    from pipewatch.handlers import alert as alert_handler
    from pipewatch.services.poll import PollTaskError
    from pipewatch.settings import Settings, get_settings
    from pipewatch_local.local_stack import (
        StreamPump,
        add_shadow_subscriber,
        create_local_stack,
        use_stack_environment,
    )
    from pipewatch_local.replay_server import Route

    rows = result.rows
    (workdir / "sources.yaml").write_text(yaml.safe_dump(sources_config(rows, server.base_url)), "utf-8")
    stack = create_local_stack(name="pipewatch-events-bench")
    use_stack_environment(stack, {"PIPEWATCH_SOURCES": str(workdir / "sources.yaml")})
    get_settings.cache_clear()
    clear_cache()
    settings = Settings.from_env()
    sources = load_data_file("sources.yaml", SourcesConfig, settings.sources_override)
    clock = {"now": rows[0].at}
    poller = build_poll_service(settings)
    if not hasattr(poller, "_clock"):
        sys.exit("the poll service no longer takes its clock as `_clock`: drive its new clock here")
    poller._clock = lambda: clock["now"]  # type: ignore[method-assign]  # the replay's simulated clock
    mapping = next(  # the template's stream mapping, with its filter
        m for m in stack.mappings.values() if "Stream" in json.dumps(m["Properties"]["EventSourceArn"])
    )
    pump = StreamPump.from_mapping(
        stack, mapping, partial(alert_handler.handler, service=build_alert_service(settings)), "alert"
    )
    inbox = add_shadow_subscriber(settings.topic_arn, "events-bench", None)
    tasks = plan_tasks(sources, [])
    by_feed: dict[str, list[Row]] = {}
    for row in rows:
        by_feed.setdefault(row.feed, []).append(row)
    for cycle, now in enumerate(cycle_times(rows)):
        clock["now"] = now
        for feed, feed_rows in by_feed.items():
            server.routes[f"/feeds/{feed}.xml"] = Route(feed_body(feed_rows, now), "application/rss+xml")
            for row in feed_rows:
                if row.at <= now:
                    result.served.setdefault(row.key, cycle)
        for task in tasks:
            try:
                poller.poll_task(task, budget_seconds=60)
            except PollTaskError:
                result.failed_tasks += 1
        pump.pump()
        for order, message in enumerate(inbox.received()):
            attributes = message.get("MessageAttributes", {})
            result.alerts.append(
                SentAlert(
                    update_id=attributes.get("update_id", {}).get("Value", ""),
                    severity=attributes.get("severity", {}).get("Value", ""),
                    event_type=attributes.get("event_type", {}).get("Value", ""),
                    cycle=cycle,
                    order=order,
                )
            )
        result.cycles = cycle + 1
    _trace(result, client("dynamodb", settings), settings.table_name, load_classifier())


def _trace(result: Replay, ddb: Any, table: str, classifier: Any) -> None:
    """Where each row's item ended: its story (stored / merged), seen, not relevant, or lost."""
    from pipewatch.adapters.dynamo import from_item, paged
    from pipewatch.adapters.feeds import parse_feed
    from pipewatch.adapters.store import Store
    from pipewatch.domain.text import canonical_url

    updates = Store(ddb, table).scan_updates()
    # An escalation ("update:" alert) is stored under its own id naming the story it raises: its alert is a
    # later alert of that story, and it is no story of its own.
    raises = {u.update_id: u.escalates for u in updates if u.escalates}
    result.alerts = [replace(a, update_id=raises.get(a.update_id, a.update_id)) for a in result.alerts]
    stored = [u for u in updates if not u.escalates]
    result.stories = {
        u.update_id: Story(
            u.update_id, u.classification.event_type or "", u.classification.severity or "", u.title
        )
        for u in stored
    }
    own = {u.url: u.update_id for u in stored if u.url}
    listed = {url: u.update_id for u in stored for url in u.story_urls}
    others = [from_item(i) for i in paged(ddb.scan, TableName=table)]
    aliases = {str(i.get("url")): str(i.get("alias_of")) for i in others if i.get("kind") == "alias"}
    seen = {str(i.get("url")) for i in others if i.get("kind") == "seen"}
    for row in result.rows:
        url = canonical_url(row.url)
        if url in own:
            result.placement[row.key] = ("stored", own[url])
        elif url in listed or url in aliases:
            result.placement[row.key] = ("merged", listed.get(url) or aliases[url])
        elif url in seen:
            result.placement[row.key] = ("seen", "")
        else:
            item = parse_feed(feed_body([row], row.at), source_id=row.feed, source_name=row.source)[0]
            relevant = classifier.classify_item(item).relevant
            result.placement[row.key] = ("lost" if relevant else "not relevant", "")


def main() -> None:
    data, raw_rows = load_devset(__doc__, DEFAULT_DATA)
    result = replay(raw_rows)
    print(
        f"events bench: {data.name}, {len(result.rows)} rows on {len({r.feed for r in result.rows})} outlet "
        f"feeds, {result.cycles} poll cycles, {len(result.alerts)} alerts, failed task polls "
        f"{result.failed_tasks}, {result.seconds:.0f} s"
    )
    for line in report(result):
        print(line)


if __name__ == "__main__":
    main()

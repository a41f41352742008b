"""Story grouping on real events, replayed through the pure intake decider (fast; no store, no moto).

Each row of `tests/fixtures/labeled/events_dev.jsonl` is classified with the packaged Classifier, turned into
an update and decided (`decide_intake`) in publication order against the stories stored so far, one poll per
item, an hour after it was published. A distractor is moved to its event's day + 1 (inside the window). Merges
are applied as the store applies them (`merge_outlet`), escalations count as alerts.

Prints per event: alerts, outlets on its story / relevant outlets, first alert's severity; then, per half
(tuning / checking, by a fixed hash of the event id) and overall, the issue's summary line.
The official end-to-end bench is bench/events.py (the whole pipeline); this one is for tuning identity.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipewatch.config import load_data_file
from pipewatch.domain.ingest import dedupe, intake
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.models import FetchedItem, Update
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "labeled" / "events_dev.jsonl"


def half(event_id: str) -> str:
    return "tuning" if hashlib.sha256(event_id.encode()).digest()[0] % 2 == 0 else "checking"


def group_of(row: dict[str, Any]) -> str:
    return str(row["event_id"])


def event_of(row: dict[str, Any]) -> str:
    return str(row.get("distractor_for") or row["event_id"])


def row_day(row: dict[str, Any], event_days: dict[str, date]) -> date:
    if row["kind"] == "distractor":
        return event_days[row["distractor_for"]] + timedelta(days=1)
    published = str(row.get("published") or "").lstrip("~")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        return date.fromisoformat(published)
    return date.fromisoformat(row["event_date"])  # unknown, or a month only: the event's day


@dataclass
class Outcome:
    alerts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    first_severity: dict[str, str] = field(default_factory=dict)
    outlets: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # on the group's first story
    relevant: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wrong: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # rows merged across groups
    crossed: list[tuple[str, str]] = field(default_factory=list)  # (row's group, story's group)


def replay(rows: list[dict[str, Any]]) -> Outcome:  # noqa: C901 - one replay loop, top to bottom
    watchlist = load_data_file("watchlist.yaml", Watchlist)
    classifier = Classifier(watchlist, load_data_file("taxonomy.yaml", Taxonomy))
    event_days = {r["event_id"]: date.fromisoformat(r["event_date"]) for r in rows if r["kind"] == "event"}
    ordered = sorted(enumerate(rows), key=lambda p: (row_day(p[1], event_days), p[0]))
    stories: dict[str, Update] = {}
    owner: dict[str, str] = {}  # story id -> group that stored it
    first_story: dict[str, str] = {}
    claims: dict[str, Any] = {}
    out = Outcome()
    merge = getattr(dedupe, "merge_outlet", None)
    for position, row in ordered:
        day = row_day(row, event_days)
        published = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(minutes=position)
        item = FetchedItem(
            source_id=f"outlet-{position}",
            title=row["title"],
            summary=row.get("summary") or "",
            url=row.get("url") or "",
            guid=row.get("url") or f"row-{position}",
            published=published,
            source_name=row["source"],
        )
        now = published + timedelta(hours=1)
        batch = intake.prepare_batch([item], classifier.classify_item, now)
        group = group_of(row)
        candidates = list(getattr(batch, "decided", batch.candidates))
        if not candidates:
            continue
        out.relevant[group] += 1
        lookup = intake.story_lookup(candidates, set(stories), now)
        keys = lookup.claim_keys if lookup else ()
        for key in keys:
            claims.setdefault(key, intake.Claim(key))
        recent = [
            s for s in stories.values() if s.first_seen >= now - timedelta(days=intake.DEDUPE_LOOKBACK_DAYS)
        ]
        intents = intake.decide_intake(
            candidates,
            known_ids=set(stories),
            claims=claims,
            stories=recent,
            limits=PollLimits(),
            now=now,
            first_poll=False,
        )
        for intent in intents:
            if isinstance(intent, intake.StoreNew):
                update = intent.update
                stories[update.update_id] = update
                claims.update((c.key, c) for c in intent.claims_after)
                escalated = getattr(update, "escalates", "")
                target = owner.get(escalated, group) if escalated else group
                if not escalated:
                    owner[update.update_id] = group
                    first_story.setdefault(group, update.update_id)
                    out.first_severity.setdefault(group, str(update.classification.severity))
                    if first_story[group] == update.update_id:
                        out.outlets[group] += 1
                out.alerts[target] += 1
            elif isinstance(intent, intake.MergeIntoStory):
                story = stories[intent.story_id]
                escalation = getattr(intent, "escalation", None)
                if escalation is not None and escalation.update_id not in stories:
                    stories[escalation.update_id] = escalation
                    out.alerts[owner[story.update_id]] += 1
                if merge is not None:
                    stories[story.update_id] = merge(story, intent.update)
                if owner[story.update_id] != group:
                    out.wrong[group] += 1
                    out.crossed.append((group, owner[story.update_id]))
                elif first_story.get(group) == story.update_id:
                    out.outlets[group] += 1
    return out


def summary(rows: list[dict[str, Any]], out: Outcome, events: list[str]) -> str:
    distractors = sorted(
        {r["event_id"] for r in rows if r["kind"] == "distractor" and r["distractor_for"] in events}
    )
    exactly = sum(out.alerts[e] == 1 for e in events)
    extra = sum(max(0, out.alerts[e] - 1) for e in events)
    missed = sum(out.alerts[e] == 0 for e in events)
    expected = {r["event_id"]: r["expected_severity"] for r in rows}
    severity = sum(out.first_severity.get(e) in expected[e] for e in events)
    # a distractor merged into another story, or a row merged into a distractor's story
    wrong = sum(1 for a, b in out.crossed if (a in distractors or b in distractors))
    across = sum(1 for a, b in out.crossed if a in events and b in events)
    return (
        f"events {len(events)}, exactly-one {exactly}, extra alerts {extra}, missed {missed}, "
        f"distractors merged wrongly {wrong}, severity right {severity}/{len(events)}"
        f" (events merged into other events {across})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = replay(rows)
    events = sorted({r["event_id"] for r in rows if r["kind"] == "event"})
    total: dict[str, int] = defaultdict(int)
    first: dict[str, dict[str, Any]] = {}
    for r in rows:
        total[group_of(r)] += 1
        first.setdefault(group_of(r), r)
    if not args.quiet:
        for group in sorted(total):
            print(
                f"{group} ({half(event_of(first[group]))}): "
                f"alerts {out.alerts[group]}, outlets on story {out.outlets[group]}/{out.relevant[group]} "
                f"(rows {total[group]}), merged elsewhere {out.wrong[group]}, "
                f"first severity {out.first_severity.get(group, '-')}"
            )
    for name in ("tuning", "checking"):
        chosen = [e for e in events if half(e) == name]
        print(f"{name}: {summary(rows, out, chosen)}")
    print(f"all: {summary(rows, out, events)}")


if __name__ == "__main__":
    main()

"""The events bench's books (bench/events.py): the replayed rows, where each ended, the alerts sent, and the
scores and lines it prints. Run as part of bench/events.py, which imports it from bench/."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


def half(event_id: str) -> str:
    return "tuning" if hashlib.sha256(event_id.encode()).digest()[0] % 2 == 0 else "checking"


@dataclass(frozen=True)
class Row:
    """One labelled row as replayed: `key` is its event id and its place among that event's rows."""

    key: str
    event_id: str
    kind: str  # "event" or "distractor"
    group: str  # the event it belongs to (a distractor: the event it sits beside)
    source: str
    feed: str
    title: str
    summary: str
    url: str
    at: datetime
    expected_event_type: tuple[str, ...]
    expected_severity: tuple[str, ...]


@dataclass(frozen=True)
class Story:
    update_id: str
    event_type: str
    severity: str
    title: str


@dataclass(frozen=True)
class SentAlert:
    update_id: str
    severity: str
    event_type: str
    cycle: int
    order: int


@dataclass
class Replay:
    rows: list[Row]
    cycles: int = 0
    seconds: float = 0.0
    failed_tasks: int = 0
    placement: dict[str, tuple[str, str]] = field(default_factory=dict)  # row key -> (status, story id)
    stories: dict[str, Story] = field(default_factory=dict)
    alerts: list[SentAlert] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)  # row key -> cycle its feed first served it


# -- scoring and the report ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One event (its rows) or one distractor row, scored."""

    event_id: str
    kind: str
    group: str
    rows: list[Row]
    alerts: list[SentAlert]
    stories: dict[str, list[Row]]  # story id -> this outcome's rows on it
    wrong_merges: int = 0  # rows merged across an event / distractor boundary (see the docstring)
    notes: list[str] = field(default_factory=list)

    @property
    def first(self) -> SentAlert | None:
        return min(self.alerts, key=lambda a: (a.cycle, a.order)) if self.alerts else None

    @property
    def severity_right(self) -> bool:
        return self.first is not None and self.first.severity in self.rows[0].expected_severity


def _alerts_for(result: Replay, stories: dict[str, list[Row]], starters: dict[str, Row]) -> list[SentAlert]:
    """The alerts one event (or distractor) got: every alert of a story one of its rows started; on a story
    another row started, only a later alert (an escalation) sent once its row had arrived. A story's first
    alert is its starter's: a row merged afterwards was never announced by it."""
    mine = []
    for story, rows in stories.items():
        sent = sorted((a for a in result.alerts if a.update_id == story), key=lambda a: (a.cycle, a.order))
        if starters[story] in rows:
            mine += sent
            continue
        arrived = min(result.served.get(r.key, result.cycles) for r in rows)
        mine += [a for a in sent[1:] if a.cycle >= arrived]
    return mine


def score(result: Replay) -> tuple[list[Outcome], list[Outcome], list[SentAlert]]:
    """(events, distractors, alerts sent for no row's story)."""
    starters: dict[str, Row] = {}
    for row in result.rows:  # replay order: a story's first row is the one that started it
        story = result.placement[row.key][1]
        if story:
            starters.setdefault(story, row)
    groups: dict[str, list[Row]] = {}
    for row in result.rows:
        groups.setdefault(row.event_id, []).append(row)
    outcomes = []
    for event_id, rows in groups.items():
        stories: dict[str, list[Row]] = {}
        for row in rows:
            story = result.placement[row.key][1]
            if story:
                stories.setdefault(story, []).append(row)
        outcome = Outcome(
            event_id, rows[0].kind, rows[0].group, rows, _alerts_for(result, stories, starters), stories
        )
        for story, mine in stories.items():
            starter = starters[story]
            if starter.event_id != event_id:
                outcome.notes.append(
                    f"{len(mine)} row(s) merged into {starter.event_id}'s story {story[:10]}"
                )
            if starter.kind != rows[0].kind:  # an event row on a distractor's story, or the reverse
                outcome.wrong_merges += len(mine)
        for story, starter in starters.items():
            strangers = sorted(
                {r.event_id for r in result.rows if result.placement[r.key][1] == story} - {event_id}
            )
            if strangers and starter.event_id == event_id:
                outcome.notes.append(f"its story {story[:10]} took rows of {', '.join(strangers)}")
        outcomes.append(outcome)
    other = [a for a in result.alerts if a.update_id not in starters]
    return (
        sorted((o for o in outcomes if o.kind == "event"), key=lambda o: o.event_id),
        sorted((o for o in outcomes if o.kind != "event"), key=lambda o: o.event_id),
        other,
    )


def summary_line(events: list[Outcome], distractors: list[Outcome]) -> str:
    n = len(events)
    exactly_one = sum(len(o.alerts) == 1 for o in events)
    extra = sum(max(0, len(o.alerts) - 1) for o in events)
    missed = sum(not o.alerts for o in events)
    merged = sum(o.wrong_merges for o in (*events, *distractors))
    right = sum(o.severity_right for o in events)
    return (
        f"events {n}, exactly-one {exactly_one}, extra alerts {extra}, missed {missed}, "
        f"distractors merged wrongly {merged}, severity right {right}/{n}"
    )


def event_lines(result: Replay, o: Outcome) -> list[str]:
    first = o.first
    biggest = max((len(rows) for rows in o.stories.values()), default=0)
    if first is None:
        severity = "first alert -"
    else:
        sev_ok = "ok" if o.severity_right else f"expected {'/'.join(o.rows[0].expected_severity)}"
        type_ok = (
            "ok"
            if first.event_type in o.rows[0].expected_event_type
            else "expected " + "/".join(o.rows[0].expected_event_type)
        )
        severity = f"first alert {first.severity} ({sev_ok}), {first.event_type} ({type_ok})"
    line = (
        f"{o.event_id} [{half(o.group)}]: alerts {len(o.alerts)}, outlets on story {biggest}/{len(o.rows)}, "
        f"{severity}, merged wrongly {o.wrong_merges}"
    )
    parts = [line]
    if len(o.stories) > 1:
        for story, rows in o.stories.items():
            s = result.stories.get(story)
            what = f"{s.event_type}/{s.severity}" if s else "?"
            sent = sum(a.update_id == story for a in o.alerts)
            outlets = "; ".join(r.source for r in rows)
            parts.append(f"    story {story[:10]} ({what}, {sent} alert(s)): {outlets}")
    for row in o.rows:
        status = result.placement[row.key][0]
        if status not in ("stored", "merged"):
            parts.append(f"    {row.key} {status}: {row.source}: {row.title[:70]}")
    parts.extend(f"    {note}" for note in o.notes)
    return parts


def distractor_line(result: Replay, o: Outcome) -> str:
    row = o.rows[0]
    status, story = result.placement[row.key]
    s = result.stories.get(story)
    what = f", story {s.event_type}/{s.severity}" if s else ""
    merged = "; ".join(o.notes) if o.notes else "not merged with an event"
    return (
        f"{o.event_id} (beside {o.group}) [{half(o.group)}]: alerts {len(o.alerts)}, {status}{what}, "
        f"{merged}, merged wrongly {o.wrong_merges}"
    )


def report(result: Replay) -> list[str]:
    events, distractors, other = score(result)
    lines = [line for o in events for line in event_lines(result, o)]
    lines += [distractor_line(result, o) for o in distractors]
    if other:
        lines.append(f"alerts for no row's story (calendar and the like): {len(other)}")
    lines.append(summary_line(events, distractors))
    for name in ("tuning", "checking"):
        mine = [o for o in events if half(o.group) == name]
        theirs = [o for o in distractors if half(o.group) == name]
        lines.append(f"{name}: {summary_line(mine, theirs)}")
    return lines

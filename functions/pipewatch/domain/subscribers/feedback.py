"""Readers' feedback on an alert, and how it becomes labelled rows for the development set.

A reader says one of: not about this drug, wrong event type, severity too high, severity too low. Each
answer keeps a copy of what was classified (title, source, url, agents, event, severity), so the export needs
nothing else and a later re-classification does not change what the reader judged.

Export rows follow `tests/fixtures/labeled/headlines_dev.jsonl`: `id`, `published`, `source`, `title`, `url`,
`summary` and a `label` holding what the reader's answer establishes, as the dev set writes it (lists are the
acceptable values): "not about this drug" -> not relevant, no agents; "wrong event type" -> every event type
but the one given; "severity too high/low" -> the severities below/above the one given. `predicted` and
`reader_feedback` say where the label came from. Pure: no I/O, time passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from pipewatch.domain.models import EVENT_TYPES, SEVERITIES, SEVERITY_RANK, EventType, Severity, Update
from pipewatch.domain.record_fields import FieldReader, compact_json, json_datetime, json_object
from pipewatch.domain.text import plain_text

# Text events only: a headline's label never allows the calendar's own catalyst_slip / catalyst_overdue.
_EVENTS: tuple[EventType, ...] = tuple(e for e in get_args(EventType) if not e.startswith("catalyst_"))
_SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")

FeedbackLabel = Literal["not_about_drug", "wrong_event_type", "severity_too_high", "severity_too_low"]
FEEDBACK_LABELS: dict[FeedbackLabel, str] = {
    "not_about_drug": "Not about this drug",
    "wrong_event_type": "Wrong event type",
    "severity_too_high": "Severity too high",
    "severity_too_low": "Severity too low",
}


class FeedbackError(ValueError):
    """A feedback answer that cannot apply (unknown label, or a severity that cannot go further)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Feedback:
    """One reader's answer on one update, with a copy of what was classified. A record, not configuration:
    a plain dataclass (the page function never imports pydantic for it, issue 28)."""

    update_id: str
    subscription_id: str  # "" for a topic-wide link every reader of an alert shares
    label: FeedbackLabel
    at: datetime
    title: str
    summary: str = ""
    source: str = ""
    url: str = ""
    published: datetime | None = None
    agents: tuple[str, ...] = ()
    indications: tuple[str, ...] = ()
    event_type: EventType | None = None
    severity: Severity | None = None

    def to_json(self) -> str:
        """Compact JSON, as stored in the feedback item (`feedback`); the form pydantic wrote before."""
        return compact_json(
            {
                "update_id": self.update_id,
                "subscription_id": self.subscription_id,
                "label": self.label,
                "at": json_datetime(self.at),
                "title": self.title,
                "summary": self.summary,
                "source": self.source,
                "url": self.url,
                "published": json_datetime(self.published),
                "agents": list(self.agents),
                "indications": list(self.indications),
                "event_type": self.event_type,
                "severity": self.severity,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Feedback:
        """Inverse of to_json; RecordFieldError (a ValueError) naming a bad field."""
        read = FieldReader("Feedback", json_object("Feedback", text))
        return cls(
            update_id=read.text("update_id"),
            subscription_id=read.text("subscription_id"),
            label=read.choice("label", _LABEL_SET),  # type: ignore[arg-type]
            at=read.moment("at"),
            title=read.text("title"),
            summary=read.text("summary", ""),
            source=read.text("source", ""),
            url=read.text("url", ""),
            published=read.moment_or_none("published"),
            agents=read.texts("agents"),
            indications=read.texts("indications"),
            event_type=read.choice_or_none("event_type", EVENT_TYPES),  # type: ignore[arg-type]
            severity=read.choice_or_none("severity", SEVERITIES),  # type: ignore[arg-type]
        )


_LABEL_SET: frozenset[str] = frozenset(FEEDBACK_LABELS)


def parse_label(value: str) -> FeedbackLabel:
    if value not in FEEDBACK_LABELS:
        raise FeedbackError(f"feedback {value[:40]!r}: expected one of {sorted(FEEDBACK_LABELS)}")
    return value


def feedback_for(update: Update, subscription_id: str, label: str, at: datetime) -> Feedback:
    chosen = parse_label(label)
    c = update.classification
    severity = c.severity or "low"
    if (chosen == "severity_too_high" and severity == "low") or (
        chosen == "severity_too_low" and severity == "high"
    ):
        raise FeedbackError(f"{FEEDBACK_LABELS[chosen].lower()}: the severity is already {severity}")
    return Feedback(
        update_id=update.update_id,
        subscription_id=subscription_id,
        label=chosen,
        at=at,
        title=update.change.summary if update.change else update.title,
        summary=update.summary,
        source=update.source_name or update.source_id,
        url=update.url,
        published=update.published,
        agents=c.agents,
        indications=c.indications,
        event_type=c.event_type,
        severity=severity,
    )


def dev_label(feedback: Feedback) -> dict[str, Any]:
    """The part of a dev-set `label` the answer establishes."""
    rank = SEVERITY_RANK[feedback.severity or "low"]
    if feedback.label == "not_about_drug":
        return {"relevant": False, "agents": []}
    label: dict[str, Any] = {"relevant": True, "agents": list(feedback.agents)}
    if feedback.label == "wrong_event_type":
        label["event_type"] = [e for e in _EVENTS if e != feedback.event_type]
    elif feedback.label == "severity_too_high":
        label["severity"] = [s for s in _SEVERITIES if SEVERITY_RANK[s] < rank]
    else:
        label["severity"] = [s for s in _SEVERITIES if SEVERITY_RANK[s] > rank]
    return label


def dev_row(feedback: Feedback) -> dict[str, Any]:
    """One JSON line in the format of headlines_dev.jsonl."""
    sub = feedback.subscription_id or "anyone"
    return {
        "id": f"FB-{feedback.update_id}-{sub}-{feedback.label}",
        "published": (feedback.published or feedback.at).date().isoformat(),
        "source": plain_text(feedback.source),
        "title": plain_text(feedback.title),
        "url": feedback.url,
        "summary": plain_text(feedback.summary),
        "label": dev_label(feedback),
        "predicted": {
            "agents": list(feedback.agents),
            "event_type": feedback.event_type,
            "severity": feedback.severity,
        },
        "reader_feedback": feedback.label,
    }


def summarise(feedback: Iterable[Feedback]) -> dict[str, Any]:
    """Counts by answer, and by agent, event type and source (each with its answers)."""
    rows = list(feedback)
    by: dict[str, dict[str, Counter[str]]] = {"agent": {}, "event_type": {}, "source": {}}
    for f in rows:
        keys: dict[str, list[str]] = {
            "agent": list(f.agents) or ["(none)"],
            "event_type": [f.event_type or "(none)"],
            "source": [plain_text(f.source) or "(unknown)"],
        }
        for dimension, values in keys.items():
            for value in values:
                by[dimension].setdefault(value, Counter())[f.label] += 1
    return {
        "answers": len(rows),
        "updates": len({f.update_id for f in rows}),
        "by_label": dict(Counter(f.label for f in rows).most_common()),
        **{
            f"by_{dimension}": {
                key: dict(counts.most_common())
                for key, counts in sorted(groups.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
            }
            for dimension, groups in by.items()
        },
    }


def report_text(summary: dict[str, Any]) -> str:
    """The summary as an analyst reads it."""
    lines = [f"{summary['answers']} answers on {summary['updates']} updates"]
    if summary["by_label"]:
        lines.append(
            "  " + ", ".join(f"{FEEDBACK_LABELS[k].lower()}: {v}" for k, v in summary["by_label"].items())
        )
    for dimension, title in (("by_agent", "agent"), ("by_event_type", "event type"), ("by_source", "source")):
        lines.append(f"By {title}:")
        for key, counts in summary[dimension].items():
            detail = ", ".join(f"{label.replace('_', ' ')} {n}" for label, n in counts.items())
            lines.append(f"  {key:<28} {sum(counts.values()):>3}  ({detail})")
    return "\n".join(lines)


def sorted_feedback(rows: Sequence[Feedback]) -> list[Feedback]:
    return sorted(rows, key=lambda f: (f.at, f.update_id, f.subscription_id, f.label))

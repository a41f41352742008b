"""Domain models shared by every layer: what was fetched, how it was classified, what is stored and alerted.

Pure data: no I/O. Enums are plain string literals so they travel unchanged through JSON, DynamoDB and SNS
message attributes. The records are frozen dataclasses, not pydantic models: they are built on every path
(alert, page, poll) and pydantic's first model costs ~55 ms CPU at a cold start (issue 28). Where a record
crosses a boundary (a DynamoDB item or stream image, stored JSON, a command's input) it is read by the
explicit conversions below (`from_item`, `from_json`, ...; readers in domain/record_fields.py), which raise
RecordFieldError naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from pipewatch.domain.record_fields import FieldReader, compact_json, json_datetime, json_object

EventType = Literal[
    "trial_start",
    "trial_status",
    "trial_update",
    "results",
    "regulatory",
    "safety",
    "pipeline",
    "corporate",
    "publication",
    "commentary",
    # made by the catalyst calendar (services/calendar.py), never by text classification
    "catalyst_slip",
    "catalyst_overdue",
]
Severity = Literal["high", "medium", "low"]
Tier = Literal["own", "landscape"]

# Taxonomy priority: the first that applies wins when an item carries several events (the calendar's own
# catalyst_slip / catalyst_overdue are not text events and take no part in it).
EVENT_PRIORITY: tuple[EventType, ...] = (
    "safety",
    "regulatory",
    "results",
    "trial_status",
    "trial_start",
    "pipeline",
    "corporate",
    "trial_update",
    "publication",
    "commentary",
)
SEVERITY_RANK: dict[Severity, int] = {"low": 0, "medium": 1, "high": 2}

# What kind of document an item is; a journal article or congress abstract classifies as `publication`.
DocType = Literal["news", "press_release", "publication", "filing", "registry", "regulator"]
# The two classes of source a run polls (domain.ingest.sources); here so that the scheduled functions' input
# model names it without importing the sources' models (~60 ms of pydantic schema building at cold start).
SourceClass = Literal["registry", "news"]


# The literal sets, for reading a record from outside (a stored item, a command's input).
EVENT_TYPES: frozenset[str] = frozenset(get_args(EventType))
SEVERITIES: frozenset[str] = frozenset(get_args(Severity))
TIERS: frozenset[str] = frozenset(get_args(Tier))
DOC_TYPES: frozenset[str] = frozenset(get_args(DocType))


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchedItem:
    """One normalised item from a source (a feed entry, a PubMed summary, a filing, a registry record)."""

    source_id: str
    title: str
    summary: str = ""
    url: str = ""
    guid: str = ""
    published: datetime | None = None
    doc_type: DocType = "news"
    source_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form (`pipewatch parse-feed` prints it): every field, datetimes in ISO 8601."""
        return {
            "source_id": self.source_id,
            "title": self.title,
            "summary": self.summary,
            "url": self.url,
            "guid": self.guid,
            "published": json_datetime(self.published),
            "doc_type": self.doc_type,
            "source_name": self.source_name,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> FetchedItem:
        """Inverse of to_json_dict (absent fields take their defaults); RecordFieldError on a bad field."""
        read = FieldReader("FetchedItem", data)
        return cls(
            source_id=read.text("source_id"),
            title=read.text("title"),
            summary=read.text("summary", ""),
            url=read.text("url", ""),
            guid=read.text("guid", ""),
            published=read.moment_or_none("published"),
            doc_type=read.choice("doc_type", DOC_TYPES, "news"),  # type: ignore[arg-type]
            source_name=read.text("source_name", ""),
            extra=read.text_map("extra"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """The taxonomy fields of one item (see the taxonomy: relevant, agents, indications, event, severity)."""

    relevant: bool
    agents: tuple[str, ...] = ()
    indications: tuple[str, ...] = ()
    event_type: EventType | None = None
    severity: Severity | None = None
    reasons: tuple[str, ...] = ()
    # `own`: news of the agents listed. `landscape`: a competitor's event (`competitor`) in an indication it
    # shares with the agents of `competes_with`; `agents` is then empty (never the watched agent's news).
    tier: Tier = "own"
    competitor: str | None = None
    competes_with: tuple[str, ...] = ()

    def as_output(self) -> dict[str, object]:
        """The JSON shape `pipewatch classify` prints: the JSON form with the reasons last."""
        shape = self.to_json_dict()
        shape["reasons"] = shape.pop("reasons")
        return shape

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form, fields in declaration order (an update's JSON nests it)."""
        return {
            "relevant": self.relevant,
            "agents": list(self.agents),
            "indications": list(self.indications),
            "event_type": self.event_type,
            "severity": self.severity,
            "reasons": list(self.reasons),
            "tier": self.tier,
            "competitor": self.competitor,
            "competes_with": list(self.competes_with),
        }

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> Classification:
        return cls.read(FieldReader("Classification", data))

    @classmethod
    def read(cls, read: FieldReader, *, stored: bool = False) -> Classification:
        """The classification's fields through `read`: its JSON form, or (`stored`) the flat attributes of an
        update's DynamoDB item, where an absent `relevant` means relevant and an empty competitor none."""
        return cls(
            relevant=read.flag("relevant", True) if stored else read.flag("relevant"),
            agents=read.texts("agents"),
            indications=read.texts("indications"),
            event_type=read.choice_or_none("event_type", EVENT_TYPES),  # type: ignore[arg-type]
            severity=read.choice_or_none("severity", SEVERITIES),  # type: ignore[arg-type]
            reasons=read.texts("reasons"),
            tier=read.choice("tier", TIERS, "own"),  # type: ignore[arg-type]
            competitor=(read.text_or_none("competitor") or None)
            if stored
            else read.text_or_none("competitor"),
            competes_with=read.texts("competes_with"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrialChange:
    """One meaningful change between two snapshots of a registry record."""

    nct_id: str
    acronym: str = ""
    field: str
    old: str | None = None
    new: str | None = None
    event_type: EventType
    severity: Severity
    summary: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "acronym": self.acronym,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "event_type": self.event_type,
            "severity": self.severity,
            "summary": self.summary,
        }

    def to_json(self) -> str:
        """Compact JSON, as stored in an update's item (`change`)."""
        return compact_json(self.to_json_dict())

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> TrialChange:
        read = FieldReader("TrialChange", data)
        return cls(
            nct_id=read.text("nct_id"),
            acronym=read.text("acronym", ""),
            field=read.text("field"),
            old=read.text_or_none("old"),
            new=read.text_or_none("new"),
            event_type=read.choice("event_type", EVENT_TYPES),  # type: ignore[arg-type]
            severity=read.choice("severity", SEVERITIES),  # type: ignore[arg-type]
            summary=read.text("summary"),
        )

    @classmethod
    def from_json(cls, text: str) -> TrialChange:
        return cls.from_json_dict(json_object("TrialChange", text))


@dataclass(frozen=True, slots=True, kw_only=True)
class Update:
    """A classified, stored, alertable update: the unit every subscriber hears about at most once."""

    update_id: str
    title: str
    summary: str = ""
    url: str = ""
    source_id: str
    source_name: str = ""
    published: datetime | None = None
    doc_type: DocType = "news"
    classification: Classification
    sources: tuple[str, ...] = ()
    change: TrialChange | None = None
    first_seen: datetime
    # The URL of each outlet in `sources` (the same order) once stored; merged copies append to both.
    story_urls: tuple[str, ...] = ()
    # The URL links to a page several stories share (a newsroom listing): it is neither the update's id nor
    # evidence that two updates are one story.
    url_shared: bool = False
    # The title of each outlet merged into the story (bounded like story_urls): a newcomer is compared with
    # the whole story, not only its first outlet.
    story_titles: tuple[str, ...] = ()
    # The publication day (ISO, "" when the outlet gave none) of each outlet in `story_urls`, the same order:
    # the story's page lists every outlet with its link and date.
    story_dates: tuple[str, ...] = ()
    # Set on an escalation record: the id of the story whose severity this outlet raised (alerted as
    # "update:"); such a record is never a story others join.
    escalates: str = ""
    # Set on a calendar update or a registry stop that a stored story itself reported (an outlet wrote "the
    # FDA extended the review to ...", "argenx stops UplighTED"): the id of that story, whose alert already
    # said it; stored for the calendar and the record's page, never alerted again.
    part_of: str = ""

    @property
    def agents(self) -> tuple[str, ...]:
        return self.classification.agents

    def to_item(self) -> dict[str, Any]:
        """The update's attributes in its DynamoDB item (the adapter adds the keys): the classification
        flattened, the change as compact JSON, optional attributes None when unset (not written)."""
        c = self.classification
        return {
            "update_id": self.update_id,
            "title": self.title,
            "summary": self.summary,
            "url": self.url,
            "source_id": self.source_id,
            "source_name": self.source_name,
            "published": self.published.isoformat() if self.published else None,
            "doc_type": self.doc_type,
            "relevant": c.relevant,
            "agents": list(c.agents),
            "indications": list(c.indications),
            "event_type": c.event_type,
            "severity": c.severity,
            "reasons": list(c.reasons),
            # landscape updates only (an own update's item is as before)
            "tier": c.tier if c.tier != "own" else None,
            "competitor": c.competitor,
            "competes_with": list(c.competes_with) or None,
            "sources": list(self.sources),
            "change": self.change.to_json() if self.change else None,
            "first_seen": self.first_seen.isoformat(),
            "url_shared": True if self.url_shared else None,
            "story_titles": list(self.story_titles) or None,
            "story_dates": list(self.story_dates) or None,
            "escalates": self.escalates or None,
            "part_of": self.part_of or None,
        }

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Update:
        """Inverse of to_item from a plain (deserialised) item, e.g. a stream NewImage; an attribute absent
        or None takes its default. RecordFieldError naming the attribute on a bad one."""
        read = FieldReader("Update", item)
        change_json = read.text_or_none("change")
        return cls(
            update_id=read.text("update_id"),
            title=read.text("title", ""),
            summary=read.text("summary", ""),
            url=read.text("url", ""),
            source_id=read.text("source_id", ""),
            source_name=read.text("source_name", ""),
            published=read.moment_or_none("published"),
            doc_type=read.choice("doc_type", DOC_TYPES, "news"),  # type: ignore[arg-type]
            classification=Classification.read(read, stored=True),
            sources=read.texts("sources"),
            change=TrialChange.from_json(change_json) if change_json else None,
            first_seen=read.moment("first_seen"),
            story_urls=read.texts("story_urls"),
            url_shared=read.flag("url_shared", False),
            story_titles=read.texts("story_titles"),
            story_dates=read.texts("story_dates"),
            escalates=read.text("escalates", ""),
            part_of=read.text("part_of", ""),
        )

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form (`pipewatch poll` prints it): every field, the classification and change nested."""
        return {
            "update_id": self.update_id,
            "title": self.title,
            "summary": self.summary,
            "url": self.url,
            "source_id": self.source_id,
            "source_name": self.source_name,
            "published": json_datetime(self.published),
            "doc_type": self.doc_type,
            "classification": self.classification.to_json_dict(),
            "sources": list(self.sources),
            "change": self.change.to_json_dict() if self.change else None,
            "first_seen": json_datetime(self.first_seen),
            "story_urls": list(self.story_urls),
            "url_shared": self.url_shared,
            "story_titles": list(self.story_titles),
            "story_dates": list(self.story_dates),
            "escalates": self.escalates,
            "part_of": self.part_of,
        }

    def to_json(self) -> str:
        return compact_json(self.to_json_dict())

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> Update:
        """Inverse of to_json_dict (absent fields take their defaults); RecordFieldError on a bad field."""
        read = FieldReader("Update", data)
        change = read.mapping_or_none("change")
        return cls(
            update_id=read.text("update_id"),
            title=read.text("title"),
            summary=read.text("summary", ""),
            url=read.text("url", ""),
            source_id=read.text("source_id"),
            source_name=read.text("source_name", ""),
            published=read.moment_or_none("published"),
            doc_type=read.choice("doc_type", DOC_TYPES, "news"),  # type: ignore[arg-type]
            classification=Classification.from_json_dict(read.mapping("classification")),
            sources=read.texts("sources"),
            change=TrialChange.from_json_dict(change) if change is not None else None,
            first_seen=read.moment("first_seen"),
            story_urls=read.texts("story_urls"),
            url_shared=read.flag("url_shared", False),
            story_titles=read.texts("story_titles"),
            story_dates=read.texts("story_dates"),
            escalates=read.text("escalates", ""),
            part_of=read.text("part_of", ""),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """What the notifier publishes for one update: text plus the attributes filter policies route on."""

    update_id: str
    subject: str
    message: str
    sms: str
    agents: tuple[str, ...]
    indications: tuple[str, ...]
    event_type: EventType
    severity: Severity
    tier: Tier = "own"
    competes_with: tuple[str, ...] = ()  # a landscape alert's watched agents (its `agents` stay empty)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceState:
    """What a source remembers between polls: validators for conditional GET, cursors, failure streak."""

    source_id: str
    etag: str = ""
    last_modified: str = ""
    cursor: dict[str, str] = field(default_factory=dict)
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    consecutive_failures: int = 0
    last_error: str = ""
    # Health, kept across polls: when the current failure streak began, items fetched in all, and the last
    # outage that ended (began, ended), so a digest can say "EDGAR failing since ..." or "recovered at ...".
    failing_since: datetime | None = None
    items_seen: int = 0
    last_outage: tuple[datetime, datetime] | None = None

    def health_notice(self, threshold: int) -> str:
        """One line for a digest when this source is failing (at least `threshold` polls in a row)."""
        if self.consecutive_failures < threshold or self.failing_since is None:
            return ""
        since = self.failing_since.strftime("%Y-%m-%d %H:%M UTC")
        reason = self.last_error.splitlines()[0][:120] if self.last_error else "unknown error"
        return (
            f"Source {self.source_id} failing since {since} ({self.consecutive_failures} polls in a row: "
            f"{reason}); its updates may be missing until it recovers."
        )

    def to_json(self) -> str:
        """Compact JSON, as stored in the source's state item (`state`)."""
        outage = self.last_outage
        return compact_json(
            {
                "source_id": self.source_id,
                "etag": self.etag,
                "last_modified": self.last_modified,
                "cursor": dict(self.cursor),
                "last_success": json_datetime(self.last_success),
                "last_attempt": json_datetime(self.last_attempt),
                "consecutive_failures": self.consecutive_failures,
                "last_error": self.last_error,
                "failing_since": json_datetime(self.failing_since),
                "items_seen": self.items_seen,
                "last_outage": [json_datetime(outage[0]), json_datetime(outage[1])] if outage else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> SourceState:
        """Inverse of to_json (absent fields take their defaults); RecordFieldError on a bad field."""
        read = FieldReader("SourceState", json_object("SourceState", text))
        return cls(
            source_id=read.text("source_id"),
            etag=read.text("etag", ""),
            last_modified=read.text("last_modified", ""),
            cursor=read.text_map("cursor"),
            last_success=read.moment_or_none("last_success"),
            last_attempt=read.moment_or_none("last_attempt"),
            consecutive_failures=read.count("consecutive_failures"),
            last_error=read.text("last_error", ""),
            failing_since=read.moment_or_none("failing_since"),
            items_seen=read.count("items_seen"),
            last_outage=read.moment_pair_or_none("last_outage"),
        )

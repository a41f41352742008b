"""Domain models shared by every layer: what was fetched, how it was classified, what is stored and alerted.

Pure data: no I/O. Enums are plain string literals so they travel unchanged through JSON, DynamoDB and SNS
message attributes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


class FetchedItem(BaseModel):
    """One normalised item from a source (a feed entry, a PubMed summary, a filing, a registry record)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    source_id: str
    title: str
    summary: str = ""
    url: str = ""
    guid: str = ""
    published: datetime | None = None
    doc_type: DocType = "news"
    source_name: str = ""
    extra: dict[str, str] = Field(default_factory=dict)


class Classification(BaseModel):
    """The taxonomy fields of one item (see the taxonomy: relevant, agents, indications, event, severity)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

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
        """The JSON shape `pipewatch classify` prints."""
        return {
            "relevant": self.relevant,
            "agents": list(self.agents),
            "indications": list(self.indications),
            "event_type": self.event_type,
            "severity": self.severity,
            "tier": self.tier,
            "competitor": self.competitor,
            "competes_with": list(self.competes_with),
            "reasons": list(self.reasons),
        }


class TrialChange(BaseModel):
    """One meaningful change between two snapshots of a registry record."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    nct_id: str
    acronym: str = ""
    field: str
    old: str | None = None
    new: str | None = None
    event_type: EventType
    severity: Severity
    summary: str


class Update(BaseModel):
    """A classified, stored, alertable update: the unit every subscriber hears about at most once."""

    model_config = ConfigDict(frozen=True, defer_build=True)

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


class Alert(BaseModel):
    """What the notifier publishes for one update: text plus the attributes filter policies route on."""

    model_config = ConfigDict(frozen=True, defer_build=True)

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


class SourceState(BaseModel):
    """What a source remembers between polls: validators for conditional GET, cursors, failure streak."""

    model_config = ConfigDict(defer_build=True)

    source_id: str
    etag: str = ""
    last_modified: str = ""
    cursor: dict[str, str] = Field(default_factory=dict)
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

"""The catalyst calendar's rules: one entry per watched agent, kind and trial (or drug); a later statement
that moves the window is a slip; a fulfilling update resolves it; a window closed for the grace period with
nothing resolving it is overdue. Each rule returns the new entry and the updates to write, with ids derived
from what they say, so the same statement or the same daily check never writes twice.

Pure: `now` is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal, get_args

from pipewatch.domain.catalysts.models import KIND_LABELS, CatalystKind, ExtractedCatalyst, Precision
from pipewatch.domain.catalysts.windows import Window
from pipewatch.domain.ingest.ids import catalyst_id, catalyst_update_id
from pipewatch.domain.models import Classification, Severity, Update
from pipewatch.domain.record_fields import FieldReader, compact_json, json_datetime, json_object

CatalystState = Literal["upcoming", "due", "resolved", "overdue", "withdrawn"]
OPEN_STATES: frozenset[str] = frozenset({"upcoming", "due"})
DEFAULT_GRACE_DAYS = 14
HIGH_SLIP_DAYS = 90  # taxonomy: a decision or Phase 3 readout slipping by more than this is high
RESOLVE_MARGIN_DAYS = 90  # "inside or near its window": this far before its start or after its end
_MAX_SENTENCES = 5
CALENDAR_SOURCE_ID = "catalyst-calendar"  # the source id of the updates the calendar itself writes
_PHASE3 = re.compile(r"\bphase\s*(?:3|iii|2/3|ii/iii|2b/3)\b|\bpivotal\b|\bregistrational\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEntry:
    """One catalyst as the calendar keeps it. `sequence` rises whenever its window changes (iCalendar
    SEQUENCE); `version` rises on every write (the store's optimistic lock). A record: a plain dataclass
    with explicit JSON (the page shows an agent's catalysts without pydantic, issue 28)."""

    catalyst_id: str
    agent: str
    kind: CatalystKind
    trial: str | None = None
    drug: str | None = None
    window_start: date
    window_end: date
    precision: Precision
    phase3: bool = False
    indications: tuple[str, ...] = ()  # carried by its updates, so indication filters route them
    sentences: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    stated_on: date  # the date of the statement the window comes from
    first_seen: datetime
    last_confirmed: datetime
    state: CatalystState = "upcoming"
    sequence: int = 0
    version: int = 0
    previous_windows: tuple[str, ...] = ()
    resolved_by: str | None = None
    notified: tuple[str, ...] = ()  # calendar update ids already made (overdue)
    source: str = ""  # who first stated it (the per-source bound counts by it)

    @property
    def window(self) -> Window:
        return Window(self.window_start, self.window_end, self.precision)

    @property
    def weighty(self) -> bool:
        """A decision or a Phase 3 readout: its slip past 90 days and its overdue are high (taxonomy)."""
        return self.kind == "decision" or (self.kind == "readout" and self.phase3)

    def title(self) -> str:
        """ "ALKIVIA Phase 3 readout", "efgartigimod regulatory decision"."""
        subject = self.trial or self.drug or self.agent
        phase = " Phase 3" if self.phase3 and self.kind in ("readout", "trial_completion") else ""
        return f"{subject}{phase} {KIND_LABELS[self.kind]}"

    def to_json(self) -> str:
        """Compact JSON, as stored in the entry's item (`entry`); the form pydantic wrote before."""
        return compact_json(
            {
                "catalyst_id": self.catalyst_id,
                "agent": self.agent,
                "kind": self.kind,
                "trial": self.trial,
                "drug": self.drug,
                "window_start": self.window_start.isoformat(),
                "window_end": self.window_end.isoformat(),
                "precision": self.precision,
                "phase3": self.phase3,
                "indications": list(self.indications),
                "sentences": list(self.sentences),
                "links": list(self.links),
                "stated_on": self.stated_on.isoformat(),
                "first_seen": json_datetime(self.first_seen),
                "last_confirmed": json_datetime(self.last_confirmed),
                "state": self.state,
                "sequence": self.sequence,
                "version": self.version,
                "previous_windows": list(self.previous_windows),
                "resolved_by": self.resolved_by,
                "notified": list(self.notified),
                "source": self.source,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> CalendarEntry:
        """Inverse of to_json (absent fields take their defaults); RecordFieldError naming a bad field."""
        read = FieldReader("CalendarEntry", json_object("CalendarEntry", text))
        return cls(
            catalyst_id=read.text("catalyst_id"),
            agent=read.text("agent"),
            kind=read.choice("kind", _KINDS),  # type: ignore[arg-type]
            trial=read.text_or_none("trial"),
            drug=read.text_or_none("drug"),
            window_start=read.day("window_start"),
            window_end=read.day("window_end"),
            precision=read.choice("precision", _PRECISIONS),  # type: ignore[arg-type]
            phase3=read.flag("phase3", False),
            indications=read.texts("indications"),
            sentences=read.texts("sentences"),
            links=read.texts("links"),
            stated_on=read.day("stated_on"),
            first_seen=read.moment("first_seen"),
            last_confirmed=read.moment("last_confirmed"),
            state=read.choice("state", _STATES, "upcoming"),  # type: ignore[arg-type]
            sequence=read.count("sequence"),
            version=read.count("version"),
            previous_windows=read.texts("previous_windows"),
            resolved_by=read.text_or_none("resolved_by"),
            notified=read.texts("notified"),
            source=read.text("source", ""),
        )


_KINDS: frozenset[str] = frozenset(get_args(CatalystKind))
_PRECISIONS: frozenset[str] = frozenset(get_args(Precision))
_STATES: frozenset[str] = frozenset(get_args(CatalystState))


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    """A catalyst as stated in one stored item (built in memory, never read from outside)."""

    catalyst: ExtractedCatalyst
    update_id: str
    url: str = ""
    source_name: str = ""
    stated_on: date
    phase3: bool = False  # the trial is Phase 3 (from the watchlist) even when the sentence does not say so
    indications: tuple[str, ...] = ()  # of the stating item, or of the watched trial
    # The statement itself reports a moved date ("the FDA extended the review to 20 June 2023"), and the
    # window it moved from when it names one ("moved to Dec. 28, 2025, from Sept. 28, 2025").
    reports_move: bool = False
    moved_from: Window | None = None


def entry_id(catalyst: ExtractedCatalyst) -> str | None:
    if catalyst.agent is None:
        return None
    return catalyst_id(catalyst.agent, catalyst.kind, catalyst.trial or catalyst.agent)


def _state_at(start: date, end: date, today: date) -> CatalystState:
    return "due" if start <= today else "upcoming"


def _severity_slip(entry: CalendarEntry, old: Window | None, new_end: date) -> Severity:
    if old is None:
        return "medium"  # how far it moved is not known
    moved = abs((new_end - old.end).days)
    return "high" if entry.weighty and moved > HIGH_SLIP_DAYS else "medium"


def _calendar_update(
    entry: CalendarEntry,
    *,
    update_id: str,
    event: Literal["catalyst_slip", "catalyst_overdue"],
    severity: Severity,
    title: str,
    url: str,
    source_name: str,
    now: datetime,
    part_of: str = "",
) -> Update:
    return Update(
        part_of=part_of,
        update_id=update_id,
        title=title,
        summary=entry.sentences[-1] if entry.sentences else "",
        url=url,
        source_id=CALENDAR_SOURCE_ID,
        source_name=source_name or "pipewatch catalyst calendar",
        published=now,
        doc_type="news",
        classification=Classification(
            relevant=True,
            agents=(entry.agent,),
            indications=entry.indications,
            event_type=event,
            severity=severity,
            reasons=(_calendar_reason(entry),),
        ),
        sources=(source_name,) if source_name else (),
        first_seen=now,
    )


def _calendar_reason(entry: CalendarEntry) -> str:
    """Why a calendar update was made, in the subscriber's words (the id stays in the update's links)."""
    said = f'"{entry.sentences[-1]}"' if entry.sentences else "a statement"
    return f"catalyst calendar: {entry.title()}, from {said} (stated {entry.stated_on.isoformat()})"


def _remember(values: tuple[str, ...], value: str, limit: int = _MAX_SENTENCES) -> tuple[str, ...]:
    if not value or value in values:
        return values
    return (*values, value)[-limit:]


def observe(
    entry: CalendarEntry | None, seen: Observation, now: datetime
) -> tuple[CalendarEntry | None, list[Update]]:
    """Fold one statement into the calendar. Returns the entry to write (None: nothing changes) and the
    updates it makes (a slip). A statement older than the one the window comes from only adds its
    sentence; a statement with no window (no year) is not calendared."""
    c = seen.catalyst
    key = entry_id(c)
    if key is None or c.window_start is None or c.window_end is None:
        return None, []
    new = Window(c.window_start, c.window_end, c.precision)
    phase3 = seen.phase3 or bool(_PHASE3.search(c.sentence))
    if entry is None:
        return _created(key, new, seen, phase3, now)
    if seen.url and seen.url in entry.links and c.sentence in entry.sentences:
        return None, []  # the same statement again (a re-poll or a retry)
    merged = replace(
        entry,
        sentences=_remember(entry.sentences, c.sentence),
        links=_remember(entry.links, seen.url),
        phase3=entry.phase3 or phase3,
        indications=tuple(dict.fromkeys((*entry.indications, *seen.indications))),
        drug=entry.drug or c.drug,
        version=entry.version,
    )
    over = entry.state in ("resolved", "withdrawn")
    if over and new.start > entry.window_end and seen.stated_on > entry.window_end:
        # stated after the last one's window had closed, for a later window: the next catalyst of its kind
        # (the next filing, the next decision), not a slip of the one that is over
        again = replace(merged, resolved_by=None, sentences=(c.sentence,), links=_remember((), seen.url))
        return _moved(again, new, seen, now), []
    same = (new.start, new.end) == (entry.window_start, entry.window_end)
    if same or seen.stated_on < entry.stated_on or over:
        return replace(merged, last_confirmed=now), []
    old = entry.window
    moved_entry = _moved(merged, new, seen, now)
    narrowing = old.start <= new.start and new.end <= old.end  # "2H 2026" -> "December 2026": no slip
    return moved_entry, [] if narrowing else [_slip_update(moved_entry, seen, old, now)]


def _created(
    key: str, window: Window, seen: Observation, phase3: bool, now: datetime
) -> tuple[CalendarEntry, list[Update]]:
    c = seen.catalyst
    created = CalendarEntry(
        catalyst_id=key,
        agent=c.agent or "",
        kind=c.kind,
        trial=c.trial,
        drug=c.drug,
        window_start=window.start,
        window_end=window.end,
        precision=window.precision,
        phase3=phase3,
        indications=seen.indications,
        sentences=(c.sentence,),
        links=(seen.url,) if seen.url else (),
        stated_on=seen.stated_on,
        first_seen=now,
        last_confirmed=now,
        state=_state_at(window.start, window.end, now.date()),
        source=seen.source_name,
    )
    if not seen.reports_move:
        return created, []
    # The first the calendar hears of it is the news that it moved: a slip all the same.
    previous = seen.moved_from
    if previous is not None:
        created = replace(created, previous_windows=(previous.label(),), sequence=1)
    return created, [_slip_update(created, seen, previous, now)]


def _moved(entry: CalendarEntry, new: Window, seen: Observation, now: datetime) -> CalendarEntry:
    """`entry` with its window moved to `new` (SEQUENCE raised, the old window remembered)."""
    return replace(
        entry,
        window_start=new.start,
        window_end=new.end,
        precision=new.precision,
        stated_on=seen.stated_on,
        last_confirmed=now,
        sequence=entry.sequence + 1,
        previous_windows=_remember(entry.previous_windows, entry.window.label(), 10),
        state=_state_at(new.start, new.end, now.date()),
    )


def _slip_update(entry: CalendarEntry, seen: Observation, old: Window | None, now: datetime) -> Update:
    """ "ALKIVIA Phase 3 readout: 2H 2026 -> 1H 2027 (source, date)"; when only the new date is known (the
    statement reports the move without the old date), "... moved to 2023-06-20 (source, date)". The id is
    derived from the entry's new SEQUENCE, the two windows and the stating item, so a loop (1H -> 2H -> 1H
    -> 2H) never reuses an earlier slip's id, while a retry of the same fold (same sequence, same item)
    makes the same update."""
    new = entry.window
    where = ", ".join(p for p in (seen.source_name, seen.stated_on.isoformat()) if p)
    moved = f"{old.label()} -> {new.label()}" if old is not None else f"moved to {new.label()}"
    return _calendar_update(
        entry,
        update_id=catalyst_update_id(
            "catalyst_slip",
            entry.catalyst_id,
            f"seq{entry.sequence}",
            old.label() if old else "reported",
            new.label(),
            seen.update_id,
        ),
        event="catalyst_slip",
        severity=_severity_slip(entry, old, new.end),
        title=f"{entry.title()}: {moved} ({where})",
        url=seen.url,
        source_name=seen.source_name,
        now=now,
        part_of=_reported_by_story(seen),
    )


def _reported_by_story(seen: Observation) -> str:
    """The stored story whose own words report this move ("the FDA has extended the review to 20 June
    2023"): its alert said it, so the slip joins it. A move the calendar infers by comparing statements
    (the item only states the new date) is news the story did not tell: alerted on its own."""
    if seen.reports_move and seen.update_id and not seen.update_id.startswith("registry:"):
        return seen.update_id
    return ""


# ----------------------------------------------------------------------------------------- resolution

_FULFILS: dict[str, re.Pattern[str]] = {
    "readout": re.compile(
        r"\b(?:results?|top[\s-]?line|data|met|meets|failed|primary endpoint|read\s*out)\b", re.I
    ),
    "decision": re.compile(
        r"\b(?:approv\w*|complete response|crl|rejects?|rejected|chmp (?:positive )?opinion|"
        r"authori[sz]ation)\b",
        re.I,
    ),
    "filing": re.compile(r"\b(?:accept\w*|submitted|submits|filed|files|submission of)\b", re.I),
    "launch": re.compile(r"\b(?:launch\w*|now available|commercially available)\b", re.I),
    "trial_start": re.compile(r"\b(?:first patient|initiat\w*|started|starts|begins|began|dosed)\b", re.I),
    "trial_completion": re.compile(r"\b(?:completed|completes|completion)\b", re.I),
    "enrollment_complete": re.compile(
        r"\b(?:fully enrolled|enrol?lment complete\w*|completes? enrol?lment)\b", re.I
    ),
    "congress": re.compile(r"\b(?:presented|presents|presentation)\b", re.I),
    "other": re.compile(r"\b(?:feedback|guidance|meeting|alignment)\b", re.I),
}
# What the overdue update says was not seen, per kind
_AWAITED: dict[str, str] = {
    "readout": "readout",
    "decision": "decision",
    "filing": "filing",
    "launch": "launch",
    "trial_start": "start",
    "trial_completion": "completion",
    "enrollment_complete": "enrollment completion",
    "congress": "presentation",
    "other": "news of it",
}
_WITHDRAWN = re.compile(r"\b(?:discontinu\w*|terminat\w*|stopped|halt\w*|dropp\w*|deprioriti[sz]\w*)\b", re.I)


def resolves(entry: CalendarEntry, update: Update, states_again: bool) -> bool:
    """Whether a stored update fulfils the catalyst: about its agent (and trial when one is named), saying
    what the kind promises, inside or near its window, and not itself guiding it again (`states_again`:
    the update's text states this same catalyst as still ahead)."""
    if entry.state not in OPEN_STATES or states_again or not _same_subject(entry, update):
        return False
    text = f"{update.title} {update.summary}"
    moment = (update.published or update.first_seen).astimezone(UTC).date()
    margin = timedelta(days=RESOLVE_MARGIN_DAYS)
    outside = not entry.window_start - margin <= moment <= entry.window_end + margin
    # Phase 2 results do not read out a Phase 3 (ALKIVIA's Phase 2 part reported in 2025)
    earlier_phase = entry.kind == "readout" and entry.phase3 and _only_earlier_phases(text)
    if outside or earlier_phase:
        return False
    event = update.classification.event_type
    if update.change is not None and entry.kind == "trial_completion":
        return "completion" in update.change.field.lower() and "ACTUAL" in (update.change.new or "").upper()
    if event in ("commentary", "catalyst_slip", "catalyst_overdue", None):
        return False
    return bool(_FULFILS[entry.kind].search(text))


_PHASE_NAMED = re.compile(
    r"\b(?:phase|fase)\s*(1|2|3|4|i{1,3}|iv|1/2|2/3|i/ii|ii/iii|[12][ab]|ii[ab])\b|\bph([123])\b", re.I
)


def _only_earlier_phases(text: str) -> bool:
    """The text names trial phases and none of them is 3."""
    named = [(m.group(1) or m.group(2)).lower() for m in _PHASE_NAMED.finditer(text)]
    return bool(named) and not any("3" in p or "iii" in p for p in named)


def resolve(entry: CalendarEntry, update: Update, now: datetime) -> CalendarEntry:
    return replace(entry, state="resolved", resolved_by=update.update_id, last_confirmed=now)


def withdraws(entry: CalendarEntry, update: Update) -> bool:
    """A stored update that stops the trial or drops the programme the catalyst belongs to. A catalyst tied
    to no trial (a decision, a launch) is withdrawn only by a programme dropped in its indication, never by
    one of the drug's other trials stopping (UplighTED in thyroid eye disease does not withdraw a myasthenia
    gravis decision)."""
    if entry.state not in OPEN_STATES or not _same_subject(entry, update):
        return False
    text = f"{update.title} {update.summary}"
    event = update.classification.event_type
    stops = event == "pipeline" or (event == "trial_status" and entry.trial is not None)
    return stops and bool(_WITHDRAWN.search(text))


def _same_subject(entry: CalendarEntry, update: Update) -> bool:
    """The update is about the entry's agent, its trial when it has one, and (when both name indications)
    one of its indications."""
    if entry.agent not in update.agents:
        return False
    if entry.trial and entry.trial.upper() not in f"{update.title} {update.summary}".upper():
        return False
    stated = set(update.classification.indications)
    return not (entry.indications and stated) or bool(stated & set(entry.indications))


# ----------------------------------------------------------------------------------------- daily check


def check(
    entry: CalendarEntry, now: datetime, grace_days: int = DEFAULT_GRACE_DAYS
) -> tuple[CalendarEntry | None, list[Update]]:
    """The daily check of one entry: upcoming -> due when its window opens; due -> overdue (one update) when
    the window closed `grace_days` ago with nothing resolving it. (None, []) when nothing changes."""
    if entry.state not in OPEN_STATES:
        return None, []
    today = now.astimezone(UTC).date()
    if entry.first_seen.astimezone(UTC).date() > entry.window_end + timedelta(days=grace_days):
        # Already overdue when the calendar first heard of it (an old statement): marked, never alerted, as
        # old news is never alerted.
        return replace(entry, state="overdue"), []
    if today > entry.window_end + timedelta(days=grace_days):
        # the SEQUENCE too: a window guided again after a slip loop is a new overdue, not the old one's id
        update_id = catalyst_update_id(
            "catalyst_overdue", entry.catalyst_id, f"seq{entry.sequence}", entry.window_end.isoformat()
        )
        what = _AWAITED[entry.kind]
        title = (
            f"{entry.title()} guided for {entry.window.label()}: "
            f"window closed {entry.window_end.isoformat()}, no {what} seen in {grace_days} days"
        )
        update = _calendar_update(
            entry,
            update_id=update_id,
            event="catalyst_overdue",
            severity="high" if entry.weighty else "medium",
            title=title,
            url=entry.links[-1] if entry.links else "",
            source_name="",
            now=now,
        )
        done = replace(entry, state="overdue", notified=_remember(entry.notified, update_id, 20))
        return done, [update]
    if entry.state == "upcoming" and today >= entry.window_start:
        return replace(entry, state="due"), []
    return None, []

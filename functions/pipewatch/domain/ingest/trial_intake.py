"""A registry record at poll time (pure): read it, compare it with the stored snapshot, and decide what to
write: nothing (same content), the snapshot alone (a baseline), or the snapshot with its change updates.

The first successful poll of a registry is a baseline: every study already registered would otherwise alert
as "new study". Later polls alert on new studies and on changes, except a study first seen whose record was
last updated before the alert horizon (an old study an added agent brought in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipewatch.domain.ingest.back_catalogue import WatchMarks
from pipewatch.domain.ingest.ids import trial_change_id
from pipewatch.domain.ingest.sources import PollLimits
from pipewatch.domain.limits import SNAPSHOT_MAX_BYTES
from pipewatch.domain.models import Classification, TrialChange, Update
from pipewatch.domain.trials.diff import diff_snapshots
from pipewatch.domain.trials.document import snapshot_from_study
from pipewatch.domain.trials.model import TrialSnapshot, fit_snapshot
from pipewatch.domain.watch.classify import Classifier
from pipewatch.domain.watch.watchlist import Watchlist

CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"


def trial_text(snapshot: TrialSnapshot) -> str:
    """The words of a registry record that name its drugs and diseases, for agent and indication matching."""
    words: list[str] = [snapshot.acronym or "", *(snapshot.conditions or ())]
    for intervention in snapshot.interventions or ():
        words.append(intervention.name or "")
        words.extend(intervention.other_names or ())
    return ". ".join(w for w in words if w)


def read_study(study: object) -> tuple[TrialSnapshot, bool]:
    """The snapshot of an API v2 study document sized to be written (the biggest lists are dropped, and
    named in `trimmed`, until it fits), and whether it had to be trimmed. Raises PayloadError for a document
    that is not a study."""
    full = snapshot_from_study(study)
    snapshot = fit_snapshot(full, SNAPSHOT_MAX_BYTES)
    return snapshot, snapshot is not full


@dataclass(frozen=True)
class TrialDecision:
    """`write`: save the snapshot (with `updates`, the alertable changes, in the same conditional write)."""

    snapshot: TrialSnapshot
    write: bool
    updates: tuple[Update, ...]
    reason: str
    agent: str | None  # the watched agent whose trial this is, if any


def stale(snapshot: TrialSnapshot, limits: PollLimits, now: datetime) -> bool:
    """A study whose record was last updated before the alert horizon is not news when first seen."""
    try:
        updated = date.fromisoformat((snapshot.last_update_posted or "")[:10])
    except ValueError:
        return False
    return updated < (now - timedelta(days=limits.alert_horizon_days)).date()


def decide_trial(
    snapshot: TrialSnapshot,
    previous_json: str | None,
    *,
    source_id: str,
    first_poll: bool,
    limits: PollLimits,
    now: datetime,
    classifier: Classifier,
    watchlist: Watchlist,
    acronym: str | None,
    marks: WatchMarks | None = None,
) -> TrialDecision:
    """`marks`: when each agent was first watched; a record first seen that predates the watching of its
    agents is saved without an alert (domain/ingest/back_catalogue.py)."""
    old = TrialSnapshot.model_validate_json(previous_json) if previous_json is not None else None
    agent = watchlist.agent_for_nct(snapshot.nct_id)
    changes = diff_snapshots(old, snapshot, acronym=acronym or None)
    if old is not None and not changes:
        return TrialDecision(snapshot, False, (), "same content as the stored snapshot", agent)
    if old is None and first_poll:
        return TrialDecision(snapshot, True, (), "first poll of the registry (baseline)", agent)
    if old is None and stale(snapshot, limits, now):
        return TrialDecision(snapshot, True, (), "first seen, last updated before the alert horizon", agent)
    if old is None and marks is not None:
        about = (
            (agent,)
            if agent
            else classifier.classify(snapshot.brief_title or "", trial_text(snapshot)).agents
        )
        why = marks.study(about, snapshot.last_update_posted)
        if why is not None:
            return TrialDecision(snapshot, True, (), why, agent)
    updates = tuple(
        trial_update(snapshot, change, source_id, now, classifier=classifier, watched_agent=agent)
        for change in changes
    )
    return TrialDecision(snapshot, True, updates, f"{len(updates)} change(s)", agent)


def trial_update(
    snapshot: TrialSnapshot,
    change: TrialChange,
    source_id: str,
    now: datetime,
    *,
    classifier: Classifier,
    watched_agent: str | None,
) -> Update:
    about = classifier.classify(snapshot.brief_title or "", trial_text(snapshot), doc_type="registry")
    agents = about.agents
    if watched_agent and watched_agent not in agents:
        agents = (watched_agent, *agents)
    classification = Classification(
        relevant=True,
        agents=agents,
        indications=about.indications,
        event_type=change.event_type,
        severity=change.severity,
        reasons=(f"registry change: {change.field}", *about.reasons),
    )
    version = snapshot.last_update_posted or now.date().isoformat()
    return Update(
        update_id=trial_change_id(change, version),
        title=change.summary,
        summary=snapshot.brief_title or "",  # pydantic refused None here; a trimmed title is ""
        url=CTGOV_STUDY_URL.format(nct_id=snapshot.nct_id),
        source_id=source_id,
        source_name="ClinicalTrials.gov",
        published=now,
        doc_type="registry",
        classification=classification,
        sources=("ClinicalTrials.gov",),
        change=change,
        first_seen=now,
    )

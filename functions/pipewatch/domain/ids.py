"""Stable ids: the same item is the same update on every poll, whichever outlet or poll brought it."""

from __future__ import annotations

import hashlib
import re

from pipewatch.domain.models import FetchedItem, TrialChange

_SPACE = re.compile(r"\s+")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def update_id(item: FetchedItem) -> str:
    """Keyed on the canonical URL when there is one (the same article from two feeds is one update), else
    on the source's guid, else on the normalised title and date."""
    if item.url:
        return "u-" + _digest("url", item.url)
    if item.guid:
        return "u-" + _digest("guid", item.source_id, item.guid)
    title = _SPACE.sub(" ", item.title).strip().lower()
    day = item.published.date().isoformat() if item.published else ""
    return "u-" + _digest("title", title, day)


def trial_change_id(change: TrialChange, version_marker: str) -> str:
    """A registry change is identified by the study, the field, the new value and the record version, so a
    re-poll of the same version never makes a second update but a later flip back and forth does."""
    return "t-" + _digest(change.nct_id, change.field, change.new or "", version_marker)


def catalyst_id(agent: str, kind: str, subject: str) -> str:
    """One calendar entry per watched agent, catalyst kind and trial (or drug when no trial is named)."""
    return "c-" + _digest(agent, kind, _SPACE.sub(" ", subject).strip().upper())


def catalyst_update_id(event: str, catalyst: str, *parts: str) -> str:
    """A calendar update (slip, overdue) is identified by what it says, so it is written once however often
    the same statement is seen or the daily check runs."""
    return "k-" + _digest(event, catalyst, *parts)

"""ClinicalTrials.gov by change, not by agent (issue 25): one global query per registry refresh.

1. ``/api/v2/version``: nothing to do while ``dataTimestamp`` has not moved.
2. ``/api/v2/studies?filter.advanced=AREA[LastUpdatePostDate]RANGE[<watermark - overlap>,MAX]``, sorted by
   that date, light ``fields=``, pages of up to 1,000 followed to the end: every study updated since the last
   poll, whatever it is about. Each is matched here against the watchlist (aliases, NCT ids, conditions,
   sponsors); the request count does not depend on the number of agents.
3. The full records of the matched studies whose version mark (``LastUpdateSubmitDate``) moved, by NCT id
   (``filter.ids``, 100 a request): the NCT-id path. A matched study seen again through the overlap, same
   mark, costs nothing more.
4. Every version: for each of them the record history (``/api/int``), each version between the one stored and
   the current one read in order, so intermediate states alert; the history failing or changing shape falls
   back to the snapshot diff (``CtgovHistoryFallbacks``).
5. Vanished records: the watched NCT ids are re-checked in turn (one ``filter.ids`` request a cycle); one
   missing is asked for directly: 404 is "removed", a record of another id (the API redirected) "merged".

The cursor keeps ``data_timestamp``, ``change_watermark`` (latest LastUpdatePostDate read), ``mark:<NCT>``
(the version mark last handled), ``version:<NCT>`` (the history version stored) and ``vanish_offset``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from pipewatch.adapters import ctgov
from pipewatch.adapters.ctgov_history import history_url, parse_history, parse_history_version
from pipewatch.adapters.source_poll import SourcePoll, WatchInputs
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.registry_match import (
    RegistryMatcher,
    StudyKeys,
    change_range,
    next_watermark,
    stale_marks,
)
from pipewatch.domain.ingest.sources import CtgovSettings, CtgovSource
from pipewatch.errors import PayloadError, SourceError

Study = dict[str, Any]


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values if isinstance(v, str)) if isinstance(values, list) else ()


def study_keys(study: Mapping[str, Any]) -> StudyKeys:
    """The matching keys of an API v2 study (light ``fields=`` or full)."""
    proto = _get(study, "protocolSection")
    names = [
        _get(proto, "identificationModule", "briefTitle"),
        _get(proto, "identificationModule", "officialTitle"),
        _get(proto, "identificationModule", "acronym"),
    ]
    for intervention in _get(proto, "armsInterventionsModule", "interventions") or []:
        if isinstance(intervention, Mapping):
            names.append(intervention.get("name"))
            names.extend(_strings(intervention.get("otherNames")))
    sponsors = [_get(proto, "sponsorCollaboratorsModule", "leadSponsor", "name")]
    for collaborator in _get(proto, "sponsorCollaboratorsModule", "collaborators") or []:
        if isinstance(collaborator, Mapping):
            sponsors.append(collaborator.get("name"))
    status = _get(proto, "statusModule")
    mark = _get(status, "lastUpdateSubmitDate") or _get(status, "lastUpdatePostDateStruct", "date") or ""
    return StudyKeys(
        nct_id=ctgov._nct_id(study),
        names=tuple(n for n in names if isinstance(n, str) and n),
        conditions=_strings(_get(proto, "conditionsModule", "conditions")),
        sponsors=tuple(s for s in sponsors if isinstance(s, str) and s),
        last_update=str(mark),
        status=str(_get(status, "overallStatus") or ""),
    )


def posted_date(study: Mapping[str, Any]) -> str:
    value = _get(study, "protocolSection", "statusModule", "lastUpdatePostDateStruct", "date")
    return value if isinstance(value, str) else ""


def matcher_for(settings: CtgovSettings, watch: WatchInputs) -> RegistryMatcher:
    listed = settings.use_watchlist
    return RegistryMatcher(
        aliases=[*(watch.terms if listed else []), *settings.extra_terms],
        nct_ids=[*(watch.nct_ids if listed else []), *settings.extra_nct_ids],
        conditions=watch.conditions if listed else [],
        sponsors=watch.sponsors if listed else [],
        match_on=settings.match_on,
    )


def change_params(settings: CtgovSettings, watermark: str) -> dict[str, str]:
    return {
        "format": "json",
        "pageSize": str(settings.change_page_size),
        "fields": ",".join(settings.change_fields),
        "filter.advanced": change_range(watermark, settings.overlap_days),
        "sort": "LastUpdatePostDate:asc",  # dates sort desc by default (OAS); asc lets a capped poll resume
    }


def _first_watermark(settings: CtgovSettings, stamp: str) -> str:
    try:
        refreshed = date.fromisoformat(stamp[:10])
    except ValueError as exc:
        raise PayloadError(f"ctgov version: dataTimestamp {stamp!r} is not a date") from exc
    return (refreshed - timedelta(days=settings.first_window_days)).isoformat()


def _pages(poll: SourcePoll, url: str, params: dict[str, str], max_pages: int) -> tuple[list[Study], bool]:
    """Every study of a paged search, and whether it was read to the end (False: stopped at max_pages)."""
    studies: list[Study] = []
    token = ""
    for _page in range(max_pages):
        response = poll.get(url, expect="json", params={**params, "pageToken": token} if token else params)
        batch, token = ctgov.parse_studies_page(response.body)
        studies.extend(batch)
        if not token:
            return studies, True
    return studies, False


def _full_records(poll: SourcePoll, settings: CtgovSettings, nct_ids: list[str]) -> dict[str, Study]:
    """The full records (the configured ``fields``) of these studies, by NCT id, 100 a request."""
    found: dict[str, Study] = {}
    common = {"format": "json", "pageSize": str(ctgov.NCT_BATCH), "fields": ",".join(settings.fields)}
    for start in range(0, len(nct_ids), ctgov.NCT_BATCH):
        batch = nct_ids[start : start + ctgov.NCT_BATCH]
        studies, _complete = _pages(
            poll, f"{settings.base_url}/studies", {**common, "filter.ids": ",".join(batch)}, 2
        )
        for study in studies:
            found.setdefault(ctgov._nct_id(study), study)
    return found


def confirm_vanished(poll: SourcePoll, settings: CtgovSettings, nct_id: str) -> tuple[str, str] | None:
    """(nct_id, "") when the record answers 404, (nct_id, other id) when it answers with another study (the
    API followed a redirect to it), None when it is still there under its own id."""
    try:
        response = poll.get(f"{settings.base_url}/studies/{nct_id}", expect="json", params={"format": "json"})
    except SourceError as exc:
        if exc.status == 404:
            return nct_id, ""
        raise
    studies, _token = ctgov.parse_studies_page(response.body)
    other = ctgov._nct_id(studies[0]) if studies else ""
    return (nct_id, other) if other and other != nct_id else None


def history_versions(poll: SourcePoll, settings: CtgovSettings, nct_id: str) -> list[Study]:
    """The versions of a changed study between the one last stored and the current one (exclusive), oldest
    first, API v2-shaped. [] when there are none, when the study is new to us, or on a fallback."""
    known = poll.state.cursor.get(f"version:{nct_id}", "")
    try:
        entries = parse_history(poll.get(history_url(settings.int_base_url, nct_id), expect="json").body)
        latest = entries[-1].version
        wanted = [e.version for e in entries if known.isdigit() and int(known) < e.version < latest]
        if len(wanted) > settings.history_max_versions - 1:
            poll.notes.append(f"{nct_id}: {len(wanted)} intermediate versions, kept the last ones")
            wanted = (
                wanted[len(wanted) - settings.history_max_versions + 1 :]
                if settings.history_max_versions > 1
                else []
            )
        versions: list[Study] = []
        for number in wanted:
            url = history_url(settings.int_base_url, nct_id, number)
            _version, study = parse_history_version(poll.get(url, expect="json").body, nct_id)
            versions.append(study)
    except (SourceError, PayloadError) as exc:  # undocumented endpoint: the snapshot diff still runs
        poll.count("CtgovHistoryFallbacks")
        poll.notes.append(f"{nct_id}: history unavailable, snapshot diff only ({str(exc)[:120]})")
        return []
    poll.cursor[f"version:{nct_id}"] = str(latest)
    return versions


def _vanish_batch(poll: SourcePoll, settings: CtgovSettings, watched: list[str]) -> list[str]:
    """This cycle's turn of watched NCT ids to re-check (the offset moves on each cycle)."""
    if not watched or settings.vanish_checks_per_cycle == 0:
        return []
    size = min(settings.vanish_checks_per_cycle, ctgov.NCT_BATCH, len(watched))
    offset = int(poll.state.cursor.get("vanish_offset", "0") or 0) % len(watched)
    poll.cursor["vanish_offset"] = str((offset + size) % len(watched))
    return [watched[(offset + i) % len(watched)] for i in range(size)]


def prune_marks(poll: SourcePoll, settings: CtgovSettings, watched: list[str], unmatched: set[str]) -> None:
    """Keep the by-change state bounded: drop the mark and history version of the studies seen again but
    no longer matched, closed long ago or quiet too long (`stale_marks`), and history versions left
    without a mark. Counted as ``CtgovMarksPruned``."""
    cursor = {**poll.state.cursor, **poll.cursor}
    marks = {key[5:]: value for key, value in cursor.items() if key.startswith("mark:")}
    stale = {n for n in unmatched if n in marks or f"version:{n}" in cursor}
    handled = {key[5:] for key in poll.cursor if key.startswith("mark:")}  # written by this poll: current
    stale.update(
        stale_marks(
            {n: m for n, m in marks.items() if n not in handled},
            watermark=cursor.get("change_watermark", ""),
            watched=watched,
            retention_days=settings.mark_retention_days,
            closed_retention_days=settings.closed_mark_retention_days,
        )
    )
    orphans = {key for key in cursor if key.startswith("version:") and key[8:] not in marks}
    dropped = {f"mark:{n}" for n in stale} | {f"version:{n}" for n in stale} | orphans
    dropped &= set(cursor)
    if dropped:
        poll.dropped.update(dropped)
        poll.count("CtgovMarksPruned", len({key.partition(":")[2] for key in dropped}))


def poll_by_change(poll: SourcePoll, config: CtgovSource, watch: WatchInputs) -> SourceResult:
    settings = config.ctgov
    stamp = ctgov.parse_version(poll.get(f"{settings.base_url}/version", expect="json").body)
    if stamp == poll.state.cursor.get("data_timestamp"):
        return poll.result([], not_modified=True)
    matcher = matcher_for(settings, watch)
    watermark = poll.state.cursor.get("change_watermark") or _first_watermark(settings, stamp)
    changed_list, complete = _pages(
        poll, f"{settings.base_url}/studies", change_params(settings, watermark), settings.change_max_pages
    )
    poll.count("CtgovChangedStudiesRead", len(changed_list))
    changed: dict[str, str] = {}  # matched studies whose version mark moved: nct -> mark
    unmatched: set[str] = set()  # studies seen again that no longer concern the watchlist
    for study in changed_list:
        keys = study_keys(study)
        if keys.nct_id in changed:
            continue
        if matcher.match(keys) is None:
            unmatched.add(keys.nct_id)
            continue
        if poll.state.cursor.get(f"mark:{keys.nct_id}") != keys.mark or not keys.last_update:
            changed[keys.nct_id] = keys.mark
    watched = sorted({n.upper() for n in [*watch.nct_ids, *settings.extra_nct_ids] if n})
    recheck = [n for n in _vanish_batch(poll, settings, watched) if n not in changed]
    full = _full_records(poll, settings, [*changed, *recheck])
    studies: list[Study] = []
    for nct_id, mark in changed.items():
        current = full.get(nct_id)
        if current is None:
            continue  # checked below with the watched ones
        if settings.history:
            studies.extend(history_versions(poll, settings, nct_id))
        studies.append(current)
        poll.cursor[f"mark:{nct_id}"] = mark
    for nct_id in [*changed, *recheck]:
        if nct_id not in full and (gone := confirm_vanished(poll, settings, nct_id)) is not None:
            poll.vanished.append(gone)
    poll.count("CtgovMatchedChanges", len(changed))
    poll.cursor["change_watermark"] = next_watermark(watermark, (posted_date(s) for s in changed_list))
    prune_marks(poll, settings, watched, unmatched - set(changed))
    if complete:
        poll.cursor["data_timestamp"] = stamp
    else:  # the next poll goes on from the latest date read (sorted), before the timestamp is taken as done
        poll.notes.append(
            f"stopped after {settings.change_max_pages} pages of changes; the next poll goes on"
        )
    latest = [full[n] for n in changed if n in full]
    items = [ctgov.study_to_item(s, source_id=config.id, source_name=config.display_name) for s in latest]
    return poll.result(items, studies=studies)

"""ClinicalTrials.gov record history (the undocumented ``/api/int`` endpoints the study page uses).

- ``GET /api/int/studies/<NCT>/history``: the list of versions, recorded as a ``history`` object whose
  ``changes`` are ``{version, date, status, moduleLabels}`` (tests/fixtures/ctgov/int_api_history_*).
- ``GET /api/int/studies/<NCT>/history/<version>``: ``{"studyVersion": n, "study": {protocolSection...}}``,
  the record as it stood at that version.

Both are undocumented and may change shape: anything unexpected is a PayloadError, and the poll falls back to
the snapshot diff (counted). History text is HTML-escaped (``&#x2F;``, ``&lt;``) where API v2 has markdown:
every string is unescaped here so that a version and the API v2 document of the same content give the same
snapshot (the snapshot's own normalisation then drops tags and markdown).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from pipewatch.adapters import safejson
from pipewatch.errors import PayloadError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_VERSIONS = 10_000


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    date: str
    status: str


def history_url(int_base_url: str, nct_id: str, version: int | None = None) -> str:
    tail = "" if version is None else f"/{version}"
    return f"{int_base_url.rstrip('/')}/studies/{nct_id}/history{tail}"


def parse_history(data: bytes) -> list[HistoryEntry]:
    """The versions of a record, oldest first. PayloadError when the body is not that list."""
    doc = safejson.loads(data, "ctgov history")
    history = doc.get("history", doc) if isinstance(doc, dict) else None
    changes = history.get("changes") if isinstance(history, dict) else None
    if not isinstance(changes, list) or not changes:
        raise PayloadError("ctgov history: no 'history.changes' list (the endpoint changed shape?)")
    if len(changes) > MAX_VERSIONS:
        raise PayloadError(f"ctgov history: {len(changes)} versions, more than {MAX_VERSIONS}")
    entries: list[HistoryEntry] = []
    for change in changes:
        version = change.get("version") if isinstance(change, dict) else None
        when = change.get("date") if isinstance(change, dict) else None
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise PayloadError("ctgov history: a change without an integer version")
        if not isinstance(when, str) or not _DATE.match(when):
            raise PayloadError(f"ctgov history: version {version} without a YYYY-MM-DD date")
        status = change.get("status")
        entries.append(HistoryEntry(version, when, status if isinstance(status, str) else ""))
    entries.sort(key=lambda e: e.version)
    if len({e.version for e in entries}) != len(entries):
        raise PayloadError("ctgov history: the same version listed twice")
    return entries


def _unescape(node: Any) -> Any:
    if isinstance(node, str):
        return html.unescape(node)
    if isinstance(node, list):
        return [_unescape(v) for v in node]
    if isinstance(node, dict):
        return {k: _unescape(v) for k, v in node.items()}
    return node


def parse_history_version(data: bytes, nct_id: str = "") -> tuple[int, dict[str, Any]]:
    """(version, the API v2-shaped study with its text unescaped) of a ``/history/<version>`` body."""
    doc = safejson.loads(data, "ctgov history version")
    if not isinstance(doc, dict):
        raise PayloadError("ctgov history version: expected a JSON object")
    version, study = doc.get("studyVersion"), doc.get("study")
    if not isinstance(version, int) or isinstance(version, bool) or not isinstance(study, dict):
        raise PayloadError(
            "ctgov history version: no 'studyVersion' and 'study' (the endpoint changed shape?)"
        )
    ident = study.get("protocolSection", {})
    ident = ident.get("identificationModule", {}) if isinstance(ident, dict) else {}
    found = ident.get("nctId") if isinstance(ident, dict) else None
    if not isinstance(found, str) or not found:
        raise PayloadError("ctgov history version: a study without protocolSection nctId")
    if nct_id and found != nct_id:
        raise PayloadError(f"ctgov history version: asked for {nct_id}, got {found}")
    return version, _unescape(study)

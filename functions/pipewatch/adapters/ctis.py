"""EU CTIS public portal (``euclinicaltrials.eu/ctis-public-api``): a trial's overall status as an update,
keyed on the EU CT number and the status, so each status change is one update.

Real shapes handled: ``retrieve/<ct number>`` (GET; ``ctStatus`` as text, ``decisionDate`` ISO,
``publishDate`` with nanoseconds, sponsors and conditions under ``authorizedApplication.authorizedPartI``)
and one record of ``search`` (a POST; ``ctStatus`` numeric, day-first dates, ``trialCountries`` as
"Country:code"). The numeric codes are named only where a recording shows them next to their text (one
trial's RSS item against its search record): the others are shown as codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pipewatch.adapters import safejson
from pipewatch.domain.models import FetchedItem
from pipewatch.domain.text import clean_text, to_utc
from pipewatch.errors import PayloadError

TRIAL_URL = "https://euclinicaltrials.eu/ctis-public/view/{number}"
# Seen side by side in the recorded RSS item and search record of 2025-523726-40-00 (2026-07-18).
STATUS_CODES = {2: "Authorised, recruitment pending", 3: "Authorised, recruiting", 4: "Ongoing, recruiting"}
MAX_RECORDS = 1000
_TITLE_MAX = 300
_SUMMARY_MAX = 2000


def build_retrieve(base_url: str, ct_number: str) -> str:
    return f"{base_url}/retrieve/{ct_number}"


def _map(value: Any) -> Mapping[str, Any]:
    """A JSON object, or {} for anything else (a record of the wrong shape is read as empty, never raised)."""
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _day_first(value: Any) -> datetime | None:
    """``24/06/2026`` -> 2026-06-24 UTC; None for anything else."""
    parts = str(value or "").strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        return datetime(int(parts[2]), int(parts[1]), int(parts[0]), tzinfo=UTC)
    except ValueError:
        return None


def _iso(value: Any) -> datetime | None:
    text = str(value or "")[:19]  # CTIS sends nanoseconds: to the second is enough
    return to_utc(text) if text else None


def _status(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return STATUS_CODES.get(value, f"status code {value}")
    return clean_text(str(value or "")) or "status unknown"


def _retrieve_item(doc: Mapping[str, Any], *, source_id: str, source_name: str) -> FetchedItem:
    number = str(doc["ctNumber"])
    part_one = _map(_map(doc.get("authorizedApplication")).get("authorizedPartI"))
    conditions = [
        clean_text(str(c.get("medicalCondition")))
        for c in _list(part_one.get("medicalConditions"))
        if isinstance(c, Mapping) and c.get("medicalCondition")
    ]
    sponsors = [
        clean_text(str(_map(s.get("organisation")).get("name") or ""))
        for s in _list(part_one.get("sponsors"))
        if isinstance(s, Mapping)
    ]
    information = _map(_map(part_one.get("trialDetails")).get("trialInformation"))
    endpoints = _list(_map(information.get("endPoint")).get("primaryEndPoints"))
    primary = [
        clean_text(str(e.get("endPoint"))) for e in endpoints if isinstance(e, Mapping) and e.get("endPoint")
    ]
    status = _status(doc.get("ctStatus"))
    return _item(
        number,
        status,
        title_subject=", ".join(conditions) or number,
        parts=[
            f"Sponsor {', '.join(s for s in sponsors if s)}" if any(sponsors) else "",
            f"Conditions {', '.join(conditions)}" if conditions else "",
            f"Planned participants {part_one['rowSubjectCount']}" if part_one.get("rowSubjectCount") else "",
            f"Primary end point {'; '.join(primary)}" if primary else "",
        ],
        published=_iso(doc.get("decisionDate")) or _iso(doc.get("publishDate")),
        source_id=source_id,
        source_name=source_name,
    )


def _search_item(doc: Mapping[str, Any], *, source_id: str, source_name: str) -> FetchedItem:
    number = str(doc["ctNumber"])
    countries = ", ".join(
        f"{name}: {_status(int(code)) if code.isdigit() else code}"
        for name, _, code in (str(c).partition(":") for c in _list(doc.get("trialCountries")))
    )
    return _item(
        number,
        _status(doc.get("ctStatus")),
        title_subject=clean_text(str(doc.get("ctTitle") or doc.get("shortTitle") or number)),
        parts=[
            f"Sponsor {clean_text(str(doc['sponsor']))}" if doc.get("sponsor") else "",
            f"Conditions {clean_text(str(doc['conditions']))}" if doc.get("conditions") else "",
            f"Product {clean_text(str(doc['product']))}" if doc.get("product") else "",
            clean_text(str(doc.get("trialPhase") or "")),
            f"Countries {countries}" if countries else "",
            f"Primary end point {clean_text(str(doc['primaryEndPoint']))}"
            if doc.get("primaryEndPoint")
            else "",
        ],
        published=_day_first(doc.get("lastUpdated")) or _day_first(doc.get("decisionDateOverall")),
        source_id=source_id,
        source_name=source_name,
    )


def _item(
    number: str,
    status: str,
    *,
    title_subject: str,
    parts: list[str],
    published: datetime | None,
    source_id: str,
    source_name: str,
) -> FetchedItem:
    return FetchedItem(
        source_id=source_id,
        title=clean_text(f"EU trial {number} {status}: {title_subject}", max_length=_TITLE_MAX),
        summary=clean_text(". ".join(p for p in parts if p), max_length=_SUMMARY_MAX),
        url="",  # the trial's page is shared by its status updates: the guid (number + status) identifies
        guid=f"ctis:{number}:{status.lower()}",
        published=published,
        doc_type="registry",
        source_name=source_name,
        extra={"eu_ct_number": number, "status": status, "trial_url": TRIAL_URL.format(number=number)},
    )


def parse_ctis(data: bytes, *, source_id: str, source_name: str = "") -> tuple[list[FetchedItem], list[str]]:
    """(items, notes) of a retrieve body, one search record, or a search body ``{"data": [records]}``."""
    doc = safejson.loads(data, "CTIS")
    records: list[Any]
    if isinstance(doc, Mapping) and isinstance(doc.get("data"), list):
        records = doc["data"]
    elif isinstance(doc, Mapping) and doc.get("ctNumber"):
        records = [doc]
    else:
        raise PayloadError("CTIS: neither a retrieve record nor search data (no ctNumber, no data list)")
    notes: list[str] = []
    items: list[FetchedItem] = []
    for record in records[:MAX_RECORDS]:
        if not isinstance(record, Mapping) or not record.get("ctNumber"):
            notes.append("a record without ctNumber")
            continue
        build = (
            _retrieve_item if "authorizedApplication" in record or "ctTitle" not in record else _search_item
        )
        items.append(build(record, source_id=source_id, source_name=source_name))
    return items, notes

"""ClinicalTrials.gov API v2: search requests built from the watchlist, responses parsed into items and raw
study documents (the poll service snapshots and diffs those with ``pipewatch.domain.trials``).

- ``/api/v2/version``: ``dataTimestamp`` moves when the registry data is refreshed (about daily); a poll
  whose timestamp has not moved is skipped.
- ``/api/v2/studies``: ``query.intr`` per batch of aliases (OR-ed, code names included), ``filter.ids``
  for the watched NCT ids, ``fields=`` to keep responses small, ``pageToken`` = previous ``nextPageToken``.
  There is no ``filter.phase``; phase comes back in ``designModule.phases``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pipewatch.adapters import safejson
from pipewatch.domain.ingest.sources import CtgovSettings
from pipewatch.domain.models import FetchedItem
from pipewatch.domain.text import clean_text, to_utc
from pipewatch.errors import PayloadError

STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"
MAX_SUMMARY = 2000
NCT_BATCH = 100
_NCT = re.compile(r"^NCT\d{8}$")

Study = dict[str, Any]


def _load_json(data: bytes, what: str) -> Any:
    return safejson.loads(data, what)


# -- requests --------------------------------------------------------------------------------------


def _quote(term: str) -> str:
    term = term.replace('"', " ").strip()
    return f'"{term}"' if re.search(r"[\s(),]", term) else term


def intervention_queries(terms: Iterable[str], per_query: int) -> list[str]:
    """``query.intr`` values: the distinct terms, quoted where needed, OR-ed in batches of ``per_query``."""
    seen: dict[str, str] = {}
    for term in terms:
        clean = " ".join(term.split())
        if clean and clean.lower() not in seen:
            seen[clean.lower()] = clean
    quoted = [_quote(t) for t in seen.values()]
    return [" OR ".join(quoted[i : i + per_query]) for i in range(0, len(quoted), per_query)]


def build_search_requests(
    settings: CtgovSettings, terms: Iterable[str], nct_ids: Iterable[str]
) -> list[dict[str, str]]:
    """Query parameters of each first-page ``/studies`` request (follow-up pages add ``pageToken``)."""
    common = {"format": "json", "pageSize": str(settings.page_size), "fields": ",".join(settings.fields)}
    requests = [{**common, "query.intr": q} for q in intervention_queries(terms, settings.terms_per_query)]
    ids = sorted({i.strip().upper() for i in nct_ids if _NCT.match(i.strip().upper())})
    for start in range(0, len(ids), NCT_BATCH):
        requests.append({**common, "filter.ids": ",".join(ids[start : start + NCT_BATCH])})
    return requests


# -- responses -------------------------------------------------------------------------------------


def parse_version(data: bytes) -> str:
    """``dataTimestamp`` of a ``/api/v2/version`` body."""
    doc = _load_json(data, "ctgov version")
    stamp = doc.get("dataTimestamp") if isinstance(doc, dict) else None
    if not isinstance(stamp, str) or not stamp:
        raise PayloadError("ctgov version: no dataTimestamp (not an API v2 /version body)")
    return stamp


def _nct_id(study: Mapping[str, Any]) -> str:
    proto = study.get("protocolSection")
    ident = proto.get("identificationModule") if isinstance(proto, Mapping) else None
    value = ident.get("nctId") if isinstance(ident, Mapping) else None
    return value if isinstance(value, str) else ""


def parse_studies_page(data: bytes) -> tuple[list[Study], str]:
    """(studies, nextPageToken or "") of a ``/api/v2/studies`` page, or of a single-study document.

    PayloadError for anything else, including the retired v1 shapes (``FullStudies``, PascalCase ``Study``).
    """
    doc = _load_json(data, "ctgov studies")
    if not isinstance(doc, dict):
        raise PayloadError("ctgov studies: expected a JSON object")
    if "protocolSection" in doc:
        studies: Any = [doc]
    elif "studies" in doc:
        studies = doc["studies"]
    elif {"FullStudies", "Study", "StudyFieldsResponse", "FullStudiesResponse"} & doc.keys():
        raise PayloadError("ctgov studies: a retired API v1 document, not API v2")
    else:
        raise PayloadError(f"ctgov studies: no 'studies' list (keys: {', '.join(sorted(doc)[:5])})")
    if not isinstance(studies, list) or not all(isinstance(s, dict) for s in studies):
        raise PayloadError("ctgov studies: 'studies' is not a list of study objects")
    missing = sum(1 for s in studies if not _nct_id(s))
    if missing:
        raise PayloadError(f"ctgov studies: {missing} study document(s) without protocolSection nctId")
    token = doc.get("nextPageToken")
    return studies, token if isinstance(token, str) else ""


def _get(study: Mapping[str, Any], *path: str) -> Any:
    node: Any = study
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _text_list(values: Any) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


def study_to_item(study: Mapping[str, Any], *, source_id: str, source_name: str = "") -> FetchedItem:
    """One study as a registry item: title, a one-paragraph status summary, the study page URL."""
    nct_id = _nct_id(study)
    proto = study.get("protocolSection", {})
    title = clean_text(_get(proto, "identificationModule", "briefTitle")) or clean_text(
        _get(proto, "identificationModule", "officialTitle")
    )
    acronym = clean_text(_get(proto, "identificationModule", "acronym"))
    status = str(_get(proto, "statusModule", "overallStatus") or "")
    phases = _text_list(_get(proto, "designModule", "phases"))
    conditions = _text_list(_get(proto, "conditionsModule", "conditions"))
    interventions = [
        str(i.get("name"))
        for i in _get(proto, "armsInterventionsModule", "interventions") or []
        if isinstance(i, Mapping) and i.get("name")
    ]
    sponsor = str(_get(proto, "sponsorCollaboratorsModule", "leadSponsor", "name") or "")
    last_update = str(_get(proto, "statusModule", "lastUpdatePostDateStruct", "date") or "")
    first_post = str(_get(proto, "statusModule", "studyFirstPostDateStruct", "date") or "")
    parts = [
        f"{nct_id}" + (f" ({acronym})" if acronym else ""),
        f"Status: {status}" if status else "",
        f"Phase: {', '.join(phases)}" if phases else "",
        f"Conditions: {', '.join(conditions)}" if conditions else "",
        f"Interventions: {', '.join(interventions)}" if interventions else "",
        f"Sponsor: {sponsor}" if sponsor else "",
        clean_text(_get(proto, "descriptionModule", "briefSummary")),
    ]
    extra = {
        "nct_id": nct_id,
        "acronym": acronym,
        "overall_status": status,
        "phases": ",".join(phases),
        "last_update": last_update,
        "sponsor": sponsor,
    }
    return FetchedItem(
        source_id=source_id,
        title=title or nct_id,
        summary=clean_text(". ".join(p for p in parts if p), max_length=MAX_SUMMARY),
        url=STUDY_URL.format(nct_id=nct_id),
        guid=nct_id,
        published=to_utc(last_update) or to_utc(first_post),
        doc_type="registry",
        source_name=source_name,
        extra={k: v for k, v in extra.items() if v},
    )


def dedupe_studies(studies: Iterable[Study]) -> list[Study]:
    """Studies in first-seen order, one per NCT id."""
    unique: dict[str, Study] = {}
    for study in studies:
        unique.setdefault(_nct_id(study), study)
    return list(unique.values())

"""openFDA Drugs@FDA (``drug/drugsfda.json``): one item per submission of an application (original,
supplement, with its status: AP approved, TA tentatively approved...), so an approval, a supplement or a
label change is an update. ``meta.last_updated`` (a date) is the dataset's change signal: when it has not
moved since the last poll nothing is parsed.

Real shapes handled: ``{"meta": {..., "last_updated": "2026-08-11"}, "results": [...]}``; submissions are
not in date order (VYVGART's first listed is SUPPL 4); ``submission_status_date`` is YYYYMMDD. openFDA
answers a search with no match with HTTP 404 ``{"error": {"code": "NOT_FOUND", ...}}``, and any error as
``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pipewatch.adapters import safejson
from pipewatch.domain.ingest.sources import OpenFdaSettings
from pipewatch.domain.models import FetchedItem
from pipewatch.domain.text import canonical_url, clean_text
from pipewatch.errors import PayloadError

OVERVIEW_URL = (
    "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm?event=overview.process&ApplNo={number}"
)
MAX_RESULTS = 1000  # openFDA's own cap on `limit`: more is not a real answer
STATUS = {"AP": "approved", "TA": "tentatively approved"}
SUBMISSION_TYPES = {"ORIG": "original application", "SUPPL": "supplement"}
_TITLE_MAX = 300
_SUMMARY_MAX = 2000


def _quote(value: str) -> str:
    return '"' + " ".join(value.replace('"', " ").split()) + '"'


def search_queries(settings: OpenFdaSettings, names: Iterable[str]) -> list[str]:
    """``search=`` values: the application numbers in one, then the names in batches (brand or generic)."""
    queries: list[str] = []
    if settings.application_numbers:
        queries.append(" OR ".join(f"application_number:{_quote(n)}" for n in settings.application_numbers))
    distinct: dict[str, str] = {}
    for name in [*names, *settings.names]:
        clean = " ".join(name.replace('"', " ").split())
        if len(clean) >= 3:
            distinct.setdefault(clean.lower(), clean)
    values = list(distinct.values())
    for start in range(0, len(values), settings.names_per_query):
        batch = values[start : start + settings.names_per_query]
        queries.append(
            " OR ".join(f"openfda.brand_name:{_quote(n)} OR openfda.generic_name:{_quote(n)}" for n in batch)
        )
    return queries


def build_request(settings: OpenFdaSettings, search: str, api_key: str = "") -> tuple[str, dict[str, str]]:
    params = {"search": search, "limit": str(settings.limit)}
    if api_key:
        params["api_key"] = api_key
    return settings.base_url, params


def _document(data: bytes) -> Mapping[str, Any]:
    doc = safejson.loads(data, "openFDA")
    if not isinstance(doc, Mapping):
        raise PayloadError("openFDA: expected a JSON object")
    error = doc.get("error")
    if isinstance(error, Mapping):
        raise PayloadError(
            f"openFDA error {error.get('code', '')}: {clean_text(str(error.get('message')))[:200]}"
        )
    if not isinstance(doc.get("meta"), Mapping) or not isinstance(doc.get("results"), list):
        raise PayloadError("openFDA: no meta and results (not an openFDA JSON body)")
    return doc


def last_updated(data: bytes) -> str:
    """``meta.last_updated`` of a body ("" when absent); PayloadError when it is not an openFDA body."""
    return str(_document(data)["meta"].get("last_updated") or "")


def _date(value: Any) -> datetime | None:
    text = str(value or "")
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return datetime(int(text[:4]), int(text[4:6]), int(text[6:]), tzinfo=UTC)
    except ValueError:
        return None


def _list(value: Any) -> list[Any]:
    """A JSON list, or [] for anything else (a record of the wrong shape is read as empty, never raised)."""
    return value if isinstance(value, list) else []


def _names(application: Mapping[str, Any]) -> tuple[str, str]:
    found = application.get("openfda")
    openfda: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    brands = [str(b) for b in _list(openfda.get("brand_name")) if b]
    generics = [str(g) for g in _list(openfda.get("generic_name")) if g]
    for product in _list(application.get("products")):
        if isinstance(product, Mapping) and product.get("brand_name"):
            brands.append(str(product["brand_name"]))
    return ", ".join(dict.fromkeys(brands)), ", ".join(dict.fromkeys(generics))


def _overview_url(number: str) -> str:
    return OVERVIEW_URL.format(number=number.lstrip("ABDN"))


def _letter_url(docs: list[Mapping[str, Any]]) -> str:
    for doc in docs:
        if doc.get("type") == "Letter":
            return canonical_url(str(doc["url"]))
    return ""


def _submission_item(
    application: Mapping[str, Any], submission: Mapping[str, Any], *, source_id: str, source_name: str
) -> FetchedItem:
    number = str(application.get("application_number") or "")
    brand, generic = _names(application)
    kind = str(submission.get("submission_type") or "")
    sequence = str(submission.get("submission_number") or "")
    status = str(submission.get("submission_status") or "")
    described = STATUS.get(status, status or "status unknown")
    what = clean_text(str(submission.get("submission_class_code_description") or ""))
    title = clean_text(
        f"FDA {described}: {brand or generic or number} ({number}) "
        f"{SUBMISSION_TYPES.get(kind, kind.lower())} {sequence}" + (f", {what}" if what else ""),
        max_length=_TITLE_MAX,
    )
    properties = [
        str(p.get("code"))
        for p in _list(submission.get("submission_property_type"))
        if isinstance(p, Mapping)
    ]
    docs = [d for d in _list(submission.get("application_docs")) if isinstance(d, Mapping) and d.get("url")]
    parts = [
        f"Sponsor {clean_text(str(application.get('sponsor_name') or ''))}",
        f"generic name {generic}" if generic else "",
        f"review priority {submission.get('review_priority')}" if submission.get("review_priority") else "",
        ", ".join(p for p in properties if p),
        "documents: " + ", ".join(dict.fromkeys(str(d.get("type") or "other") for d in docs)) if docs else "",
    ]
    # The status is part of the identity: a tentative approval followed by an approval is two updates.
    guid = f"openfda:{number}:{kind}:{sequence}:{status}"
    return FetchedItem(
        source_id=source_id,
        title=title,
        summary=clean_text(
            ". ".join(p for p in parts if p.strip() and p != "Sponsor "), max_length=_SUMMARY_MAX
        ),
        # No URL: none is both the submission's own and stable (its letter may be added days after the
        # status; the Drugs@FDA page is the application's), so the guid identifies the update.
        url="",
        guid=guid,
        published=_date(submission.get("submission_status_date")),
        doc_type="regulator",
        source_name=source_name,
        extra={
            k: v
            for k, v in {
                "application_number": number,
                "submission": f"{kind} {sequence}".strip(),
                "status": status,
                "application_url": _overview_url(number),
                "letter_url": _letter_url(docs),
            }.items()
            if v
        },
    )


def parse_drugsfda(
    data: bytes, *, source_id: str, source_name: str = ""
) -> tuple[list[FetchedItem], list[str]]:
    """(items, notes) of a drugsfda.json body: one item per submission; notes name what was skipped."""
    doc = _document(data)
    results = doc["results"]
    notes: list[str] = []
    if len(results) > MAX_RESULTS:
        notes.append(f"{len(results)} results: only the first {MAX_RESULTS} read")
        results = results[:MAX_RESULTS]
    items: list[FetchedItem] = []
    for application in results:
        if not isinstance(application, Mapping) or not application.get("application_number"):
            notes.append("an application without application_number")
            continue
        for submission in _list(application.get("submissions")):
            if isinstance(submission, Mapping):
                items.append(
                    _submission_item(application, submission, source_id=source_id, source_name=source_name)
                )
    return items, notes

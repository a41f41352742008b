"""FederalRegister.gov documents API (``/api/v1/documents.json``): FDA notices (advisory committee meetings)
published in a recent window. One item per document, keyed on its document number.

Real shape handled (the only recording is of another agency's notices, same API): ``count``,
``total_pages``, ``next_page_url`` and ``results[]`` of ``document_number``, ``title``, ``abstract``,
``html_url``, ``publication_date`` (YYYY-MM-DD), ``type``. Errors come as ``{"errors": {...}}`` or
``{"status": 4xx, "message": ...}``.

Paging: ``next_page_url`` is followed as given (it carries the query and a ``search_after_cursor``), only
on the API's own host; a poll reads at most ``max_pages`` and the next poll resumes from the URL kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from urllib.parse import urlsplit

from pipewatch.adapters import safejson
from pipewatch.domain.ingest.sources import FederalRegisterSettings
from pipewatch.domain.models import FetchedItem
from pipewatch.domain.text import canonical_url, clean_text, to_utc
from pipewatch.errors import PayloadError

FEDERAL_REGISTER_API = "https://www.federalregister.gov/api/v1/documents.json"
MAX_RESULTS = 1000  # the API's own per_page cap
_TITLE_MAX = 300
_SUMMARY_MAX = 2000


def build_request(settings: FederalRegisterSettings, today: date) -> tuple[str, dict[str, str]]:
    since = today - timedelta(days=settings.window_days)
    params = {
        "conditions[agencies][]": settings.agency,
        "conditions[publication_date][gte]": since.isoformat(),
        "order": "newest",
        "per_page": str(settings.per_page),
    }
    if settings.document_types:
        params["conditions[type][]"] = settings.document_types[0]  # one value: a dict holds one per key
    if settings.term:
        params["conditions[term]"] = settings.term
    return settings.base_url, params


def names_any(item: FetchedItem, terms: Iterable[str]) -> bool:
    """Whether the item's title or abstract names one of ``terms`` (case-insensitive); the classifier
    decides relevance later, this only drops the notices that name nothing watched."""
    text = f"{item.title} {item.summary}".lower()
    return any(term.lower() in text for term in terms if len(term) >= 3)


def next_page(doc: Mapping[str, object], base_url: str) -> tuple[str, list[str]]:
    """(the page to read next or "", notes): ``next_page_url`` when it is an https URL on the API's host;
    any other value is refused (a body must not send the poller elsewhere)."""
    value = doc.get("next_page_url")
    if not value:
        return "", []
    link, base = urlsplit(str(value)), urlsplit(base_url)
    if link.scheme != "https" or link.netloc != base.netloc or not link.path.startswith("/api/"):
        return "", [f"next_page_url refused (not on {base.netloc}): {clean_text(str(value))[:120]}"]
    return str(value), []


def parse_documents(
    data: bytes, *, source_id: str, source_name: str = ""
) -> tuple[list[FetchedItem], list[str]]:
    """(items, notes) of a documents.json body; PayloadError when it is an error or another shape."""
    items, _next_url, notes = parse_page(data, source_id=source_id, source_name=source_name)
    return items, notes


def parse_page(
    data: bytes, *, source_id: str, source_name: str = "", base_url: str = FEDERAL_REGISTER_API
) -> tuple[list[FetchedItem], str, list[str]]:
    """(items, next page URL or "", notes) of a documents.json body."""
    doc = safejson.loads(data, "Federal Register")
    if not isinstance(doc, Mapping):
        raise PayloadError("Federal Register: expected a JSON object")
    if doc.get("errors") or (isinstance(doc.get("status"), int) and doc.get("message")):
        detail = doc.get("errors") or doc.get("message")
        raise PayloadError(f"Federal Register error: {clean_text(str(detail))[:200]}")
    results = doc.get("results", [] if doc.get("count") == 0 else None)
    if not isinstance(results, list):
        raise PayloadError("Federal Register: no results list (not a documents.json body)")
    following, notes = next_page(doc, base_url)
    count = doc.get("count")
    if isinstance(count, int) and count > len(results):
        notes.append(f"{count} documents match, {len(results)} on this page")
    items: list[FetchedItem] = []
    for result in results[:MAX_RESULTS]:
        if not isinstance(result, Mapping) or not result.get("document_number"):
            notes.append("a document without document_number")
            continue
        number = str(result["document_number"])
        kind = clean_text(str(result.get("type") or ""))
        items.append(
            FetchedItem(
                source_id=source_id,
                title=clean_text(str(result.get("title") or ""), max_length=_TITLE_MAX)
                or f"FR Doc. {number}",
                summary=clean_text(str(result.get("abstract") or ""), max_length=_SUMMARY_MAX),
                url=canonical_url(str(result.get("html_url") or "")),
                guid=f"federal-register:{number}",
                published=to_utc(str(result.get("publication_date") or "")),
                doc_type="regulator",
                source_name=source_name,
                extra={k: v for k, v in {"document_number": number, "type": kind}.items() if v},
            )
        )
    return items, following, notes

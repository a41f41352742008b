"""Europe PMC REST search (JSON, ``resultType=lite``): articles, preprints (source ``PPR``) and abstracts
first indexed in a recent window (``FIRST_IDATE``), paged with ``cursorMark``.

Deduplication with PubMed: a record with a PMID gets PubMed's URL and guid for that PMID
(``https://pubmed.ncbi.nlm.nih.gov/<pmid>/``, ``pmid:<pmid>``), so both sources make one update
(domain/ingest/ids.py keys updates on the canonical URL). A record without a PMID (a preprint) is keyed on
its Europe PMC page; its DOI rides in ``extra["doi"]``.

Real shapes handled: ``{"version", "hitCount", "request": {"cursorMark", ...}, "resultList": {"result": [
...]}}``; ``nextCursorMark`` absent when everything fit in the page; ``firstIndexDate`` and
``firstPublicationDate`` as YYYY-MM-DD.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from pipewatch.adapters import safejson
from pipewatch.adapters.pubmed import ARTICLE_URL
from pipewatch.domain.ingest.sources import EuropePmcSettings
from pipewatch.domain.models import FetchedItem
from pipewatch.domain.text import clean_text, to_utc
from pipewatch.errors import PayloadError

RECORD_URL = "https://europepmc.org/article/{source}/{id}"
MAX_RESULTS = 1000  # Europe PMC's own pageSize cap
_TITLE_MAX = 300
_SUMMARY_MAX = 2000
_AUTHORS_MAX = 300


def search_query(settings: EuropePmcSettings, terms: Iterable[str], today: date) -> str:
    """The configured query, else the distinct terms as quoted phrases OR-ed; always within the
    FIRST_IDATE window ("" when there is nothing to search)."""
    query = settings.query
    if not query:
        seen: dict[str, str] = {}
        for term in [*terms, *settings.extra_terms]:
            clean = " ".join(term.replace('"', " ").split())
            if clean:
                seen.setdefault(clean.lower(), clean)
        query = " OR ".join(f'"{t}"' for t in seen.values())
    if not query:
        return ""
    since = today - timedelta(days=settings.window_days)
    return f"({query}) AND FIRST_IDATE:[{since.isoformat()} TO *]"


def build_request(
    settings: EuropePmcSettings, query: str, cursor: str = "*", email: str = ""
) -> tuple[str, dict[str, str]]:
    params = {
        "query": query,
        "format": "json",
        "resultType": "lite",
        "pageSize": str(settings.page_size),
        "cursorMark": cursor,
    }
    if email:
        params["email"] = email
    return settings.base_url, params


def _record_item(record: Mapping[str, Any], *, source_id: str, source_name: str) -> FetchedItem | None:
    source = str(record.get("source") or "")
    record_id = str(record.get("id") or "")
    pmid = str(record.get("pmid") or "")
    if not record_id and not pmid:
        return None
    doi = str(record.get("doi") or "")
    journal = clean_text(str(record.get("journalTitle") or record.get("bookOrReportDetails") or ""))
    preprint = source == "PPR"
    parts = [
        "Preprint" if preprint else journal,
        clean_text(str(record.get("pubYear") or "")),
        clean_text(str(record.get("authorString") or ""), max_length=_AUTHORS_MAX).rstrip("."),
        clean_text(str(record.get("pubType") or "")),
        f"doi:{doi}" if doi else "",
    ]
    extra = {
        "pmid": pmid,
        "doi": doi,
        "pmc": str(record.get("pmcid") or ""),
        "europepmc": f"{source}/{record_id}",
    }
    return FetchedItem(
        source_id=source_id,
        title=clean_text(str(record.get("title") or ""), max_length=_TITLE_MAX) or f"{source} {record_id}",
        summary=clean_text(". ".join(p for p in parts if p), max_length=_SUMMARY_MAX),
        url=ARTICLE_URL.format(pmid=pmid)
        if pmid.isdigit()
        else RECORD_URL.format(source=source, id=record_id),
        guid=f"pmid:{pmid}" if pmid.isdigit() else f"europepmc:{source}:{record_id}",
        published=to_utc(str(record.get("firstPublicationDate") or ""))
        or to_utc(str(record.get("firstIndexDate") or "")),
        doc_type="publication",
        source_name=source_name,
        extra={k: v for k, v in extra.items() if v and v != "/"},
    )


def parse_search(
    data: bytes, *, source_id: str, source_name: str = ""
) -> tuple[list[FetchedItem], str, list[str]]:
    """(items, next cursorMark or "" at the end, notes) of a search JSON body."""
    doc = safejson.loads(data, "Europe PMC")
    if not isinstance(doc, Mapping):
        raise PayloadError("Europe PMC: expected a JSON object")
    if doc.get("errCode") or doc.get("errMsg"):
        raise PayloadError(
            f"Europe PMC error: {clean_text(str(doc.get('errMsg') or doc.get('errCode')))[:200]}"
        )
    result_list = doc.get("resultList")
    results = result_list.get("result") if isinstance(result_list, Mapping) else None
    if not isinstance(results, list):
        raise PayloadError("Europe PMC: no resultList.result (not a search JSON body)")
    notes: list[str] = []
    if len(results) > MAX_RESULTS:
        notes.append(f"{len(results)} results on one page: only the first {MAX_RESULTS} read")
    items: list[FetchedItem] = []
    for record in results[:MAX_RESULTS]:
        item = (
            _record_item(record, source_id=source_id, source_name=source_name)
            if isinstance(record, Mapping)
            else None
        )
        if item is None:
            notes.append("a result without id or pmid")
            continue
        items.append(item)
    request = doc.get("request")
    current = str(request.get("cursorMark") or "") if isinstance(request, Mapping) else ""
    following = str(doc.get("nextCursorMark") or "")
    return items, ("" if not results or following == current else following), notes

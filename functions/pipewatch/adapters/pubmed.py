"""PubMed via NCBI E-utilities: ``esearch`` (ids of recent records matching the watchlist terms) then
``esummary`` (one document summary per id), both JSON. NCBI asks every tool to send ``tool`` and ``email``
and allows 3 requests/second without an API key, 10 with one.

Real error shapes handled: esearch ``esearchresult.ERROR`` / top-level ``error``; esummary top-level
``"error": "Invalid uid ..."`` (with an empty ``result``) and per-uid ``{"uid": ..., "error": "cannot get
document summary"}`` (that record is skipped, the others kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pipewatch.adapters import safejson
from pipewatch.domain.ingest.sources import PubmedSettings
from pipewatch.domain.models import FetchedItem
from pipewatch.domain.text import clean_text, to_utc
from pipewatch.errors import PayloadError

ARTICLE_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
MAX_AUTHORS = 6


def _load_json(data: bytes, what: str) -> Any:
    doc = safejson.loads(data, what)
    if not isinstance(doc, dict):
        raise PayloadError(f"{what}: expected a JSON object")
    return doc


def search_term(settings: PubmedSettings, terms: Iterable[str]) -> str:
    """The esearch ``term``: the configured query, else the distinct terms as quoted phrases OR-ed."""
    if settings.term:
        return settings.term
    seen: dict[str, str] = {}
    for term in [*terms, *settings.extra_terms]:
        clean = " ".join(term.replace('"', " ").split())
        if clean:
            seen.setdefault(clean.lower(), clean)
    tag = f"[{settings.field_tag}]" if settings.field_tag else ""
    return " OR ".join(f'"{t}"{tag}' for t in seen.values())


def _common(settings: PubmedSettings, email: str, api_key: str) -> dict[str, str]:
    params = {"db": "pubmed", "retmode": "json", "tool": settings.tool}
    if email:
        params["email"] = email
    if api_key:
        params["api_key"] = api_key
    return params


def build_esearch(
    settings: PubmedSettings, term: str, *, email: str = "", api_key: str = ""
) -> tuple[str, dict[str, str]]:
    return f"{settings.base_url}/esearch.fcgi", {
        **_common(settings, email, api_key),
        "term": term,
        "retmax": str(settings.retmax),
        "sort": "pub_date",
        "datetype": settings.datetype,
        "reldate": str(settings.reldate_days),
    }


def build_esummary(
    settings: PubmedSettings, ids: list[str], *, email: str = "", api_key: str = ""
) -> tuple[str, dict[str, str]]:
    return f"{settings.base_url}/esummary.fcgi", {**_common(settings, email, api_key), "id": ",".join(ids)}


def parse_esearch(data: bytes) -> list[str]:
    """PMIDs of an esearch JSON body ([] for "No items found"); PayloadError on an error body."""
    doc = _load_json(data, "esearch")
    if doc.get("error"):
        raise PayloadError(f"esearch error: {clean_text(str(doc['error']))[:200]}")
    result = doc.get("esearchresult")
    if not isinstance(result, Mapping):
        raise PayloadError("esearch: no esearchresult (not an esearch JSON body)")
    if result.get("ERROR"):
        raise PayloadError(f"esearch error: {clean_text(str(result['ERROR']))[:200]}")
    ids = result.get("idlist") or []
    if not isinstance(ids, list):
        raise PayloadError("esearch: idlist is not a list")
    return [str(i) for i in ids if str(i).isdigit()]


def _article_ids(doc: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for aid in doc.get("articleids") or []:
        if isinstance(aid, Mapping) and aid.get("idtype") and aid.get("value"):
            out.setdefault(str(aid["idtype"]), str(aid["value"]))
    return out


def summary_to_item(doc: Mapping[str, Any], *, source_id: str, source_name: str = "") -> FetchedItem:
    pmid = str(doc.get("uid") or "")
    authors = [
        str(a.get("name")) for a in doc.get("authors") or [] if isinstance(a, Mapping) and a.get("name")
    ]
    if len(authors) > MAX_AUTHORS:
        authors = [*authors[:MAX_AUTHORS], "et al."]
    journal = clean_text(str(doc.get("fulljournalname") or doc.get("source") or ""))
    pubtypes = [str(p) for p in doc.get("pubtype") or []]
    ids = _article_ids(doc)
    parts = [
        journal,
        clean_text(str(doc.get("pubdate") or "")),
        ", ".join(authors),
        "; ".join(pubtypes),
        f"doi:{ids['doi']}" if ids.get("doi") else "",
    ]
    published = (
        to_utc(str(doc.get("sortpubdate") or ""))
        or to_utc(str(doc.get("epubdate") or ""))
        or to_utc(str(doc.get("pubdate") or ""))
    )
    extra = {"pmid": pmid, "doi": ids.get("doi", ""), "pmc": ids.get("pmc", ""), "journal": journal}
    return FetchedItem(
        source_id=source_id,
        title=clean_text(str(doc.get("title") or "")) or f"PMID {pmid}",
        summary=". ".join(p for p in parts if p),
        url=ARTICLE_URL.format(pmid=pmid),
        guid=f"pmid:{pmid}",
        published=published,
        doc_type="publication",
        source_name=source_name,
        extra={k: v for k, v in extra.items() if v},
    )


def parse_esummary(
    data: bytes, *, source_id: str, source_name: str = ""
) -> tuple[list[FetchedItem], list[str]]:
    """(items, skipped) of an esummary JSON body: ``skipped`` names each uid NCBI returned an error for.

    PayloadError when the whole body is an error (``"error": "Invalid uid ..."``) or not an esummary body.
    """
    doc = _load_json(data, "esummary")
    result = doc.get("result")
    if doc.get("error") and not (isinstance(result, Mapping) and result.get("uids")):
        raise PayloadError(f"esummary error: {clean_text(str(doc['error']))[:200]}")
    if not isinstance(result, Mapping) or not isinstance(result.get("uids"), list):
        raise PayloadError("esummary: no result.uids (not an esummary JSON body)")
    items: list[FetchedItem] = []
    skipped: list[str] = []
    for uid in result["uids"]:
        record = result.get(str(uid))
        if not isinstance(record, Mapping) or record.get("error"):
            reason = record.get("error") if isinstance(record, Mapping) else "missing"
            skipped.append(f"{uid}: {reason}")
            continue
        items.append(summary_to_item(record, source_id=source_id, source_name=source_name))
    return items, skipped

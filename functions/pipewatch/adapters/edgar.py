"""SEC EDGAR company Atom feeds (``browse-edgar?action=getcompany&CIK=...&type=<form>&output=atom``).

argenx (a foreign private issuer) files 6-K; Pfizer and Roivant file 8-K. The SEC requires every automated
client to declare a User-Agent with a contact e-mail: ``edgar_user_agent`` refuses to build one without it.
Both the 2016-era element ``accession-nunber`` (an SEC typo) and the modern ``accession-number`` are read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipewatch.adapters.feeds import parse_document
from pipewatch.adapters.http import build_user_agent
from pipewatch.domain.ingest.sources import EdgarSettings
from pipewatch.domain.models import FetchedItem
from pipewatch.domain.text import canonical_url, clean_text, to_utc
from pipewatch.errors import SourceError

_ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")
_CONTACT = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
MAX_SUMMARY = 1500


def edgar_user_agent(source_id: str, contact: str, project_url: str = "") -> str:
    """The User-Agent the SEC asks for (who we are and an e-mail contact); SourceError without a contact."""
    contact = contact.strip()
    if not _CONTACT.search(contact):
        raise SourceError(
            source_id,
            "EDGAR requires a declared User-Agent with a contact e-mail: set PIPEWATCH_EDGAR_CONTACT "
            "(or edgar.contact in sources.yaml); not polling EDGAR without it",
            retryable=False,
        )
    return build_user_agent(project_url, contact)


def build_request(settings: EdgarSettings, form: str) -> tuple[str, dict[str, str]]:
    """URL and query parameters of one company/form Atom feed."""
    return settings.base_url, {
        "action": "getcompany",
        "CIK": settings.cik,
        "type": form,
        "dateb": "",
        "owner": "include",
        "count": str(settings.count),
        "output": "atom",
    }


def _accession(entry: Mapping[str, Any]) -> str:
    for key in ("accession-number", "accession-nunber"):
        value = str(entry.get(key) or "").strip()
        if value:
            return value
    match = _ACCESSION.search(str(entry.get("id") or ""))
    return match.group(0) if match else ""


def _form(entry: Mapping[str, Any]) -> str:
    form = str(entry.get("filing-type") or "").strip()
    if not form:
        for tag in entry.get("tags") or []:
            if isinstance(tag, Mapping) and tag.get("term"):
                form = str(tag["term"]).strip()
                break
    return form


def parse_company_atom(
    data: bytes,
    *,
    source_id: str,
    source_name: str = "",
    forms: tuple[str, ...] = (),
    content_type: str = "",
) -> list[FetchedItem]:
    """Filings in an EDGAR company Atom feed, optionally only the given form types (e.g. ("8-K",))."""
    parsed = parse_document(data, content_type=content_type)
    company = clean_text(str(parsed.get("feed", {}).get("title") or ""))
    wanted = {f.upper() for f in forms}
    items = []
    for entry in parsed.get("entries") or []:
        form = _form(entry)
        if wanted and form.upper() not in wanted and form.upper().removesuffix("/A") not in wanted:
            continue
        accession = _accession(entry)
        url = canonical_url(str(entry.get("filing-href") or entry.get("link") or ""))
        form_name = clean_text(str(entry.get("form-name") or ""))
        summary_parts = [clean_text(str(entry.get("summary") or ""))]
        title = clean_text(str(entry.get("title") or "")) or f"{form} - {form_name}".strip(" -")
        if company:
            title = f"{company}: {title}"
        published = to_utc(entry.get("updated_parsed")) or to_utc(str(entry.get("filing-date") or ""))
        extra = {"form": form, "accession": accession, "company": company}
        for key, name in (
            ("filing-date", "filing_date"),
            ("items-desc", "items"),
            ("file-number", "file_number"),
        ):
            if entry.get(key):
                extra[name] = clean_text(str(entry[key]))
        items.append(
            FetchedItem(
                source_id=source_id,
                title=title,
                summary=clean_text(" ".join(summary_parts), max_length=MAX_SUMMARY),
                url=url,
                guid=f"sec:{accession}" if accession else str(entry.get("id") or url),
                published=published,
                doc_type="filing",
                source_name=source_name,
                extra={k: v for k, v in extra.items() if v},
            )
        )
    return items

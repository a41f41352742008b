"""Pollers and recorded-payload parsers of the authorities' source kinds (openFDA, Federal Register, Europe
PMC, EU CTIS), registered in adapters/source_kinds.py. Request and parsing code lives in each kind's
adapter module; this module only sequences the requests of one poll."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeAlias

from pipewatch.adapters import ctis, europepmc, federal_register, openfda
from pipewatch.adapters.source_poll import SourcePoll, WatchInputs
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import CtisSource, EuropePmcSource, FederalRegisterSource, OpenFdaSource
from pipewatch.domain.models import FetchedItem
from pipewatch.errors import SourceError

Parsed: TypeAlias = tuple[list[FetchedItem], list[str]]  # items and notes of a recorded payload (parse-feed)
OPENFDA_INTERVAL_WITH_KEY = 0.25  # openFDA: 240 requests/minute with a key (1,000 a day without)


def _today() -> datetime:
    return datetime.now(UTC)


def _unique(items: list[FetchedItem]) -> list[FetchedItem]:
    return list({item.guid: item for item in items}.values())


def poll_openfda(poll: SourcePoll, config: OpenFdaSource, watch: WatchInputs) -> SourceResult:
    settings = config.openfda
    queries = openfda.search_queries(settings, watch.terms if settings.use_watchlist else [])
    if not queries:
        raise SourceError(config.id, "no openFDA query: no application numbers and no names", retryable=False)
    api_key = poll.environ.get(settings.api_key_env, "")
    interval = OPENFDA_INTERVAL_WITH_KEY if api_key else None
    items: list[FetchedItem] = []
    stamp = ""
    for index, search in enumerate(queries):
        url, params = openfda.build_request(settings, search, api_key)
        try:
            body = poll.get(url, expect="json", params=params, min_interval=interval).body
        except SourceError as exc:
            if "HTTP 404" not in str(exc):
                raise
            poll.notes.append(f"query {index + 1}: no match (openFDA answers 404 for an empty search)")
            continue
        stamp = stamp or openfda.last_updated(body)
        if index == 0 and stamp and stamp == poll.state.cursor.get("last_updated"):
            return poll.result([], not_modified=True)  # meta.last_updated has not moved: nothing is new
        batch, notes = openfda.parse_drugsfda(body, source_id=config.id, source_name=config.display_name)
        items.extend(batch)
        poll.notes.extend(notes)
    if stamp:
        poll.cursor["last_updated"] = stamp
    return poll.result(_unique(items))


def poll_federal_register(
    poll: SourcePoll, config: FederalRegisterSource, watch: WatchInputs
) -> SourceResult:
    settings = config.federal_register
    url, params = federal_register.build_request(settings, _today().date())
    body = poll.get(url, expect="json", params=params).body
    items, notes = federal_register.parse_documents(
        body, source_id=config.id, source_name=config.display_name
    )
    poll.notes.extend(notes)
    terms = [*(watch.terms if settings.use_watchlist else []), *settings.extra_terms]
    if terms:  # notices naming nothing watched are dropped here; the classifier judges the rest
        items = [item for item in items if federal_register.names_any(item, terms)]
    return poll.result(items)


def poll_europepmc(poll: SourcePoll, config: EuropePmcSource, watch: WatchInputs) -> SourceResult:
    settings = config.europepmc
    query = europepmc.search_query(settings, watch.terms if settings.use_watchlist else [], _today().date())
    if not query:
        raise SourceError(config.id, "no Europe PMC query: no watchlist terms and no query", retryable=False)
    email = poll.environ.get(settings.email_env, "")
    items: list[FetchedItem] = []
    cursor = "*"
    for page in range(settings.max_pages):
        url, params = europepmc.build_request(settings, query, cursor, email)
        body = poll.get(url, expect="json", params=params).body
        batch, cursor, notes = europepmc.parse_search(
            body, source_id=config.id, source_name=config.display_name
        )
        items.extend(batch)
        poll.notes.extend(notes)
        if not cursor:
            break
        if page == settings.max_pages - 1:
            poll.notes.append(f"stopped after {settings.max_pages} pages: narrow the query or the window")
    return poll.result(_unique(items))


def poll_ctis(poll: SourcePoll, config: CtisSource, _watch: WatchInputs) -> SourceResult:
    settings = config.ctis
    items: list[FetchedItem] = []
    for number in settings.ct_numbers:
        body = poll.get(ctis.build_retrieve(settings.base_url, number), expect="json").body
        batch, notes = ctis.parse_ctis(body, source_id=config.id, source_name=config.display_name)
        items.extend(batch)
        poll.notes.extend(notes)
    return poll.result(items)


# -- recorded payloads (parse-feed; source_kinds wraps them in ParsedFile) -----------------------------------


def parse_openfda_file(data: bytes, source_id: str) -> Parsed:
    return openfda.parse_drugsfda(data, source_id=source_id)


def parse_federal_register_file(data: bytes, source_id: str) -> Parsed:
    return federal_register.parse_documents(data, source_id=source_id)


def parse_europepmc_file(data: bytes, source_id: str) -> Parsed:
    items, cursor, notes = europepmc.parse_search(data, source_id=source_id)
    return (items, [*notes, *([f"next cursorMark {cursor}"] if cursor else [])])


def parse_ctis_file(data: bytes, source_id: str) -> Parsed:
    return ctis.parse_ctis(data, source_id=source_id)

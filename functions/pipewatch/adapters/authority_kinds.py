"""Pollers and recorded-payload parsers of the authorities' source kinds (openFDA, Federal Register, Europe
PMC, EU CTIS), registered in adapters/source_kinds.py. Request and parsing code lives in each kind's
adapter module; this module only sequences the requests of one poll."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeAlias

from pipewatch.adapters import ctis, europepmc, federal_register, openfda
from pipewatch.adapters.source_poll import SourcePoll, WatchInputs
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import CtisSource, EuropePmcSource, FederalRegisterSource, OpenFdaSource
from pipewatch.domain.models import FetchedItem
from pipewatch.errors import PayloadError, SourceError

Parsed: TypeAlias = tuple[list[FetchedItem], list[str]]
Page: TypeAlias = tuple[
    list[FetchedItem], str, list[str]
]  # items, where the walk goes next ("" = end), notes  # items and notes of a recorded payload (parse-feed)
NEXT_PAGE_URL = "next_page_url"  # Federal Register: the page a cut walk goes on from
RESUME_QUERY, RESUME_CURSOR = "resume_query", "resume_cursor"  # Europe PMC: a cut walk's query and mark
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
    """The FDA notices of the window, newest first, ``next_page_url`` followed for at most ``max_pages``;
    a walk cut there is resumed by the next poll from the URL kept (``next_page_url`` in the cursor) before
    a new walk starts, so a long backlog is read over several polls, none skipped."""
    settings = config.federal_register

    def page(url: str, params: dict[str, str] | None) -> Page:
        body = poll.get(url, expect="json", params=params).body
        return federal_register.parse_page(
            body, source_id=config.id, source_name=config.display_name, base_url=settings.base_url
        )

    resume = poll.state.cursor.get(NEXT_PAGE_URL, "")
    fresh_url, fresh_params = federal_register.build_request(settings, _today().date())
    items, following, notes = _first_page(
        poll,
        [NEXT_PAGE_URL],
        (lambda: page(resume, None)) if resume else None,
        lambda: page(fresh_url, fresh_params),
    )
    poll.notes.extend(notes)
    for _page in range(settings.max_pages - 1):
        if not following:
            break
        batch, following, notes = page(following, None)
        items.extend(batch)
        poll.notes.extend(notes)
    _keep_resume(poll, {NEXT_PAGE_URL: following}, settings.max_pages)
    terms = [*(watch.terms if settings.use_watchlist else []), *settings.extra_terms]
    if terms:  # notices naming nothing watched are dropped here; the classifier judges the rest
        items = [item for item in items if federal_register.names_any(item, terms)]
    return poll.result(_unique(items))


def _first_page(
    poll: SourcePoll, keys: list[str], resumed: Callable[[], Page] | None, fresh: Callable[[], Page]
) -> Page:
    """The first page of this poll's walk: where the last walk was cut, when it still answers. A resume
    point the API refuses (a 4xx, a body of another shape: an expired cursor) is dropped, counted and noted,
    and a new walk starts; a retryable failure fails the poll as usual (the queue retries, the point kept)."""
    if resumed is not None:
        try:
            return resumed()
        except (SourceError, PayloadError) as exc:
            if isinstance(exc, SourceError) and exc.retryable:
                raise
            poll.dropped.update(key for key in keys if key in poll.state.cursor)
            poll.count("SourceResumeAbandoned")
            poll.notes.append(f"the kept resume point failed ({str(exc)[:120]}); a new walk started")
    return fresh()


def _keep_resume(poll: SourcePoll, resume: dict[str, str], max_pages: int) -> None:
    """A walk cut at ``max_pages`` keeps where to go on; a walk read to the end forgets it."""
    if all(resume.values()):
        poll.cursor.update(resume)
        poll.dropped.difference_update(resume)
        poll.count("SourcePagesResumed")
        poll.notes.append(f"stopped after {max_pages} pages; the next poll goes on from there")
    else:
        poll.dropped.update(key for key in resume if key in poll.state.cursor)


def poll_europepmc(poll: SourcePoll, config: EuropePmcSource, watch: WatchInputs) -> SourceResult:
    """The window's records, ``cursorMark`` followed for at most ``max_pages``; a walk cut there is resumed
    by the next poll with the same query (kept beside its cursorMark, as the mark is only valid for it)."""
    settings = config.europepmc
    email = poll.environ.get(settings.email_env, "")
    query = europepmc.search_query(settings, watch.terms if settings.use_watchlist else [], _today().date())

    def page(with_query: str, mark: str) -> Page:
        url, params = europepmc.build_request(settings, with_query, mark, email)
        body = poll.get(url, expect="json", params=params).body
        return europepmc.parse_search(body, source_id=config.id, source_name=config.display_name)

    def fresh() -> Page:
        if not query:
            raise SourceError(
                config.id, "no Europe PMC query: no watchlist terms and no query", retryable=False
            )
        return page(query, "*")

    kept_query = poll.state.cursor.get(RESUME_QUERY, "")
    kept_mark = poll.state.cursor.get(RESUME_CURSOR, "")
    resumed = (lambda: page(kept_query, kept_mark)) if kept_query and kept_mark else None
    items, cursor, notes = _first_page(poll, [RESUME_QUERY, RESUME_CURSOR], resumed, fresh)
    walked = kept_query if resumed is not None and RESUME_QUERY not in poll.dropped else query
    poll.notes.extend(notes)
    for _page in range(settings.max_pages - 1):
        if not cursor:
            break
        batch, cursor, notes = page(walked, cursor)
        items.extend(batch)
        poll.notes.extend(notes)
    _keep_resume(poll, {RESUME_QUERY: walked, RESUME_CURSOR: cursor}, settings.max_pages)
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
    items, following, notes = federal_register.parse_page(data, source_id=source_id)
    return (items, [*notes, *([f"next page {following}"] if following else [])])


def parse_europepmc_file(data: bytes, source_id: str) -> Parsed:
    items, cursor, notes = europepmc.parse_search(data, source_id=source_id)
    return (items, [*notes, *([f"next cursorMark {cursor}"] if cursor else [])])


def parse_ctis_file(data: bytes, source_id: str) -> Parsed:
    return ctis.parse_ctis(data, source_id=source_id)

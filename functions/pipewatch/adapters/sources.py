"""Source registry: ``SourceConfig.kind`` -> the adapter that polls it, and ``poll_source`` to run one poll.

``poll_source`` never mutates the caller's SourceState: it returns a new one (validators, cursors) inside a
SourceResult. Any failure is a SourceError (a payload that is not what the source promised included), so
the poll service can record it and carry on with the other sources.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipewatch.adapters import ctgov, edgar, pubmed
from pipewatch.adapters.feeds import parse_feed
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourceConfig
from pipewatch.domain.models import FetchedItem, SourceState
from pipewatch.errors import PayloadError, SourceError
from pipewatch.services.ports import Expect, Fetcher, HttpResponse, WatchlistLike

PUBMED_INTERVAL_WITH_KEY = 0.1  # NCBI: 10 requests/second with an API key
ESUMMARY_BATCH = 200


# -- the watchlist, as far as sources are concerned ---------------------------------------------------------


@dataclass(frozen=True)
class WatchInputs:
    terms: list[str]
    nct_ids: list[str]


def watch_inputs(watchlist: WatchlistLike | None) -> WatchInputs:
    """The only coupling between sources and the watchlist: search terms (every alias, code names included)
    and the watched NCT ids."""
    if watchlist is None:
        return WatchInputs([], [])
    terms = [term for agent in watchlist.agents for term in agent.search_terms()]
    nct_ids = [nct for nct, _agent, _acronym in watchlist.watched_trials()]
    return WatchInputs(terms, nct_ids)


# -- results ------------------------------------------------------------------------------------------------


@dataclass
class _Poll:
    """One poll of one source: counts requests, carries validators and the deadline."""

    config: SourceConfig
    state: SourceState
    fetcher: Fetcher
    deadline: float
    environ: Mapping[str, str]
    requests: int = 0
    cursor: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def get(
        self,
        url: str,
        *,
        expect: Expect,
        params: Mapping[str, str] | None = None,
        validators: tuple[str, str] = ("", ""),
        headers: Mapping[str, str] | None = None,
        min_interval: float | None = None,
    ) -> HttpResponse:
        self.requests += 1
        return self.fetcher.get(
            url,
            source_id=self.config.id,
            deadline=self.deadline,
            params=params,
            expect=expect,
            etag=validators[0],
            last_modified=validators[1],
            headers=headers,
            min_interval=self.config.min_interval_s if min_interval is None else min_interval,
            max_bytes=self.config.max_body_bytes,
            timeout=self.config.timeout_s,
        )

    def result(
        self,
        items: list[FetchedItem],
        *,
        studies: list[dict[str, Any]] | None = None,
        not_modified: bool = False,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> SourceResult:
        update: dict[str, Any] = {"cursor": {**self.state.cursor, **self.cursor}}
        if etag is not None:
            update["etag"] = etag
        if last_modified is not None:
            update["last_modified"] = last_modified
        return SourceResult(
            items=items,
            studies=studies or [],
            new_state=self.state.model_copy(deep=True, update=update),
            not_modified=not_modified,
            requests=self.requests,
            notes=self.notes,
        )


# -- pollers ----------------------------------------------------------------------------------------------


def _poll_feed(poll: _Poll, _watch: WatchInputs) -> SourceResult:
    config = poll.config
    response = poll.get(
        config.url, expect="xml", params=config.params, validators=(poll.state.etag, poll.state.last_modified)
    )
    if response.not_modified:
        return poll.result([], not_modified=True)
    items = parse_feed(
        response.body,
        source_id=config.id,
        source_name=config.display_name,
        doc_type=config.doc_type,
        content_type=response.content_type,
    )
    return poll.result(items, etag=response.etag, last_modified=response.last_modified)


def _edgar_contact(poll: _Poll) -> str:
    settings = poll.config.edgar
    assert settings is not None  # guaranteed by SourceConfig validation for kind "edgar"
    return settings.contact or poll.fetcher.contact or poll.environ.get(settings.contact_env, "")


def _poll_edgar(poll: _Poll, _watch: WatchInputs) -> SourceResult:
    config = poll.config
    settings = config.edgar
    assert settings is not None  # guaranteed by SourceConfig validation for kind "edgar"
    project_url = str(getattr(poll.fetcher, "project_url", ""))
    headers = {"User-Agent": edgar.edgar_user_agent(config.id, _edgar_contact(poll), project_url)}
    items: list[FetchedItem] = []
    unchanged = 0
    for form in settings.forms:
        url, params = edgar.build_request(settings, form)
        keys = (f"etag:{form}", f"last_modified:{form}")
        validators = (poll.state.cursor.get(keys[0], ""), poll.state.cursor.get(keys[1], ""))
        response = poll.get(url, expect="xml", params=params, validators=validators, headers=headers)
        if response.not_modified:
            unchanged += 1
            continue
        items.extend(
            edgar.parse_company_atom(
                response.body,
                source_id=config.id,
                source_name=config.display_name,
                forms=(form,),
                content_type=response.content_type,
            )
        )
        poll.cursor[keys[0]] = response.etag
        poll.cursor[keys[1]] = response.last_modified
    return poll.result(items, not_modified=unchanged == len(settings.forms))


def _digest(values: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(values).encode()).hexdigest()[:32]


def _poll_pubmed(poll: _Poll, watch: WatchInputs) -> SourceResult:
    config = poll.config
    settings = config.pubmed_settings()
    terms = watch.terms if settings.use_watchlist else []
    term = pubmed.search_term(settings, terms)
    if not term:
        raise SourceError(
            config.id, "no PubMed query: no watchlist terms and no pubmed.term", retryable=False
        )
    api_key = poll.environ.get(settings.api_key_env, "")
    contact = poll.fetcher.contact if "@" in poll.fetcher.contact else ""
    email = settings.email or poll.environ.get(settings.email_env, "") or contact
    interval = PUBMED_INTERVAL_WITH_KEY if api_key else None
    url, params = pubmed.build_esearch(settings, term, email=email, api_key=api_key)
    ids = pubmed.parse_esearch(poll.get(url, expect="json", params=params, min_interval=interval).body)
    digest = _digest(sorted(ids))
    if ids and poll.state.cursor.get("ids_digest") == digest:
        return poll.result([], not_modified=True)  # same ids as last time: no esummary, no parse, no write
    items: list[FetchedItem] = []
    for start in range(0, len(ids), ESUMMARY_BATCH):
        url, params = pubmed.build_esummary(
            settings, ids[start : start + ESUMMARY_BATCH], email=email, api_key=api_key
        )
        body = poll.get(url, expect="json", params=params, min_interval=interval).body
        batch, skipped = pubmed.parse_esummary(body, source_id=config.id, source_name=config.display_name)
        items.extend(batch)
        poll.notes.extend(f"esummary skipped {s}" for s in skipped)
    poll.cursor["ids_digest"] = digest
    return poll.result(items)


def _poll_ctgov(poll: _Poll, watch: WatchInputs) -> SourceResult:
    config = poll.config
    settings = config.ctgov_settings()
    terms = [*(watch.terms if settings.use_watchlist else []), *settings.extra_terms]
    nct_ids = [*(watch.nct_ids if settings.use_watchlist else []), *settings.extra_nct_ids]
    requests = ctgov.build_search_requests(settings, terms, nct_ids)
    if not requests:
        raise SourceError(config.id, "no ClinicalTrials.gov query: no terms and no NCT ids", retryable=False)
    version = poll.get(f"{settings.base_url}/version", expect="json")
    stamp = ctgov.parse_version(version.body)
    if stamp == poll.state.cursor.get("data_timestamp"):
        return poll.result([], not_modified=True)
    studies: list[dict[str, Any]] = []
    for params in requests:
        token = ""
        for page in range(settings.max_pages):
            page_params = {**params, "pageToken": token} if token else params
            response = poll.get(f"{settings.base_url}/studies", expect="json", params=page_params)
            batch, token = ctgov.parse_studies_page(response.body)
            studies.extend(batch)
            if not token:
                break
            if page == settings.max_pages - 1:
                poll.notes.append(
                    f"stopped after {settings.max_pages} pages for {sorted(params.items())[-1]}"
                )
    unique = ctgov.dedupe_studies(studies)
    items = [ctgov.study_to_item(s, source_id=config.id, source_name=config.display_name) for s in unique]
    poll.cursor["data_timestamp"] = stamp
    return poll.result(items, studies=unique)


Poller = Callable[[_Poll, WatchInputs], SourceResult]

POLLERS: dict[str, Poller] = {
    "rss": _poll_feed,
    "atom": _poll_feed,
    "google_news": _poll_feed,
    "edgar": _poll_edgar,
    "pubmed": _poll_pubmed,
    "ctgov": _poll_ctgov,
}


def poll_source(
    config: SourceConfig,
    state: SourceState,
    fetcher: Fetcher,
    watchlist: WatchlistLike | None,
    *,
    now: datetime,
    deadline: float,
    environ: Mapping[str, str] | None = None,
) -> SourceResult:
    """Poll one source once. ``deadline`` is a value of the fetcher's clock (``time.monotonic``).

    Returns the items (and, for ClinicalTrials.gov, the raw study documents) with the next SourceState;
    ``not_modified`` when the source said nothing changed (304, same /version timestamp, same PubMed ids).
    Raises SourceError on any failure; the caller's ``state`` is never modified.
    """
    poller = POLLERS.get(config.kind)
    if poller is None:
        raise SourceError(config.id, f"no adapter for kind {config.kind!r}", retryable=False)
    poll = _Poll(config, state, fetcher, deadline, environ or {})
    try:
        result = poller(poll, watch_inputs(watchlist))
    except PayloadError as exc:
        raise SourceError(config.id, str(exc)) from exc
    new_state = result.new_state.model_copy(
        update={"last_attempt": now, "last_success": now, "consecutive_failures": 0, "last_error": ""}
    )
    return SourceResult(
        items=result.items,
        studies=result.studies,
        new_state=new_state,
        not_modified=result.not_modified,
        requests=poll.requests,
        notes=result.notes,
    )

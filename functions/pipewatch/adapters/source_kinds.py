"""The source kind registry: for each ``kind`` of sources.yaml, its config model, its poller and how
`pipewatch parse-feed` reads a recorded payload of it. ``poll_source`` (adapters/sources.py) and the
parse-feed choices are derived from ``SOURCE_KIND_SPECS``; nothing else lists the kinds.

Adding a kind: its config model in domain/ingest/sources.py (added to the SourceConfig union), its request
and parsing code in an adapter module, and its spec (poller, file parser) here.

A kind's adapter module is imported by its poller or parser when first called, not with the registry: a poll
task reads one source, and importing every kind's request and parsing code (ClinicalTrials.gov, PubMed,
EDGAR, the authorities) was ~10 ms of every poll's cold start (issue 28).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pipewatch.adapters.feeds import parse_feed
from pipewatch.adapters.source_poll import SourcePoll, WatchInputs
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import (
    CtgovSource,
    CtisSource,
    EdgarSettings,
    EdgarSource,
    EuropePmcSource,
    FederalRegisterSource,
    FeedSource,
    GoogleNewsSource,
    OpenFdaSource,
    PubmedSource,
    SourceBase,
)
from pipewatch.domain.models import FetchedItem
from pipewatch.errors import SourceError

if TYPE_CHECKING:
    from pipewatch.adapters.authority_kinds import Parsed

PUBMED_INTERVAL_WITH_KEY = 0.1  # NCBI: 10 requests/second with an API key
ESUMMARY_BATCH = 200

ConfigT = TypeVar("ConfigT", bound=SourceBase)


@dataclass(frozen=True)
class ParsedFile:
    items: list[FetchedItem]
    notes: list[str] = field(default_factory=list)  # what was skipped, one line each


@dataclass(frozen=True)
class FileParser:
    """How `pipewatch parse-feed --kind <kind>` reads a recorded payload: ``payload`` names what the file
    is (for --help), ``parse(data, source_id)`` reads it (PayloadError, ValueError... when it is not)."""

    payload: str
    parse: Callable[[bytes, str], ParsedFile]


@dataclass(frozen=True)
class SourceKindSpec(Generic[ConfigT]):
    """One source kind: the config model it is validated into, its poller, and its file parser (None when
    parse-feed reads it as another kind, e.g. an Atom feed with --kind rss)."""

    config: type[ConfigT]
    poller: Callable[[SourcePoll, ConfigT, WatchInputs], SourceResult]
    file_parser: FileParser | None = None

    def poll(self, poll: SourcePoll, watch: WatchInputs) -> SourceResult:
        config = poll.config
        if not isinstance(config, self.config):  # a spec registered under the wrong kind
            raise SourceError(
                config.id, f"kind {config.kind!r} is not a {self.config.__name__}", retryable=False
            )
        return self.poller(poll, config, watch)


# -- pollers ------------------------------------------------------------------------------------------------


def _poll_feed(poll: SourcePoll, config: FeedSource | GoogleNewsSource, _watch: WatchInputs) -> SourceResult:
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


def _edgar_contact(poll: SourcePoll, settings: EdgarSettings) -> str:
    return settings.contact or poll.fetcher.contact or poll.environ.get(settings.contact_env, "")


def _poll_edgar(poll: SourcePoll, config: EdgarSource, _watch: WatchInputs) -> SourceResult:
    from pipewatch.adapters import edgar

    settings = config.edgar
    project_url = str(getattr(poll.fetcher, "project_url", ""))
    headers = {"User-Agent": edgar.edgar_user_agent(config.id, _edgar_contact(poll, settings), project_url)}
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


def _poll_pubmed(poll: SourcePoll, config: PubmedSource, watch: WatchInputs) -> SourceResult:
    from pipewatch.adapters import pubmed

    settings = config.pubmed
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


def _poll_ctgov(poll: SourcePoll, config: CtgovSource, watch: WatchInputs) -> SourceResult:
    from pipewatch.adapters import ctgov

    settings = config.ctgov
    if settings.strategy == "by_change":  # issue 25: one global query per refresh (adapters/ctgov_changes.py)
        from pipewatch.adapters import ctgov_changes

        return ctgov_changes.poll_by_change(poll, config, watch)
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


# -- recorded payloads (parse-feed) -------------------------------------------------------------------------


def _parse_feed_file(data: bytes, source_id: str) -> ParsedFile:
    return ParsedFile(parse_feed(data, source_id=source_id))


def _parse_edgar_file(data: bytes, source_id: str) -> ParsedFile:
    from pipewatch.adapters import edgar

    return ParsedFile(edgar.parse_company_atom(data, source_id=source_id))


def _parse_pubmed_file(data: bytes, source_id: str) -> ParsedFile:
    from pipewatch.adapters import pubmed

    items, skipped = pubmed.parse_esummary(data, source_id=source_id)
    return ParsedFile(items, [f"skipped uid {uid}" for uid in skipped])


def _parse_ctgov_file(data: bytes, source_id: str) -> ParsedFile:
    from pipewatch.adapters import ctgov

    studies, _token = ctgov.parse_studies_page(data)
    return ParsedFile([ctgov.study_to_item(study, source_id=source_id) for study in studies])


def _authority_file(parser: str) -> Callable[[bytes, str], ParsedFile]:
    """The recorded-payload parser `parser` of adapters/authority_kinds.py, imported when first called."""

    def parse(data: bytes, source_id: str) -> ParsedFile:
        from pipewatch.adapters import authority_kinds

        found: Parsed = getattr(authority_kinds, parser)(data, source_id)
        return ParsedFile(*found)

    return parse


def _poll_openfda(poll: SourcePoll, config: OpenFdaSource, watch: WatchInputs) -> SourceResult:
    from pipewatch.adapters import authority_kinds

    return authority_kinds.poll_openfda(poll, config, watch)


def _poll_federal_register(
    poll: SourcePoll, config: FederalRegisterSource, watch: WatchInputs
) -> SourceResult:
    from pipewatch.adapters import authority_kinds

    return authority_kinds.poll_federal_register(poll, config, watch)


def _poll_europepmc(poll: SourcePoll, config: EuropePmcSource, watch: WatchInputs) -> SourceResult:
    from pipewatch.adapters import authority_kinds

    return authority_kinds.poll_europepmc(poll, config, watch)


def _poll_ctis(poll: SourcePoll, config: CtisSource, watch: WatchInputs) -> SourceResult:
    from pipewatch.adapters import authority_kinds

    return authority_kinds.poll_ctis(poll, config, watch)


# -- ctgov record history (issue 25): a parse-feed kind that is not a source kind of its own ---------------


def _parse_ctgov_history_file(data: bytes, source_id: str) -> ParsedFile:
    """A ``/history/<version>`` body -> the study as it stood then; a ``/history`` list -> its versions as
    notes (a version list carries no item of its own)."""
    from pipewatch.adapters import ctgov, ctgov_history, safejson

    doc = safejson.loads(data, "ctgov history")
    if isinstance(doc, dict) and "studyVersion" in doc:
        version, study = ctgov_history.parse_history_version(data)
        item = ctgov.study_to_item(study, source_id=source_id)
        extra = {**item.extra, "history_version": str(version)}
        return ParsedFile([replace(item, extra=extra)])
    entries = ctgov_history.parse_history(data)
    return ParsedFile([], [f"version {e.version} {e.date} {e.status or '-'}" for e in entries])


# Parsers offered by parse-feed without a source kind of their own (the ctgov source reads these payloads).
EXTRA_FILE_PARSERS: dict[str, FileParser] = {
    "ctgov-history": FileParser("ctgov /api/int history JSON", _parse_ctgov_history_file),
}


# -- the registry -------------------------------------------------------------------------------------------

SOURCE_KIND_SPECS: dict[str, SourceKindSpec[Any]] = {
    "rss": SourceKindSpec(FeedSource, _poll_feed, FileParser("RSS/Atom XML", _parse_feed_file)),
    "atom": SourceKindSpec(FeedSource, _poll_feed),  # parse-feed: --kind rss reads Atom too
    "google_news": SourceKindSpec(GoogleNewsSource, _poll_feed),  # an RSS feed: --kind rss
    "ctgov": SourceKindSpec(CtgovSource, _poll_ctgov, FileParser("API v2 JSON", _parse_ctgov_file)),
    "pubmed": SourceKindSpec(PubmedSource, _poll_pubmed, FileParser("esummary JSON", _parse_pubmed_file)),
    "edgar": SourceKindSpec(EdgarSource, _poll_edgar, FileParser("EDGAR Atom", _parse_edgar_file)),
    # -- authorities (issue 25): adapters/authority_kinds.py --
    "openfda": SourceKindSpec(
        OpenFdaSource,
        _poll_openfda,
        FileParser("openFDA drugsfda JSON", _authority_file("parse_openfda_file")),
    ),
    "federal-register": SourceKindSpec(
        FederalRegisterSource,
        _poll_federal_register,
        FileParser("Federal Register documents JSON", _authority_file("parse_federal_register_file")),
    ),
    "europepmc": SourceKindSpec(
        EuropePmcSource,
        _poll_europepmc,
        FileParser("Europe PMC search JSON", _authority_file("parse_europepmc_file")),
    ),
    "ctis": SourceKindSpec(
        CtisSource,
        _poll_ctis,
        FileParser("CTIS retrieve/search JSON", _authority_file("parse_ctis_file")),
    ),
}


def file_parsers(specs: dict[str, SourceKindSpec[Any]] | None = None) -> dict[str, FileParser]:
    """The kinds `pipewatch parse-feed --kind` offers, in registry order, with their parsers."""
    registry = SOURCE_KIND_SPECS if specs is None else specs
    parsers: dict[str, FileParser] = {}
    for kind, spec in registry.items():
        if spec.file_parser is not None:
            parsers[kind] = spec.file_parser
        # a payload another kind's source reads ("ctgov-history") is offered right after that kind
        parsers.update({name: p for name, p in EXTRA_FILE_PARSERS.items() if name.startswith(f"{kind}-")})
    return parsers

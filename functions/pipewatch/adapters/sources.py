"""Polling one source: ``poll_source`` looks its kind up in the registry (adapters/source_kinds.py) and runs
that kind's poller.

``poll_source`` never mutates the caller's SourceState: it returns a new one (validators, cursors) inside a
SourceResult. Any failure is a SourceError (a payload that is not what the source promised included), so
the poll service can record it and carry on with the other sources.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime

from pipewatch.adapters.source_kinds import SOURCE_KIND_SPECS
from pipewatch.adapters.source_poll import SourcePoll, watch_inputs
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import SourceConfig
from pipewatch.domain.models import SourceState
from pipewatch.errors import PayloadError, SourceError
from pipewatch.services.ports import Fetcher, WatchlistLike


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
    spec = SOURCE_KIND_SPECS.get(config.kind)
    if spec is None:
        raise SourceError(config.id, f"no adapter for kind {config.kind!r}", retryable=False)
    poll = SourcePoll(config, state, fetcher, deadline, environ or {})
    try:
        result = spec.poll(poll, watch_inputs(watchlist))
    except PayloadError as exc:
        raise SourceError(config.id, str(exc)) from exc
    new_state = dataclasses.replace(
        result.new_state, last_attempt=now, last_success=now, consecutive_failures=0, last_error=""
    )
    return dataclasses.replace(result, new_state=new_state, requests=poll.requests)

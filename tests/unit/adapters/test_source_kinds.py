"""The source kind registry: each spec validates its kind into its own model, and poll_source dispatches
through the registry (coverage of every kind: tests/unit/test_kind_registries.py; parse-feed's choices:
tests/unit/cli/test_kind_choices.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest

from pipewatch.adapters import source_kinds
from pipewatch.adapters.source_kinds import (
    SOURCE_KIND_SPECS,
    SourceKindSpec,
)
from pipewatch.adapters.source_poll import SourcePoll, WatchInputs
from pipewatch.adapters.sources import poll_source
from pipewatch.domain.ingest.polling import SourceResult
from pipewatch.domain.ingest.sources import (
    CtgovSource,
    FeedSource,
    parse_source_config,
)
from pipewatch.domain.models import FetchedItem, SourceState
from pipewatch.errors import SourceError

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_every_spec_validates_its_kind_into_its_own_model() -> None:
    for kind, spec in SOURCE_KIND_SPECS.items():
        assert kind in get_args(spec.config.model_fields["kind"].annotation)


def test_poll_source_runs_the_registered_poller_with_the_kinds_own_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[object] = []

    def poller(poll: SourcePoll, config: FeedSource, watch: WatchInputs) -> SourceResult:
        seen.append(config)
        return poll.result([FetchedItem(source_id=config.id, title="t", url="")])

    monkeypatch.setitem(source_kinds.SOURCE_KIND_SPECS, "atom", SourceKindSpec(FeedSource, poller))
    config = parse_source_config({"id": "feed", "kind": "atom", "url": "https://example.com/a.xml"})
    result = poll_source(config, SourceState(source_id="feed"), None, None, now=NOW, deadline=1e9)
    assert seen == [config] and [item.title for item in result.items] == ["t"]
    assert result.new_state.last_success == NOW


def test_a_spec_registered_under_the_wrong_model_is_a_permanent_source_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        source_kinds.SOURCE_KIND_SPECS, "rss", SourceKindSpec(CtgovSource, SOURCE_KIND_SPECS["ctgov"].poller)
    )
    config = parse_source_config({"id": "feed", "kind": "rss", "url": "https://example.com/a.xml"})
    with pytest.raises(SourceError, match="not a CtgovSource") as err:
        poll_source(config, SourceState(source_id="feed"), None, None, now=NOW, deadline=1e9)
    assert err.value.retryable is False


def test_a_kind_without_a_spec_is_a_permanent_source_error() -> None:
    # A model whose kind has no spec (model_construct skips the union, which knows only registered kinds).
    config = FeedSource.model_construct(id="feed", kind="telnet", url="https://example.com/a.xml")
    with pytest.raises(SourceError, match="no adapter for kind 'telnet'") as err:
        poll_source(config, SourceState(source_id="feed"), None, None, now=NOW, deadline=1e9)
    assert err.value.retryable is False

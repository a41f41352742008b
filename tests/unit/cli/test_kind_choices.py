"""The CLI's kind choices come from the registries, so they cannot drift from them: `parse-feed --kind` from
the source kind registry (adapters/source_kinds.py), `subscribe --channel` and `render --channel` from the
channel registry (domain/subscribers/channels.py). A kind added to a registry shows up in the choices."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from pipewatch.adapters import source_kinds
from pipewatch.adapters.source_kinds import (
    SOURCE_KIND_SPECS,
    FileParser,
    ParsedFile,
    SourceKindSpec,
    file_parsers,
)
from pipewatch.cli import build_parser, main
from pipewatch.domain.ingest.sources import FeedSource
from pipewatch.domain.models import FetchedItem
from pipewatch.domain.subscribers import channels
from pipewatch.domain.subscribers.channels import CHANNEL_KINDS, CHANNELS, ChannelSpec


def _choices(command: str, option: str) -> tuple[str, ...]:
    parser, _runners = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    action = next(a for a in subparsers.choices[command]._actions if option in a.option_strings)
    return tuple(action.choices or ())


def test_parse_feed_offers_exactly_the_source_kinds_with_a_file_parser() -> None:
    assert (
        _choices("parse-feed", "--kind")
        == tuple(file_parsers())
        == (
            "rss",
            "ctgov",
            "pubmed",
            "edgar",
            "openfda",
            "federal-register",
            "europepmc",
            "ctis",
        )
    )
    assert set(file_parsers()) <= set(SOURCE_KIND_SPECS)


def _fake_parse(data: bytes, source_id: str) -> ParsedFile:
    titles = json.loads(data)
    return ParsedFile([FetchedItem(source_id=source_id, title=t, url="") for t in titles], ["skipped one"])


def test_given_a_source_kind_added_to_the_registry_then_parse_feed_offers_and_runs_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = SourceKindSpec(FeedSource, SOURCE_KIND_SPECS["rss"].poller, FileParser("fake JSON", _fake_parse))
    monkeypatch.setitem(source_kinds.SOURCE_KIND_SPECS, "fakekind", spec)
    assert _choices("parse-feed", "--kind")[-1] == "fakekind"
    payload = tmp_path / "fake.json"
    payload.write_text('["first", "second"]')
    assert main(["parse-feed", "--kind", "fakekind", "--source-id", "fk", str(payload)]) == 0
    captured = capsys.readouterr()
    assert [json.loads(line)["title"] for line in captured.out.splitlines()] == ["first", "second"]
    assert {json.loads(line)["source_id"] for line in captured.out.splitlines()} == {"fk"}
    assert captured.err == "parse-feed: skipped one\n"


def test_channel_choices_are_the_registrys_kinds() -> None:
    assert _choices("subscribe", "--channel") == CHANNEL_KINDS == ("slack", "teams", "webhook")
    assert _choices("render", "--channel") == tuple(CHANNELS) == ("sms", "email", "slack", "teams", "webhook")


def test_given_a_channel_added_to_the_registry_then_subscribe_and_render_offer_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(channels.CHANNELS, "pager", ChannelSpec("Pager", route="queue"))
    assert _choices("subscribe", "--channel")[-1] == "pager"
    assert _choices("render", "--channel")[-1] == "pager"
    monkeypatch.setitem(channels.CHANNELS, "fax", ChannelSpec("fax", route="sns"))
    assert "fax" not in _choices("subscribe", "--channel")  # an address kind is not a --channel URL
    assert _choices("render", "--channel")[-1] == "fax"

"""services/config_admin.describe_change: the change a push prints, read generically from the validated
documents (hand-made dumped watchlists), so keys the watchlist schema gains (typed competitors) show too."""

from __future__ import annotations

from typing import Any

from pipewatch.services.config_admin import describe_change


def _agent(agent_id: str, **keys: Any) -> dict[str, Any]:
    return {"id": agent_id, "name": agent_id, "aliases": {"generic": [agent_id]}, **keys}


def test_given_agents_added_removed_and_changed_then_each_key_lists_its_entries_added_and_removed() -> None:
    before = {
        "version": 1,
        "agents": [
            _agent("efgartigimod", trials=[{"nct_id": "NCT1", "acronym": "ADAPT", "indications": ["gmg"]}]),
            _agent("dazukibart"),
        ],
    }
    after = {
        "version": 1,
        "agents": [
            _agent(
                "efgartigimod",
                aliases={"generic": ["efgartigimod", "efgartigimod alfa"]},
                trials=[{"nct_id": "NCT2", "acronym": "ALKIVIA", "indications": ["myositis"]}],
                competitors=[{"name": "nipocalimab", "sponsor": "J&J", "indications": ["gmg"]}],
            ),
            _agent("anifrolumab"),
        ],
    }
    change = describe_change("watchlist.yaml", before, after)
    assert change.added == ("anifrolumab",) and change.removed == ("dazukibart",)
    assert change.lines() == [
        "agents added: anifrolumab",
        "agents removed: dazukibart",
        "efgartigimod:",
        "  aliases added: efgartigimod alfa",
        "  trials added: NCT2 ALKIVIA",
        "  trials removed: NCT1 ADAPT",
        "  indications added: myositis",
        "  competitors added: nipocalimab",
    ]
    assert change.summary() == "+1 -1 agent(s); 1 changed (efgartigimod)"


def test_given_the_same_document_then_there_is_no_change() -> None:
    same = {"version": 1, "agents": [_agent("efgartigimod")]}
    assert describe_change("watchlist.yaml", same, same).lines() == ["no change"]


def test_given_a_sources_file_then_entries_are_told_by_id() -> None:
    before = {"sources": [{"id": "press", "url": "a"}, {"id": "ema", "url": "b"}]}
    after = {"sources": [{"id": "press", "url": "a2"}, {"id": "fda", "url": "c"}]}
    change = describe_change("sources.yaml", before, after)
    assert change.lines() == [
        "entries added: sources.fda",
        "entries removed: sources.ema",
        "changed: sources.press",
    ]

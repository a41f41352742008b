"""The poll's reads before it decides (moto): which candidates are stored and their neighbourhoods' claims,
answered by one BatchGetItem exactly as the two separate reads answer them (issue 28, cold9poll).

The updates are hand-made (ids, titles and agents invented for the test)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipewatch.adapters.aws import client
from pipewatch.adapters.store import Store
from pipewatch.domain.ingest.dedupe import Claim
from pipewatch.domain.models import Classification, Update
from pipewatch.settings import Settings

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def _update(update_id: str, agent: str) -> Update:
    return Update(
        update_id=update_id,
        title=f"Hand-made headline {update_id}",
        url=f"https://example.com/{update_id}",
        source_id="hand-made",
        classification=Classification(relevant=True, agents=(agent,), event_type="results", severity="high"),
        first_seen=NOW,
    )


class _CountingClient:
    """The moto client, with each operation it is asked for counted."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self._real, name)


def test_given_stored_updates_aliases_and_claims_then_one_read_answers_as_the_two_reads_do(
    local_stack: Any,
) -> None:
    settings = Settings.from_env()
    counting = _CountingClient(client("dynamodb", settings))
    store = Store(counting, settings.table_name)
    story = _update("u-story", "efgartigimod")
    assert store.put_claimed_update(story, {"agent#efgartigimod": Claim("agent#efgartigimod")}) == "stored"
    assert store.merge_source(story.update_id, _update("u-copy", "efgartigimod"))
    ids = ["u-story", "u-copy", "u-new", "u-story"]
    keys = ["agent#efgartigimod", "agent#dazukibart", "agent#efgartigimod"]
    counting.calls.clear()

    known, claims = store.read_intake(ids, keys)

    assert counting.calls == ["batch_get_item"]
    assert (known, claims) == (store.existing_update_ids(ids), store.get_claims(keys))
    assert known == {"u-story", "u-copy"}
    assert list(claims) == ["agent#efgartigimod", "agent#dazukibart"]
    assert claims["agent#efgartigimod"] == Claim("agent#efgartigimod", 1, ("u-story",))
    assert claims["agent#dazukibart"] == Claim("agent#dazukibart")


def test_given_nothing_to_read_then_no_request_is_made(local_stack: Any) -> None:
    settings = Settings.from_env()
    counting = _CountingClient(client("dynamodb", settings))

    assert Store(counting, settings.table_name).read_intake([], []) == (set(), {})
    assert counting.calls == []

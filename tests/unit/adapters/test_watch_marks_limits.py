"""The "watched since" marks at scale (issue 26): a push adding or removing a thousand agents stays within
DynamoDB's 4 KB expression limit (the bench's 1,000-agent poll first hit it as one 47 KB expression)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipewatch.adapters.watch_marks import DynamoWatchMarks

EXPRESSION_LIMIT = 4096  # bytes, DynamoDB's limit on any expression string


class MarksTable:
    """A hand-made stand-in for the one marks item: applies SET if_not_exists and REMOVE clauses."""

    def __init__(self) -> None:
        self.item: dict[str, Any] | None = None
        self.expressions: list[str] = []

    def get_item(self, **_: Any) -> dict[str, Any]:
        return {} if self.item is None else {"Item": self.item}

    def put_item(self, *, Item: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.item = Item
        return {}

    def update_item(self, **call: Any) -> dict[str, Any]:
        expression: str = call["UpdateExpression"]
        self.expressions.append(expression)
        assert self.item is not None
        since = self.item["since"]["M"]
        names = call["ExpressionAttributeNames"]
        if expression.startswith("SET "):
            for name in names.values():
                since.setdefault(name, call["ExpressionAttributeValues"][":now"])
        else:
            for name in names.values():
                since.pop(name, None)
        return {"Attributes": self.item}


def test_given_a_thousand_agents_added_then_each_expression_is_under_4kb_and_all_are_marked() -> None:
    table = MarksTable()
    marks = DynamoWatchMarks(table, "t")
    first = datetime(2026, 12, 7, tzinfo=UTC)
    assert set(marks.watched_since(["efgartigimod"], first)) == {"efgartigimod"}

    later = datetime(2026, 12, 8, tzinfo=UTC)
    agents = ["efgartigimod", *(f"agent_with_a_long_identifier_{n:04d}" for n in range(1000))]
    since = marks.watched_since(agents, later)

    assert set(since) == set(agents)
    assert since["agent_with_a_long_identifier_0999"] == later
    assert since["efgartigimod"] != later  # an existing mark is kept
    assert len(table.expressions) == 20
    assert max(len(e.encode()) for e in table.expressions) < EXPRESSION_LIMIT


def test_given_a_thousand_agents_forgotten_then_each_expression_is_under_4kb() -> None:
    table = MarksTable()
    marks = DynamoWatchMarks(table, "t")
    agents = [f"agent_{n:04d}" for n in range(1000)]
    marks.watched_since(agents, datetime(2026, 12, 7, tzinfo=UTC))
    marks.forget(agents[:-1])
    assert marks.read() is not None and set(marks.read() or {}) == {"agent_0999"}
    assert max(len(e.encode()) for e in table.expressions) < EXPRESSION_LIMIT

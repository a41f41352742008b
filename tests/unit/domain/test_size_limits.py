"""The documented AWS limits and the sizing helpers (domain/limits.py)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from pipewatch.domain import limits


def test_given_the_documented_limits_then_the_constants_say_them() -> None:
    assert limits.DDB_ITEM_MAX_BYTES == 409_600
    assert limits.SNS_MESSAGE_MAX_BYTES == 262_144
    assert (limits.TRANSACT_MAX_ITEMS, limits.TRANSACT_MAX_BYTES) == (100, 4 * 1024 * 1024)
    assert (limits.FILTER_POLICY_MAX_KEYS, limits.FILTER_POLICY_MAX_COMBINATIONS) == (5, 150)
    assert limits.FILTER_POLICIES_PER_TOPIC == 200


def test_given_an_item_then_its_size_counts_names_and_utf8_values() -> None:
    assert limits.item_size({"pk": "ab", "n": 12345}) == (2 + 2) + (1 + 4)
    assert limits.item_size({"t": "é"}) == 1 + 2
    assert limits.item_size({"l": ["a", "b"]}) == 1 + 3 + 2 * 2


@given(st.text(min_size=0, max_size=3000), st.integers(min_value=60, max_value=4000))
def test_given_any_text_then_truncation_fits_and_says_so(text: str, budget: int) -> None:
    cut = limits.truncate_text(text, budget)
    assert limits.utf8_len(cut) <= budget
    if cut != text:
        assert "truncated" in cut


@given(st.text(min_size=0, max_size=400_000, alphabet=st.characters(codec="utf-8")))
def test_given_any_long_text_then_the_sns_body_fits_the_limit(text: str) -> None:
    body, _ = limits.fit_sns_body(
        text * 1, "sms", "subject", {"a": {"DataType": "String", "StringValue": "v"}}
    )
    assert limits.utf8_len(body) <= limits.MESSAGE_BUDGET_BYTES
    assert set(json.loads(body)) == {"default", "sms"}


def test_given_many_actions_then_transactions_hold_100_items_and_4_mb() -> None:
    assert [len(b) for b in limits.transaction_batches([10] * 250)] == [100, 100, 50]
    big = limits.transaction_batches([1_500_000] * 5)
    assert [len(b) for b in big] == [2, 2, 1]

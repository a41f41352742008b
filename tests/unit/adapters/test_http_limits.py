"""Retry-After as the other side may send it (adapters/http_limits.py): every form parses, bounded and
clamped, and says why it was ignored or capped; nothing raises. The values are hand-made header strings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipewatch.adapters.http_limits import RetryAfter, parse_retry_after

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CAP = 12 * 3600.0


def test_given_the_usual_forms_then_seconds_are_parsed() -> None:
    assert parse_retry_after("7", NOW, cap=CAP) == RetryAfter(7.0)
    assert parse_retry_after(" 120 ", NOW, cap=CAP) == RetryAfter(120.0)
    assert parse_retry_after("Tue, 01 Dec 2026 12:00:30 GMT", NOW, cap=CAP) == RetryAfter(30.0)
    assert parse_retry_after("Tue, 01 Dec 2026 11:00:00 GMT", NOW, cap=CAP) == RetryAfter(0.0)  # past: now
    assert parse_retry_after(None, NOW, cap=CAP) == RetryAfter(None)
    assert parse_retry_after("  ", NOW, cap=CAP) == RetryAfter(None)


@pytest.mark.parametrize(
    "value",
    [
        "9" * 5000,  # past Python's 4,300-digit int limit: int() raises ValueError
        "9" * 10,
        "999999",
        "Tue, 01 Dec 2099 12:00:30 GMT",
    ],
)
def test_given_a_delay_past_the_cap_then_it_is_clamped_and_says_so(value: str) -> None:
    parsed = parse_retry_after(value, NOW, cap=CAP)
    assert parsed.seconds == CAP
    assert "capped" in parsed.problem


@pytest.mark.parametrize(
    "value",
    [
        "-5",
        "soon",
        "²",  # str.isdigit() is True, int() refuses it
        "٣",  # an Arabic-Indic digit: the same
        "1e9",
        "7.5",
        "Mon, 01 Jan 99999 00:00:00 GMT",  # a year datetime cannot hold
        "Mon, 99 Foo 2026 99:99:99 GMT",
        "Tue, 01 Dec 2026 12:00:30 GMT" + " " * 10 + "x" * 100,
        "x" * 70_000,
        "\x00\x01",
    ],
)
def test_given_garbage_then_it_is_ignored_with_a_reason_and_nothing_raises(value: str) -> None:
    parsed = parse_retry_after(value, NOW, cap=CAP)
    assert parsed.seconds is None
    assert "ignored" in parsed.problem

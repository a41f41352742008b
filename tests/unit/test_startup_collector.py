"""The collector's threshold during a cold start (pipewatch.startup): raised inside Lambda only, restored
and the start-up objects frozen when the first invocation ends, through the handlers' own decorator."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from pipewatch import startup
from pipewatch.observability import traced_handler


@pytest.fixture
def collector() -> Iterator[tuple[int, int, int]]:
    """The process's threshold and frozen objects as they were, put back after the test."""
    saved = gc.get_threshold()
    yield saved
    startup.settle()
    gc.set_threshold(*saved)
    gc.unfreeze()


def test_given_no_lambda_environment_then_begin_changes_nothing(
    collector: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)

    startup.begin()

    assert gc.get_threshold() == collector
    assert not startup.starting()


def test_given_lambda_then_the_threshold_is_raised_until_the_first_invocation_ends(
    collector: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "pipewatch-test")
    seen: list[tuple[int, int, int]] = []

    @traced_handler
    def handler(event: Any, context: Any) -> str:
        seen.append(gc.get_threshold())
        return "done"

    startup.begin()
    startup.begin()  # a second import path changes nothing
    assert gc.get_threshold()[0] == startup.STARTUP_THRESHOLD

    assert handler({}, None) == "done"
    assert seen == [(startup.STARTUP_THRESHOLD, collector[1], collector[2])]
    assert gc.get_threshold() == collector
    assert gc.get_freeze_count() > 0
    assert not startup.starting()


def test_given_a_first_invocation_that_raises_then_the_threshold_is_restored_anyway(
    collector: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "pipewatch-test")

    @traced_handler
    def handler(event: Any, context: Any) -> None:
        raise RuntimeError("first invocation failed")

    startup.begin()
    with pytest.raises(RuntimeError):
        handler({}, None)

    assert gc.get_threshold() == collector

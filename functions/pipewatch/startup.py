"""The cyclic garbage collector during a Lambda cold start (issue 28).

A cold start creates tens of thousands of objects that live as long as the container: modules, classes,
pydantic validators, compiled patterns, the watchlist's matcher. With the default threshold the collector
runs a pass every 700 net allocations, and during the import and the first invocation's build those passes
walk the growing heap and free nearly nothing (measured: poll's import + build ~12% faster with the
collector off). So inside Lambda, importing the handlers raises the first generation's threshold
(`begin`); the end of the first invocation (`settle`, called by `observability.traced_handler`) restores the
threshold and freezes the start-up objects into the permanent generation, so that later full collections
do not walk them again. No full collection runs there: it would delay the first answer by the time of a
pass over the whole heap, and what the start leaves as cyclic garbage is small and made once (the
collector still runs during the start, at the higher threshold).

Outside Lambda (tests, the local harness, the CLI) nothing changes.
"""

from __future__ import annotations

import gc
import os

STARTUP_THRESHOLD = 50_000  # net allocations between first-generation passes while the container starts


class _Start:
    """The threshold saved while the container starts (None once started, or outside Lambda)."""

    saved: tuple[int, int, int] | None = None


_start = _Start()


def in_lambda() -> bool:
    """The Lambda runtime sets this for every function; nothing else here does."""
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def begin() -> None:
    """Raise the collector's first threshold for the start, inside Lambda only (idempotent)."""
    if _start.saved is not None or not in_lambda():
        return
    _start.saved = gc.get_threshold()
    gc.set_threshold(max(STARTUP_THRESHOLD, _start.saved[0]), _start.saved[1], _start.saved[2])


def settle() -> None:
    """After the first invocation: the saved threshold back, the start-up objects frozen (idempotent)."""
    threshold, _start.saved = _start.saved, None
    if threshold is None:
        return
    gc.set_threshold(*threshold)
    gc.freeze()


def starting() -> bool:
    return _start.saved is not None

"""One Logger, one Metrics and a lazily created Tracer shared by every Lambda and the CLI.

The X-Ray SDK costs ~200 ms to import, so the Tracer is only built when tracing is switched on
(`PIPEWATCH_XRAY_SDK=true`); with it off, Lambda's Active tracing still records each invocation.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics

from pipewatch import startup

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "pipewatch")
NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Pipewatch")

# The CLI and the demo keep stdout for their own output; Lambda logs to stdout as usual.
_log_handler = logging.StreamHandler(sys.stderr) if os.environ.get("PIPEWATCH_LOG_STDERR") == "true" else None
logger = Logger(service=SERVICE, logger_handler=_log_handler)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

F = TypeVar("F", bound=Callable[..., Any])


def xray_sdk_enabled() -> bool:
    return os.environ.get("PIPEWATCH_XRAY_SDK", "false").lower() == "true"


@functools.cache
def get_tracer() -> Any:
    from aws_lambda_powertools import Tracer  # imported here: it pulls in aws_xray_sdk

    return Tracer(service=SERVICE)


def traced_handler(func: F) -> F:
    """`Tracer.capture_lambda_handler` when the X-Ray SDK is enabled, else the handler unchanged."""

    @functools.wraps(func)
    def wrapper(event: Any, context: Any, **injected: Any) -> Any:
        # `injected`: the keyword-only collaborators a test or the harness passes (`service=...`).
        try:
            if xray_sdk_enabled():
                return get_tracer().capture_lambda_handler(func)(event, context, **injected)
            return func(event, context, **injected)
        finally:
            startup.settle()  # the container has started: the collector's own threshold again

    return wrapper  # type: ignore[return-value]


class NullMetrics:
    def count(self, name: str, value: float = 1, **dimensions: str) -> None:
        return None


class PowertoolsMetricsSink:
    """Counts as CloudWatch EMF metrics, each with its own dimensions (e.g. SourceFailures by source)."""

    def count(self, name: str, value: float = 1, **dimensions: str) -> None:
        # single_metric flushes at once and ignores the Metrics object's switch; honour the same variable.
        if os.environ.get("POWERTOOLS_METRICS_DISABLED", "false").lower() == "true":
            return
        from aws_lambda_powertools.metrics import MetricUnit, single_metric

        with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE) as metric:
            for key, dim_value in dimensions.items():
                metric.add_dimension(name=key, value=dim_value)


class CountingMetrics:
    """In-memory metrics for the CLI, the demo and tests: {(name, dims...): total}."""

    def __init__(self) -> None:
        self.totals: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def count(self, name: str, value: float = 1, **dimensions: str) -> None:
        key = (name, tuple(sorted(dimensions.items())))
        self.totals[key] = self.totals.get(key, 0) + value

    def total(self, name: str, **dimensions: str) -> float:
        return sum(
            v for (n, dims), v in self.totals.items() if n == name and set(dimensions.items()) <= set(dims)
        )

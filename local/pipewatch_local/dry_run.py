"""The store behind `pipewatch poll --live` without `--store`: the template's stack in moto, in memory, so
a dry run against the real sources writes nothing anywhere (a laptop feature of the harness, not a
Lambda's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipewatch.services.poll import PollService
    from pipewatch.services.ports import MetricsSink
    from pipewatch.settings import Settings


def dry_run_poll_service(settings: Settings, metrics: MetricsSink) -> PollService:
    """A poll service whose store is in memory (moto, never AWS): nothing leaves the machine but the HTTP."""
    from moto import mock_aws

    from pipewatch.composition import build_poll_service
    from pipewatch.settings import Settings
    from pipewatch_local.local_stack import create_local_stack, use_stack_environment

    mock = mock_aws()
    mock.start()  # stays active for the life of this short CLI process
    stack = create_local_stack(name="pipewatch-dry-run")
    use_stack_environment(stack)
    return build_poll_service(
        Settings.from_env().model_copy(update={"edgar_contact": settings.edgar_contact}), metrics=metrics
    )

"""For the commands that read a deployed stack's table with the caller's AWS credentials (`catalysts list`,
`feedback`): when no table is named, one plain sentence saying what is missing and how to get it. What
AWS answered when a read fails is told by `pipewatch.adapters.aws_errors.explain` (adapters know botocore)."""

from __future__ import annotations

from pipewatch.settings import Settings

HOW_TO_GET_A_STACK = (
    "set $PIPEWATCH_TABLE (or pass --table) to the TableName output of your deployed stack "
    "(docs/deploy.md); to try pipewatch without AWS, run `pipewatch demo`"
)


def missing_table(command: str, settings: Settings) -> str | None:
    """The sentence to print when no table is named, else None."""
    if settings.table_name:
        return None
    return f"{command}: no stack to read: {HOW_TO_GET_A_STACK}."

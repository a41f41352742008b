"""botocore's failures told as one plain sentence, for the commands that read a deployed stack's table with
the caller's AWS credentials (`catalysts list`, `feedback`): what is missing and how to get it, instead of
botocore's wording (a "Parameter validation failed" about an empty TableName, a credential chain's
internals). Here beside adapters/aws.py because only adapters know botocore's exception types."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
)

from pipewatch.settings import Settings

# What a command catches around a read of the stack (`except AWS_ERRORS as exc: print(explain(...))`).
AWS_ERRORS = (BotoCoreError, ClientError)
_ACCESS_DENIED = frozenset(
    {
        "AccessDeniedException",
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "ExpiredToken",
    }
)


def explain(command: str, settings: Settings, exc: BotoCoreError | ClientError) -> str:
    """What went wrong reading `settings.table_name`, and what to do, in one line."""
    table = settings.table_name
    if isinstance(exc, NoCredentialsError):
        return (
            f"{command}: no AWS credentials found to read table {table}: sign in (for example "
            "`aws sso login`, or set AWS_PROFILE) and run it again."
        )
    if isinstance(exc, NoRegionError):
        return f"{command}: no AWS region set: set AWS_REGION to the region your stack is deployed in."
    if isinstance(exc, EndpointConnectionError):
        where = settings.endpoint_url or f"AWS in {settings.region}"
        return f"{command}: cannot reach {where}: check the network (or $PIPEWATCH_ENDPOINT_URL) and retry."
    if isinstance(exc, ClientError):
        return _refused(command, settings, exc)
    return f"{command}: could not read table {table}: {' '.join(str(exc).split())}"


def _refused(command: str, settings: Settings, exc: ClientError) -> str:
    """AWS answered, and said no."""
    table = settings.table_name
    code = str(exc.response.get("Error", {}).get("Code", ""))
    if code == "ResourceNotFoundException":
        return (
            f"{command}: there is no table {table} in {settings.region}: check $PIPEWATCH_TABLE (or "
            "--table) against your stack's TableName output, and AWS_REGION."
        )
    if code in _ACCESS_DENIED:
        return (
            f"{command}: AWS refused to let these credentials read table {table} ({code}): sign in with "
            "a role that may read the stack's table."
        )
    message = " ".join(str(exc.response.get("Error", {}).get("Message", "")).split())
    return f"{command}: AWS answered {code or 'an error'} reading table {table}: {message}"

"""`catalysts list` and `feedback` read a deployed stack's table: without one (no table named, no
credentials, a table that is not there, access refused, no network) each prints one plain sentence saying
what is missing and how to get it, never botocore's wording ("Parameter validation failed", "TableName"):
the adapter's `explain` (adapters/aws_errors.py) for each AWS failure, and the commands printing it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

from pipewatch.adapters.aws_errors import explain
from pipewatch.cli import main
from pipewatch.commands.stack_access import missing_table
from pipewatch.settings import Settings

ADAPTERS = "pipewatch.adapters"
BOTOCORE_WORDS = (
    "Parameter validation",
    "Invalid length for parameter",
    "botocore",
    "Traceback",
    "An error occurred",
)


def _settings(**values: str) -> Settings:
    return Settings.from_env().model_copy(update={"table_name": "pipewatch-prod-Table", **values})


def _client_error(code: str, message: str = "hand-made message") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Query")


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["catalysts", "list"], "pipewatch catalysts list"),
        (["catalysts", "list", "--format", "ics"], "pipewatch catalysts list"),
        (["feedback", "report"], "pipewatch feedback report"),
        (["feedback", "export"], "pipewatch feedback export"),
    ],
)
def test_given_no_stack_then_the_command_says_what_is_missing_and_how_to_get_it_in_one_sentence(
    argv: list[str], command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIPEWATCH_TABLE", raising=False)

    code = main(argv)

    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"{command}: no stack to read: ")
    assert "$PIPEWATCH_TABLE" in err and "--table" in err and "pipewatch demo" in err
    assert not [word for word in BOTOCORE_WORDS if word in err]


def test_given_no_table_then_missing_table_names_it_and_given_one_then_nothing_is_missing() -> None:
    assert missing_table("pipewatch feedback report", _settings(table_name="")) is not None
    assert missing_table("pipewatch feedback report", _settings()) is None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoCredentialsError(), "no AWS credentials found to read table pipewatch-prod-Table: sign in"),
        (NoRegionError(), "no AWS region set: set AWS_REGION"),
        (
            EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com/"),
            "cannot reach AWS in eu-west-1: check the network",
        ),
        (
            _client_error("ResourceNotFoundException", "Requested resource not found"),
            "there is no table pipewatch-prod-Table in eu-west-1: check $PIPEWATCH_TABLE",
        ),
        (
            _client_error("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized"),
            "AWS refused to let these credentials read table pipewatch-prod-Table (AccessDeniedException)",
        ),
        (
            _client_error("ExpiredTokenException", "The security token included in the request is expired"),
            "(ExpiredTokenException): sign in with a role that may read the stack's table",
        ),
        (
            _client_error("ProvisionedThroughputExceededException", "Rate\nexceeded"),
            "AWS answered ProvisionedThroughputExceededException reading table pipewatch-prod-Table: "
            "Rate exceeded",
        ),
    ],
)
def test_given_an_aws_failure_then_explain_says_what_to_do_in_one_line(
    error: Exception, expected: str
) -> None:
    assert isinstance(error, NoCredentialsError | NoRegionError | EndpointConnectionError | ClientError)

    line = explain("pipewatch feedback report", _settings(region="eu-west-1"), error)

    assert line.startswith("pipewatch feedback report: ") and expected in line
    assert "\n" not in line and not [word for word in BOTOCORE_WORDS if word in line]


def test_given_a_local_endpoint_that_does_not_answer_then_explain_names_that_endpoint() -> None:
    error = EndpointConnectionError(endpoint_url="http://127.0.0.1:5000/")

    line = explain("pipewatch catalysts list", _settings(endpoint_url="http://127.0.0.1:5000"), error)

    assert "cannot reach http://127.0.0.1:5000: check the network (or $PIPEWATCH_ENDPOINT_URL)" in line


@pytest.mark.parametrize(
    ("argv", "command", "reader"),
    [
        (["catalysts", "list"], "pipewatch catalysts list", f"{ADAPTERS}.catalyst_store.CatalystStore.list"),
        (["feedback", "report"], "pipewatch feedback report", f"{ADAPTERS}.feedback.FeedbackTable.all"),
    ],
)
@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoCredentialsError(), "no AWS credentials found to read table pipewatch-prod-Table"),
        (_client_error("ResourceNotFoundException"), "there is no table pipewatch-prod-Table in "),
    ],
)
def test_given_a_read_that_fails_then_the_command_prints_the_adapters_one_line_explanation(
    argv: list[str],
    command: str,
    reader: str,
    error: Exception,
    expected: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing_read(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setenv("PIPEWATCH_TABLE", "pipewatch-prod-Table")
    monkeypatch.setattr(reader, failing_read)

    code = main(argv)

    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"{command}: ") and expected in err
    assert not [word for word in BOTOCORE_WORDS if word in err]

"""`catalysts list` and `feedback` against AWS (moto in-process) naming a table that is not there: one
sentence saying so and what to check, not botocore's ResourceNotFoundException text."""

from __future__ import annotations

import pytest
from moto import mock_aws

from pipewatch.cli import main


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["catalysts", "list"], "pipewatch catalysts list"),
        (["feedback", "report"], "pipewatch feedback report"),
    ],
)
def test_given_a_table_that_is_not_there_then_the_command_says_so_in_one_sentence(
    argv: list[str], command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPEWATCH_TABLE", "pipewatch-gone-Table")
    monkeypatch.delenv("PIPEWATCH_ENDPOINT_URL", raising=False)

    with mock_aws():
        code = main(argv)

    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert err == (
        f"{command}: there is no table pipewatch-gone-Table in us-east-1: check $PIPEWATCH_TABLE "
        "(or --table) against your stack's TableName output, and AWS_REGION.\n"
    )

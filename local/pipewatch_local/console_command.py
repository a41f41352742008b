"""`pipewatch console --demo [--port N]`: the analyst's console on 127.0.0.1 against the demo's stack.

Runs the demo pipeline (moto in-process, recorded payloads), then creates a user pool in moto's cognito-idp
(one analyst, one admin) and serves the console until Ctrl-C. Sign in with the printed user and password:
the console's form signs in through the pool (USER_PASSWORD_AUTH) and verifies moto's ID token as it
verifies Cognito's on AWS. Prints exactly one line on stdout: `console ready: URL (user U, password P)`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from pipewatch_local.demo_command import DEFAULT_EVENTS, DEFAULT_FIXTURES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    parser.formatter_class = _Formatter
    parser.add_argument("--demo", action="store_true", help="run the demo pipeline first (required)")
    parser.add_argument("--port", type=int, default=8024, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="recorded payloads folder")
    parser.add_argument("--events", type=Path, default=DEFAULT_EVENTS, help="sample Lambda events folder")


class _Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keep the description's layout and show every default."""


def run(args: argparse.Namespace) -> int:
    if not args.demo:
        print(
            "pipewatch console: only --demo is offered locally (the deployed console is the stack's "
            "/console URL)",
            file=sys.stderr,
        )
        return 2
    from pipewatch_local.demo_command import _prepare_environment

    _prepare_environment(verbose=False)
    import logging
    import warnings

    import boto3
    from moto import mock_aws

    warnings.filterwarnings("ignore", message="Tried to parse AWS::")
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    logging.getLogger("moto").setLevel(logging.ERROR)

    from pipewatch.settings import Settings
    from pipewatch_local.console_local import ANALYST, ConsoleServer, console_service, create_pool
    from pipewatch_local.demo import DemoRun

    with tempfile.TemporaryDirectory(prefix="pipewatch-console-") as workdir, mock_aws():
        result = DemoRun(fixtures=args.fixtures, events=args.events, workdir=Path(workdir)).run()
        if not result.ok:
            print("pipewatch console: the demo pipeline failed; run `pipewatch demo -v`", file=sys.stderr)
            return 1
        cognito = boto3.client("cognito-idp", region_name="us-east-1")
        pool = create_pool(cognito)
        service = console_service(Settings.from_env(), cognito, pool)
        try:
            server = ConsoleServer(service, port=args.port)
        except OSError as exc:
            print(
                f"pipewatch console: port {args.port} is taken ({exc.strerror}); try --port 0",
                file=sys.stderr,
            )
            return 1
        with server:
            print(
                f"console ready: {server.url}/ (user {ANALYST}, password {pool.passwords[ANALYST]})",
                flush=True,
            )
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                print("", file=sys.stderr)
    return 0

"""`pipewatch links rotate [--revoke]`: rotate the key that signs reader links (pages, feeds, unsubscribe).

After a rotation, links signed with the previous key still work and new links use the new key; a second
rotation (or `--revoke`) refuses every link signed before it. Running functions pick the new key up within
five minutes. Needs the stack's table ($PIPEWATCH_TABLE or --table) and KMS key ($PIPEWATCH_LINK_KEY_ID or
--kms-key: the stack output LinkKeyArn), with the current AWS credentials."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    actions = parser.add_subparsers(dest="action", required=True)
    rotate = actions.add_parser(
        "rotate", help="new signing key", formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    rotate.add_argument(
        "--revoke", action="store_true", help="keep no previous key: every link signed so far is refused"
    )
    rotate.add_argument("--table", default=None, help="DynamoDB table of the stack (None: $PIPEWATCH_TABLE)")
    rotate.add_argument("--kms-key", default=None, help="KMS key ARN (None: $PIPEWATCH_LINK_KEY_ID)")


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from pipewatch.composition import build_link_keys
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    overrides = {"table_name": args.table, "link_key_id": args.kms_key}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v})
    if not settings.link_key_id:
        print("pipewatch links: no KMS key: set $PIPEWATCH_LINK_KEY_ID or pass --kms-key", file=sys.stderr)
        return 2
    try:
        kid = build_link_keys(settings).rotate(revoke=args.revoke)
    except (ClientError, BotoCoreError) as exc:
        print(f"pipewatch links: AWS error: {exc}", file=sys.stderr)
        return 1
    what = "every earlier link is now refused" if args.revoke else "links signed before keep working"
    print(f"pipewatch links: signing with key {kid}; {what}")
    return 0

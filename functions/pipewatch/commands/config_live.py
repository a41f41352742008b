"""`pipewatch config push|pull|history|rollback FILE-KIND ...`: the live configuration of a deployed stack
(issue 26), in its versioned bucket ($PIPEWATCH_CONFIG_BUCKET, the stack output ConfigBucketName).

`pipewatch watchlist push|pull|history|rollback` is the same for the watchlist. A push validates the file as
the functions will (an invalid file is never uploaded), prints the change against the current version,
lists the subscriptions whose filter names an agent it removes, and uploads it with who changed it
(`--by`, default $USER) and a note. The functions apply it within 5 minutes, with no deploy. `rollback V`
validates version V again and uploads it as the new current version."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

KINDS = {"watchlist": "watchlist.yaml", "taxonomy": "taxonomy.yaml", "sources": "sources.yaml"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    actions = parser.add_subparsers(dest="action", required=True)
    add_actions(actions, with_kind=True)


def add_actions(actions: Any, *, with_kind: bool) -> None:
    """The four actions, for `config` (with a file kind) and for `watchlist` (without)."""

    shown = {"formatter_class": argparse.ArgumentDefaultsHelpFormatter}

    def kind(parser: argparse.ArgumentParser) -> None:
        if with_kind:
            parser.add_argument("kind", choices=sorted(KINDS), help="which configuration file")

    push = actions.add_parser(
        "push", help="validate, show the change, upload as the current version", **shown
    )
    kind(push)
    push.add_argument("file", metavar="FILE", help="the YAML file to push")
    push.add_argument("--by", default=None, help="who changes it (None: $USER)")
    push.add_argument("--note", default=None, help="why (None: the change summary)")
    push.add_argument("--dry-run", action="store_true", help="validate and show the change, upload nothing")
    pull = actions.add_parser("pull", help="print (or save) the current or a given version", **shown)
    kind(pull)
    pull.add_argument("--version", default=None, help="a version id from `history` (None: the current one)")
    pull.add_argument("-o", "--output", default=None, help="write to this file (None: stdout)")
    history = actions.add_parser("history", help="versions: id, time, changed-by, summary", **shown)
    kind(history)
    history.add_argument("--limit", type=int, default=20, help="newest versions to list")
    rollback = actions.add_parser(
        "rollback", help="make an earlier version current again (validated)", **shown
    )
    kind(rollback)
    rollback.add_argument("version", metavar="VERSION", help="the version id to restore")
    rollback.add_argument("--by", default=None, help="who rolls back (None: $USER)")


def who(by: str | None) -> str:
    return by or os.environ.get("USER") or getpass.getuser()


def run(args: argparse.Namespace) -> int:
    return run_action(args, KINDS[args.kind])


def run_action(args: argparse.Namespace, key: str) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from pipewatch.composition import build_config_admin
    from pipewatch.errors import ConfigError
    from pipewatch.settings import Settings

    prog = f"pipewatch {key.removesuffix('.yaml')}" if args.command == "watchlist" else "pipewatch config"
    try:
        admin = build_config_admin(Settings.from_env())
        if args.action == "push":
            return _push(admin, key, args)
        if args.action == "pull":
            body = admin.pull(key, args.version or "")
            if args.output:
                Path(args.output).write_text(body, encoding="utf-8")
                print(f"{key} {args.version or 'current'} -> {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(body)
            return 0
        if args.action == "history":
            from pipewatch.config import packaged_data_path

            packaged = packaged_data_path(key).read_text(encoding="utf-8")
            for entry in admin.history(key, limit=args.limit, packaged=packaged):
                v = entry.version
                mark = " (current)" if v.latest else ""
                when = v.modified.strftime("%Y-%m-%d %H:%M:%S UTC")
                print(f"{v.version_id}{mark}  {when}  {v.changed_by or '?'}  {entry.summary}")
                if v.note:
                    print(f"    note: {v.note}")
            return 0
        pushed = admin.rollback(key, args.version, changed_by=who(args.by))
        _print_change(key, pushed.change)
        _print_orphaned(pushed.orphaned)
        print(f"{key}: version {args.version} restored as version {pushed.version_id}")
        return 0
    except ConfigError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except (ClientError, BotoCoreError) as exc:
        print(f"{prog}: AWS error: {exc}", file=sys.stderr)
        return 1


def _push(admin: Any, key: str, args: argparse.Namespace) -> int:
    from pipewatch.config import packaged_data_path
    from pipewatch.errors import ConfigError

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{args.file}: cannot read: {exc.strerror or exc}") from exc
    packaged = packaged_data_path(key).read_text(encoding="utf-8")
    if key == "watchlist.yaml":
        refused = _ordinary_word_errors(text, args.file)
        if refused:
            for error in refused:
                print(f"pipewatch watchlist: {error}", file=sys.stderr)
            print(f"{args.file}: refused, nothing uploaded", file=sys.stderr)
            return 1
    if args.dry_run:
        change = admin.preview(key, text, packaged=packaged)
        print(f"{args.file}: valid")
        _print_change(key, change)
        _print_orphaned(admin.subscriptions_naming(change.removed) if key == "watchlist.yaml" else {})
        print("dry run: nothing uploaded")
        return 0
    pushed = admin.push(key, text, changed_by=who(args.by), note=args.note or "", packaged=packaged)
    print(f"{args.file}: valid")
    _print_change(key, pushed.change)
    _print_orphaned(pushed.orphaned)
    print(f"{key}: pushed as version {pushed.version_id} by {who(args.by)} (applied within 5 minutes)")
    return 0


def _ordinary_word_errors(text: str, origin: str) -> tuple[str, ...]:
    """`watchlist check`'s traps (a name that is an ordinary word outside ambiguous_trials), run on a push
    too; the schema itself is checked again by the push (and by every function applying the version)."""
    from pipewatch.composition import build_watchlist_checks
    from pipewatch.services.watchlist_check import check_watchlist

    words, _ = build_watchlist_checks(None)
    result = check_watchlist(text, origin=origin, words=words)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return result.errors


def _print_change(key: str, change: Any) -> None:
    print(f"Change to {key}:")
    for line in change.lines():
        print(f"  {line}")


def _print_orphaned(orphaned: Mapping[str, tuple[str, ...]]) -> None:
    if not orphaned:
        return
    print("Subscriptions whose filter names a removed agent (tell their owners):")
    for subscription_id, (owner, *agents) in sorted(orphaned.items()):
        print(f"  {subscription_id}  {owner}  names {', '.join(agents)}")

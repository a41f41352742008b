"""`pipewatch watchlist show | check FILE`: what is watched, and whether a watchlist file is valid.

`show` lists the agents (with their aliases, watched trials and competitors) and the indications of the
watchlist in use ($PIPEWATCH_WATCHLIST or the packaged one); `--json` prints them as one JSON document.
`check FILE` validates a watchlist file as the pipeline loads it and refuses a name that is an ordinary word
(outside ambiguous_trials); it says what is wrong (file, agent, key, problem); exit 1 if invalid. With
`--corpus DIR` it also lists the recorded headlines (*.jsonl labelled sets, *.xml feeds) a name would match
that are not labelled about its agent (warnings: the file stays valid).
`push FILE`, `pull`, `history`, `rollback VERSION`: the live watchlist of a deployed stack (see
`pipewatch config --help`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__
    actions = parser.add_subparsers(dest="action", required=True)
    show = actions.add_parser(
        "show",
        help="agents, aliases, trials and indications",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    show.add_argument("--json", action="store_true", help="one JSON document instead of text")
    show.add_argument(
        "--watchlist",
        metavar="PATH",
        default=None,
        help="watchlist YAML (None: $PIPEWATCH_WATCHLIST or packaged)",
    )
    check = actions.add_parser(
        "check", help="validate a watchlist file", formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    check.add_argument("file", metavar="FILE", help="the watchlist YAML to check")
    check.add_argument(
        "--corpus",
        metavar="DIR",
        default=None,
        help="recorded headlines to run each alias over (e.g. tests/fixtures/labeled)",
    )
    # push | pull | history | rollback: the live watchlist of a deployed stack (commands/config_live.py)
    from pipewatch.commands.config_live import add_actions

    add_actions(actions, with_kind=False)


def _summary(watchlist: Any) -> dict[str, Any]:
    dumped = watchlist.model_dump(mode="json")
    return {
        "agents": dumped.get("agents", []),
        "indications": dumped.get("indications", []),
    }


def _aliases(agent: dict[str, Any]) -> list[str]:
    """Every alias string of an agent, whatever kind (generic names, codes, brands, acronyms)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    walk(agent.get("aliases", {}))
    return list(dict.fromkeys(found))


def _text(summary: dict[str, Any], source: str) -> str:
    lines = [f"Watchlist: {source}", "", f"Agents ({len(summary['agents'])}):"]
    for agent in summary["agents"]:
        lines.append(f"  {agent['id']}")
        aliases = _aliases(agent)
        if aliases:
            lines.append(f"    aliases: {', '.join(aliases)}")
        # A watched trial may be known by its acronym only (no NCT id registered or known yet).
        trials = [
            " ".join(
                part for part in (t.get("nct_id"), f"({t['acronym']})" if t.get("acronym") else "") if part
            )
            for t in agent.get("trials", [])
        ]
        if trials:
            lines.append(f"    trials: {', '.join(trials)}")
        competitors = [c["drug"] for c in agent.get("competitors", [])]
        if competitors:
            lines.append(f"    competitors: {', '.join(competitors)}")
    lines += ["", f"Indications ({len(summary['indications'])}):"]
    for indication in summary["indications"]:
        name = indication.get("name") or indication.get("label") or ""
        lines.append(f"  {indication['id']}" + (f" - {name}" if name else ""))
    return "\n".join(lines)


def _check(path: str, corpus_dir: str | None) -> int:
    from pathlib import Path

    from pipewatch.composition import build_watchlist_checks
    from pipewatch.errors import ConfigError
    from pipewatch.services.watchlist_check import check_watchlist

    try:
        text = Path(path).read_text(encoding="utf-8")
        words, corpus = build_watchlist_checks(corpus_dir)
    except OSError as exc:
        print(f"pipewatch watchlist: {path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"pipewatch watchlist: {exc}", file=sys.stderr)
        return 1
    try:
        result = check_watchlist(text, origin=path, words=words, corpus=corpus)
    except ConfigError as exc:  # an unreadable corpus file
        print(f"pipewatch watchlist: {exc}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for warning in result.warnings:
        print(f"warning: {warning}")
    if result.watchlist is None or result.errors:
        for error in result.errors:
            print(f"pipewatch watchlist: {error}", file=sys.stderr)
        return 1
    agents, indications = len(result.watchlist.agents), len(result.watchlist.indications)
    print(f"{path}: valid ({agents} agents, {indications} indications)")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action in {"push", "pull", "history", "rollback"}:
        from pipewatch.commands.config_live import run_action

        return run_action(args, "watchlist.yaml")
    if args.action == "check":
        return _check(args.file, getattr(args, "corpus", None))
    from pipewatch.config import load_data_file
    from pipewatch.domain.watch.watchlist import Watchlist
    from pipewatch.errors import ConfigError
    from pipewatch.settings import Settings

    path = args.watchlist or Settings.from_env().watchlist_override
    try:
        watchlist = load_data_file("watchlist.yaml", Watchlist, path)
    except ConfigError as exc:
        print(f"pipewatch watchlist: {exc}", file=sys.stderr)
        return 1
    summary = _summary(watchlist)
    source = path or "the packaged watchlist.yaml"
    print(json.dumps(summary, indent=1) if args.json else _text(summary, source))
    return 0

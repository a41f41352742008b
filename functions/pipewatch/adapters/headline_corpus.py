"""The project's recorded headlines, read from a directory for `watchlist check --corpus DIR`.

Labelled sets (`*.jsonl`, tests/fixtures/labeled/) give each row's title, summary and the agents its label
says it is about, whatever the file's label shape: `label.agents` (headlines), `agent` (events), `drug.id`
(the broad set). Recorded feeds (`*.xml`: RSS or Atom) give unlabelled headlines. A row without a title
string (catalyst sentences) is skipped. The CLI never reads tests/: the directory is the caller's choice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipewatch.domain.watch.checks import RecordedHeadline
from pipewatch.errors import ConfigError, PayloadError


class DirectoryCorpus:
    def __init__(self, root: str | Path) -> None:
        self._root = Path(root)
        if not self._root.is_dir():
            raise ConfigError(f"{root}: not a directory of recorded headlines")

    def headlines(self) -> Iterator[RecordedHeadline]:
        for path in sorted(self._root.rglob("*")):
            if path.suffix == ".jsonl":
                yield from _labelled(path, self._root)
            elif path.suffix == ".xml":
                yield from _feed(path, self._root)


def _about(row: dict[str, Any]) -> frozenset[str] | None:
    label = row.get("label")
    if isinstance(label, dict) and isinstance(label.get("agents"), list):
        return frozenset(str(agent) for agent in label["agents"])
    if isinstance(row.get("agent"), str):
        return frozenset({row["agent"]})
    drug = row.get("drug")
    if isinstance(drug, dict) and isinstance(drug.get("id"), str):
        return frozenset({drug["id"]})
    return None


def _labelled(path: Path, root: Path) -> Iterator[RecordedHeadline]:
    name = path.relative_to(root).as_posix()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{name}:{number}: not JSON: {exc.msg}") from exc
        if not isinstance(row, dict) or not isinstance(row.get("title"), str):
            continue
        ident = row.get("id") or row.get("event_id") or number
        summary = row["summary"] if isinstance(row.get("summary"), str) else ""
        yield RecordedHeadline(f"{name}#{ident}", row["title"], summary, _about(row))


def _feed(path: Path, root: Path) -> Iterator[RecordedHeadline]:
    from pipewatch.adapters.feeds import parse_document

    name = path.relative_to(root).as_posix()
    try:
        parsed = parse_document(path.read_bytes())
    except (OSError, PayloadError):
        return  # not a feed (an XML registry record, say): nothing to read
    for number, entry in enumerate(parsed.get("entries") or [], start=1):
        title = entry.get("title")
        if isinstance(title, str) and title:
            summary = entry.get("summary")
            yield RecordedHeadline(
                f"{name}#{number}", title, summary if isinstance(summary, str) else "", None
            )

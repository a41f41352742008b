"""Editing the live configuration (issue 26): push a file, pull a version, list the history, roll back.

Every version written is validated first with the function the pipeline applies (`validate_config_document`),
so a push that would be rejected is refused here, before any upload. The change against the current version
is described generically, from the validated documents: agents added and removed, and per agent whatever its
schema holds (aliases, trials, indications, competitors...) added and removed; other files by their entries'
ids. Removing an agent lists the subscriptions whose filter names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipewatch.config import validate_config_document
from pipewatch.errors import ConfigError
from pipewatch.observability import logger
from pipewatch.services.ports import ConfigStore, ConfigVersion, SubscriptionReader, WatchMarkEraser

# Per-agent keys shown first, in this order; any other key of the schema follows, by name.
_AGENT_KEYS_FIRST = ("aliases", "trials", "indications", "competitors")
_LABEL_KEYS = ("id", "nct_id", "acronym", "name", "drug", "brand")


@dataclass(frozen=True)
class AgentChange:
    agent: str
    added: Mapping[str, tuple[str, ...]]  # key -> entries added
    removed: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class ConfigChange:
    """What a new version changes against the current one."""

    key: str
    added: tuple[str, ...] = ()  # agents (or, for other files, entry ids) added
    removed: tuple[str, ...] = ()
    changed: tuple[AgentChange, ...] = ()
    other: tuple[str, ...] = ()  # top-level keys changed otherwise

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.other)

    def lines(self) -> list[str]:
        noun = "agents" if self.key == "watchlist.yaml" else "entries"
        lines = [f"{noun} added: {', '.join(self.added)}"] if self.added else []
        lines += [f"{noun} removed: {', '.join(self.removed)}"] if self.removed else []
        for change in self.changed:
            lines.append(f"{change.agent}:")
            keys = _ordered({*change.added, *change.removed})
            for key in keys:
                if change.added.get(key):
                    lines.append(f"  {key} added: {', '.join(change.added[key])}")
                if change.removed.get(key):
                    lines.append(f"  {key} removed: {', '.join(change.removed[key])}")
        lines += [f"changed: {', '.join(self.other)}"] if self.other else []
        return lines or ["no change"]

    def summary(self) -> str:
        parts = [f"+{len(self.added)}" if self.added else "", f"-{len(self.removed)}" if self.removed else ""]
        noun = "agent" if self.key == "watchlist.yaml" else "entry"
        head = " ".join(p for p in parts if p)
        text = f"{head} {noun}(s)" if head else ""
        if self.changed:
            text += (
                "; " if text else ""
            ) + f"{len(self.changed)} changed ({', '.join(c.agent for c in self.changed)})"
        if self.other:
            text += ("; " if text else "") + f"changed {', '.join(self.other)}"
        return text or "no change"


@dataclass(frozen=True)
class Pushed:
    version_id: str
    change: ConfigChange
    # subscription id -> endpoint or owner, for each subscription whose filter names a removed agent
    orphaned: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEntry:
    version: ConfigVersion
    summary: str


class ConfigAdmin:
    def __init__(
        self,
        store: ConfigStore,
        *,
        subscriptions: SubscriptionReader | None = None,
        marks: WatchMarkEraser | None = None,
    ) -> None:
        self._store = store
        self._subscriptions = subscriptions
        self._marks = marks

    def current_document(self, key: str) -> dict[str, Any] | None:
        found = self._store.current(key)
        if found is None or found == "not_modified":
            return None
        return _dumped(key, found.body, found.version_id)

    def preview(self, key: str, text: str, *, packaged: str = "") -> ConfigChange:
        """The change `text` makes against the current version (the packaged file when none is stored).
        ConfigError if `text` is invalid."""
        after = _dumped(key, text, "new")
        before = self.current_document(key)
        if before is None and packaged:
            before = _dumped(key, packaged, "packaged")
        return describe_change(key, before or {}, after)

    def push(self, key: str, text: str, *, changed_by: str, note: str, packaged: str = "") -> Pushed:
        change = self.preview(key, text, packaged=packaged)  # validates: nothing invalid is uploaded
        version_id = self._store.put(key, text, changed_by=changed_by, note=note or change.summary())
        orphaned = self.subscriptions_naming(change.removed) if key == "watchlist.yaml" else {}
        if key == "watchlist.yaml" and change.removed and self._marks is not None:
            self._marks.forget(change.removed)  # re-added later, an agent is new again (no flood)
        if orphaned:
            logger.warning(
                "subscriptions name agents removed from the watchlist",
                extra={"agents_removed": list(change.removed), "subscriptions": sorted(orphaned)},
            )
        return Pushed(version_id, change, orphaned)

    def pull(self, key: str, version_id: str = "") -> str:
        if version_id:
            return self._store.version(key, version_id).body
        found = self._store.current(key)
        if found is None or found == "not_modified":
            raise ConfigError(f"{key}: no version stored (the packaged file applies)")
        return found.body

    def history(self, key: str, *, limit: int = 20, packaged: str = "") -> list[HistoryEntry]:
        """The newest `limit` versions, each with its change against the version before it (the first
        version against the packaged file)."""
        versions = self._store.history(key)[: limit + 1]
        documents: list[dict[str, Any]] = []
        for version in versions:
            try:
                documents.append(
                    _dumped(key, self._store.version(key, version.version_id).body, version.version_id)
                )
            except ConfigError:
                documents.append({"(invalid)": version.version_id})
        entries = []
        for i, version in enumerate(versions[:limit]):
            before = documents[i + 1] if i + 1 < len(documents) else {}
            if i + 1 == len(documents) and packaged:
                before = _dumped(key, packaged, "packaged")
            summary = (
                "invalid (never applied)"
                if "(invalid)" in documents[i]
                else describe_change(key, before, documents[i]).summary()
            )
            entries.append(HistoryEntry(version, summary))
        return entries

    def rollback(self, key: str, version_id: str, *, changed_by: str) -> Pushed:
        """That version again as the new current one (validated again: the checks may have grown since)."""
        body = self._store.version(key, version_id).body
        return self.push(key, body, changed_by=changed_by, note=f"rollback to {version_id}")

    def subscriptions_naming(self, agents: Iterable[str]) -> dict[str, tuple[str, ...]]:
        wanted = set(agents)
        if not wanted or self._subscriptions is None:
            return {}
        found: dict[str, tuple[str, ...]] = {}
        for record in self._subscriptions.list():
            named = tuple(a for a in record.subscription.preferences.agents if a in wanted)
            if named:
                who = record.owner or record.subscription.endpoint
                found[record.subscription_id] = (who, *named)
        return found


def _dumped(key: str, text: str, version: str) -> dict[str, Any]:
    model = validate_config_document(key, text, origin=f"{key}@{version}")
    dumped: dict[str, Any] = model.model_dump(mode="json")
    return dumped


# -- describing a change (pure) -------------------------------------------------------------------------
def describe_change(key: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> ConfigChange:
    if key == "watchlist.yaml":
        return _watchlist_change(before, after)
    added: list[str] = []
    removed: list[str] = []
    other: list[str] = []
    for top in sorted({*before, *after}):
        old, new = before.get(top), after.get(top)
        if old == new:
            continue
        old_ids, new_ids = _ids(old), _ids(new)
        if old_ids is None or new_ids is None:
            other.append(top)
            continue
        added += [f"{top}.{i}" for i in new_ids if i not in old_ids]
        removed += [f"{top}.{i}" for i in old_ids if i not in new_ids]
        changed = [i for i in new_ids if i in old_ids and old_ids[i] != new_ids[i]]
        other += [f"{top}.{i}" for i in changed]
    return ConfigChange(key, tuple(added), tuple(removed), (), tuple(other))


def _watchlist_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> ConfigChange:
    old = {a["id"]: a for a in before.get("agents", [])}
    new = {a["id"]: a for a in after.get("agents", [])}
    changed = []
    for agent_id, agent in new.items():
        if agent_id in old and old[agent_id] != agent:
            changed.append(_agent_change(agent_id, old[agent_id], agent))
    other = (
        sorted(k for k in {*before, *after} if k != "agents" and before.get(k) != after.get(k))
        if before
        else []
    )
    return ConfigChange(
        "watchlist.yaml",
        tuple(a for a in new if a not in old),
        tuple(a for a in old if a not in new),
        tuple(c for c in changed if c.added or c.removed),
        tuple(other),
    )


def _agent_change(agent_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> AgentChange:
    added: dict[str, tuple[str, ...]] = {}
    removed: dict[str, tuple[str, ...]] = {}
    for key in _ordered({*old, *new, "indications"} - {"id"}):
        before = (
            _indications(old) if key == "indications" and "indications" not in old else _labels(old.get(key))
        )
        after = (
            _indications(new) if key == "indications" and "indications" not in new else _labels(new.get(key))
        )
        plus = tuple(x for x in after if x not in before)
        minus = tuple(x for x in before if x not in after)
        if plus:
            added[key] = plus
        if minus:
            removed[key] = minus
    return AgentChange(agent_id, added, removed)


def _entries(agent: Mapping[str, Any], key: str) -> list[str]:
    """An agent key's entries; `indications`, when the agent has no such key, those its entries name."""
    if key == "indications" and "indications" not in agent:
        return _indications(agent)
    return _labels(agent.get(key))


def _ordered(keys: Iterable[str]) -> list[str]:
    keys = set(keys)
    return [k for k in _AGENT_KEYS_FIRST if k in keys] + sorted(keys - set(_AGENT_KEYS_FIRST))


def _labels(value: Any) -> list[str]:
    """The entries of one agent key as short labels: strings as they are, a mapping of lists (aliases by
    kind) flattened, an object by its id/NCT id/acronym/name, else its JSON."""
    if value is None:
        return []
    if isinstance(value, str | int | float | bool):
        return [str(value)]
    if isinstance(value, list):
        return list(dict.fromkeys(label for item in value for label in _item_label(item)))
    if isinstance(value, dict):
        if any(k in value for k in _LABEL_KEYS):
            return _item_label(value)
        return list(dict.fromkeys(label for v in value.values() for label in _labels(v)))
    return [json.dumps(value, sort_keys=True)]


def _item_label(item: Any) -> list[str]:
    if isinstance(item, dict):
        named = [str(item[k]) for k in _LABEL_KEYS if item.get(k)]
        return [" ".join(dict.fromkeys(named))] if named else [json.dumps(item, sort_keys=True)]
    return _labels(item)


def _indications(agent: Mapping[str, Any]) -> list[str]:
    """Every indication id an agent's entries name (its trials', programmes', competitors'...)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "indications" and isinstance(v, list):
                    found.extend(str(x) for x in v)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(dict(agent))
    return list(dict.fromkeys(found))


def _ids(value: Any) -> dict[str, Any] | None:
    """A list of objects with ids as {id: object}; None for anything else."""
    if not isinstance(value, list) or not all(isinstance(v, dict) and "id" in v for v in value):
        return None
    return {str(v["id"]): v for v in value}

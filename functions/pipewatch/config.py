"""Loading configuration files (YAML) into validated pydantic models.

Every failure is a ConfigError naming the file, the key path and what is wrong, e.g.
``watchlist.yaml: agents.0.aliases.codes.1: Input should be a valid string``.

The packaged data files are YAML (the source of truth, edited by hand) and ship beside a JSON copy of the
same document (`data/<name>.json`, written by `python -m pipewatch_local.packaged_data`; a unit test fails
when a copy differs from its YAML). The packaged default is read from the JSON copy, so a Lambda's cold
start neither imports PyYAML nor parses YAML; the same pydantic model validates it. Overrides (a path or
inline text) are read as YAML, as before (JSON is YAML too).

The build validates each packaged copy in full once and records its stamp (`data/stamps.json`: sha256 of
the copy under the pattern checks' version, written by the same command). A packaged copy whose stamp
matches skips only the regular-expression checks of its patterns (`domain.watch.schema.check_patterns`,
~100 ms of every cold start); everything else is validated as before. A copy that changed since it was
stamped, and any other document (a path, inline text, a version fetched at run time), is checked in full.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pipewatch.errors import ConfigError

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from pipewatch.domain.watch.classify import Classifier
    from pipewatch.domain.watch.learned import EventModel

# pydantic is imported by the first file validated, not with this module: a function builds its live
# configuration (this module) at start-up but reads a file only on the path that uses it (issue 28).
ModelT = TypeVar("ModelT", bound="BaseModel")

# An override that starts like a YAML/JSON mapping is the document itself, not a path (sam local invoke can
# pass text through a declared variable but cannot mount a file into the container).
_INLINE_STARTS = ("{", "%YAML", "---", "version:")
STAMPS = "stamps.json"  # packaged copy's file name -> its stamp (content_stamp), beside the copies


# Lists whose entries an error names by a key of the entry ("agents[efgartigimod]", not "agents.0"): the
# watchlist's. Other files keep positions (their own tests and docs quote them).
_NAMED_ENTRIES = {"agents": "id", "indications": "id", "competitors": "drug"}


def _format_validation_error(path: str, exc: ValidationError, data: object, model: type[BaseModel]) -> str:
    problems = []
    errors = exc.errors()
    inner = [err["loc"] for err in errors]
    for err in errors:
        if err["type"] == "too_short" and any(loc[: len(err["loc"])] == err["loc"] != loc for loc in inner):
            continue  # a list left short only because its entries failed: the entries' errors say why
        keys = _key_path(err["loc"], data)
        loc = _named_path(keys, data) or "(top level)"
        message = err["msg"]
        if err["type"] == "extra_forbidden" and keys:
            message = _unknown_key(str(keys[-1]), allowed_keys(model, keys[:-1]))
        problems.append(f"{path}: {loc}: {message}")
    return "; ".join(problems)


def _unknown_key(key: str, allowed: list[str]) -> str:
    """ "unknown key 'alias' (allowed: ...); did you mean 'aliases'?" instead of pydantic's "Extra inputs are
    not permitted"."""
    if not allowed:
        return f"unknown key {key!r}"
    from difflib import get_close_matches

    message = f"unknown key {key!r} (allowed: {', '.join(allowed)})"
    nearest = get_close_matches(key.casefold(), allowed, n=1, cutoff=0.6)
    return f"{message}; did you mean {nearest[0]!r}?" if nearest else message


def allowed_keys(model: type[BaseModel], keys: list[int | str]) -> list[str]:
    """The keys the model accepts at `keys` (a path of the document), [] where that is not one model."""
    current: type[BaseModel] | None = model
    for part in keys:
        if current is None:
            return []
        if isinstance(part, int):
            continue  # an entry of a list: the list's item model, found with its field below
        field = current.model_fields.get(part)
        current = None if field is None else _model_in(field.annotation)
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The one model a field holds (itself, or the item of a tuple, list or optional), else None."""
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    models = [found for arg in get_args(annotation) if (found := _model_in(arg)) is not None]
    return models[0] if len(set(models)) == 1 else None


def _named_path(keys: list[int | str], data: object) -> str:
    """keys joined by dots, a watchlist entry named by its id ("agents[efgartigimod].aliases.trial")."""
    text = ""
    current = data
    parent: int | str = ""
    for part in keys:
        name_key = _NAMED_ENTRIES.get(str(parent)) if isinstance(part, int) else None
        entry: object = None
        if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            entry = current[part]
        name = entry.get(name_key) if name_key and isinstance(entry, dict) else None
        if isinstance(name, str) and name:
            text += f"[{name}]"
        else:
            text += f".{part}" if text else str(part)
        current = current.get(part) if isinstance(current, dict) else entry
        parent = part
    return text


def _key_path(loc: tuple[int | str, ...], data: object) -> list[int | str]:
    """The error's location as keys of the document. A discriminated union (a source's `kind`) puts the tag
    in pydantic's location (`sources.0.rss.url`); the file has no such key, so it is left out."""
    path: list[int | str] = []
    current = data
    tag_skipped = False  # pydantic adds one tag per mapping, before that mapping's own keys
    for part in loc:
        if isinstance(current, dict) and not tag_skipped and current.get("kind") == part:
            tag_skipped = True
            continue
        path.append(part)
        tag_skipped = False
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            current = None
    return path


def load_yaml_model(path: str | Path, model: type[ModelT]) -> ModelT:
    """Parse one YAML file into ``model``; raise ConfigError(file, key, problem) on any failure."""
    text_path = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{text_path}: cannot read: {exc.strerror or exc}") from exc
    return parse_yaml_model(raw, model, origin=text_path)


def parse_yaml_model(text: str, model: type[ModelT], *, origin: str) -> ModelT:
    import yaml  # here, not at the top: a Lambda reading the packaged JSON copies never needs it

    # libyaml's safe loader is several times faster on the watchlist; same safety as yaml.safe_load.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, the C one when available
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from exc
    return _validated(data, model, origin)


def _validated(
    data: object, model: type[ModelT], origin: str, context: dict[str, object] | None = None
) -> ModelT:
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: (top level): expected a mapping, got {type(data).__name__}")
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(origin, exc, data, model)) from exc


def packaged_json_path(name: str) -> Path:
    """The JSON copy shipped beside a packaged YAML data file (`watchlist.yaml` -> `watchlist.json`)."""
    return packaged_data_path(name).with_suffix(".json")


def content_stamp(content: bytes) -> str:
    """The stamp of a packaged copy's bytes: it names the content and the version of the pattern checks
    it passed, so new checks (a bumped version) or an edited copy both mean a full check again."""
    from pipewatch.domain.watch.schema import PATTERN_CHECKS_VERSION

    versioned = f"pattern-checks-v{PATTERN_CHECKS_VERSION}\n".encode()
    return hashlib.sha256(versioned + content).hexdigest()


def packaged_stamps_path() -> Path:
    return packaged_data_path(STAMPS)


def is_stamped(path: Path, content: bytes) -> bool:
    """True when the packaged stamps record exactly this content of the copy `path` (fully validated by
    `python -m pipewatch_local.packaged_data`); a missing or unreadable stamps file means no."""
    try:
        stamps = json.loads(packaged_stamps_path().read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(stamps, dict) and stamps.get(path.name) == content_stamp(content)


def load_packaged_json_model(name: str, model: type[ModelT]) -> ModelT:
    """A packaged data file, from its JSON copy; ConfigError (naming the copy) if missing or invalid. Its
    patterns are not checked again when its stamp says the build checked this very content."""
    path = packaged_json_path(name)
    try:
        content = path.read_bytes()
        data = json.loads(content)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"{path}: not valid JSON: {exc}") from exc
    if not is_stamped(path, content):
        return _validated(data, model, str(path))
    from pipewatch.domain.watch.schema import PATTERNS_CHECKED

    return _validated(data, model, str(path), context={PATTERNS_CHECKED: True})


def packaged_data_path(name: str) -> Path:
    return Path(str(resources.files("pipewatch") / "data" / name))


def resolve_data_path(name: str, explicit: str | Path | None = None) -> Path:
    """An explicit path (a Settings override or a CLI option) wins over the packaged default."""
    return Path(explicit) if explicit else packaged_data_path(name)


def is_inline_document(override: str | Path | None) -> bool:
    return isinstance(override, str) and override.lstrip().startswith(_INLINE_STARTS)


@cache
def _cached_load(path: Path, model: type[BaseModel]) -> BaseModel:
    return load_yaml_model(path, model)


@cache
def _cached_packaged(name: str, model: type[BaseModel]) -> BaseModel:
    return load_packaged_json_model(name, model)


@cache
def _cached_parse(text: str, model: type[BaseModel], origin: str) -> BaseModel:
    return parse_yaml_model(text, model, origin=origin)


def load_data_file(name: str, model: type[ModelT], explicit: str | Path | None = None) -> ModelT:
    """Load (once per process per path) a data file; cached because Lambdas reuse warm processes.

    `explicit` is a path, or the document's own text (see `is_inline_document`); empty = packaged.
    """
    if is_inline_document(explicit):
        loaded = _cached_parse(str(explicit), model, f"{name} (inline)")
    elif explicit:
        loaded = _cached_load(resolve_data_path(name, explicit), model)
    else:
        loaded = _cached_packaged(name, model)
    assert isinstance(loaded, model)
    return loaded


def clear_cache() -> None:
    """Forget loaded data files (tests and the demo switch configuration within one process)."""
    _cached_load.cache_clear()
    _cached_packaged.cache_clear()
    _cached_parse.cache_clear()


# The configuration files the stack keeps live (issue 26), each with the model that validates it.
CONFIG_FILES = ("watchlist.yaml", "taxonomy.yaml", "sources.yaml")


def config_model(name: str) -> type[BaseModel]:
    """The pydantic model of a configuration file; ConfigError for a name that is not one. Only that
    model's module is imported (a function reading the watchlist alone never loads the sources models)."""
    if name == "watchlist.yaml":
        from pipewatch.domain.watch.watchlist import Watchlist

        return Watchlist
    if name == "taxonomy.yaml":
        from pipewatch.domain.watch.taxonomy import Taxonomy

        return Taxonomy
    if name == "sources.yaml":
        from pipewatch.domain.ingest.sources import SourcesConfig

        return SourcesConfig
    raise ConfigError(f"{name}: not a configuration file (one of {', '.join(CONFIG_FILES)})")


def validate_config_document(name: str, text: str, *, origin: str = "") -> BaseModel:
    """A configuration file's text validated as the pipeline loads it (the checks `watchlist check` runs):
    `pipewatch watchlist push` calls it before uploading, and every function again before applying a
    stored version. ConfigError (file, key, problem) when invalid."""
    return parse_yaml_model(text, config_model(name), origin=origin or name)


def load_classifier(
    watchlist: str | Path | None = None, taxonomy: str | Path | None = None, *, learned_fallback: bool = False
) -> Classifier:
    """The classifier over the given (or packaged) watchlist and taxonomy; ConfigError if invalid.

    File loading lives here, not in the domain: `Classifier` itself only takes validated models.
    `learned_fallback` hands it the packaged learned event fallback, read lazily; off by default: it does
    not beat the taxonomy's default on the checking halves (ADR 0015), so it is measured, not shipped on.
    """
    from pipewatch.domain.watch.classify import Classifier
    from pipewatch.domain.watch.taxonomy import Taxonomy
    from pipewatch.domain.watch.watchlist import Watchlist

    return Classifier(
        load_data_file("watchlist.yaml", Watchlist, watchlist),
        load_data_file("taxonomy.yaml", Taxonomy, taxonomy),
        fallback=load_event_fallback if learned_fallback else None,
    )


EVENT_FALLBACK = "event_fallback.json"


@cache
def load_event_fallback() -> EventModel:
    """The packaged learned event fallback (ADR 0015), read the first time a document has no event cue (the
    classifier calls this lazily: a cold start that never reaches the fallback never reads the file)."""
    from pipewatch.domain.watch.learned import EventModel

    path = packaged_data_path(EVENT_FALLBACK)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("expected a mapping")
        return EventModel.from_data(data)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{EVENT_FALLBACK}: {exc}") from exc

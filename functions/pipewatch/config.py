"""Loading configuration files (YAML) into validated pydantic models.

Every failure is a ConfigError naming the file, the key path and what is wrong, e.g.
``watchlist.yaml: agents.0.aliases.codes.1: Input should be a valid string``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pipewatch.errors import ConfigError

if TYPE_CHECKING:
    from pipewatch.domain.classify import Classifier

ModelT = TypeVar("ModelT", bound=BaseModel)
# libyaml's safe loader is several times faster on the watchlist; same safety as yaml.safe_load.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# An override that starts like a YAML/JSON mapping is the document itself, not a path (sam local invoke can
# pass text through a declared variable but cannot mount a file into the container).
_INLINE_STARTS = ("{", "%YAML", "---", "version:")


def _format_validation_error(path: str, exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "(top level)"
        problems.append(f"{path}: {loc}: {err['msg']}")
    return "; ".join(problems)


def load_yaml_model(path: str | Path, model: type[ModelT]) -> ModelT:
    """Parse one YAML file into ``model``; raise ConfigError(file, key, problem) on any failure."""
    text_path = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{text_path}: cannot read: {exc.strerror or exc}") from exc
    return parse_yaml_model(raw, model, origin=text_path)


def parse_yaml_model(text: str, model: type[ModelT], *, origin: str) -> ModelT:
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, the C one when available
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: (top level): expected a mapping, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(origin, exc)) from exc


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
def _cached_parse(text: str, model: type[BaseModel], origin: str) -> BaseModel:
    return parse_yaml_model(text, model, origin=origin)


def load_data_file(name: str, model: type[ModelT], explicit: str | Path | None = None) -> ModelT:
    """Load (once per process per path) a data file; cached because Lambdas reuse warm processes.

    `explicit` is a path, or the document's own text (see `is_inline_document`); empty = packaged.
    """
    if is_inline_document(explicit):
        loaded = _cached_parse(str(explicit), model, f"{name} (inline)")
    else:
        loaded = _cached_load(resolve_data_path(name, explicit), model)
    assert isinstance(loaded, model)
    return loaded


def clear_cache() -> None:
    """Forget loaded data files (tests and the demo switch configuration within one process)."""
    _cached_load.cache_clear()
    _cached_parse.cache_clear()


def load_classifier(watchlist: str | Path | None = None, taxonomy: str | Path | None = None) -> Classifier:
    """The classifier over the given (or packaged) watchlist and taxonomy; ConfigError if invalid.

    File loading lives here, not in the domain: `Classifier` itself only takes validated models.
    """
    from pipewatch.domain.classify import Classifier
    from pipewatch.domain.watchlist import Taxonomy, Watchlist

    return Classifier(
        load_data_file("watchlist.yaml", Watchlist, watchlist),
        load_data_file("taxonomy.yaml", Taxonomy, taxonomy),
    )

"""Loading configuration files (YAML) into validated pydantic models.

Every failure is a ConfigError naming the file, the key path and what is wrong, e.g.
``watchlist.yaml: agents.0.aliases.codes.1: Input should be a valid string``.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pipewatch.errors import ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)
# libyaml's safe loader is several times faster on the watchlist; same safety as yaml.safe_load.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Environment variables that point at a replacement for a packaged data file.
ENV_OVERRIDES = {
    "watchlist.yaml": "PIPEWATCH_WATCHLIST",
    "taxonomy.yaml": "PIPEWATCH_TAXONOMY",
    "sources.yaml": "PIPEWATCH_SOURCES",
}


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
    """An explicit path wins, then the file's env override, then the packaged default. An override that
    holds the document itself (see `inline_override`) is read by `load_data_file`, not here."""
    if explicit:
        return Path(explicit)
    env_name = ENV_OVERRIDES.get(name)
    override = os.environ.get(env_name, "") if env_name else ""
    return Path(override) if override else packaged_data_path(name)


def inline_override(name: str) -> str | None:
    """The file's env override when it holds the document itself (JSON, or YAML over several lines) rather
    than a path: `sam local invoke --env-vars` can pass text but cannot mount a file into the container."""
    env_name = ENV_OVERRIDES.get(name)
    value = os.environ.get(env_name, "") if env_name else ""
    return value if value.lstrip().startswith("{") or "\n" in value else None


@cache
def _cached_load(path: Path, model: type[BaseModel]) -> BaseModel:
    return load_yaml_model(path, model)


@cache
def _cached_parse(text: str, model: type[BaseModel], origin: str) -> BaseModel:
    return parse_yaml_model(text, model, origin=origin)


def load_data_file(name: str, model: type[ModelT], explicit: str | Path | None = None) -> ModelT:
    """Load (once per process per path or text) a data file; cached because Lambdas reuse warm processes."""
    text = None if explicit else inline_override(name)
    if text is not None:
        loaded = _cached_parse(text, model, f"${ENV_OVERRIDES[name]}")
    else:
        loaded = _cached_load(resolve_data_path(name, explicit), model)
    assert isinstance(loaded, model)
    return loaded

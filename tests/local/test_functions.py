"""The harness's one function list (pipewatch_local/functions.py) against what it stands for: template.yaml's
functions and handlers, the sample events in events/, the composition root's builders and the handlers'
keywords and per-container defaults."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

import pytest

from pipewatch import composition
from pipewatch.handlers import _defaults
from pipewatch_local.artifact import handler_of, template_functions
from pipewatch_local.functions import FUNCTIONS, LOGICAL_IDS, LambdaFunction, by_module

ROOT = Path(__file__).resolve().parents[2]


def test_given_template_yaml_then_the_list_names_its_functions_in_its_order() -> None:
    assert template_functions() == LOGICAL_IDS


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.logical_id)
def test_given_a_listed_function_then_its_handler_path_is_the_templates(function: LambdaFunction) -> None:
    assert function.handler_path == handler_of(function.logical_id)


def test_given_the_sample_events_then_each_belongs_to_exactly_one_listed_function() -> None:
    named = [name for function in FUNCTIONS for name in function.sample_events]
    assert sorted(named) == sorted(path.name for path in (ROOT / "events").glob("*.json"))


def test_given_the_events_readme_then_its_table_pairs_each_file_with_the_listed_function() -> None:
    table = (ROOT / "events" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S.*?) \| (\w+) \|", table, flags=re.M)
    documented = {
        name.strip(): module for names, module in rows if names != "file" for name in names.split(",")
    }
    assert documented == {name: f.module for f in FUNCTIONS for name in f.sample_events}


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.logical_id)
def test_given_a_listed_function_then_each_builder_feeds_a_keyword_its_handler_defaults_the_same_way(
    function: LambdaFunction,
) -> None:
    parameters = inspect.signature(function.handler()).parameters
    assert "service" in function.builders
    for keyword, builder in function.builders.items():
        assert callable(getattr(composition, builder))
        assert parameters[keyword].kind is inspect.Parameter.KEYWORD_ONLY
        default = getattr(_defaults, function.defaults[keyword])
        # _defaults.x builds with build_x (a live service, issue 26, calls it in its rebuild lambda)
        assert _names(default.__wrapped__.__code__).count(builder) == 1


def _names(code: types.CodeType) -> list[str]:
    """The names a function's code uses, its nested functions' (lambdas) included."""
    nested = [name for const in code.co_consts if isinstance(const, types.CodeType) for name in _names(const)]
    return [*code.co_names, *nested]


def test_given_a_module_name_then_by_module_finds_its_function_or_says_there_is_none() -> None:
    assert by_module("catalyst_check").logical_id == "CatalystCheckFunction"
    with pytest.raises(KeyError, match="no Lambda function with handler module nope"):
        by_module("nope")

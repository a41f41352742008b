"""The build step that compiles the console's templates (pipewatch_local.console_templates, issue 28), run on
a build-shaped copy of the console function (its code, and this environment's packages as the layer): every
HTML template becomes a module, a fresh interpreter on that copy renders from the modules (no template
compiled from source) the same bytes as the sources render, and without the directory the console still
renders from its sources (the fallback a source tree runs on)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from pipewatch.services import console_views
from pipewatch_local.console_templates import LAYER, write_console_templates
from pipewatch_local.functions import by_module

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
CONSOLE = by_module("console").logical_id
TEMPLATES = FUNCTIONS / "pipewatch" / console_views.TEMPLATES

# Renders two templates (hand-made context) and says which loader served them and whether Jinja2's code
# generator ran (it does only when a template is compiled from source).
_RENDER = """
import json, sys
sys.path[:0] = sys.argv[1:3]
from jinja2 import Environment
generated = []
_compile = Environment.compile
def recording_compile(self, source, name=None, *args, **kwargs):
    generated.append(name)
    return _compile(self, source, name, *args, **kwargs)
Environment.compile = recording_compile
from pipewatch.services import console_views as views
context = dict(base="/dev/console", viewer=None, csrf="", message="", error="", section="")
message = dict(title="Refused <b>", text="Stale & old", link="", link_text="")
pages = {
    "message.html": views.render("message.html", **message, **context),
    "signin.html": views.render("signin.html", title="Sign in", hosted_ui="", **{**context, "csrf": "t-1"}),
}
print("@@" + json.dumps({"loader": type(views.environment().loader).__name__, "generated": generated,
                          "pages": pages}))
"""


def _render(function_dir: Path, layer: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-S", "-E", "-s", "-B", "-c", _RENDER, str(function_dir), str(layer)],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin")},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    import json

    result: dict[str, object] = json.loads(done.stdout[done.stdout.rfind("@@") + 2 :])
    return result


@pytest.fixture(scope="module")
def console_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = tmp_path_factory.mktemp("build")
    shutil.copytree(FUNCTIONS / "pipewatch", build / CONSOLE / "pipewatch",
                    ignore=shutil.ignore_patterns("__pycache__", "console_compiled"))  # fmt: skip
    (build / LAYER).mkdir()
    (build / LAYER / "python").symlink_to(sysconfig.get_paths()["purelib"])
    return build


def test_given_a_build_then_every_html_template_is_compiled_to_a_module(console_build: Path) -> None:
    names = write_console_templates(console_build)
    expected = sorted(p.name for p in TEMPLATES.glob("*.html"))
    assert names == expected and "base.html" in names
    modules = sorted(
        (console_build / CONSOLE / "pipewatch" / console_views.COMPILED_TEMPLATES).glob("tmpl_*.py")
    )
    assert len(modules) == len(expected)


def test_given_the_compiled_templates_then_pages_render_from_them_as_from_the_sources(
    console_build: Path,
) -> None:
    write_console_templates(console_build)
    layer = console_build / LAYER / "python"
    compiled = _render(console_build / CONSOLE, layer)
    shutil.rmtree(console_build / CONSOLE / "pipewatch" / console_views.COMPILED_TEMPLATES)
    from_sources = _render(console_build / CONSOLE, layer)
    assert compiled["loader"] == "ModuleLoader" and compiled["generated"] == []
    assert from_sources["loader"] == "PackageLoader" and "message.html" in str(from_sources["generated"])
    assert compiled["pages"] == from_sources["pages"]
    pages = compiled["pages"]
    assert isinstance(pages, dict)
    assert "Refused &lt;b&gt;" in pages["message.html"] and 'value="t-1"' in pages["signin.html"]


def test_given_a_build_without_a_console_function_then_nothing_is_compiled(tmp_path: Path) -> None:
    assert write_console_templates(tmp_path) == []


def test_given_the_source_tree_then_no_compiled_templates_shadow_the_sources() -> None:
    assert not console_views.compiled_templates_dir().exists()

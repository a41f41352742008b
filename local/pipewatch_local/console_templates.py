"""The build step that compiles the console's Jinja2 templates to Python modules (issue 28).

A fresh interpreter of the runtime's version that sees only the build (the console function's code, then
the layer) runs `console_views.compile_templates`: the same environment the pages render with (lexer
options, autoescaping, filters), the build's own Jinja2. The modules land in the function's
`pipewatch/templates/console_compiled`, before the build is byte-compiled, so they ship as checked-hash
.pyc like every module; the console then imports a template instead of lexing, parsing and compiling it
on the first page that uses it. Without the directory (a source tree, or a build whose layer cannot run
here) the console compiles its templates from source, as before.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from pipewatch.services.console_views import COMPILED_TEMPLATES
from pipewatch_local.bytecode import runtime_interpreter, runtime_version
from pipewatch_local.functions import by_module

LAYER = "RuntimeDependencies"

_COMPILER = """
import json, sys
from pathlib import Path
function_dir, layer_dir, target = sys.argv[1:4]
sys.path[:0] = [function_dir, layer_dir]
from pipewatch.services import console_views
print("@@TEMPLATES@@" + json.dumps(console_views.compile_templates(Path(target))))
"""


def write_console_templates(build_dir: Path, *, layer_dir: Path | None = None) -> list[str]:
    """Compile the console function's templates in a build output; returns the templates compiled (none
    when the build has no console function). RuntimeError if compiling fails."""
    function_dir = build_dir / by_module("console").logical_id
    if not (function_dir / "pipewatch").is_dir():
        return []
    target = function_dir / "pipewatch" / COMPILED_TEMPLATES
    shutil.rmtree(target, ignore_errors=True)  # never a stale module beside the sources it was made from
    target.mkdir(parents=True)
    interpreter = runtime_interpreter(runtime_version())
    done = subprocess.run(  # noqa: S603 - our interpreter, our compiler, the build's own paths
        [interpreter, "-S", "-E", "-s", "-B", "-c", _COMPILER, str(function_dir),
         str(layer_dir or build_dir / LAYER / "python"), str(target)],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin")},
        check=False,
    )  # fmt: skip
    marker = done.stdout.rfind("@@TEMPLATES@@")
    if done.returncode != 0 or marker < 0:
        shutil.rmtree(target, ignore_errors=True)
        raise RuntimeError(f"compiling the console's templates failed:\n{done.stderr[-2000:]}")
    names: list[str] = json.loads(done.stdout[marker + len("@@TEMPLATES@@") :])
    return names

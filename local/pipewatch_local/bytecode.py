"""Bytecode in the artifact: the build step that compiles every module of a `sam build` output, and the
checks that prove it (tests/build, bench/cold_start.py).

Lambda's code directories (/var/task, /opt) are read-only, so a Python function that ships sources only
compiles every module it imports on every cold start, and never keeps the result. `sam build` copies
sources only (its Python builder leaves `__pycache__` out), so after it `compile_build` writes, beside each
`.py` of every function and of the dependency layer, the `.pyc` of the template's runtime
(`Runtime: python3.11`), compiled by an interpreter of exactly that version with
`--invalidation-mode checked-hash`: the `.pyc` carries the hash of its source instead of its timestamp,
so it stays valid whatever the file times become after zipping and unzipping, and a changed source is
still recompiled rather than run stale.

The same step first deletes from the layer's botocore every service model the functions may not call
(pipewatch_local.botocore_trim) and compiles the console's templates to Python modules (so they are
byte-compiled too; pipewatch_local.console_templates), then writes each function's precompiled regular
expressions (pipewatch_local.regex_table).

    python -m pipewatch_local.bytecode BUILD_DIR     # compile a build output in place (make build does it)
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipewatch_local.local_stack import repo_root

if TYPE_CHECKING:
    from pipewatch_local.botocore_trim import TrimReport

CHECKED_HASH_FLAGS = 0b11  # PEP 552: bit 0 = hash-based, bit 1 = check the source (checked-hash)

# Put into a fresh interpreter before any import from the build: records every source file that the import
# system compiles (SourceLoader.source_to_code runs only when no valid .pyc exists), so a caller can prove
# that a handler's modules all came from their .pyc.
SPY_ON_COMPILES = """
import importlib._bootstrap_external as _bootstrap_external
COMPILED_FROM_SOURCE = []
_source_to_code = _bootstrap_external.SourceLoader.source_to_code
def _recording_source_to_code(self, data, path, *, _optimize=-1):
    COMPILED_FROM_SOURCE.append(str(path))
    return _source_to_code(self, data, path, _optimize=_optimize)
_bootstrap_external.SourceLoader.source_to_code = _recording_source_to_code
"""


def runtime_version(template_text: str | None = None) -> tuple[int, int]:
    """The Python version of the template's runtime (`Runtime: python3.11` in Globals)."""
    text = template_text or (repo_root() / "template.yaml").read_text(encoding="utf-8")
    versions = set(re.findall(r"^\s+Runtime: python(\d+)\.(\d+)\s*$", text, flags=re.M))
    if len(versions) != 1:
        raise ValueError(f"template.yaml: expected one python runtime, found {sorted(versions)}")
    major, minor = versions.pop()
    return int(major), int(minor)


def runtime_interpreter(version: tuple[int, int]) -> str:
    """An interpreter of exactly the runtime's version: this one if it is, else `pythonX.Y` on PATH. Bytecode
    of another version would be ignored by Lambda (a different magic number) and every cold start would
    compile again, so there is no fallback."""
    if sys.version_info[:2] == version:
        return getattr(sys, "_base_executable", sys.executable)
    found = shutil.which(f"python{version[0]}.{version[1]}")
    if not found:
        raise RuntimeError(f"no python{version[0]}.{version[1]} on PATH to compile the runtime's bytecode")
    return found


def code_roots(build_dir: Path) -> list[Path]:
    """Every directory of the build Lambda puts on sys.path: each function's code, the layer's python/."""
    roots = sorted(p for p in build_dir.iterdir() if p.is_dir() and (p / "pipewatch").is_dir())
    roots += sorted(p / "python" for p in build_dir.iterdir() if (p / "python").is_dir())
    return roots


def compile_build(build_dir: Path, interpreter: str | None = None) -> int:
    """Compile every module of a build output in place (checked-hash .pyc for the runtime's version);
    returns how many code directories were compiled. RuntimeError if any module fails to compile."""
    python = interpreter or runtime_interpreter(runtime_version())
    roots = code_roots(build_dir)
    if not roots:
        raise RuntimeError(f"{build_dir}: no function or layer directory to compile")
    for root in roots:
        command = [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "checked-hash"]
        # Our interpreter and the build's own paths, never outside input.
        done = subprocess.run([*command, str(root)], capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            detail = (done.stdout + done.stderr)[-2000:]
            raise RuntimeError(f"compileall failed on {root} (exit {done.returncode})\n{detail}")
    return len(roots)


@dataclass(frozen=True)
class PycProblem:
    source: Path
    problem: str


def bytecode_problems(root: Path, magic: bytes | None = None) -> list[PycProblem]:
    """Every module under `root` whose .pyc is missing, of another Python version (magic number), not
    checked-hash, or compiled from another source (hash): what would make a cold start compile it."""
    expected_magic = magic or importlib.util.MAGIC_NUMBER
    tag = sys.implementation.cache_tag
    problems: list[PycProblem] = []
    for source in sorted(root.rglob("*.py")):
        pyc = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        if not pyc.is_file():
            problems.append(PycProblem(source, "no .pyc"))
            continue
        header = pyc.read_bytes()[:16]
        flags = int.from_bytes(header[4:8], "little")
        if header[:4] != expected_magic:
            problems.append(PycProblem(source, f"magic {header[:4]!r}, not {expected_magic!r}"))
        elif flags != CHECKED_HASH_FLAGS:
            problems.append(PycProblem(source, f"flags {flags:#b}: not checked-hash"))
        elif header[8:16] != importlib.util.source_hash(source.read_bytes()):
            problems.append(PycProblem(source, "compiled from another source"))
    return problems


_IMPORT_PROBE = """
import json, os, sys
function_dir, layer_dir, module = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path[:0] = [function_dir, layer_dir]
__import__(module)
build_dirs = (function_dir, layer_dir)
from_build = {
    name: m.__spec__ for name, m in list(sys.modules.items())
    if getattr(m, "__spec__", None) and (m.__spec__.origin or "").startswith(build_dirs)
    and m.__spec__.origin.endswith(".py")
}
print("@@PROBE@@" + json.dumps({
    "modules": len(from_build),
    "without_pyc": sorted(n for n, spec in from_build.items() if not os.path.isfile(spec.cached or "")),
    "compiled_from_source": [p for p in COMPILED_FROM_SOURCE if p.startswith(build_dirs)],
    "dont_write_bytecode": sys.dont_write_bytecode,
}))
"""


def import_from_build(function_dir: Path, layer_dir: Path, module: str) -> dict[str, object]:
    """Import `module` in a fresh interpreter that sees only the build and the standard library, as Lambda
    does (no bytecode written: PYTHONDONTWRITEBYTECODE); returns how many of its modules came from the
    build, those without a .pyc on disk (`__spec__.cached`) and those compiled from source at import."""
    import json
    import os

    interpreter = getattr(sys, "_base_executable", sys.executable)
    command = [interpreter, "-S", "-s", "-c", SPY_ON_COMPILES + _IMPORT_PROBE]
    done = subprocess.run(  # noqa: S603 - our interpreter, our probe, the build's paths
        [*command, str(function_dir), str(layer_dir), module],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin"), "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    marker = done.stdout.rfind("@@PROBE@@")
    if done.returncode != 0 or marker < 0:
        raise RuntimeError(f"importing {module} from {function_dir} failed:\n{done.stderr[-2000:]}")
    probe: dict[str, object] = json.loads(done.stdout[marker + len("@@PROBE@@") :])
    return probe


@dataclass(frozen=True)
class FinishedBuild:
    """What the post-build step did to a `sam build` output."""

    trimmed: list[TrimReport]
    compiled: int  # code directories compiled
    tables: dict[
        str, dict[str, float]
    ]  # function -> patterns recorded and precompiled (none: no layer to run)
    templates: list[str] = field(default_factory=list)  # console templates compiled (none: no layer to run)


def finish_build(
    build_dir: Path, interpreter: str | None = None, *, layer_dir: Path | None = None
) -> FinishedBuild:
    """The post-build step of every build (`artifact.build`, `python -m pipewatch_local.bytecode`): the
    layer's botocore cut to the declared services, every module compiled, each function's patterns
    precompiled, the console's templates compiled (before the bytecode, which then covers them). The
    patterns and templates are made by running the build's code with `layer_dir` (default the build's own
    layer); a `layer_dir` that does not exist (no host build beside an arm64 one) leaves the build without
    tables or compiled templates: its patterns and templates compile at run time."""
    # imported here: they import this module (runtime_interpreter, runtime_version)
    from pipewatch_local.botocore_trim import trim_build
    from pipewatch_local.console_templates import write_console_templates
    from pipewatch_local.regex_table import write_tables

    runnable = layer_dir is None or layer_dir.is_dir()
    trimmed = trim_build(build_dir)
    templates = write_console_templates(build_dir, layer_dir=layer_dir) if runnable else []
    compiled = compile_build(build_dir, interpreter)
    tables = write_tables(build_dir, layer_dir=layer_dir) if runnable else {}
    return FinishedBuild(trimmed, compiled, tables, templates)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        finished = finish_build(Path(args[0]))
    except (RuntimeError, ValueError) as exc:
        print(f"pipewatch bytecode: {exc}", file=sys.stderr)
        return 1
    for report in finished.trimmed:
        print(report.describe())
    major, minor = runtime_version()
    compiled = f"compiled {finished.compiled} code directories of {args[0]}"
    print(f"{compiled} (checked-hash .pyc, python{major}.{minor})")
    if finished.templates:
        print(f"  console: {len(finished.templates)} templates compiled to Python modules")
    for function, summary in finished.tables.items():
        print(f"  {function}: {summary['entries']:.0f} of {summary['recorded']:.0f} patterns precompiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The build step that writes each function's precompiled regular expressions (pipewatch.regex_table).

For every function of a build output, a fresh interpreter of the runtime's version that sees only the build
(the function's code, then the layer, as Lambda's sys.path) records every pattern `re` compiles while it
imports the handler, builds the handler's default service offline (packaged configuration, lazy clients: no
AWS call) and then compiles what the first documents would (`WARM_UP`: the date and catalyst cue patterns,
the classifier's name matcher, cue index, CJK cues and landscape, every severity rule). Each recorded
pattern is compiled by `re`'s own parser and code generator; an entry is kept only if the pattern object made
from it equals `re.compile`'s.

The classifier's small per-gate-word cue regexes (~1,450, of which a first invocation compiles a few dozen)
go to the function's lazy table instead (pipewatch.regex_table.LAZY_TABLE: packed per entry, unpacked when
`re` first misses one). A pattern neither table holds (a source's own pattern) is compiled at run time as
before: the tables are an accelerator, never a source of truth.

    python -m pipewatch_local.regex_table BUILD_DIR   # make build runs it through pipewatch_local.bytecode
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipewatch.regex_table import LAZY_TABLE, TABLE
from pipewatch_local.bytecode import runtime_interpreter, runtime_version
from pipewatch_local.functions import FUNCTIONS

LAYER = "RuntimeDependencies"
# An offline environment: region and static credentials (no metadata probe), resource names (no call made).
OFFLINE_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "build",
    "AWS_SECRET_ACCESS_KEY": "build",
    "AWS_EC2_METADATA_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "pipewatch",
    "POWERTOOLS_METRICS_NAMESPACE": "Pipewatch",
    "PIPEWATCH_TABLE": "pipewatch-build",
    "PIPEWATCH_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:pipewatch-build",
    "PIPEWATCH_POLL_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/pipewatch-build",
    "PIPEWATCH_EDGAR_CONTACT": "build@example.com",
    "PIPEWATCH_COGNITO_POOL_ID": "us-east-1_build",
    "PIPEWATCH_COGNITO_CLIENT_ID": "build-client",
    "PIPEWATCH_COGNITO_DOMAIN": "https://pipewatch-build.auth.us-east-1.amazoncognito.com",
}

# The functions that read documents (classify items, extract catalysts): after their service is built, the
# recorder also compiles what their first documents would, lazily, at run time.
READS_DOCUMENTS = ("poll", "catalyst_check")
# Run in the recording interpreter for those: every zero-argument cached function of the loaded domain
# modules (date_patterns.compiled, moves._move, ...: pure, by the domain's rules), their module-level
# LazyPatterns (domain.text; tuples of them too), the catalyst cues, and the classifier's lazily built parts
# over the packaged configuration. Not the classifier's per-gate-word cue regexes: ~1,450 of them, 5 MB of
# engine code, of which a first invocation compiles a few dozen: `lazy_patterns_of_documents` lists them for
# the lazy table.
WARM_UP = """
def lazy_patterns(value, depth=0):
    if type(value).__name__ == "LazyPattern":
        yield value
    elif isinstance(value, tuple) and depth < 3:
        for part in value:
            yield from lazy_patterns(part, depth + 1)

def warm_up():
    import inspect
    # The modules a first stored update imports (the poll builds its catalyst calendar and extractor then),
    # so that their patterns are warmed below with those of the modules the service build loaded.
    for first_document_module in ("pipewatch.services.calendar", "pipewatch.domain.catalysts.extract"):
        __import__(first_document_module)
    for name, loaded in list(sys.modules.items()):
        if not name.startswith("pipewatch.domain."):
            continue
        for value in list(vars(loaded).values()):
            for lazy in lazy_patterns(value):
                lazy.compiled()
            wrapped = getattr(value, "__wrapped__", None)
            mine = inspect.isfunction(wrapped) and wrapped.__module__ == name
            if hasattr(value, "cache_info") and mine and not inspect.signature(wrapped).parameters:
                value()
    if "pipewatch.domain.catalysts.cues" in sys.modules:
        cues = sys.modules["pipewatch.domain.catalysts.cues"]
        for name in ("KIND_CUES", *cues._LEXICON_FIELDS):
            getattr(cues, name)
    if "pipewatch.domain.watch.classify" in sys.modules:
        from pipewatch.config import load_classifier

        classifier = load_classifier()
        classifier._matcher, classifier._index, classifier._cjk, classifier._landscape
        for event in list(classifier._severities.config):
            classifier._severity_rules(event)

def lazy_patterns_of_documents():
    if "pipewatch.domain.watch.classify" not in sys.modules:
        return []
    from pipewatch.config import load_classifier

    return sorted(load_classifier()._index.stem_sources.every().values())
"""

# Imported after the service is built, for a function whose first request imports them on its path (the
# console's first page: Jinja2 and PyJWT, loaded with the first render and the first session checked), so
# their module-level patterns are in the table too.
# The services of plan, poll, digest, catalyst check and api import the configuration models, the catalyst
# calendar's rules and the subscription records on first use, not when built (cold8sched, issue 28): their
# first invocation's imports, recorded here before the warm-up (which compiles what loaded modules hold).
_CALENDAR = ("pipewatch.domain.catalysts.calendar", "pipewatch.domain.catalysts.moves",
             "pipewatch.domain.catalysts.registry")  # fmt: skip
_SUBSCRIBERS = ("pipewatch.domain.subscribers.records", "pipewatch.domain.subscribers.subscriptions")
# The console reads its configuration (the filters' choices) on its first page with a filter (cold9web).
FIRST_REQUEST_IMPORTS = {
    "console": ("jinja2", "jwt", "pipewatch.domain.watch.watchlist", "pipewatch.domain.ingest.sources"),
    "plan": ("pipewatch.domain.ingest.polling", "pipewatch.domain.watch.watchlist"),
    "poll": _CALENDAR,
    "catalyst_check": (*_CALENDAR, "pipewatch.domain.watch.watchlist"),
    "digest": _SUBSCRIBERS,
    "api": (*_SUBSCRIBERS, "pipewatch.handlers.api_models", "pipewatch.domain.watch.watchlist"),
}

_RECORDER = (
    """
import re, sys, time  # json only at the end: its import compiles patterns the handler's import records
import re._compiler as compiler
function_dir, layer_dir, module, service, out, lazy_out, reads_documents, first_imports = sys.argv[1:9]
sys.path[:0] = [function_dir, layer_dir]
recorded = {}
_compile = compiler.compile
def recording_compile(p, flags=0):
    started = time.perf_counter()
    compiled = _compile(p, flags)
    if isinstance(p, str) and not int(flags) & re.DEBUG:
        recorded.setdefault((p, int(flags)), time.perf_counter() - started)
    return compiled
compiler.compile = recording_compile
"""
    + WARM_UP
    + """
__import__(module)
from pipewatch.handlers import _defaults
built = getattr(_defaults, service)()
getattr(built, "current", lambda: built)()
for first_import in filter(None, first_imports.split(",")):
    __import__(first_import)
lazy = []
if reads_documents == "yes":
    warm_up()
    lazy = [p for p in lazy_patterns_of_documents() if (p, 0) not in recorded]
compiler.compile = _compile
from pipewatch import regex_table

entries = [e for e in (regex_table.compile_entry(p, f) for p, f in recorded) if e is not None]
with open(out, "wb") as handle:
    handle.write(regex_table.serialize(entries))
lazy_entries = [e for e in (regex_table.compile_entry(p) for p in lazy) if e is not None]
if lazy_entries:
    with open(lazy_out, "wb") as handle:
        handle.write(regex_table.serialize_lazy(lazy_entries))
import json
print("@@TABLE@@" + json.dumps({"recorded": len(recorded), "entries": len(entries),
                                "seconds": sum(recorded[p[:2]] for p in entries),
                                "lazy": len(lazy_entries)}))
"""
)


def record_function(
    build_dir: Path, function_dir_name: str, module: str, service: str, *, layer_dir: Path | None = None
) -> dict[str, float]:
    """Write the table of one function (its data directory); returns what was recorded and kept. The layer
    is the build's own unless `layer_dir` names another (a host build's, for an arm64 build)."""
    function_dir = build_dir / function_dir_name
    out, lazy_out = (function_dir / "pipewatch" / "data" / name for name in (TABLE, LAZY_TABLE))
    for table in (out, lazy_out):
        table.unlink(missing_ok=True)  # an earlier table would answer the compiles the recorder must see
    interpreter = runtime_interpreter(runtime_version())
    done = subprocess.run(  # noqa: S603 - our interpreter, our recorder, the build's own paths
        [interpreter, "-S", "-E", "-s", "-B", "-c", _RECORDER, str(function_dir),
         str(layer_dir or build_dir / LAYER / "python"), f"pipewatch.handlers.{module}", service, str(out),
         str(lazy_out), "yes" if module in READS_DOCUMENTS else "no",
         ",".join(FIRST_REQUEST_IMPORTS.get(module, ()))],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin"), **OFFLINE_ENV},
        check=False,
    )  # fmt: skip
    marker = done.stdout.rfind("@@TABLE@@")
    if done.returncode != 0 or marker < 0:
        raise RuntimeError(f"recording the patterns of {function_dir_name} failed:\n{done.stderr[-2000:]}")
    summary: dict[str, float] = json.loads(done.stdout[marker + len("@@TABLE@@") :])
    return summary


def write_tables(build_dir: Path, *, layer_dir: Path | None = None) -> dict[str, dict[str, float]]:
    """The table of every function of the build that has a default service; function -> summary."""
    summaries: dict[str, dict[str, float]] = {}
    for function in FUNCTIONS:
        service = function.defaults.get("service")
        if service and (build_dir / function.logical_id / "pipewatch").is_dir():
            summaries[function.logical_id] = record_function(
                build_dir, function.logical_id, function.module, service, layer_dir=layer_dir
            )
    return summaries


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        summaries = write_tables(Path(args[0]))
    except RuntimeError as exc:
        print(f"pipewatch regex table: {exc}", file=sys.stderr)
        return 1
    for function, summary in summaries.items():
        print(
            f"{function}: {summary['entries']:.0f} of {summary['recorded']:.0f} patterns precompiled, "
            f"{summary.get('lazy', 0):.0f} in the lazy table"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The import contract (docs/ARCHITECTURE.md), checked on the source: the layers stay one-way.

handlers -> services -> domain; services reach the outside world through ports (services/ports/) only;
adapters are the only modules that import boto3, botocore, urllib3 or feedparser; the domain does no I/O (no
os, files, network or subprocess); nothing in the product package imports the local harness or moto, except
the CLI's dry run (commands/poll.py), which runs on a laptop and never in a Lambda handler.

Adapters may import `pipewatch.services.ports` (the contracts they fulfil and the records those carry), and
nothing else of the services. Handlers import no adapter: the composition root builds what they use.

Commands (the CLI) are an entry layer like handlers: they may use services, domain, composition, config,
settings and errors, and catch botocore's exception types to print one line instead of a traceback. They
import no adapter, except where the CLI is its own composition root: operator tools that have no use case
behind them (`catalysts list` and `feedback` read the table through its adapters with the operator's
credentials; `parse-feed` and `diff-trial` run the source parsers and the untrusted-JSON guard on a
recorded file). Those sites are named in CLI_COMPOSES, pair by pair, and every entry must still occur, so the
list can only shrink: a new command that needs AWS goes through a builder in pipewatch.composition.

The domain's context packages form a DAG in a fixed order (DOMAIN_ORDER): the kernel (models, limits, text,
record_fields) <- watch, trials, subscribers <- ingest <- catalysts <- render. A context imports only from
contexts of a lower rank (the kernel's modules among themselves), so no edge can close a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "functions" / "pipewatch"
AWS_AND_NETWORK = ("boto3", "botocore", "urllib3", "feedparser")
HARNESS = ("pipewatch_local", "moto", "samtranslator")
DOMAIN_FORBIDDEN = (*AWS_AND_NETWORK, *HARNESS, "os", "io", "pathlib", "socket", "subprocess", "shutil",
                    "tempfile", "urllib.request", "http", "pipewatch.adapters", "pipewatch.services",
                    "pipewatch.handlers", "pipewatch.composition", "pipewatch.config", "pipewatch.settings",
                    "pipewatch.observability", "pipewatch.commands", "pipewatch.cli")  # fmt: skip
SERVICES_FORBIDDEN = (*AWS_AND_NETWORK, *HARNESS, "pipewatch.adapters", "pipewatch.handlers",
                      "pipewatch.composition", "pipewatch.commands", "pipewatch.cli")  # fmt: skip
ADAPTERS_FORBIDDEN = (*HARNESS, "pipewatch.services", "pipewatch.handlers", "pipewatch.composition",
                      "pipewatch.commands", "pipewatch.cli")  # fmt: skip
ADAPTERS_MAY_IMPORT = ("pipewatch.services.ports",)
HANDLERS_FORBIDDEN = (*AWS_AND_NETWORK, *HARNESS, "pipewatch.adapters", "pipewatch.commands", "pipewatch.cli")
COMMANDS_FORBIDDEN = (*AWS_AND_NETWORK, *HARNESS, "pipewatch.adapters", "pipewatch.handlers")
COMMANDS_MAY_IMPORT = ("botocore.exceptions",)
# Where the CLI composes adapters itself (see the module docstring); named, so the list can only shrink.
CLI_COMPOSES: set[tuple[str, str]] = {
    ("commands/catalysts_list.py", "pipewatch.adapters.aws"),
    ("commands/catalysts_list.py", "pipewatch.adapters.aws_errors"),
    ("commands/catalysts_list.py", "pipewatch.adapters.catalyst_store"),
    ("commands/catalysts_list.py", "pipewatch.adapters.subscriptions"),
    ("commands/feedback.py", "pipewatch.adapters.aws"),
    ("commands/feedback.py", "pipewatch.adapters.aws_errors"),
    ("commands/feedback.py", "pipewatch.adapters.feedback"),
    ("commands/parse_feed.py", "pipewatch.adapters.source_kinds"),
    ("commands/diff_trial.py", "pipewatch.adapters.safejson"),
    ("commands/poll.py", "pipewatch_local.dry_run"),
}
KERNEL = ("models", "limits", "text", "record_fields")
# Rank of each part of the domain: an import must point to a strictly lower rank (kernel modules excepted).
DOMAIN_ORDER = {
    "kernel": 0,
    "watch": 1,
    "trials": 1,
    "subscribers": 1,
    "ingest": 2,  # intake decides with the classifier's verdicts and the registry's diffs
    "catalysts": 3,
    "render": 4,
}


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _matches(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(f"{prefix}.") for prefix in prefixes)


def _violations(
    layer: str,
    forbidden: tuple[str, ...],
    root: Path = PACKAGE,
    *,
    allowed: tuple[str, ...] = (),
    sites: set[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """Imports of `forbidden` modules under `layer`, less those `allowed` everywhere and the named `sites`."""
    found = []
    for path in sorted((root / layer).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for module in _imports(path):
            if not _matches(module, forbidden) or _matches(module, allowed):
                continue
            if (relative, module) not in (sites or set()):
                found.append((relative, module))
    return found


@pytest.mark.parametrize(
    ("layer", "forbidden", "allowed"),
    [
        ("domain", DOMAIN_FORBIDDEN, ()),
        ("services", SERVICES_FORBIDDEN, ()),
        ("adapters", ADAPTERS_FORBIDDEN, ADAPTERS_MAY_IMPORT),
        ("handlers", HANDLERS_FORBIDDEN, ()),
    ],
)
def test_given_a_layer_then_it_imports_nothing_it_must_not(
    layer: str, forbidden: tuple[str, ...], allowed: tuple[str, ...]
) -> None:
    assert _violations(layer, forbidden, allowed=allowed) == []


def test_given_the_commands_then_only_the_named_cli_sites_compose_adapters() -> None:
    violations = _violations("commands", COMMANDS_FORBIDDEN, allowed=COMMANDS_MAY_IMPORT, sites=CLI_COMPOSES)
    assert violations == []


def test_given_the_commands_then_botocore_is_imported_only_inside_a_function_to_catch_its_errors() -> None:
    """COMMANDS_MAY_IMPORT lets a command catch botocore's types where it calls AWS; a command module that
    imports botocore when it is loaded (to map its errors, say) is an adapter's work done in the CLI layer."""
    loaded_with_the_module = [
        (path.relative_to(PACKAGE).as_posix(), node.module)
        for path in sorted((PACKAGE / "commands").rglob("*.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.ImportFrom) and node.module and _matches(node.module, AWS_AND_NETWORK)
    ]
    assert loaded_with_the_module == []


def test_given_the_cli_sites_then_every_entry_is_still_real() -> None:
    """An entry that no longer occurs must be removed, so the exceptions cannot outlive their reason."""
    real = {(p.relative_to(PACKAGE).as_posix(), m) for p in PACKAGE.rglob("*.py") for m in _imports(p)}
    assert real >= CLI_COMPOSES


def test_given_the_product_package_then_only_the_cli_dry_run_reaches_the_harness() -> None:
    offenders = {
        (path.relative_to(PACKAGE).as_posix(), module)
        for path in PACKAGE.rglob("*.py")
        for module in _imports(path)
        if any(module == h or module.startswith(f"{h}.") for h in HARNESS)
    }
    assert offenders == {
        ("commands/poll.py", "pipewatch_local.dry_run"),
    }


def test_given_a_forbidden_import_then_the_checker_reports_it(tmp_path: Path) -> None:
    """The checker itself can fail: a domain module importing boto3 is found."""
    (tmp_path / "domain").mkdir()
    bad = tmp_path / "domain" / "bad.py"
    bad.write_text("import os\nimport boto3\nfrom pipewatch.adapters.store import Store\n", encoding="utf-8")
    assert _violations("domain", DOMAIN_FORBIDDEN, root=tmp_path) == [
        ("domain/bad.py", "os"),
        ("domain/bad.py", "boto3"),
        ("domain/bad.py", "pipewatch.adapters.store"),
    ]


def test_given_an_allowed_prefix_or_a_named_site_then_the_checker_lets_it_pass(tmp_path: Path) -> None:
    """Exemptions are exact: the ports module and a named site pass, a service or another adapter does not."""
    (tmp_path / "adapters").mkdir()
    (tmp_path / "adapters" / "a.py").write_text(
        "from pipewatch.services.ports import Fetcher\nfrom pipewatch.services.poll import PollService\n",
        encoding="utf-8",
    )
    assert _violations("adapters", ADAPTERS_FORBIDDEN, root=tmp_path, allowed=ADAPTERS_MAY_IMPORT) == [
        ("adapters/a.py", "pipewatch.services.poll"),
    ]
    (tmp_path / "commands").mkdir()
    (tmp_path / "commands" / "c.py").write_text(
        "from pipewatch.adapters.feeds import parse_feed\nfrom pipewatch.adapters.store import Store\n",
        encoding="utf-8",
    )
    sites = {("commands/c.py", "pipewatch.adapters.feeds")}
    assert _violations("commands", COMMANDS_FORBIDDEN, root=tmp_path, sites=sites) == [
        ("commands/c.py", "pipewatch.adapters.store"),
    ]


# -- the domain's context packages ---------------------------------------------------------------------


def _domain_part(module: str) -> str | None:
    """The context (or "kernel") a pipewatch.domain module belongs to; None outside the domain."""
    parts = module.split(".")
    if parts[:2] != ["pipewatch", "domain"] or len(parts) < 3:
        return None
    return "kernel" if parts[2] in KERNEL else parts[2]


def _domain_edges(root: Path = PACKAGE) -> set[tuple[str, str, str]]:
    """(importing part, imported part, importing file) for every import between two parts of the domain."""
    edges = set()
    for path in sorted((root / "domain").rglob("*.py")):
        relative = path.relative_to(root / "domain")
        if relative.name == "__init__.py" and len(relative.parts) == 1:
            continue
        source = "kernel" if len(relative.parts) == 1 else relative.parts[0]
        for module in _imports(path):
            target = _domain_part(module)
            if target is not None and target != source:
                edges.add((source, target, f"domain/{relative.as_posix()}"))
    return edges


def _against_the_order(edges: set[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Edges that do not point to a strictly lower rank (an unknown part is against the order too)."""
    return sorted(
        edge
        for edge in edges
        if edge[0] not in DOMAIN_ORDER
        or edge[1] not in DOMAIN_ORDER
        or DOMAIN_ORDER[edge[1]] >= DOMAIN_ORDER[edge[0]]
    )


def test_given_the_domain_contexts_then_their_imports_follow_the_order() -> None:
    edges = _domain_edges()
    assert edges, "no edge found: the checker is not reading the domain"
    assert _against_the_order(edges) == []


def test_given_the_domain_folders_then_each_has_a_rank() -> None:
    """A new context folder must be placed in DOMAIN_ORDER before it can be imported from."""
    folders = {p.name for p in (PACKAGE / "domain").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(DOMAIN_ORDER) - {"kernel"}


def test_given_an_edge_against_the_order_then_the_checker_reports_it(tmp_path: Path) -> None:
    """The DAG check can fail: watch importing render (upwards), trials importing watch (sideways), the
    kernel importing a context, and an unranked context are each reported; render -> catalysts is fine."""
    files = {
        "watch/w.py": "from pipewatch.domain.render.page import Catalyst\n",
        "trials/t.py": "from pipewatch.domain.watch.match import Matcher\n",
        "models.py": "from pipewatch.domain.watch.match import match_key\n",
        "rooms/r.py": "from pipewatch.domain.models import Update\n",
        "render/ok.py": "from pipewatch.domain.catalysts.calendar import CalendarEntry\n",
    }
    for name, text in files.items():
        path = tmp_path / "domain" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert _against_the_order(_domain_edges(tmp_path)) == [
        ("kernel", "watch", "domain/models.py"),
        ("rooms", "kernel", "domain/rooms/r.py"),
        ("trials", "watch", "domain/trials/t.py"),
        ("watch", "render", "domain/watch/w.py"),
    ]


# -- the ports ---------------------------------------------------------------------------------------------

PORTS = PACKAGE / "services" / "ports"  # a package: one module per section, re-exported by its __init__
PORT_MODULES = sorted(PORTS.glob("*.py"))


def _base_name(base: ast.expr) -> str:
    """`Protocol` for both `Protocol` and `typing.Protocol`."""
    return base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""


def _protocols(path: Path) -> list[str]:
    """Classes in `path` that list Protocol among their bases."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and any(_base_name(base) == "Protocol" for base in node.bases)
    ]


def test_given_the_product_package_then_every_protocol_is_a_port() -> None:
    """One home for the contracts: a Protocol written anywhere else would be a second, drifting copy."""
    elsewhere = {
        (path.relative_to(PACKAGE).as_posix(), name)
        for path in PACKAGE.rglob("*.py")
        if path.parent != PORTS
        for name in _protocols(path)
    }
    assert elsewhere == set()
    names = [name for path in PORT_MODULES for name in _protocols(path)]
    assert names
    assert len(names) == len(set(names))


def test_given_the_ports_module_then_it_imports_only_the_domain() -> None:
    """Adapters import the ports, so the ports import no adapter, service or other layer (their own
    section modules aside)."""
    product = [m for path in PORT_MODULES for m in _imports(path) if m.startswith("pipewatch")]
    assert product
    own = ("pipewatch.domain.", "pipewatch.services.ports.")
    assert [m for m in product if not m.startswith(own)] == []

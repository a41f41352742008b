"""The import contract (docs/ARCHITECTURE.md), checked on the source: the layers stay one-way.

handlers -> services -> domain; services -> ports (Protocols) only; adapters are the only modules that import
boto3, botocore, urllib3 or feedparser; the domain does no I/O (no os, files, network or subprocess); nothing
in the product package imports the local harness or moto, except the CLI's dry run (commands/poll.py), which
runs on a laptop and never in a Lambda handler.
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
HANDLERS_FORBIDDEN = (*AWS_AND_NETWORK, *HARNESS, "pipewatch.commands", "pipewatch.cli")
# Services whose move onto ports is still pending (named, so the list can only shrink): see ARCHITECTURE.md.
PENDING: set[tuple[str, str]] = {
    ("services/alert.py", "pipewatch.adapters.store"),
    ("services/digest.py", "pipewatch.adapters.store"),
    ("services/digest.py", "pipewatch.adapters.subscriptions"),
    ("services/subscriptions.py", "pipewatch.adapters.subscriptions"),
    ("services/reader.py", "pipewatch.adapters.subscriptions"),
    ("services/delivery.py", "pipewatch.adapters.subscriptions"),
    ("handlers/api.py", "pipewatch.adapters.subscriptions"),
}


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _violations(layer: str, forbidden: tuple[str, ...], root: Path = PACKAGE) -> list[tuple[str, str]]:
    found = []
    for path in sorted((root / layer).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for module in _imports(path):
            hit = any(module == f or module.startswith(f"{f}.") for f in forbidden)
            if hit and (relative, module) not in PENDING:
                found.append((relative, module))
    return found


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("domain", DOMAIN_FORBIDDEN),
        ("services", SERVICES_FORBIDDEN),
        ("adapters", ADAPTERS_FORBIDDEN),
        ("handlers", HANDLERS_FORBIDDEN),
    ],
)
def test_given_a_layer_then_it_imports_nothing_it_must_not(layer: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(layer, forbidden) == []


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


def test_given_the_pending_list_then_every_entry_is_still_real() -> None:
    """An entry that no longer occurs must be removed, so the exceptions cannot outlive their reason."""
    real = {(p.relative_to(PACKAGE).as_posix(), m) for p in PACKAGE.rglob("*.py") for m in _imports(p)}
    assert real >= PENDING


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

"""DESIGN §3: a module never imports from a layer to its right (tests and migrations aside).

engine, lib < data < accounts, audit < interop, jobs < events < footprints, imports < registry < evaluations, plans
< certificates < api, web, supervision, notifications < demo
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
RANK = {
    "engine": 0,
    "lib": 0,
    "data": 1,
    "accounts": 2,
    # Same layer as accounts: accounts' own services append to the audit log; audit imports nothing above lib.
    "audit": 2,
    "interop": 3,
    "jobs": 3,
    "events": 4,
    "footprints": 5,
    "imports": 5,
    "registry": 6,
    "evaluations": 7,
    "plans": 7,  # the plan's tools read the offset count of evaluations.offsets
    "certificates": 8,
    "api": 9,
    "web": 9,
    "supervision": 9,
    # Beside web: its pages use web.access.member_view; only web.urls (and settings) import it.
    "notifications": 9,
    "demo": 10,
}


def upward_imports(layer: str, source: str) -> list[str]:
    """`zhonghe.<x>` modules imported by `source` whose layer ranks above `layer`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "zhonghe" and RANK.get(parts[1], -1) > RANK[layer]:
                found.append(name)
    return found


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) > 1 and "tests" not in parts and "migrations" not in parts:
            yield path


def test_every_app_has_a_layer():
    apps = {p.relative_to(PACKAGE).parts[0] for p in _modules()}
    assert apps - set(RANK) == set(), "add the new app to RANK (and to DESIGN §3)"


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_from_a_layer_to_its_right(path):
    layer = path.relative_to(PACKAGE).parts[0]
    assert upward_imports(layer, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("layer", "source"),
    [
        ("footprints", "from zhonghe.registry.selectors import retired_t_for_event"),
        ("lib", "from zhonghe.accounts.actors import Actor"),
        ("events", "import zhonghe.certificates.services"),
    ],
)
def test_the_scan_catches_upward_imports(layer, source):
    assert upward_imports(layer, source) != []

"""The engine (and the other pure modules) import neither Django nor the rest of the project.

Parsed with ``ast`` rather than imported, so a violation is caught even in code no test runs.
Relative imports are resolved against the file's package; ``__import__``/``importlib`` calls are
refused outright because they would hide an import from this check.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]  # the repository: zhonghe/engine/tests/ → ../../..
ENGINE_DIR = ROOT / "zhonghe" / "engine"
TESTS_DIR = ENGINE_DIR / "tests"
# Other pure modules named by DESIGN.md §7; checked when their authors have written them.
OTHER_PURE = [
    ROOT / "zhonghe" / "registry" / "serials.py",
    ROOT / "zhonghe" / "registry" / "ranking.py",
    ROOT / "zhonghe" / "certificates" / "signing.py",
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found += [(node.lineno, f"{base}.{alias.name}" if not node.module else base) for alias in node.names]
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name in ("__import__", "importlib.import_module", "import_module"):
                found.append((node.lineno, f"<dynamic import via {name}>"))
    return found


def violations(source: str, module: str, *, is_package: bool = False, allowed: tuple[str, ...]) -> list[str]:
    """Imports of django, of zhonghe.* outside ``allowed`` prefixes, or dynamic imports."""
    bad = []
    for lineno, name in _imported_modules(source, module, is_package):
        top = name.split(".")[0]
        if name.startswith("<dynamic") or top == "django":
            bad.append(f"{module}:{lineno} imports {name}")
        elif top == "zhonghe" and not any(name == p or name.startswith(p + ".") for p in allowed):
            bad.append(f"{module}:{lineno} imports {name}")
    return bad


def _files():
    engine = sorted(p for p in ENGINE_DIR.rglob("*.py") if TESTS_DIR not in p.parents)
    return [*engine, *(p for p in OTHER_PURE if p.exists())]


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_imports_no_django_and_no_other_project_code(path):
    # The engine sits at the bottom of the dependency order, so a pure module may use it; nothing else.
    source = path.read_text(encoding="utf-8")
    is_package = path.name == "__init__.py"
    allowed = ("zhonghe.engine",) if ENGINE_DIR in path.parents else ()
    assert violations(source, _module_name(path), is_package=is_package, allowed=allowed) == []


@pytest.mark.parametrize("path", sorted(TESTS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_engine_tests_need_no_django(path):
    # The shipped data's tests live in zhonghe/data/tests; the engine's own tests use only the engine.
    module = _module_name(path)
    source = path.read_text(encoding="utf-8")
    assert violations(source, module, allowed=("zhonghe.engine",)) == []


def test_the_engine_is_actually_scanned():
    names = {path.name for path in _files()}
    assert {"footprint.py", "factors.py", "units.py", "distance.py", "hashing.py", "activities.py"} <= names


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import django", "zhonghe.engine.units"),
        ("from django.db import models", "zhonghe.engine.units"),
        ("from zhonghe.events import models", "zhonghe.engine.units"),
        ("import zhonghe.lib.errors", "zhonghe.engine.units"),
        ("from ..events import models", "zhonghe.engine.units"),
        ("from .. import footprints", "zhonghe.engine.units"),
        ("import importlib\nimportlib.import_module('django')", "zhonghe.engine.units"),
        ("from zhonghe.lib import errors", "zhonghe.registry.serials"),
        ("from .models import CreditBlock", "zhonghe.registry.serials"),
    ],
)
def test_the_checker_catches_each_kind_of_violation(source, module):
    assert violations(source, module, allowed=("zhonghe.engine",)) != []


@pytest.mark.parametrize(
    "source",
    [
        "from .units import convert_quantity",
        "from . import units",
        "from zhonghe.engine.errors import InvalidActivity",
        "import decimal\nfrom decimal import Decimal",
    ],
)
def test_the_checker_accepts_imports_inside_the_engine(source):
    assert violations(source, "zhonghe.engine.footprint", allowed=("zhonghe.engine",)) == []

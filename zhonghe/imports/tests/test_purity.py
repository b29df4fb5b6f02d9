"""The import modules are pure: only the app config and the command may touch Django."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
DJANGO_SIDE = {
    "apps.py",
    "models.py",
    "services.py",
    "selectors.py",
    "job_handlers.py",
    "responses.py",
    "admin.py",
    "analysis.py",
}


def _pure_modules():
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name not in DJANGO_SIDE:
            yield path


@pytest.mark.parametrize("path", list(_pure_modules()), ids=lambda path: path.name)
def test_module_imports_no_django_and_no_database(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
    assert not imported & {"django", "ninja", "psycopg"}, path.name
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 320, "keep modules small (DESIGN)"

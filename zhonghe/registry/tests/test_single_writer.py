"""DESIGN §5: only registry/services.py, its private helper registry/ledger.py, registry/listings.py (listings
and their reservations), registry/external.py (external cancellations) and registry/invalidation.py write ledger
tables.

One named exception, SYNTHETIC: supervision/synth.py, the generator behind `manage.py synthesize` (refused
without --yes-synthetic, and with DEBUG off unless --force). It bulk-creates marked synthetic blocks, retirements
and certificates for benchmarks of the bureau's dashboards, bypassing the ledger on purpose: a hundred thousand
events through the services would take hours, and the rows are not credits (no ledger entries, no audit entries,
certificates whose signature never verifies). No other module may join it.

Scans the source with `ast`, so a new writer anywhere (a view, a command, another service) fails here. The
fixed-SQL writers of lib/rows.py (`insert_rows`, `write_batch`, …) take any model, so a call to them counts as a
ledger write everywhere but in those modules and in audit/services.py (which inserts audit entries with it).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LEDGER_MODELS = {
    "CreditBlock", "LedgerEntry", "LedgerHead", "Retirement", "Order", "CreditProject", "Listing",
    "ExternalCancellation", "CreditInvalidation", "InvalidationImpact",
}  # fmt: skip
WRITE_METHODS = {"create", "bulk_create", "update", "get_or_create", "update_or_create", "delete", "bulk_update"}
REGISTRY = ROOT / "zhonghe" / "registry"
ALLOWED = {REGISTRY / name for name in ("services.py", "ledger.py", "listings.py", "external.py", "invalidation.py")}
SYNTHETIC = {ROOT / "zhonghe" / "supervision" / "synth.py"}  # synthetic benchmark data: see the docstring
# zhonghe/lib/rows.py: generic, so any call is suspect
ROW_WRITERS = {"insert_rows", "insert_groups", "write_batch", "save_fields"}
ROW_WRITERS_HOME = {ROOT / "zhonghe" / "lib" / "rows.py", ROOT / "zhonghe" / "audit" / "services.py"}


def ledger_writes(source: str, *, row_writers_ok: bool = False) -> list[int]:
    """Line numbers of `<LedgerModel>.objects....<write>()` calls and of `<LedgerModel>(...)` constructions."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        row_writer = not row_writers_ok and ast.unparse(func).split(".")[-1] in ROW_WRITERS
        if row_writer or (isinstance(func, ast.Name) and func.id in LEDGER_MODELS):
            lines.append(node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
            chain = ast.unparse(func.value)
            if any(chain.startswith(f"{model}.objects") for model in LEDGER_MODELS):
                lines.append(node.lineno)
    return lines


def _sources():
    for path in sorted((ROOT / "zhonghe").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts or path in ALLOWED | SYNTHETIC:
            continue
        yield path


@pytest.mark.parametrize("path", list(_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_ledger_writes_outside_registry_services(path):
    assert ledger_writes(path.read_text(encoding="utf-8"), row_writers_ok=path in ROW_WRITERS_HOME) == []


def test_the_synthetic_exception_is_the_generator_behind_a_refusing_command():
    """The exception stays what it claims: the only module the synthesize command writes through, and that
    command refuses unless --yes-synthetic is given (behaviour: supervision/tests/test_synthesize.py)."""
    (synth,) = SYNTHETIC
    assert ledger_writes(synth.read_text(encoding="utf-8")), "no longer writes ledger rows: drop the exception"
    command = (ROOT / "zhonghe" / "supervision" / "management" / "commands" / "synthesize.py").read_text("utf-8")
    assert "zhonghe.supervision.synth import" in command and 'options["yes_synthetic"]' in command


def test_the_scan_sees_the_real_writers():
    found = ledger_writes((ROOT / "zhonghe" / "registry" / "services.py").read_text(encoding="utf-8"))
    assert found, "registry/services.py writes ledger rows, so the scanner must find them"


@pytest.mark.parametrize(
    "source",
    [
        "CreditBlock.objects.create(project=p)",
        "LedgerEntry.objects.filter(seq=1).update(quantity_t=2)",
        "Retirement(number='x').save()",
        "Order.objects.select_for_update().filter(pk=1).delete()",
        "insert_rows([block])",
        "rows.write_batch(status=(CreditBlock, [1], 'retired'))",
    ],
)
def test_the_scanner_catches_each_kind_of_write(source):
    assert ledger_writes(source) != []

"""Run the engine benchmark: ``.venv/bin/python bench/run.py`` from the repository root.

Times calculate_footprint + inventory_hash on synthetic events of 1,000 and 10,000 attendees and
compares them with the naive baseline in engine_bench.py; then the spreadsheet import (bench_import.py),
certificate issuance (bench_issue.py: payload + Ed25519 + PDF + PAdES), the bureau's dashboards
(bench_supervision.py) and, where PostgreSQL and pgbench are available, the registry on PostgreSQL beside
pgbench (bench_registry.py) and registry_audit / audit_verify on a large ledger (bench_ledger_audit.py).
Prints figures only; nothing asserts on time (timings belong here, never in the test suite).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import bench_import  # noqa: E402
import bench_issue  # noqa: E402
from engine_bench import (  # noqa: E402
    Activities,
    Timing,
    build_event,
    cold_distance_cache,
    engine_run,
    naive_run,
    time_it,
)

from zhonghe.data.factor_releases import load_release  # noqa: E402
from zhonghe.engine.factors import FactorRelease  # noqa: E402
from zhonghe.engine.footprint import calculate_footprint  # noqa: E402
from zhonghe.engine.hashing import inventory_hash  # noqa: E402

SIZES = [(1_000, 5), (10_000, 3)]  # (attendees, repetitions)
COLUMNS = [
    ("attendees", 9), ("lines", 6), ("calc ms", 15), ("hash ms", 15), ("engine ms", 15),
    ("lines/s", 9), ("naive ms", 15), ("naive/engine", 12), ("total tCO2e", 12), ("naive Δ kg", 11),
]  # fmt: skip
NOTES = """
engine = calculate_footprint + inventory_hash (Decimal; great-circle cache emptied before each run).
naive = floats, list scans for factors, every distance recomputed, release re-serialised per hash.
naive/engine > 1 means the engine is faster. naive Δ = naive total − engine total: float error
plus the engine's per-line rounding to 0.001 kg (which is what makes the printed lines add up)."""


def measure(activities: Activities, repetitions: int, release: FactorRelease) -> list[str]:
    """One table row for one synthetic event."""
    calc = time_it(lambda: calculate_footprint(activities, release), repetitions, cold_distance_cache)
    hashing = time_it(lambda: inventory_hash(activities, release), repetitions)
    engine = time_it(lambda: engine_run(activities, release), repetitions, cold_distance_cache)
    naive = time_it(lambda: naive_run(activities, release), repetitions)
    engine_kg, naive_kg = engine_run(activities, release)[0], naive_run(activities, release)[0]
    total_t = calculate_footprint(activities, release).total_t_co2e
    return [
        f"{len(activities) // 3:,}", f"{len(activities):,}", _ms(calc), _ms(hashing), _ms(engine),
        f"{len(activities) / (engine.best_ms / 1000):,.0f}", _ms(naive),
        f"{naive.best_ms / engine.best_ms:.2f}x", f"{total_t:,}", f"{naive_kg - engine_kg}",
    ]  # fmt: skip


def main() -> None:
    release = load_release("CQ-2025")
    print(f"Zhonghe engine benchmark — release {release.code} ({release.content_hash()[:12]}…), "
          f"Python {platform.python_version()}; best of N runs, median in brackets\n")  # fmt: skip
    header = " ".join(f"{name:>{width}}" for name, width in COLUMNS)
    print(header)
    print("-" * len(header))
    for attendees, repetitions in SIZES:
        row = measure(build_event(attendees), repetitions, release)
        print(" ".join(f"{cell:>{width}}" for cell, (_, width) in zip(row, COLUMNS, strict=True)))
    print(NOTES)
    print()
    import bench_http  # noqa: PLC0415 - the HTTP benchmark starts servers; only after the engine figures

    bench_http.main([])
    bench_import.main()
    print()
    bench_issue.main([])
    print()
    # The bureau's dashboards on the configured database (synthesize first; see bench_supervision.py). A
    # separate process: it sets Django up with DEBUG on, which the HTTP benchmark's servers must not inherit.
    supervision = str(Path(__file__).with_name("bench_supervision.py"))
    subprocess.run([sys.executable, supervision, "--repeat", "3"], check=False)
    print()
    _registry()
    print()
    _ledger_audit()


def _registry() -> None:
    """The registry benchmark needs PostgreSQL and pgbench (bench_registry.py); said so when they are missing."""
    import shutil

    import bench_registry  # noqa: PLC0415 - sets DATABASE_URL for its own throw-away database

    if shutil.which("pgbench") is None or shutil.which("psql") is None:
        print("registry benchmark skipped: pgbench/psql not installed")
        return
    probe = subprocess.run(["psql", f"{bench_registry.SERVER}/postgres", "-qAtc", "select 1"], capture_output=True)
    if probe.returncode != 0:
        print(f"registry benchmark skipped: no PostgreSQL at {bench_registry.SERVER} (set BENCH_PG)")
        return
    bench_registry.main()


def _ledger_audit() -> None:
    """registry_audit and audit_verify on a large ledger (bench_ledger_audit.py; BENCH_LEDGER_ENTRIES, default
    100,000): PostgreSQL only, in its own process and throw-away database; said so when it is unreachable."""
    import shutil

    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    if shutil.which("psql") is None:
        print("ledger audit benchmark skipped: psql not installed")
        return
    if subprocess.run(["psql", f"{server}/postgres", "-qAtc", "select 1"], capture_output=True).returncode != 0:
        print(f"ledger audit benchmark skipped: no PostgreSQL at {server} (set BENCH_PG)")
        return
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own zh_bench_ledger_audit database
    subprocess.run([sys.executable, str(Path(__file__).with_name("bench_ledger_audit.py"))], env=env, check=False)


def _ms(timing: Timing) -> str:
    return f"{timing.best_ms:,.1f} ({timing.median_ms:,.1f})"


if __name__ == "__main__":
    main()

"""Run the engine benchmark: ``.venv/bin/python bench/run.py`` from the repository root.

Times calculate_footprint + inventory_hash on synthetic events of 1,000 and 10,000 attendees and
compares them with the naive baseline in engine_bench.py. Prints figures only; nothing asserts on
time (timings belong here, never in the test suite).
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from engine_bench import build_event, cold_distance_cache, engine_run, naive_run, time_it  # noqa: E402

from zhonghe.data.factor_releases import load_release  # noqa: E402
from zhonghe.engine.footprint import calculate_footprint  # noqa: E402
from zhonghe.engine.hashing import inventory_hash  # noqa: E402

SIZES = [(1_000, 5), (10_000, 3)]  # (attendees, repetitions)


def main() -> None:
    release = load_release("CQ-2025")
    release.content_hash()  # parse + hash the release once, outside the timings
    print(f"Zhonghe engine benchmark — release {release.code} ({release.content_hash()[:12]}…), "
          f"Python {platform.python_version()}, best of N runs (median in brackets)\n")  # fmt: skip
    header = (f"{'attendees':>9} {'lines':>6} {'calc ms':>15} {'hash ms':>15} {'engine ms':>15} "
              f"{'lines/s':>9} {'naive ms':>15} {'naive/engine':>12} {'total tCO2e':>12} {'float drift kg':>14}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for attendees, repetitions in SIZES:
        activities = build_event(attendees)
        calc = time_it(lambda: calculate_footprint(activities, release), repetitions, cold_distance_cache)
        hashing = time_it(lambda: inventory_hash(activities, release), repetitions)
        engine = time_it(lambda: engine_run(activities, release), repetitions, cold_distance_cache)
        naive = time_it(lambda: naive_run(activities, release), repetitions)
        total_kg, _ = engine_run(activities, release)
        naive_kg, _ = naive_run(activities, release)
        footprint = calculate_footprint(activities, release)
        print(
            f"{attendees:>9,} {len(activities):>6,} {_ms(calc):>15} {_ms(hashing):>15} {_ms(engine):>15} "
            f"{len(activities) / (engine.best_ms / 1000):>9,.0f} {_ms(naive):>15} "
            f"{naive.best_ms / engine.best_ms:>11.2f}x {footprint.total_t_co2e:>12,} {naive_kg - total_kg:>14}"
        )
    print("\nengine = calculate_footprint + inventory_hash (Decimal, cached great-circle, cold cache per run);")
    print("naive = float arithmetic, list scans for factors, every distance recomputed, release re-serialised.")
    print("naive/engine > 1 means the engine is faster; float drift = naive total − engine total.")


def _ms(timing: object) -> str:
    best, median = timing.best_ms, timing.median_ms  # type: ignore[attr-defined]
    return f"{best:,.1f} ({median:,.1f})"


if __name__ == "__main__":
    main()

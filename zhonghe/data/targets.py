"""The plan's staged goals (2025 / 2027 / 2030) as data: ``targets/<jurisdiction>.yaml``. Pure Python.

Each target names the organisation levels its goal covers and the coverage the dashboards draw as a reference
line; the YAML file quotes the plan for each and says which part is the plan's wording and which our reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

TARGETS_DIR = Path(__file__).with_name("targets")


@dataclass(frozen=True)
class Target:
    year: int
    levels: tuple[str, ...]
    expected_coverage_pct: Decimal
    quote: str
    reading: str


@dataclass(frozen=True)
class TargetSet:
    jurisdiction: str
    source: str
    source_url: str
    targets: tuple[Target, ...]


@cache
def target_set(jurisdiction: str = "cq-2025") -> TargetSet:
    """Load and check the file. Raises FileNotFoundError or ValueError (years not increasing, empty levels)."""
    with (TARGETS_DIR / f"{jurisdiction}.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    targets = tuple(
        Target(
            year=int(t["year"]),
            levels=tuple(t["levels"]),
            expected_coverage_pct=Decimal(str(t["expected_coverage_pct"])),
            quote=t["quote"],
            reading=t["reading"],
        )
        for t in data["targets"]
    )
    years = [t.year for t in targets]
    if years != sorted(set(years)) or any(not t.levels for t in targets):
        raise ValueError(f"{jurisdiction}: targets must have increasing years and at least one level each")
    return TargetSet(data["jurisdiction"], data["source"], data["source_url"], targets)


def targets_for(year: int, jurisdiction: str = "cq-2025") -> dict:
    """Every target, and the one in force in `year` (the latest whose year ≤ `year`; None before 2025)."""
    ts = target_set(jurisdiction)
    current = None
    for t in ts.targets:
        if t.year <= year:
            current = t
    return {"all": ts.targets, "current": current, "source": ts.source, "source_url": ts.source_url}

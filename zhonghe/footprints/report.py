"""What the accounting report (核算报告) of one inventory version says, gathered once for PDF, Excel and page.

Owns no models and renders nothing. Every number comes from the frozen version (its lines and totals); the
phase totals and the 95 % range of versions frozen before they were stored come from recomputing the
version with its own release (selectors.inventory_footprint), which gives the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhonghe.engine.errors import EngineError
from zhonghe.engine.factors import METHOD_2
from zhonghe.engine.footprint import Footprint
from zhonghe.events.models import ActivityCategory, Phase
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.selectors import inventory_footprint

FACTOR_FIELDS = (
    "factor_key",
    "factor_value",
    "factor_unit",
    "factor_source",
    "factor_source_en",
    "factor_doc_no",
    "factor_year",
    "factor_boundary",
    "factor_reliability",
)


@dataclass(frozen=True)
class InventoryReport:
    inventory: InventoryVersion
    total_kg_co2e: Decimal
    by_source_kg: list[tuple[str, Decimal]]  # category value → kg, in category order
    by_phase_kg: list[tuple[str, Decimal]]  # phase value → kg, in phase order
    range_95_kg_co2e: tuple[Decimal, Decimal] | None
    lines: list[dict[str, Any]]  # the frozen lines, ordered by source, then phase
    factors: list[dict[str, Any]]  # each factor used once, with its citation
    distance_methods: list[tuple[str, str]] = field(default_factory=list)  # (English, Chinese) per travel line
    options: dict[str, Any] = field(default_factory=dict)
    # What the method applied (from recomputing the version with its release); None when not recomputed.
    gwp_set: str | None = None
    radiative_forcing: bool | None = None
    grid: str | None = None
    # Which sources dominate the uncertainty: (category, share of the total's variance 0..1), largest first.
    uncertainty_shares: list[tuple[str, Decimal]] = field(default_factory=list)


def _ordered(totals: dict[str, Any], order: list[str]) -> list[tuple[str, Decimal]]:
    known = [key for key in order if key in totals] + sorted(key for key in totals if key not in order)
    return [(key, Decimal(str(totals[key]))) for key in known]


def _recomputed(inventory: InventoryVersion) -> Footprint | None:
    try:
        return inventory_footprint(inventory)
    except EngineError:  # the release is no longer shipped: the report says "not stated"
        return None


def _range(inventory: InventoryVersion, footprint: Footprint | None) -> tuple[Decimal, Decimal] | None:
    """The stored 95 % range; method/1 releases carry no uncertainty data, so they state none."""
    if inventory.range_low_kg_co2e is not None and inventory.range_high_kg_co2e is not None:
        return inventory.range_low_kg_co2e, inventory.range_high_kg_co2e
    if footprint is None or footprint.method_version != METHOD_2:
        return None
    return footprint.range_95


def _phase_totals(inventory: InventoryVersion) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in inventory.lines:
        phase = line.get("phase", Phase.HOLDING)
        totals[phase] = totals.get(phase, Decimal("0.000")) + Decimal(line["kg_co2e"])
    return totals


def _source_totals(inventory: InventoryVersion) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in inventory.lines:
        totals[line["category"]] = totals.get(line["category"], Decimal("0.000")) + Decimal(line["kg_co2e"])
    return totals


def inventory_report(inventory: InventoryVersion, *, recompute: bool = True) -> InventoryReport:
    """The report's content. By-source and by-phase totals are summed from the frozen lines, so they add up
    to the version's total to the gram (a version's stored totals are the same sums). `recompute=False`
    skips recomputing old versions for their 95 % range (the page's charts do not show it)."""
    categories, phases = list(ActivityCategory.values), list(Phase.values)
    lines = sorted(
        inventory.lines,
        key=lambda line: (
            categories.index(line["category"]) if line["category"] in categories else len(categories),
            phases.index(line.get("phase", Phase.HOLDING)) if line.get("phase", Phase.HOLDING) in phases else 9,
        ),
    )
    factors: dict[str, dict[str, Any]] = {}
    for line in lines:
        factors.setdefault(line["factor_key"], {name: line.get(name, "") for name in FACTOR_FIELDS})
    footprint = _recomputed(inventory) if recompute else None
    methods = [
        (line["distance_method"], line.get("distance_method_zh", "")) for line in lines if line.get("distance_method")
    ]
    return InventoryReport(
        inventory=inventory,
        total_kg_co2e=inventory.total_kg_co2e,
        by_source_kg=_ordered(_source_totals(inventory), categories),
        by_phase_kg=_ordered(_phase_totals(inventory), phases),
        range_95_kg_co2e=_range(inventory, footprint),
        lines=lines,
        factors=list(factors.values()),
        distance_methods=methods,
        options=dict(inventory.options),
        gwp_set=footprint.gwp_set if footprint else None,
        radiative_forcing=footprint.radiative_forcing if footprint else None,
        grid=footprint.grid if footprint else None,
        uncertainty_shares=footprint.uncertainty_shares() if footprint else [],
    )

"""Reads of the plan: the published plan for the public, and the plan beside the actual inventory.

Every number comes from the stored estimate (events.Plan.estimate_lines / estimate_kg_co2e) and the frozen
inventory version (its lines); by-source and by-phase totals are sums of those lines, so they add up to the
totals to the gram.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.events.models import ActivityCategory, Event, Phase, Plan
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.selectors import inventory_latest
from zhonghe.lib.errors import NotFound
from zhonghe.lib.ids import parse_code
from zhonghe.plans.models import ReductionMeasure

ZERO = Decimal("0.000")
# What the public plan shows of each estimate line: no activity refs (internal ids), no evidence ids.
PUBLIC_LINE_FIELDS = (
    "category", "phase", "part", "description", "quantity", "unit", "factor_key", "factor_value", "factor_unit",
    "factor_source", "factor_source_en", "factor_doc_no", "factor_year", "distance_method", "distance_method_zh",
    "kg_co2e", "quality",
)  # fmt: skip


def _totals(lines: list[dict[str, Any]], field: str, default: str = "") -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        key = line.get(field) or default
        totals[key] = totals.get(key, ZERO) + Decimal(str(line["kg_co2e"]))
    return totals


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ComparisonRow:
    key: str  # category or phase value
    plan_kg_co2e: Decimal
    actual_kg_co2e: Decimal

    @property
    def difference_kg_co2e(self) -> Decimal:
        return self.actual_kg_co2e - self.plan_kg_co2e

    @property
    def difference_pct(self) -> Decimal | None:
        """Actual against plan, in % of the plan; None when the plan had nothing there."""
        return _pct(self.difference_kg_co2e, self.plan_kg_co2e)


@dataclass(frozen=True)
class PlanVsActual:
    plan: Plan
    inventory: InventoryVersion
    by_source: list[ComparisonRow]
    by_phase: list[ComparisonRow]
    total: ComparisonRow
    required_offset_t: int
    covered_t: int  # retired + confirmed external cancellations (evaluations.offsets)

    @property
    def remaining_t(self) -> int:
        return max(self.required_offset_t - self.covered_t, 0)


def _rows(plan_totals: dict[str, Decimal], actual_totals: dict[str, Decimal], order: list[str]) -> list[ComparisonRow]:
    keys = set(plan_totals) | set(actual_totals)
    ordered = [k for k in order if k in keys] + sorted(k for k in keys if k not in order)
    return [ComparisonRow(k, plan_totals.get(k, ZERO), actual_totals.get(k, ZERO)) for k in ordered]


def plan_vs_actual(event: Event) -> PlanVsActual | None:
    """The latest frozen inventory beside the plan's estimate; None before freezing or without an estimate."""
    plan = Plan.objects.filter(event=event).first()
    inventory = inventory_latest(event)
    if plan is None or plan.estimate_kg_co2e is None or inventory is None:
        return None
    estimate, actual = list(plan.estimate_lines), list(inventory.lines)
    return PlanVsActual(
        plan=plan,
        inventory=inventory,
        by_source=_rows(_totals(estimate, "category"), _totals(actual, "category"), list(ActivityCategory.values)),
        by_phase=_rows(
            _totals(estimate, "phase", Phase.HOLDING), _totals(actual, "phase", Phase.HOLDING), list(Phase.values)
        ),
        total=ComparisonRow("total", plan.estimate_kg_co2e, inventory.total_kg_co2e),
        required_offset_t=inventory.required_offset_t,
        covered_t=offset_covered_t(event),
    )


def measures_for_plan(plan: Plan) -> QuerySet[ReductionMeasure]:
    return ReductionMeasure.objects.filter(plan=plan).order_by("id")


@dataclass(frozen=True)
class PublishedPlan:
    event: Event
    plan: Plan
    lines: list[dict[str, Any]]
    by_source: list[tuple[str, Decimal]]
    measures: list[ReductionMeasure]

    @property
    def saving_kg_co2e(self) -> Decimal:
        """Σ of the measures' savings: the scenarios touch disjoint activities, so their savings add."""
        return sum((m.saving_kg_co2e for m in self.measures), ZERO)

    @property
    def after_measures_kg_co2e(self) -> Decimal:
        return Decimal(self.plan.estimate_kg_co2e) - self.saving_kg_co2e


def plan_published_get(code: object) -> PublishedPlan:
    """The published plan of event `code`, for anyone; NotFound when there is none (or it is not published)."""
    event = (
        Event.objects.select_related("organization", "plan")
        .filter(code=parse_code(code, "event"), plan__published_at__isnull=False)
        .first()
    )
    if event is None:
        raise NotFound(_("计划书不存在或尚未发布"))
    plan = event.plan
    lines = [{name: line.get(name, "") for name in PUBLIC_LINE_FIELDS} for line in plan.estimate_lines]
    categories = list(ActivityCategory.values)
    by_source = sorted(
        _totals(lines, "category").items(),
        key=lambda item: categories.index(item[0]) if item[0] in categories else len(categories),
    )
    return PublishedPlan(
        event=event, plan=plan, lines=lines, by_source=by_source, measures=list(measures_for_plan(plan))
    )


def plan_is_published(event: Event) -> bool:
    return Plan.objects.filter(event=event, published_at__isnull=False).exists()

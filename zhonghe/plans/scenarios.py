"""The Django shell around engine/scenarios.py: the plan's estimate activities in, scenario results out.

Scenarios run on the BEFORE-stage activities with the release the plan's estimate was computed with (not
the current default), so the baseline is the stored estimate; `estimate_matches` says whether it still is.
Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zhonghe.data.factor_releases import load_release
from zhonghe.engine.factors import FactorRelease
from zhonghe.engine.scenarios import THRESHOLD_SCENARIOS, ScenarioKey, ScenarioResult, evaluate_scenario
from zhonghe.events.models import Event, Plan, Stage
from zhonghe.footprints.translate import accounting_options, to_engine

# What the tools page proposes before the organiser changes a parameter. Choices of the page, not factors:
# every number in a result comes from the release.
DEFAULT_PARAMETERS: dict[ScenarioKey, Decimal] = {
    ScenarioKey.RAIL_FOR_SHORT_FLIGHTS: Decimal("800"),  # km, one way
    ScenarioKey.GREEN_POWER: Decimal("0.5"),
    ScenarioKey.VEGETARIAN_MEALS: Decimal("0.3"),
    ScenarioKey.FEWER_PRINTS: Decimal("0.5"),
    ScenarioKey.SHUTTLE_BUSES: Decimal("0.5"),
}


@dataclass(frozen=True)
class PlanScenario:
    result: ScenarioResult
    is_threshold: bool  # the parameter is a distance (km), else a share (0..1)


def estimate_release(plan: Plan) -> FactorRelease:
    return load_release(plan.estimate_release)


def plan_scenario(event: Event, plan: Plan, key: str, parameter: Decimal) -> PlanScenario:
    """One scenario on the plan's estimate. Raises InvalidScenario (bad key or parameter) and the engine's errors."""
    records = list(event.activities.filter(stage=Stage.BEFORE).order_by("id"))
    activities = [to_engine(record) for record in records]
    result = evaluate_scenario(key, activities, estimate_release(plan), accounting_options(event), parameter=parameter)
    return PlanScenario(result=result, is_threshold=result.key in THRESHOLD_SCENARIOS)


def estimate_matches(plan: Plan, result: ScenarioResult) -> bool:
    """The scenario's baseline is the plan's stored estimate (the BEFORE data did not change since)."""
    return plan.estimate_kg_co2e is not None and plan.estimate_kg_co2e == result.baseline_kg_co2e


def factor_citations(result: ScenarioResult) -> list[dict[str, str]]:
    """The factors a result switches to, JSON-safe, with their citations (stored with an adopted measure)."""
    return [
        {
            "key": f.key,
            "value": str(f.value),
            "unit": f.unit,
            "source": f.source,
            "source_en": f.source_en,
            "doc_no": f.doc_no,
            "year": str(f.year),
        }
        for f in result.factors
    ]

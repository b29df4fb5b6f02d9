"""Reduction scenarios on the plan's ex-ante estimate: what the estimate would be if a measure were taken.

Each scenario rewrites some estimate activities into the activities the measure would give, and the
footprint engine computes both, with the same release and options, so the new estimate uses only the
release's cited factors and rules (distances, residual grid mix, occupancy defaults):

- ``rail_for_short_flights``: domestic flights whose one-way distance (declared, else great-circle between
  the two places) is under ``threshold_km`` become high-speed rail on the same route (``travel.hsr``);
- ``green_power``: ``share`` of the grid electricity is green power (method/2: the reading's green share,
  the rest at the release's residual factor; method/1: ``electricity.green_certified`` for that part);
- ``vegetarian_meals``: ``share`` of the meals counted per meal become ``meals.vegetarian``;
- ``fewer_prints``: printed matter and paper fall by ``share``;
- ``shuttle_buses``: ``share`` of the car and taxi person-trips go by coach (``travel.coach``), the number
  of switched trips rounded half-even to whole trips.

Invariants: an activity is only rewritten when that lowers its own emissions (under the release's rules a
small green share can raise them: the rest is counted at the higher residual factor), so the saving is
never negative; a share of 0 changes nothing; the new total is the engine's footprint of the rewritten
activities, and saving = baseline − new. A scenario whose factor the release lacks is returned as
unavailable, with the missing key, never computed with an invented number. Pure: no Django, Decimal only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from .activities import Activity, Category, TravelActivity, TravelMode
from .distance import great_circle_km
from .errors import EngineError
from .factors import METHOD_2, EmissionFactor, FactorRelease
from .footprint import AccountingOptions, Footprint, calculate_footprint, sum_kg
from .units import DECIMAL_CONTEXT

PCT_QUANTUM = Decimal("0.01")
MAX_THRESHOLD_KM = Decimal(10) ** 5
PRINT_KEYS = frozenset({"materials.paper", "materials.printed_matter"})
GREEN_CERTIFIED_KEY = "electricity.green_certified"
Engine = Activity | TravelActivity


class ScenarioKey(StrEnum):
    RAIL_FOR_SHORT_FLIGHTS = "rail_for_short_flights"
    GREEN_POWER = "green_power"
    VEGETARIAN_MEALS = "vegetarian_meals"
    FEWER_PRINTS = "fewer_prints"
    SHUTTLE_BUSES = "shuttle_buses"


# Which parameter each scenario takes: a share (0..1) or a distance threshold (km).
THRESHOLD_SCENARIOS = frozenset({ScenarioKey.RAIL_FOR_SHORT_FLIGHTS})


class InvalidScenario(EngineError):
    """A scenario parameter outside its range (share not in 0..1, negative threshold), or an unknown key."""

    code = "invalid_scenario"


@dataclass(frozen=True)
class ActivityChange:
    """One estimate activity the scenario touches: its kg before and after, and whether it was rewritten."""

    ref: str
    before_kg_co2e: Decimal
    after_kg_co2e: Decimal
    applied: bool  # False: rewriting it would raise its emissions under the release's rules, so it is kept


@dataclass(frozen=True)
class ScenarioResult:
    key: ScenarioKey
    parameter: Decimal  # the share (0..1) or the threshold (km)
    available: bool
    missing_factor: str  # the factor key (or distance rule) the release lacks; "" when available
    baseline_kg_co2e: Decimal
    new_kg_co2e: Decimal
    saving_kg_co2e: Decimal
    saving_pct: Decimal  # of the baseline, to 0.01 %, half up; 0 for a zero baseline
    changes: tuple[ActivityChange, ...]
    factors: tuple[EmissionFactor, ...]  # the release's factors the rewritten activities use (their citations)
    footprint: Footprint | None  # the new estimate's footprint; None when unavailable

    @property
    def applied_count(self) -> int:
        return sum(1 for change in self.changes if change.applied)

    @property
    def kept_count(self) -> int:
        return sum(1 for change in self.changes if not change.applied)


def _check_share(share: Decimal) -> Decimal:
    if not isinstance(share, Decimal) or not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
        raise InvalidScenario(f"share must be a Decimal between 0 and 1, got {share!r}")
    return share


def _check_threshold(threshold_km: Decimal) -> Decimal:
    if not isinstance(threshold_km, Decimal) or not threshold_km.is_finite():
        raise InvalidScenario(f"threshold_km must be a finite Decimal, got {threshold_km!r}")
    if not Decimal(0) <= threshold_km <= MAX_THRESHOLD_KM:
        raise InvalidScenario(f"threshold_km must be between 0 and {MAX_THRESHOLD_KM}, got {threshold_km}")
    return threshold_km


def _times(quantity: Decimal, share: Decimal) -> Decimal:
    with localcontext(DECIMAL_CONTEXT):
        return quantity * share


def _split(activity: Activity, share: Decimal, key: str) -> list[Engine]:
    """The activity's `share` moved onto factor `key` (same unit), the rest left on its own factor."""
    moved = _times(activity.quantity, share)
    with localcontext(DECIMAL_CONTEXT):
        kept = activity.quantity - moved
    switched = dataclasses.replace(activity, ref=f"{activity.ref}#scenario", factor_key=key, quantity=moved)
    return [dataclasses.replace(activity, quantity=kept), switched]


def _one_way_km(activity: TravelActivity) -> Decimal:
    if activity.distance_km is not None:
        return activity.distance_km
    assert activity.origin is not None and activity.destination is not None  # TravelActivity guarantees a route
    return great_circle_km(activity.origin, activity.destination)


def _rail(activity: Engine, threshold_km: Decimal, release: FactorRelease) -> list[Engine] | None:
    if not isinstance(activity, TravelActivity) or activity.mode is not TravelMode.FLIGHT_DOMESTIC:
        return None
    if _one_way_km(activity) >= threshold_km:
        return None
    return [dataclasses.replace(activity, mode=TravelMode.HSR, cabin=None)]


def _green(activity: Engine, share: Decimal, release: FactorRelease) -> list[Engine] | None:
    if not isinstance(activity, Activity) or activity.category is not Category.ELECTRICITY:
        return None
    if not activity.factor_key.startswith("electricity.grid") or activity.factor_key == "electricity.grid_residual":
        return None
    if activity.green_kwh is not None or activity.green_share is not None:
        return None  # the reading already declares its green power
    if release.method_version == METHOD_2:
        return [dataclasses.replace(activity, green_share=share)]
    return _split(activity, share, GREEN_CERTIFIED_KEY)


def _vegetarian(activity: Engine, share: Decimal, release: FactorRelease) -> list[Engine] | None:
    if not isinstance(activity, Activity) or activity.category is not Category.MEALS:
        return None
    vegetarian = release.factor("meals.vegetarian")
    own = release.factors.get(activity.factor_key)
    if activity.factor_key == vegetarian.key or own is None or own.activity_unit != vegetarian.activity_unit:
        return None  # meals counted by mass (or already vegetarian) cannot be swapped meal for meal
    return _split(activity, share, vegetarian.key)


def _prints(activity: Engine, share: Decimal, release: FactorRelease) -> list[Engine] | None:
    if not isinstance(activity, Activity) or activity.factor_key not in PRINT_KEYS:
        return None
    with localcontext(DECIMAL_CONTEXT):
        kept = activity.quantity - _times(activity.quantity, share)
    return [dataclasses.replace(activity, quantity=kept)]


def _shuttle(activity: Engine, share: Decimal, release: FactorRelease) -> list[Engine] | None:
    if not isinstance(activity, TravelActivity) or activity.mode not in (TravelMode.CAR, TravelMode.TAXI):
        return None
    with localcontext(DECIMAL_CONTEXT):
        switched = int((activity.person_trips * share).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    if switched == 0:
        return None
    coach = dataclasses.replace(
        activity,
        ref=f"{activity.ref}#scenario",
        mode=TravelMode.COACH,
        person_trips=switched,
        fuel=None,
        occupancy=None,
    )
    kept = activity.person_trips - switched
    return [coach] if kept == 0 else [dataclasses.replace(activity, person_trips=kept), coach]


Rewrite = Callable[[Engine, Decimal, FactorRelease], "list[Engine] | None"]
REWRITES: dict[ScenarioKey, Rewrite] = {
    ScenarioKey.RAIL_FOR_SHORT_FLIGHTS: _rail,
    ScenarioKey.GREEN_POWER: _green,
    ScenarioKey.VEGETARIAN_MEALS: _vegetarian,
    ScenarioKey.FEWER_PRINTS: _prints,
    ScenarioKey.SHUTTLE_BUSES: _shuttle,
}


def required_factors(key: ScenarioKey, release: FactorRelease) -> tuple[str, ...]:
    """The factor keys (and ``distance rule`` names) the scenario needs from `release`."""
    if key is ScenarioKey.RAIL_FOR_SHORT_FLIGHTS:
        return ("travel.hsr", "distance rule hsr")
    if key is ScenarioKey.SHUTTLE_BUSES:
        return ("travel.coach", "distance rule coach")
    if key is ScenarioKey.VEGETARIAN_MEALS:
        return ("meals.vegetarian",)
    if key is ScenarioKey.GREEN_POWER:
        if release.method_version == METHOD_2 and release.method2 is not None:
            return (release.method2.grid.green, release.method2.grid.residual)
        return (GREEN_CERTIFIED_KEY,)
    return ()


def _missing(key: ScenarioKey, release: FactorRelease) -> str:
    for name in required_factors(key, release):
        if name.startswith("distance rule "):
            if name.removeprefix("distance rule ") not in release.distance_rules:
                return name
        elif name not in release.factors:
            return name
    return ""


def _kg_by_ref(footprint: Footprint) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in footprint.lines:
        totals[line.ref] = sum_kg([totals.get(line.ref, Decimal("0.000")), line.kg_co2e])
    return totals


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return Decimal("0.00")
    with localcontext(DECIMAL_CONTEXT):
        return (part * 100 / whole).quantize(PCT_QUANTUM, rounding=ROUND_HALF_UP)


def _unchanged(key: ScenarioKey, parameter: Decimal, baseline: Footprint, missing: str) -> ScenarioResult:
    return ScenarioResult(
        key=key, parameter=parameter, available=not missing, missing_factor=missing,
        baseline_kg_co2e=baseline.total_kg_co2e, new_kg_co2e=baseline.total_kg_co2e,
        saving_kg_co2e=Decimal("0.000"), saving_pct=Decimal("0.00"), changes=(), factors=(),
        footprint=None if missing else baseline,
    )  # fmt: skip


def evaluate_scenario(
    key: ScenarioKey | str,
    activities: Sequence[Engine],
    release: FactorRelease,
    options: AccountingOptions | None = None,
    *,
    parameter: Decimal,
) -> ScenarioResult:
    """The estimate of `activities` with scenario `key` applied (`parameter`: share 0..1, or threshold km).

    Raises ``InvalidScenario`` for an unknown key or a parameter out of range, and the engine's errors
    for activities the footprint itself refuses. Returns an unavailable result (nothing computed with
    the scenario) when the release lacks a factor it needs.
    """
    try:
        key = ScenarioKey(key)
    except ValueError:
        raise InvalidScenario(f"unknown scenario {key!r}") from None
    parameter = _check_threshold(parameter) if key in THRESHOLD_SCENARIOS else _check_share(parameter)
    baseline = calculate_footprint(activities, release, options)
    missing = _missing(key, release)
    if missing or (key not in THRESHOLD_SCENARIOS and parameter == 0):
        return _unchanged(key, parameter, baseline, missing)
    before = _kg_by_ref(baseline)
    rewritten: list[Engine] = []
    changes: list[ActivityChange] = []
    used: dict[str, EmissionFactor] = {}
    for activity in activities:
        replacement = REWRITES[key](activity, parameter, release)
        if replacement is None:
            rewritten.append(activity)
            continue
        trial = calculate_footprint(replacement, release, options)
        applied = trial.total_kg_co2e <= before[activity.ref]
        changes.append(
            ActivityChange(
                activity.ref, before[activity.ref], trial.total_kg_co2e if applied else before[activity.ref], applied
            )
        )
        rewritten.extend(replacement if applied else [activity])
        if applied:
            for line in trial.lines:
                if line.factor_key != activity.factor_key:
                    used.setdefault(line.factor_key, release.factor(line.factor_key))
    footprint = calculate_footprint(rewritten, release, options)
    saving = baseline.total_kg_co2e - footprint.total_kg_co2e
    if saving < 0:  # cannot happen: each rewrite is kept only when it does not raise its activity's kg
        raise EngineError(f"scenario {key.value} raised the estimate by {-saving} kg")
    return ScenarioResult(
        key=key, parameter=parameter, available=True, missing_factor="",
        baseline_kg_co2e=baseline.total_kg_co2e, new_kg_co2e=footprint.total_kg_co2e,
        saving_kg_co2e=saving, saving_pct=_pct(saving, baseline.total_kg_co2e), changes=tuple(changes),
        factors=tuple(used.values()), footprint=footprint,
    )  # fmt: skip

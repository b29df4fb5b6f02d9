"""The footprint calculation: activities × factors → lines with provenance, and their total.

Invariants every ``Footprint`` keeps:
- each line's ``kg_co2e`` is quantized to 0.001 kg (half up), and the total is the sum of the
  quantized lines, so the printed lines always add up exactly to the printed total;
- each line carries the factor's value, unit, source, document number, year, boundary and
  reliability, so a report can list every factor used and label life-cycle vs direct lines;
- quantities are converted into the factor's activity unit first; nothing is ever float.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .activities import Activity, Category, TravelActivity
from .distance import travel_distance_km
from .errors import EngineError, InvalidActivity, UnitMismatch
from .factors import EmissionFactor, FactorRelease
from .units import DECIMAL_CONTEXT, convert_quantity, plain_decimal, quantize_kg

TONNE_QUANTUM = Decimal("0.001")


@dataclass(frozen=True)
class FootprintLine:
    """One activity's emissions and the provenance of the number (``unit`` is the factor's activity unit)."""

    ref: str
    category: Category
    description: str
    quantity: Decimal
    unit: str
    factor_key: str
    factor_value: Decimal
    factor_unit: str
    factor_source: str
    factor_doc_no: str
    factor_year: int
    factor_boundary: str
    factor_reliability: str
    distance_km: Decimal | None
    distance_method: str
    kg_co2e: Decimal


@dataclass(frozen=True)
class Footprint:
    """All lines of one calculation, the release (code + content hash) and method that produced them.

    Invariant (checked at construction, raises ``EngineError``): ``total_kg_co2e`` equals the sum
    of the lines' ``kg_co2e``.
    """

    release_code: str
    release_hash: str
    method_version: str
    lines: tuple[FootprintLine, ...]
    total_kg_co2e: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if _sum_kg(line.kg_co2e for line in self.lines) != self.total_kg_co2e:
            raise EngineError("footprint total does not equal the sum of its lines")

    @property
    def total_t_co2e(self) -> Decimal:
        """Total in tonnes, to 0.001 t, half up (for display; offsets use ``required_offset_t``)."""
        with localcontext(DECIMAL_CONTEXT):
            return (self.total_kg_co2e / 1000).quantize(TONNE_QUANTUM, rounding=ROUND_HALF_UP)

    @property
    def required_offset_t(self) -> int:
        """Whole tonnes of credits needed: the exact total in tonnes rounded up, 0 for a zero total.

        Rounded from the exact kg total, not the displayed tonnes, so that the retired credits
        always cover the inventory: 1,000.0004 kg needs 2 t, although it displays as 1.000 t.
        """
        with localcontext(DECIMAL_CONTEXT):
            return math.ceil(self.total_kg_co2e / 1000)

    def by_category_kg(self) -> dict[str, Decimal]:
        """kg CO2e per category value, in category order, for the categories present."""
        totals = {category.value: Decimal("0.000") for category in Category}
        for line in self.lines:
            totals[line.category.value] += line.kg_co2e
        present = {line.category.value for line in self.lines}
        return {category: kg for category, kg in totals.items() if category in present}


def _sum_kg(values: Iterable[Decimal]) -> Decimal:
    total = Decimal("0.000")
    with localcontext(DECIMAL_CONTEXT):
        for value in values:
            total += value
    return total


def _route(activity: Activity | TravelActivity) -> str:
    # A travel line without a description still says where it went, so reports stay readable.
    if isinstance(activity, TravelActivity) and activity.origin and activity.destination:
        return f"{activity.origin.name} → {activity.destination.name}"
    return ""


def _line(
    activity: Activity | TravelActivity,
    factor: EmissionFactor,
    quantity: Decimal,
    distance: tuple[Decimal | None, str],
) -> FootprintLine:
    with localcontext(DECIMAL_CONTEXT):
        kg_co2e = quantize_kg(quantity * factor.value)
    return FootprintLine(
        ref=activity.ref,
        category=activity.category,
        description=activity.description or _route(activity),
        quantity=quantity,
        unit=factor.activity_unit,
        factor_key=factor.key,
        factor_value=factor.value,
        factor_unit=factor.unit,
        factor_source=factor.source,
        factor_doc_no=factor.doc_no,
        factor_year=factor.year,
        factor_boundary=factor.boundary,
        factor_reliability=factor.reliability,
        distance_km=distance[0],
        distance_method=distance[1],
        kg_co2e=kg_co2e,
    )


def _activity_line(activity: Activity, release: FactorRelease) -> FootprintLine:
    factor = release.factor(activity.factor_key)
    quantity = convert_quantity(
        activity.quantity, activity.unit, factor.activity_unit, density_kg_per_l=factor.density_kg_per_l
    )
    return _line(activity, factor, quantity, (None, ""))


def _travel_line(activity: TravelActivity, release: FactorRelease) -> FootprintLine:
    factor = release.factor(activity.factor_key)
    expected_unit = "vehicle-km" if factor.per_vehicle else "passenger-km"
    if factor.activity_unit != expected_unit:
        raise UnitMismatch(f"travel factor {factor.key} must be per {expected_unit}, not per {factor.activity_unit}")
    one_way_km, method = travel_distance_km(activity, release)
    legs = 2 if activity.round_trip else 1
    method += f"; {'round trip × 2; ' if activity.round_trip else ''}× {activity.person_trips} person-trips"
    with localcontext(DECIMAL_CONTEXT):
        quantity = one_way_km * legs * activity.person_trips  # passenger-km
        if factor.per_vehicle:
            # A per-vehicle factor covers everyone in the car: share it by the occupancy.
            occupancy = activity.occupancy
            if occupancy is None:
                occupancy = release.default_car_occupancy
            quantity = plain_decimal(quantity / occupancy)
            method += f"; ÷ occupancy {occupancy}"
    return _line(activity, factor, quantity, (one_way_km, method))


def calculate_footprint(activities: Sequence[Activity | TravelActivity], release: FactorRelease) -> Footprint:
    """Compute one line per activity and the total, with ``release`` as the only source of factors.

    Rules: non-travel quantities are converted into the factor's activity unit; travel is
    one-way km × 2 (round trip) × person_trips passenger-km, divided by occupancy (the activity's or
    the release default) for per-vehicle factors. Lines are quantized to 0.001 kg and summed.
    Raises ``InvalidActivity`` on duplicate refs, ``UnknownFactor`` for a key (or travel mode
    without distance rule) the release lacks, ``UnitMismatch`` for inconvertible units.
    """
    seen: set[str] = set()
    lines: list[FootprintLine] = []
    for activity in activities:
        if activity.ref in seen:
            raise InvalidActivity(f"duplicate activity ref {activity.ref!r}")
        seen.add(activity.ref)
        if isinstance(activity, TravelActivity):
            lines.append(_travel_line(activity, release))
        elif isinstance(activity, Activity):
            lines.append(_activity_line(activity, release))
        else:
            raise InvalidActivity(f"not an activity: {type(activity).__name__}")
    return Footprint(
        release_code=release.code,
        release_hash=release.content_hash(),
        method_version=release.method_version,
        lines=tuple(lines),
        total_kg_co2e=_sum_kg(line.kg_co2e for line in lines),
    )

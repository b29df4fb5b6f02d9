"""The footprint calculation: activities × factors → lines with provenance, and their total.

Invariants every ``Footprint`` keeps:
- each line's ``kg_co2e`` is quantized to 0.001 kg (half up), and the total is the sum of the
  quantized lines, so the printed lines always add up exactly to the printed total;
- each line carries the factor's value, unit, source, document number, year, boundary and
  reliability, so a report can list every factor used and label life-cycle vs direct lines;
- quantities are converted into the factor's activity unit first; nothing is ever float.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

from .activities import Activity, Category, Phase, TravelActivity, TravelMode
from .distance import travel_distance_km
from .errors import EngineError, InvalidActivity, UnitMismatch
from .factors import METHOD_2, EmissionFactor, FactorRelease
from .units import DECIMAL_CONTEXT, convert_quantity, plain_decimal, quantize_kg

TONNE_QUANTUM = Decimal("0.001")
GridChoice = Literal["provincial", "national", "regional"]
OffsetBasis = Literal["central", "upper"]


@dataclass(frozen=True)
class AccountingOptions:
    """Choices a zhonghe-method/2 calculation takes (method/1 releases accept only the defaults).

    ``venue_province``: 2-digit adcode prefix of the venue's province ("" = unknown → national
    average); ``grid``: which grid factor electricity uses; ``radiative_forcing`` and
    ``offset_basis``: None means the release's default; ``gwp_set``: None means the release's.
    """

    venue_province: str = "50"
    grid: GridChoice = "provincial"
    radiative_forcing: bool | None = None
    offset_basis: OffsetBasis | None = None
    gwp_set: str | None = None

    def __post_init__(self) -> None:
        province = self.venue_province
        if not isinstance(province, str) or (province and not (len(province) == 2 and province.isdigit())):
            raise InvalidActivity(f"options: venue_province must be a 2-digit adcode prefix or '', got {province!r}")
        if self.grid not in ("provincial", "national", "regional"):
            raise InvalidActivity(f"options: grid must be provincial, national or regional, got {self.grid!r}")
        if self.radiative_forcing not in (None, True, False):
            raise InvalidActivity("options: radiative_forcing must be true, false or unset")
        if self.offset_basis not in (None, "central", "upper"):
            raise InvalidActivity(f"options: offset_basis must be central or upper, got {self.offset_basis!r}")


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
    phase: str = Phase.HOLDING.value
    quality: str = "estimated"
    part: str = ""  # "" | "green" | "residual" (two halves of a meter reading) | "rf" (flight RF line)
    factor_source_en: str = ""
    distance_method_zh: str = ""
    kg_co2: Decimal | None = None  # kg of each gas before GWP; None when the factor is published as CO2e
    kg_ch4: Decimal | None = None
    kg_n2o: Decimal | None = None
    uncertainty_pct: Decimal = Decimal(0)  # 95 % half-width of this line, in % of kg_co2e
    evidence: tuple[str, ...] = ()  # e.g. green-power certificate ids


@dataclass(frozen=True)
class Footprint:
    """All lines of one calculation, the release (code + content hash) and method that produced them.

    Invariants (checked at construction, raise ``EngineError``): ``total_kg_co2e`` equals the sum
    of the lines' ``kg_co2e``; (ref, part) is unique; the 95 % range contains the total.
    ``range_95_kg_co2e`` defaults to (total, total): method/1 releases carry no uncertainty data.
    ``uncertainty_variances`` holds, per category, its contribution to the variance of the total
    (kg², see uncertainty.py), from which ``uncertainty_shares`` are computed.
    """

    release_code: str
    release_hash: str
    method_version: str
    lines: tuple[FootprintLine, ...]
    total_kg_co2e: Decimal
    range_95_kg_co2e: tuple[Decimal, Decimal] | None = None
    offset_basis: str = "central"
    gwp_set: str = ""
    radiative_forcing: bool = False
    grid: str = ""
    uncertainty_variances: tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if sum_kg(line.kg_co2e for line in self.lines) != self.total_kg_co2e:
            raise EngineError("footprint total does not equal the sum of its lines")
        keys = [(line.ref, line.part) for line in self.lines]
        if len(set(keys)) != len(keys):
            raise EngineError("footprint lines must have unique (ref, part)")
        if self.range_95_kg_co2e is None:
            object.__setattr__(self, "range_95_kg_co2e", (self.total_kg_co2e, self.total_kg_co2e))
        low, high = self.range_95
        if not low <= self.total_kg_co2e <= high:
            raise EngineError("the 95 % range must contain the total")
        if self.offset_basis not in ("central", "upper"):
            raise EngineError("offset_basis must be central or upper")

    @property
    def range_95(self) -> tuple[Decimal, Decimal]:
        """``range_95_kg_co2e``, never None after construction (a typed accessor)."""
        assert self.range_95_kg_co2e is not None
        return self.range_95_kg_co2e

    @property
    def total_t_co2e(self) -> Decimal:
        """Total in tonnes, to 0.001 t, half up (for display; offsets use ``required_offset_t``)."""
        with localcontext(DECIMAL_CONTEXT):
            return (self.total_kg_co2e / 1000).quantize(TONNE_QUANTUM, rounding=ROUND_HALF_UP)

    @property
    def required_offset_t(self) -> int:
        """Whole tonnes of credits needed: the exact total in tonnes rounded up, 0 for a zero total.

        Rounded from the exact kg total, not the displayed tonnes, so that the retired credits
        always cover the inventory: 1,000.0004 kg needs 2 t, although it displays as 1.000 t. With
        ``offset_basis == "upper"`` the upper end of the 95 % range is offset instead.
        """
        basis = self.range_95[1] if self.offset_basis == "upper" else self.total_kg_co2e
        with localcontext(DECIMAL_CONTEXT):
            return math.ceil(basis / 1000)

    def by_phase_kg(self) -> dict[str, Decimal]:
        """kg CO2e per phase value, in phase order (筹备, 举办, 收尾), for the phases present."""
        totals = {phase.value: Decimal("0.000") for phase in Phase}
        for line in self.lines:
            totals[line.phase] = totals.get(line.phase, Decimal("0.000")) + line.kg_co2e
        present = {line.phase for line in self.lines}
        return {phase: kg for phase, kg in totals.items() if phase in present}

    def uncertainty_shares(self) -> list[tuple[str, Decimal]]:
        """(category, share of the variance of the total, 0..1 to 0.0001), largest first.

        Which sources dominate the uncertainty; empty when the total has no uncertainty.
        """
        total = sum((variance for _, variance in self.uncertainty_variances), Decimal(0))
        if total <= 0:
            return []
        with localcontext(DECIMAL_CONTEXT):
            shares = [
                (key, (variance / total).quantize(Decimal("0.0001"))) for key, variance in self.uncertainty_variances
            ]
        return sorted(shares, key=lambda item: (-item[1], item[0]))

    def by_category_kg(self) -> dict[str, Decimal]:
        """kg CO2e per category value, in category order, for the categories present."""
        totals = {category.value: Decimal("0.000") for category in Category}
        for line in self.lines:
            totals[line.category.value] += line.kg_co2e
        present = {line.category.value for line in self.lines}
        return {category: kg for category, kg in totals.items() if category in present}


# Fields with a default (all immutable): filled in by new_line for the fields a caller leaves out.
_LINE_DEFAULTS: dict[str, object] = {
    item.name: item.default for item in dataclasses.fields(FootprintLine) if item.default is not dataclasses.MISSING
}


def new_line(values: dict[str, object]) -> FootprintLine:
    """A ``FootprintLine`` built without the generated frozen ``__init__`` (26 ``object.__setattr__``
    calls), which dominated the cost of a line; equal to ``FootprintLine(**values)`` in every way:
    FootprintLine has no ``__post_init__`` and no default factories. For the engine's own call
    sites, which pass every field without a default (a test checks the equivalence); names are not
    re-checked per line.
    """
    line = object.__new__(FootprintLine)
    object.__setattr__(line, "__dict__", {**_LINE_DEFAULTS, **values})
    return line


def sum_kg(values: Iterable[Decimal]) -> Decimal:
    total = Decimal("0.000")
    with localcontext(DECIMAL_CONTEXT):
        for value in values:
            total += value
    return total


def _refuse_method2_options(release: FactorRelease, options: AccountingOptions | None) -> None:
    if options is not None:
        # The venue province is accepted and ignored: a method/1 release has one grid factor.
        chosen = {
            "grid": options.grid != "provincial",
            "radiative_forcing": options.radiative_forcing is True,
            "offset_basis": options.offset_basis == "upper",
            "gwp_set": options.gwp_set not in (None, release.gwp_set),
        }
        refused = [name for name, differs in chosen.items() if differs]
        if refused:
            raise InvalidActivity(
                f"options: {refused[0]}: release {release.code} ({release.method_version}) "
                f"has no choice of {refused[0]}"
            )


def _refuse_new_activity_inputs(item: Activity, release: FactorRelease) -> None:
    if item.green_kwh is not None or item.green_share is not None:
        raise InvalidActivity(
            f"{item.ref}: green_kwh: release {release.code} does not split green power; "
            "record certified kWh under electricity.green_certified"
        )


def _refuse_new_travel_inputs(item: TravelActivity, release: FactorRelease) -> None:
    if item.occupancy is not None and item.mode is not TravelMode.CAR:
        raise InvalidActivity(f"{item.ref}: occupancy: release {release.code} shares only cars by occupancy")
    if item.cabin is not None or item.fuel is not None:
        field_name = "cabin" if item.cabin is not None else "fuel"
        raise InvalidActivity(f"{item.ref}: {field_name}: release {release.code} has no factors by {field_name}")


def route(activity: Activity | TravelActivity) -> str:
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
    return new_line(
        {
            "ref": activity.ref,
            "category": activity.category,
            "description": activity.description or route(activity),
            "quantity": quantity,
            "unit": factor.activity_unit,
            "factor_key": factor.key,
            "factor_value": factor.value,
            "factor_unit": factor.unit,
            "factor_source": factor.source,
            "factor_doc_no": factor.doc_no,
            "factor_year": factor.year,
            "factor_boundary": factor.boundary,
            "factor_reliability": factor.reliability,
            "distance_km": distance[0],
            "distance_method": distance[1],
            "kg_co2e": kg_co2e,
            "phase": activity.phase._value_,  # _value_: the enum property is slow in a hot loop
            "quality": activity.quality._value_,
        }
    )


def _activity_line(activity: Activity, release: FactorRelease) -> FootprintLine:
    _refuse_new_activity_inputs(activity, release)
    factor = release.factor(activity.factor_key)
    quantity = convert_quantity(
        activity.quantity, activity.unit, factor.activity_unit, density_kg_per_l=factor.density_kg_per_l
    )
    return _line(activity, factor, quantity, (None, ""))


def _travel_line(activity: TravelActivity, release: FactorRelease) -> FootprintLine:
    _refuse_new_travel_inputs(activity, release)
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


def calculate_footprint(
    activities: Sequence[Activity | TravelActivity],
    release: FactorRelease,
    options: AccountingOptions | None = None,
) -> Footprint:
    """Compute the lines and the total, with ``release`` as the only source of factors.

    Dispatches on ``release.method_version``: zhonghe-method/2 releases are computed by
    ``method2.calculate`` (gases and GWP, grid by province, green split, geodesic distances, RF
    line, 95 % range); every other release by the method/1 rules below, which are kept exactly as
    they were so that old inventories recompute to the same lines.

    Method/1 rules (one line per activity):
    Rules: non-travel quantities are converted into the factor's activity unit; travel is
    one-way km × 2 (round trip) × person_trips passenger-km, divided by occupancy (the activity's or
    the release default) for per-vehicle factors. Lines are quantized to 0.001 kg and summed.
    Raises ``InvalidActivity`` on duplicate refs, ``UnknownFactor`` for a key (or travel mode
    without distance rule) the release lacks, ``UnitMismatch`` for inconvertible units. Method/1
    refuses method/2 inputs it cannot honour (green split, cabin, fuel, options other than the
    defaults) rather than silently ignoring them.
    """
    if release.method_version == METHOD_2:
        from .method2 import calculate

        return calculate(activities, release, options or AccountingOptions())
    _refuse_method2_options(release, options)
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
        total_kg_co2e=sum_kg(line.kg_co2e for line in lines),
    )

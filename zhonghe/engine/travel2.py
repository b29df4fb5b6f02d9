"""Travel lines under zhonghe-method/2.

- Distance: ``distance.travel_distance_v2`` (declared; rail table; WGS84 geodesic × cited rule).
- Flights: when both places carry a country (airports), the same country → the domestic factor,
  different countries → the international one, whatever mode was typed; the line says which. A
  cabin class multiplies the economy factor by the release's cited multiplier for that haul.
  With radiative forcing on, a separate "rf" line = flight line × the cited uplift (never folded).
- Car, taxi, coach: a declared occupancy selects the per-vehicle-km factor (``travel.<mode>_vehicle``
  when the per-passenger one is the default), divided by the occupancy; a per-vehicle factor without
  a declared occupancy uses the release's cited default. A fuel selects ``travel.<mode>_<fuel>``.
- passenger-km = one-way km × (2 if round trip) × person_trips.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from .activities import TravelActivity, TravelMode
from .cited import CitedValue
from .distance import travel_distance_v2
from .errors import InvalidActivity, UnknownFactor
from .factors import EmissionFactor
from .method2 import Context, make_line
from .units import DECIMAL_CONTEXT, plain_decimal

if TYPE_CHECKING:
    from .footprint import FootprintLine

_FLIGHTS = (TravelMode.FLIGHT_DOMESTIC, TravelMode.FLIGHT_INTERNATIONAL)
# A vehicle fuel without a cited per-km factor is refused, saying what to record instead (never a made-up
# kWh or litres per km): an electric vehicle's charging energy goes through the venue's grid factor, a
# diesel vehicle's fuel through the mobile diesel factor.
_FUEL_ADVICE = {
    "electric": (
        "; record the charging kWh as an electricity activity (electricity.grid) instead",
        "charging_kwh_as_electricity",
    ),
    "diesel": ("; record the diesel used as a fuel activity (fuel.diesel_mobile, L or t) instead", "diesel_as_fuel"),
}


def _flight_mode(activity: TravelActivity) -> tuple[TravelMode, str, str]:
    origin, destination = activity.origin, activity.destination
    if origin is None or destination is None or not origin.country or not destination.country:
        return activity.mode, "", ""
    if origin.country == destination.country:
        return (
            TravelMode.FLIGHT_DOMESTIC,
            f"domestic: both airports in {origin.country}",
            f"国内航班：两机场均在{origin.country}",
        )
    pair = f"{origin.country}–{destination.country}"
    return TravelMode.FLIGHT_INTERNATIONAL, f"international: airports in {pair}", f"国际航班：机场分属{pair}"


def _flight_factor(activity: TravelActivity, mode: TravelMode, ctx: Context) -> tuple[EmissionFactor, list[CitedValue]]:
    haul = "domestic" if mode is TravelMode.FLIGHT_DOMESTIC else "international"
    if activity.cabin is None:
        return ctx.factor(activity.ref, "mode", f"travel.{mode.value}"), []
    base_key = f"travel.{mode.value}_economy"
    if base_key not in ctx.release.factors:
        base_key = f"travel.{mode.value}"
    multiplier = ctx.parts.cabin_multipliers[haul][activity.cabin.value]
    return ctx.factor(activity.ref, "cabin", base_key), [multiplier]


def _road_factor(activity: TravelActivity, ctx: Context) -> EmissionFactor:
    mode, fuel = activity.mode.value, activity.fuel.value if activity.fuel else None
    base = f"travel.{mode}_{fuel}" if fuel else f"travel.{mode}"
    candidates = ([f"{base}_vehicle"] if activity.occupancy is not None else []) + [base]
    for key in candidates:
        if key in ctx.release.factors:
            return ctx.release.factors[key]
    field_name = "fuel" if fuel else "mode"
    hint, advice = _FUEL_ADVICE.get(fuel or "", ("", ""))
    raise UnknownFactor(
        f"{activity.ref}: {field_name}: release {ctx.release.code} has no factor {base!r}"
        + (f" ({mode} with fuel {fuel})" if fuel else "")
        + hint,
        advice=advice,
    )


def travel_lines(activity: TravelActivity, ctx: Context) -> list[FootprintLine]:
    """The travel line, and its radiative-forcing line for a flight when RF is on."""
    distance = travel_distance_v2(activity, ctx.release)
    mode, flight_en, flight_zh = activity.mode, "", ""
    extra: list[CitedValue] = []
    if mode in _FLIGHTS:
        mode, flight_en, flight_zh = _flight_mode(activity)
        factor, extra = _flight_factor(activity, mode, ctx)
    else:
        factor = _road_factor(activity, ctx)
    expected = "vehicle-km" if factor.per_vehicle else "passenger-km"
    if factor.activity_unit != expected:
        raise UnknownFactor(f"{activity.ref}: mode: factor {factor.key} must be per {expected}")
    en, zh = [distance.method], [distance.method_zh]
    if flight_en:
        en.insert(0, flight_en)
        zh.insert(0, flight_zh)
    if extra:
        cabin = activity.cabin.value if activity.cabin else ""
        en.append(f"cabin {cabin} × {extra[0].value}")
        zh.append(f"舱位 {cabin} × {extra[0].value}")
    legs = 2 if activity.round_trip else 1
    if legs == 2:
        en.append("round trip × 2")
        zh.append("往返 × 2")
    en.append(f"× {activity.person_trips} person-trips")
    zh.append(f"× {activity.person_trips} 人次")
    with localcontext(DECIMAL_CONTEXT):
        quantity = distance.km * legs * activity.person_trips
        if factor.per_vehicle:
            occupancy, occupancy_source = _occupancy(activity, ctx)
            quantity = plain_decimal(quantity / occupancy)
            en.append(f"÷ occupancy {occupancy}{occupancy_source[1]}")
            zh.append(f"÷ 载客 {occupancy} 人{occupancy_source[0]}")
        elif activity.occupancy is not None:
            en.append(f"occupancy {activity.occupancy} not applied: the factor is per passenger-km")
            zh.append(f"载客人数 {activity.occupancy} 未使用：该因子按人公里计")
    multiplier = extra[0].value if extra else Decimal(1)
    line = make_line(
        activity, factor, quantity, ctx, multiplier=multiplier, extra=extra,
        distance=(distance.km, "; ".join(en), "；".join(zh)),
    )  # fmt: skip
    if mode not in _FLIGHTS or not ctx.rf:
        return [line]
    uplift = ctx.parts.rf_uplift
    with localcontext(DECIMAL_CONTEXT):
        rf_multiplier = multiplier * uplift.value
    rf_line = make_line(
        activity, factor, quantity, ctx, part="rf", multiplier=rf_multiplier, extra=[*extra, uplift],
        distance=(distance.km, "; ".join([*en, f"radiative forcing × {uplift.value}"]),
                  "；".join([*zh, f"辐射强迫 × {uplift.value}"])),
    )  # fmt: skip
    return [line, rf_line]


def _occupancy(activity: TravelActivity, ctx: Context) -> tuple[Decimal, tuple[str, str]]:
    if activity.occupancy is not None:
        return activity.occupancy, ("（申报）", " (declared)")
    default = ctx.parts.occupancy_defaults.get(activity.mode.value)
    if default is None:
        raise InvalidActivity(
            f"{activity.ref}: occupancy: release {ctx.release.code} has no default occupancy for "
            f"{activity.mode.value}; declare the persons per vehicle"
        )
    return default.value, (f"（缺省值，{default.source}）", f" (default, {default.source_en})")
